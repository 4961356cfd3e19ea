"""The demo's innovation process: initiatives of every municipality with a programme, walked
through their decision points with back-dated decisions (see ``partnership.py``).

Every stage is represented, with gate history, assumptions (some invalidated, with what was
learned; one past its test-by date), helix partners from the cluster's roster and effort over
the last quarters. In cluster A Vårgårda's demand-responsive transport pilot has passed to
implementation, Herrljunga's two pilots are in operation, one decision is three weeks overdue, and
no pilot has a civil-society partner (so the portfolio's helix warning shows for cluster A);
cluster A's accepted shared need has started a joint initiative. Herrljunga's key boxes had a
signed pilot agreement before their pilot (written by ``results.py`` as the walk reaches that
decision): the template their adopters start from. In Swedish, as a Swedish partnership would
write it.

Idempotent like the rest of the demo: an initiative is keyed by its owner and title, and one that
exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from clusters.models import Cluster, Need
from innocities.accounts.models import User
from innocities.demo import results
from municipalities.models import Municipality
from programs.initiatives.models import (
    ADVANCING,
    AssumptionKind,
    Body,
    CriterionCheck,
    Decision,
    Facet,
    GateCriterion,
    Initiative,
    Outcome,
    PortfolioTarget,
    Stage,
    next_stage,
)
from programs.initiatives.services import (
    assumption_resolve,
    assumption_save,
    effort_record,
    gate_decide,
    initiative_create,
    partner_add,
    portfolio_target_set,
)
from programs.models import Program

if TYPE_CHECKING:
    from innocities.demo.partnership import Seeder

CLUSTER_A = "Västra Götaland smart och hållbar"
CLUSTER_B = "Dalarna innovation"


@dataclass(frozen=True)
class Gate:
    decision: str
    days_ago: int
    body: str = Body.MANAGEMENT_GROUP
    rationale: str = ""  # default: the usual reason for entering the next stage
    conditions: str = ""


@dataclass(frozen=True)
class AssumptionSpec:
    statement: str
    kind: str
    impact: int
    uncertainty: int
    test_plan: str
    test_in_days: int  # the test-by date, from today (negative: in the past)
    outcome: str = Outcome.OPEN
    learning: str = ""
    resolved_days_ago: int = 0


@dataclass(frozen=True)
class InitiativeSpec:
    title: str
    description: str
    facet: str
    started_days_ago: int
    first_stage: str = Stage.IDEA
    code: str = ""  # the municipality's kommunkod, or
    cluster: str = ""  # the cluster's name, for a joint initiative
    need: str = ""  # a need's title (the owner's own or its cluster's)
    shared_need_key: str = ""  # or the proposal key of the cluster's accepted shared need
    lead: str = ""  # an e-mail; default: the municipality's coordinator
    gates: tuple[Gate, ...] = ()
    next_gate_in_days: int | None = None
    partners: tuple[tuple[str, str], ...] = ()  # (partner key in the cluster, role)
    assumptions: tuple[AssumptionSpec, ...] = ()
    effort: tuple[int, int, int] = (0, 0, 0)  # hours and SEK a quarter, over so many quarters
    expected_benefits: str = ""
    cost_sek: int | None = None
    risk: str = ""
    benefit_owner: str = ""


# Who decides in each municipality's management group (the kommundirektör).
DIRECTORS = {
    "1442": "Anna Svärd",
    "1466": "Per Olausson",
    "1445": "Karin Ljung",
    "1463": "Tomas Ring",
    "1465": "Ulla Berg",
    "2085": "Henrik Sjö",
    "2061": "Maria Höök",
    "2082": "Olof Lind",
    "2083": "Eva Brandt",
}

RATIONALES: dict[str, str] = {
    Stage.IDEA: "Behovet är bekräftat hos dem det gäller och värt att söka lösningar på.",
    Stage.CONCEPT: "Idén svarar mot behovet och har stöd i verksamheten; ett koncept tas fram.",
    Stage.PILOT: "Konceptet är genomarbetat och de kritiska antagandena är prövade eller hanterade.",
    Stage.IMPLEMENTATION: "Piloten visade nytta som motiverar att skala upp till fler områden.",
    Stage.OPERATION: "Införandet är klart och den ordinarie verksamheten har tagit över ansvaret.",
}
OPEN_CRITERIA_REASON = "Det som återstår hanteras som villkor och följs upp i nästa fas."

INITIATIVES = (
    # --- Vårgårda (cluster A): the coordinator's municipality, every kind of state ------------
    InitiativeSpec(
        "Anropsstyrd trafik i Nårunga",
        "Bokningsbar minibuss mellan byarna runt Nårunga och tätorten, för boende utan egen bil.",
        Facet.MISSION,
        started_days_ago=430,
        first_stage=Stage.NEED,
        code="1442",
        need="Att ta sig fram på landsbygden utan bil",
        gates=(
            Gate(Decision.GO, 400),
            Gate(Decision.GO, 330),
            Gate(
                Decision.GO_WITH_CONDITIONS,
                250,
                conditions="Utvärdering tillsammans med Sjuhärads högskola efter sex månader.",
            ),
            Gate(
                Decision.GO,
                40,
                Body.POLITICAL_COMMITTEE,
                rationale=(
                    "Piloten gav 210 resor i månaden och halverade färdtjänstresorna i området. "
                    "Kommunstyrelsen beslutar att utöka till alla byar i kommunen."
                ),
            ),
        ),
        next_gate_in_days=150,
        partners=(
            ("business", "Fordon och bokningsplattform"),
            ("academia", "Utvärdering av piloten"),
        ),
        assumptions=(
            AssumptionSpec(
                "Äldre boende i byarna vill boka resor i förväg",
                AssumptionKind.NEED,
                5,
                4,
                "Intervjuer i tre byar och en provmånad med telefonbokning.",
                -330,
                Outcome.VALIDATED,
                "78 resor första månaden; de flesta bokades per telefon, så telefonbokningen "
                "behålls vid sidan av appen.",
                320,
            ),
            AssumptionSpec(
                "Skolskjutsens fordon kan köra mellan skolturerna",
                AssumptionKind.FEASIBILITY,
                4,
                4,
                "Genomgång av avtalet med skolskjutsentreprenören.",
                -280,
                Outcome.INVALIDATED,
                "Avtalet tillåter ingen annan körning. Piloten fick egna fordon genom "
                "Sjuhärad Smart Mobilitet – räkna med fordonskostnaden från början.",
                270,
            ),
            AssumptionSpec(
                "Kostnaden per resa blir under 150 kronor vid 200 resor i månaden",
                AssumptionKind.VIABILITY,
                4,
                3,
                "Uppföljning av kostnader och resor under pilotens första halvår.",
                -60,
                Outcome.VALIDATED,
                "Kostnaden landade på 128 kronor per resa vid 210 resor i månaden.",
                50,
            ),
        ),
        effort=(380, 140_000, 4),
        expected_benefits="Boende i alla byar når vårdcentral, skola och jobb utan egen bil; "
        "färre färdtjänstresor.",
        cost_sek=1_200_000,
        risk="Fordonen är få; ett driftstopp märks direkt för resenärerna.",
        benefit_owner="Kollektivtrafikansvarig, samhällsbyggnadsförvaltningen",
    ),
    InitiativeSpec(
        "Smarta vattenmätare",
        "Fjärravlästa vattenmätare i två bostadsområden som larmar vid läckor och visar "
        "hushållen deras förbrukning.",
        Facet.ENHANCEMENT,
        started_days_ago=320,
        code="1442",
        lead="bo.carlsson@demo.innocities.se",
        gates=(
            Gate(Decision.GO, 230),
            Gate(
                Decision.GO_WITH_CONDITIONS,
                120,
                conditions="Vårgårda Energis styrelse godkänner sin del av finansieringen.",
            ),
        ),
        # The decision on scaling up is three weeks late: the weekly overdue reminder and the
        # escalation to the programme manager both fire on the day the demo is seeded.
        next_gate_in_days=-21,
        partners=(
            ("energy", "Mätare, datainsamling och testplats"),
            ("academia", "Analys av förbrukningsdata"),
        ),
        assumptions=(
            AssumptionSpec(
                "Mätarna sänder även i kalla mätarbrunnar",
                AssumptionKind.FEASIBILITY,
                4,
                4,
                "Tio mätare i brunnar under vintern.",
                -100,
                Outcome.INVALIDATED,
                "Två av tio mätare slutade sända vid −15 °C. Leverantören byter batterityp; "
                "kräv köldtålighet i upphandlingen.",
                95,
            ),
            AssumptionSpec(
                "Hushållen vill se sin förbrukning i en app",
                AssumptionKind.NEED,
                3,
                3,
                "Enkät till de 40 hushållen i pilotområdet.",
                -7,  # the demo's one assumption past its test-by date: reminded today
            ),
            AssumptionSpec(
                "En läcka upptäcks inom ett dygn",
                AssumptionKind.FEASIBILITY,
                5,
                3,
                "Simulerade läckor i samarbete med VA-avdelningen.",
                25,
            ),
        ),
        effort=(220, 90_000, 3),
        expected_benefits="Mindre vattenförlust i nätet och tidig upptäckt av läckor hos "
        "hushållen.",
        cost_sek=640_000,
        benefit_owner="VA-chef",
    ),
    InitiativeSpec(
        "Sensorer för inomhusklimat i skolor",
        "Sensorer för koldioxid och temperatur i klassrummen, så att ventilation och vädring "
        "styrs efter behov.",
        Facet.ENHANCEMENT,
        started_days_ago=200,
        code="1442",
        need="Energianvändning i kommunens lokaler",
        lead="lisa.strand@demo.innocities.se",
        gates=(Gate(Decision.GO, 150), Gate(Decision.GO, 60)),
        next_gate_in_days=120,
        partners=(
            ("energy", "Sensorer och energidata"),
            ("park", "Testbädd och leverantörskontakter"),
        ),
        assumptions=(
            AssumptionSpec(
                "Ventilationen kan styras efter koldioxidhalt utan ombyggnad",
                AssumptionKind.FEASIBILITY,
                4,
                3,
                "Test i Tånga skola och Kesbergsskolan.",
                -70,
                Outcome.VALIDATED,
                "Styrsystemet i Tånga skola klarar det; Kesbergsskolan behöver en ny "
                "styrenhet för 40 000 kronor.",
                65,
            ),
            AssumptionSpec(
                "Lärarna använder klimatdata för att vädra rätt",
                AssumptionKind.NEED,
                3,
                4,
                "Observationer och samtal med lärarna efter åtta veckor.",
                7,
            ),
        ),
        effort=(150, 60_000, 2),
        expected_benefits="Bättre luft i klassrummen och 10 % lägre energianvändning i skolorna.",
        cost_sek=380_000,
    ),
    InitiativeSpec(
        "Säkra skolvägar längs väg 42",
        "Trygga passager och gångstråk så att fler barn kan gå eller cykla till skolan.",
        Facet.MISSION,
        started_days_ago=200,
        first_stage=Stage.NEED,
        code="1442",
        need="Säkra skolvägar i centrum",
        gates=(
            Gate(Decision.GO, 100),
            Gate(
                Decision.GO_WITH_CONDITIONS,
                20,  # with the pilot's move 40 days ago, last month's report has a move
                conditions="Trafikverket deltar i konceptarbetet.",
            ),
        ),
        next_gate_in_days=14,
        assumptions=(
            AssumptionSpec(
                "Föräldrar låter barnen gå om passagerna blir tryggare",
                AssumptionKind.NEED,
                5,
                4,
                "Trygghetsvandring med föräldrar och elever, och en enkät före och efter.",
                30,
            ),
        ),
        effort=(60, 0, 2),
    ),
    InitiativeSpec(
        "Matsvinn i skolkök",
        "Ett digitalt verktyg för att mäta och minska matsvinnet i kommunens skolkök.",
        Facet.ADAPTIVE,
        started_days_ago=260,
        code="1442",
        lead="viewer@demo.innocities.se",
        gates=(
            Gate(Decision.GO, 200),
            Gate(
                Decision.STOP,
                90,
                rationale=(
                    "Köken väger redan svinnet med Livsmedelsverkets verktyg sedan 2023; "
                    "initiativet tillför inget nytt. Erfarenheterna delas med klustret."
                ),
            ),
        ),
        assumptions=(
            AssumptionSpec(
                "Köken saknar ett sätt att mäta svinnet",
                AssumptionKind.NEED,
                4,
                4,
                "Samtal med kostchefen och två kökschefer.",
                -100,
                Outcome.INVALIDATED,
                "Alla kök väger redan svinnet – behovet fanns inte. Fråga verksamheten "
                "först, innan en lösning tas fram.",
                95,
            ),
        ),
        effort=(40, 0, 2),
    ),
    InitiativeSpec(
        "Framtidsbilder för Vårgårda 2040",
        "Scenarier för hur boende, arbete och service i kommunen kan se ut 2040.",
        Facet.ANTICIPATORY,
        started_days_ago=25,
        first_stage=Stage.NEED,
        code="1442",
        lead="viewer@demo.innocities.se",
        next_gate_in_days=20,
    ),
    # --- Herrljunga (cluster A): two pilots handed over to operation -------------------------
    InitiativeSpec(
        "Digitala nyckelboxar i hemtjänsten",
        "Digitala lås och nyckelboxar så att hemtjänstens personal slipper hämta och lämna "
        "nycklar.",
        Facet.ENHANCEMENT,
        started_days_ago=620,
        code="1466",
        need="Personal till äldreomsorgen",
        gates=(
            Gate(Decision.GO, 600),
            Gate(Decision.GO, 500),
            Gate(Decision.GO, 380),
            Gate(Decision.GO, 200),
        ),
        partners=(("park", "Upphandlingsstöd och leverantörskontakter"),),
        assumptions=(
            AssumptionSpec(
                "Personalen sparar tid på nyckelhanteringen",
                AssumptionKind.VIABILITY,
                4,
                3,
                "Tidsmätning under fyra veckor före och efter.",
                -450,
                Outcome.VALIDATED,
                "Cirka 20 minuter sparas per arbetspass, mer än beräknat.",
                440,
            ),
        ),
        effort=(80, 20_000, 4),
        expected_benefits="Mer tid för omsorg och färre borttappade nycklar.",
        cost_sek=450_000,
        benefit_owner="Enhetschef hemtjänsten",
    ),
    InitiativeSpec(
        "Läckagesensorer i vattennätet",
        "Akustiska sensorer som hittar läckor i huvudledningarna innan de syns.",
        Facet.ENHANCEMENT,
        started_days_ago=560,
        code="1466",
        need="Säker vattenförsörjning under torra somrar",
        gates=(
            Gate(Decision.GO, 540),
            Gate(Decision.GO, 450),
            Gate(Decision.GO, 350),
            Gate(Decision.GO, 150),
        ),
        partners=(("energy", "Dataplattform"), ("academia", "Analys av läckagedata")),
        assumptions=(
            AssumptionSpec(
                "Sensorerna skiljer läckor från normalt flöde",
                AssumptionKind.FEASIBILITY,
                5,
                4,
                "Sex månader i två tryckzoner.",
                -380,
                Outcome.VALIDATED,
                "Sju läckor hittades, varav två okända; inga falsklarm efter kalibrering.",
                370,
            ),
        ),
        effort=(60, 15_000, 4),
        expected_benefits="Läckaget i nätet minskar från 22 till 15 procent.",
        cost_sek=700_000,
        benefit_owner="VA-chef",
    ),
    InitiativeSpec(
        "Grundvattenprognoser med AI",
        "Prognoser för grundvattennivåerna inför torra somrar, från mätdata och väder.",
        Facet.ANTICIPATORY,
        started_days_ago=120,
        code="1466",
        gates=(
            Gate(
                Decision.HOLD,
                60,
                rationale="Vänta på SGU:s nya mätserier för grundvattennivåer innan vi går vidare.",
            ),
        ),
        assumptions=(
            AssumptionSpec(
                "Det finns tillräckligt långa mätserier för att träna en modell",
                AssumptionKind.FEASIBILITY,
                5,
                5,
                "Genomgång av SGU:s och kommunens mätdata.",
                90,
            ),
        ),
    ),
    # --- Essunga (cluster A) -----------------------------------------------------------------
    InitiativeSpec(
        "Mobil servicepunkt i byarna",
        "En servicebuss med kommunens vägledning, bibliotek och hälsokontroller som besöker "
        "byarna varannan vecka.",
        Facet.MISSION,
        started_days_ago=300,
        code="1445",
        need="Att ta sig fram på landsbygden utan bil",
        gates=(Gate(Decision.GO, 260), Gate(Decision.GO, 150)),
        next_gate_in_days=30,
        partners=(
            ("academia", "Utvärdering av besöken"),
            ("business", "Fordon och schemaläggning"),
        ),
        assumptions=(
            AssumptionSpec(
                "Boende kommer till servicepunkten när den annonseras lokalt",
                AssumptionKind.NEED,
                3,
                3,
                "Räkna besökare under de första tio turerna.",
                -120,
                Outcome.VALIDATED,
                "I snitt 23 besökare per tur; annonser i byarnas Facebookgrupper gav flest.",
                110,
            ),
        ),
        effort=(200, 80_000, 3),
        expected_benefits="Service nära boende utan att nya kontor byggs.",
        cost_sek=520_000,
    ),
    InitiativeSpec(
        "Öppna data för lokala Agenda 2030-mål",
        "Kommunens nyckeltal för de lokala hållbarhetsmålen publiceras som öppna data.",
        Facet.MISSION,
        started_days_ago=140,
        code="1445",
        gates=(Gate(Decision.GO, 100),),
        next_gate_in_days=45,
        effort=(90, 0, 2),
    ),
    InitiativeSpec(
        "Digital tillsyn av enskilda avlopp",
        "Fastighetsägare skickar bilder och uppgifter om sin avloppsanläggning digitalt, så att "
        "tillsynen kan prioritera rätt.",
        Facet.ENHANCEMENT,
        started_days_ago=30,
        code="1445",
        next_gate_in_days=40,
        assumptions=(
            AssumptionSpec(
                "Fastighetsägarna kan skicka användbara bilder på sin anläggning",
                AssumptionKind.FEASIBILITY,
                4,
                4,
                "Tio fastighetsägare provar en enkel e-tjänst.",
                21,
            ),
        ),
    ),
    # --- Mark (cluster A) --------------------------------------------------------------------
    InitiativeSpec(
        "Trygghetskameror nattetid i hemtjänsten",
        "Nattlig tillsyn med kamera för brukare som vill det, i stället för besök som väcker.",
        Facet.ENHANCEMENT,
        started_days_ago=240,
        code="1463",
        need="Personal till äldreomsorgen",
        gates=(
            Gate(Decision.GO, 200),
            Gate(
                Decision.GO_WITH_CONDITIONS,
                90,
                conditions="Samtycke från varje brukare dokumenteras i journalen.",
            ),
        ),
        next_gate_in_days=90,
        partners=(("academia", "Följeforskning om brukarnas upplevelse"),),
        assumptions=(
            AssumptionSpec(
                "Samtycke räcker som rättslig grund för kameratillsyn",
                AssumptionKind.LEGAL,
                5,
                4,
                "Bedömning av kommunjuristen och dataskyddsombudet.",
                -100,
                Outcome.VALIDATED,
                "Samtycke räcker när det kan återkallas när som helst; rutin och blankett "
                "finns nu.",
                95,
            ),
        ),
        effort=(160, 50_000, 3),
        cost_sek=300_000,
    ),
    InitiativeSpec(
        "Digital vägledning för seniorer",
        "Digitala ombud på biblioteken hjälper äldre med e-tjänster och bank-id.",
        Facet.ADAPTIVE,
        started_days_ago=130,
        first_stage=Stage.NEED,
        code="1463",
        need="Digitala tjänster för invånare över 75 år",
        gates=(Gate(Decision.GO, 120), Gate(Decision.GO, 40)),
        next_gate_in_days=75,
        assumptions=(
            AssumptionSpec(
                "Seniorerna kommer till biblioteket för att få hjälp",
                AssumptionKind.NEED,
                4,
                3,
                "Drop-in två eftermiddagar i veckan under en månad.",
                60,
            ),
        ),
        effort=(70, 0, 2),
    ),
    InitiativeSpec(
        "Testbädd för cirkulära arbetskläder",
        "Tillsammans med textilindustrin prövas arbetskläder som lagas och återanvänds.",
        Facet.ANTICIPATORY,
        started_days_ago=20,
        code="1463",
        next_gate_in_days=50,
    ),
    # --- Svenljunga (cluster A, programme in draft) ------------------------------------------
    InitiativeSpec(
        "Samåkningstjänst för landsbygden",
        "En app där boende erbjuder och bokar platser i varandras bilar, med byalagen som "
        "samordnare.",
        Facet.ADAPTIVE,
        started_days_ago=50,
        code="1465",
        need="Att ta sig fram på landsbygden utan bil",
        gates=(Gate(Decision.GO, 20),),
        next_gate_in_days=70,
        partners=(("civil", "Byalagen samordnar förare och resenärer"),),
        effort=(40, 0, 1),
    ),
    InitiativeSpec(
        "Solceller på kommunens tak",
        "Solceller på skolor och förråd, med batterier som kapar effekttopparna.",
        Facet.ENHANCEMENT,
        started_days_ago=40,
        code="1465",
        need="Energianvändning i kommunens lokaler",
        next_gate_in_days=35,
    ),
    InitiativeSpec(
        "Framtidsspaning: Svenljunga 2040",
        "Omvärldsbevakning inför nästa översiktsplan.",
        Facet.ANTICIPATORY,
        started_days_ago=15,
        first_stage=Stage.NEED,
        code="1465",
    ),
    # --- Ludvika (cluster B) -----------------------------------------------------------------
    InitiativeSpec(
        "Spillvärme från industrin till fjärrvärmenätet",
        "Överskottsvärme från transformatorfabriken tas till vara i Ludvikas fjärrvärmenät.",
        Facet.MISSION,
        started_days_ago=400,
        first_stage=Stage.NEED,
        code="2085",
        need="Värme från industrin till fjärrvärmenätet",
        gates=(
            Gate(Decision.GO, 380),
            Gate(Decision.GO, 300),
            Gate(
                Decision.GO_WITH_CONDITIONS,
                180,
                Body.POLITICAL_COMMITTEE,
                conditions="Avtal om värmeleverans med industrin tecknas före driftstart.",
            ),
        ),
        next_gate_in_days=45,
        partners=(
            ("energy", "Värmeväxlare och anslutning till nätet"),
            ("business", "Mätning av överskottsvärmen"),
            ("academia", "Beräkning av klimatnyttan"),
        ),
        assumptions=(
            AssumptionSpec(
                "Värmen kan levereras även under produktionsstopp",
                AssumptionKind.VIABILITY,
                5,
                4,
                "Genomgång av industrins produktionsplan och reservlösningar med Ludvika Energi.",
                30,
            ),
            AssumptionSpec(
                "Temperaturen räcker utan värmepump",
                AssumptionKind.FEASIBILITY,
                4,
                4,
                "Mätning av returvattnet under en vintermånad.",
                -220,
                Outcome.INVALIDATED,
                "Temperaturen räckte inte; en värmepump behövs, vilket ökade kostnaden med "
                "30 procent men gjorde projektet genomförbart.",
                210,
            ),
        ),
        effort=(420, 250_000, 4),
        expected_benefits="Motsvarande 1 200 villors värmebehov från industrins överskott.",
        cost_sek=4_500_000,
        risk="Beroende av en enda industri.",
        benefit_owner="Vd, Ludvika Energi AB",
    ),
    InitiativeSpec(
        "Unga innovatörer i sommarjobb",
        "Sommarjobbande ungdomar tar fram idéer på kommunens utmaningar med företagen.",
        Facet.ADAPTIVE,
        started_days_ago=230,
        code="2085",
        need="Unga som vill stanna",
        gates=(Gate(Decision.GO, 200), Gate(Decision.GO, 100)),
        next_gate_in_days=100,
        partners=(
            ("civil", "Rekryterar och leder ungdomsgrupperna"),
            ("business", "Handledare och sommarjobb"),
        ),
        assumptions=(
            AssumptionSpec(
                "Företagen tar emot ungdomar som handledare",
                AssumptionKind.VIABILITY,
                4,
                3,
                "Förfrågan till tio företag i klustret.",
                -150,
                Outcome.VALIDATED,
                "Sju av tio företag sa ja; de ville ha tydliga uppdrag i förväg.",
                140,
            ),
        ),
        effort=(180, 70_000, 3),
    ),
    InitiativeSpec(
        "Laddning för tung trafik",
        "Laddplatser för lastbilar vid industriområdet, delvis med lokal lagring.",
        Facet.MISSION,
        started_days_ago=110,
        code="2085",
        need="Laddning för tunga transporter",
        gates=(Gate(Decision.GO, 90),),
        next_gate_in_days=55,
        partners=(("business", "Laddutrustning och lagring"), ("energy", "Nätkapacitet")),
        effort=(90, 30_000, 2),
    ),
    InitiativeSpec(
        "Flexibel elanvändning i kommunens fastigheter",
        "Styrning av värme och ventilation efter elpriset och nätets effekttoppar.",
        Facet.ENHANCEMENT,
        started_days_ago=200,
        code="2085",
        gates=(
            Gate(Decision.GO, 150),
            Gate(
                Decision.PIVOT,
                30,
                rationale=(
                    "Effekttariffen ändras nästa år: konceptet görs om för att kapa "
                    "effekttoppar i stället för att flytta energi."
                ),
            ),
        ),
        next_gate_in_days=60,
        effort=(100, 0, 2),
    ),
    InitiativeSpec(
        "Scenarier för elnätet 2035",
        "Vad kraftindustrins tillväxt kräver av det lokala elnätet.",
        Facet.ANTICIPATORY,
        started_days_ago=30,
        first_stage=Stage.NEED,
        code="2085",
        next_gate_in_days=40,
    ),
    # --- Smedjebacken (cluster B) ------------------------------------------------------------
    InitiativeSpec(
        "Smart snöröjning med sensorer",
        "Vägsensorer och väderdata styr när och var snöröjning och halkbekämpning sätts in.",
        Facet.ENHANCEMENT,
        started_days_ago=220,
        code="2061",
        gates=(Gate(Decision.GO, 200), Gate(Decision.GO, 80)),
        next_gate_in_days=110,
        partners=(("business", "Sensorer"), ("park", "Dataplattform och analys")),
        effort=(120, 45_000, 3),
    ),
    InitiativeSpec(
        "Mötesplats för unga i centrum",
        "En plats i centrum som ungdomarna själva utformar och driver.",
        Facet.MISSION,
        started_days_ago=60,
        code="2061",
        need="Unga som vill stanna",
        gates=(Gate(Decision.GO, 30),),
        next_gate_in_days=60,
        partners=(("civil", "Ungdomarnas röst i utformningen"),),
    ),
    InitiativeSpec(
        "Återbruk av byggmaterial",
        "Material från rivningar i kommunens fastigheter tas till vara i nya projekt.",
        Facet.ADAPTIVE,
        started_days_ago=20,
        code="2061",
    ),
    # --- Säter (cluster B) -------------------------------------------------------------------
    InitiativeSpec(
        "Sensorer för inomhusklimat i skolor",
        "Sensortestbädd i två skolor för bättre luft och lägre energianvändning.",
        Facet.ENHANCEMENT,
        started_days_ago=280,
        code="2082",
        gates=(Gate(Decision.GO, 250), Gate(Decision.GO, 150)),
        next_gate_in_days=80,
        partners=(("energy", "Energidata"), ("academia", "Utvärdering av inomhusklimatet")),
        effort=(140, 40_000, 3),
    ),
    InitiativeSpec(
        "Effektstyrning för industriområdet Enbacka",
        "Lokal lagring och styrning så att nya företag kan etablera sig trots nätets gränser.",
        Facet.MISSION,
        started_days_ago=150,
        code="2082",
        need="El till det nya industriområdet",
        gates=(Gate(Decision.GO, 100),),
        next_gate_in_days=40,
        effort=(80, 20_000, 2),
    ),
    InitiativeSpec(
        "Samåkning till jobbet i Dalarna",
        "Samåkning för pendlare mellan Säter, Borlänge och Hedemora.",
        Facet.ADAPTIVE,
        started_days_ago=25,
        code="2082",
    ),
    # --- Hedemora (cluster B, tailored draft) ------------------------------------------------
    InitiativeSpec(
        "Matsvinn i skolkök",
        "Mäta och minska matsvinnet i skolköken tillsammans med eleverna.",
        Facet.ADAPTIVE,
        started_days_ago=70,
        code="2083",
        gates=(Gate(Decision.GO, 45),),
        next_gate_in_days=50,
    ),
    InitiativeSpec(
        "Smarta vattenmätare",
        "Fjärravläsning av vattenmätare i Hedemora tätort.",
        Facet.ENHANCEMENT,
        started_days_ago=30,
        code="2083",
        next_gate_in_days=30,
    ),
    InitiativeSpec(
        "Mobil planering i hemtjänsten",
        "Hemtjänstens planering i mobilen, med restider och brukarnas önskemål.",
        Facet.ENHANCEMENT,
        started_days_ago=10,
        first_stage=Stage.NEED,
        code="2083",
    ),
    # --- Cluster A's joint initiative, from its accepted shared need --------------------------
    InitiativeSpec(
        "Gemensamt partnerskap med innovationspark och högskola",
        "Klustrets medlemmar tecknar ett gemensamt avtal med Innovationspark Sjuhärad och "
        "Sjuhärads högskola om testbäddar, studentprojekt och utvärdering, i stället för fem "
        "separata.",
        Facet.MISSION,
        started_days_ago=70,
        first_stage=Stage.NEED,
        cluster=CLUSTER_A,
        shared_need_key="dimension:helix",
        lead="manager@demo.innocities.se",
        gates=(
            Gate(Decision.GO, 60, Body.CLUSTER),
            Gate(
                Decision.GO_WITH_CONDITIONS,
                20,
                Body.CLUSTER,
                conditions="Varje medlemskommun utser en kontaktperson för avtalet.",
            ),
        ),
        next_gate_in_days=75,
        partners=(
            ("park", "Testbäddar och företagskontakter"),
            ("academia", "Studentprojekt och utvärdering"),
        ),
        assumptions=(
            AssumptionSpec(
                "Alla medlemmar kan finansiera sin del av ett gemensamt avtal",
                AssumptionKind.POLITICAL,
                4,
                3,
                "Avstämning med varje kommuns ledningsgrupp.",
                40,
            ),
        ),
        effort=(60, 0, 1),
    ),
)

# The share of initiative effort some municipalities mean to put into renewal.
TARGETS = {"1442": 75, "1466": 40, "2085": 70}


def _quarters_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters before the current one, oldest first."""
    index = today.year * 4 + (today.month - 1) // 3
    return [((index - k) // 4, (index - k) % 4 + 1) for k in range(count, 0, -1)]


def seed_initiatives(seeder: Seeder) -> None:
    """Every spec's initiative, walked through its gates, unless it exists already."""
    with_programme = set(
        Program.objects.filter(municipality__in=seeder.municipalities.values()).values_list(
            "municipality__code", flat=True
        )
    )
    existing = set(Initiative.objects.values_list("municipality__code", "cluster__name", "title"))
    manual = {
        stage: frozenset(
            GateCriterion.objects.filter(
                stage=stage, is_active=True, judged_by=CriterionCheck.MANUAL
            ).values_list("pk", flat=True)
        )
        for stage in Stage.values
    }
    for spec in INITIATIVES:
        if spec.code and spec.code not in with_programme:
            continue
        if (spec.code or None, spec.cluster or None, spec.title) in existing:
            continue
        _initiative(seeder, spec, manual)
    for code, percent in TARGETS.items():
        municipality = seeder.municipalities[code]
        if not PortfolioTarget.objects.filter(municipality=municipality).exists():
            portfolio_target_set(
                municipality=municipality,
                actor=seeder._coordinator_of(code),
                innovation_percent=percent,
            )
            seeder.created["portfolio targets"] += 1


def _need(
    spec: InitiativeSpec, municipality: Municipality | None, cluster: Cluster | None
) -> Need | None:
    if spec.shared_need_key and cluster is not None:
        return cluster.needs.filter(proposal_key=spec.shared_need_key).first()
    if not spec.need:
        return None
    # The municipality's own need, or one its cluster shares.
    return (
        Need.objects.filter(title=spec.need).filter(municipality=municipality).first()
        or Need.objects.filter(
            title=spec.need, cluster__memberships__municipality=municipality
        ).first()
    )


def _initiative(seeder: Seeder, spec: InitiativeSpec, manual: dict[str, frozenset[int]]) -> None:
    today = seeder.today
    municipality = seeder.municipalities[spec.code] if spec.code else None
    cluster = seeder.clusters[spec.cluster] if spec.cluster else None
    if cluster is not None:
        actor = seeder._manager_of(cluster)
        cluster_name = cluster.name
    else:
        actor = seeder._coordinator_of(spec.code)
        cluster_name = next(
            c.name
            for c in seeder.clusters.values()
            if c.memberships.filter(municipality=municipality, left_on=None).exists()
        )
    need = _need(spec, municipality, cluster)
    if spec.shared_need_key and need is None:
        return  # the shared need was not accepted: no joint initiative from it
    lead: User = seeder.users[spec.lead] if spec.lead else actor
    cost = Decimal(spec.cost_sek) if spec.cost_sek is not None else None
    initiative = initiative_create(
        actor=actor,
        municipality=municipality,
        cluster=cluster,
        stage=spec.first_stage,
        title=spec.title,
        description=spec.description,
        need=need,
        lead=lead,
        facet=spec.facet,
        benefit_owner=spec.benefit_owner,
        # Without gates to walk the date is set now; otherwise the last decision sets it.
        next_gate_due_on=(
            today + dt.timedelta(days=spec.next_gate_in_days)
            if not spec.gates and spec.next_gate_in_days is not None
            else None
        ),
        expected_benefits=spec.expected_benefits,
        estimated_cost_sek=cost,
        risk=spec.risk,
    )
    started = today - dt.timedelta(days=spec.started_days_ago)
    # Written now, but begun in the past so the portfolio has a history to show.
    Initiative.objects.filter(pk=initiative.pk).update(stage_since=started)
    seeder.created["initiatives"] += 1

    for key, role in spec.partners:
        partner_add(
            initiative=initiative,
            actor=actor,
            organisation=seeder.partners[(cluster_name, key)],
            role=role,
        )
    for a in spec.assumptions:
        assumption = assumption_save(
            initiative=initiative,
            actor=actor,
            statement=a.statement,
            kind=a.kind,
            impact=a.impact,
            uncertainty=a.uncertainty,
            test_plan=a.test_plan,
            test_by=today + dt.timedelta(days=a.test_in_days),
        )
        if a.outcome != Outcome.OPEN:
            assumption_resolve(
                assumption=assumption,
                actor=actor,
                outcome=a.outcome,
                learning=a.learning,
                resolved_on=today - dt.timedelta(days=a.resolved_days_ago),
            )
        seeder.created["assumptions"] += 1

    last = len(spec.gates) - 1
    for index, gate in enumerate(spec.gates):
        to_stage = next_stage(initiative.stage)  # gate_decide refreshes ``initiative``
        assert to_stage is not None, spec.title
        decided_by, body = _decider(seeder, spec, gate, actor)
        decided_on = today - dt.timedelta(days=gate.days_ago)
        if to_stage == Stage.PILOT and gate.decision in ADVANCING:
            # The pilot agreement is written in the concept stage, before the decision.
            results.agreement_before_pilot(seeder, initiative, pilot_on=decided_on)
        gate_decide(
            initiative=initiative,
            actor=actor,
            seen_stage=initiative.stage,
            seen_state=initiative.state,
            to_stage=to_stage,
            decision=gate.decision,
            decided_by=decided_by,
            body=body,
            decided_on=decided_on,
            rationale=gate.rationale or RATIONALES[to_stage],
            conditions=gate.conditions,
            manual_holding=manual[to_stage] if gate.decision in ADVANCING else frozenset(),
            open_criteria_reason=OPEN_CRITERIA_REASON,
            next_gate_due_on=(
                today + dt.timedelta(days=spec.next_gate_in_days)
                if index == last and spec.next_gate_in_days is not None
                else None
            ),
            expected_benefits=spec.expected_benefits,
            estimated_cost_sek=cost,
            risk=spec.risk,
        )
        seeder.created["gate decisions"] += 1

    hours, sek, quarters = spec.effort
    # Quarters that ended after the initiative began.
    spent = [(y, q) for y, q in _quarters_back(today, quarters) if dt.date(y, 3 * q, 28) > started]
    for year, quarter in spent:
        effort_record(
            initiative=initiative,
            actor=actor,
            year=year,
            quarter=quarter,
            hours=Decimal(hours) if hours else None,
            sek=Decimal(sek) if sek else None,
        )
        seeder.created["quarters of effort"] += 1


def _decider(seeder: Seeder, spec: InitiativeSpec, gate: Gate, actor: User) -> tuple[str, str]:
    """Who took the decision, and in which body."""
    if gate.body == Body.CLUSTER:
        return actor.get_full_name(), Body.CLUSTER
    director = DIRECTORS.get(spec.code, "")
    if gate.body == Body.POLITICAL_COMMITTEE:
        return "Kommunstyrelsens ordförande", Body.POLITICAL_COMMITTEE
    return f"{director}, kommundirektör", Body.MANAGEMENT_GROUP
