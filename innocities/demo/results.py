"""The demo's results (issue 13): benefits followed up against open statistics, a signed pilot
agreement, lessons learned across cluster A, and a pilot that spread to a neighbour.

- **Benefits** on Vårgårda's initiatives in pilot and implementation, each with a kind, an
  owner, a baseline and a target, planned follow-ups and one recorded. The viewer owns the
  demand-responsive transport's benefit, with a follow-up due in exactly 14 days (the
  ``benefit-14`` reminder fires on the day the demo is seeded, and ``/benefits/mine/`` lists
  it); the coordinator owns its climate benefit, shown by a Kolada key figure.
- **Open statistics**: Vårgårda's programme and cluster A each get an indicator tied to Kolada's
  N85073 (greenhouse gas emissions from transport, tonnes CO2e per inhabitant). Its values
  come from a RECORDED answer in Kolada's shape, ``data/kolada/N85073.json``, read with the
  sync's own parser and stored as the sync stores what it fetches; nothing is asked of the
  network. The figures in it are illustrative, not Kolada's (the file says so, and so does the
  note on every stored value); 2024 is preliminary and Vårgårda's 2022 is missing, so the
  pages show both.
- **Pilot agreements**: Vårgårda's smart water meter pilot has a signed agreement, its signed
  copy the agreement's own printable PDF put in through the upload service; the indoor
  climate pilot has a draft. Herrljunga's key boxes had one signed before their pilot
  (``agreement_before_pilot``, called by the walk through the gates), so whoever adopts them
  starts from a draft made from it.
- **Lessons** from cluster A's municipalities, written at gate decisions, at invalidated
  assumptions and any time, mostly shared with the clusters or the whole partnership, one kept
  within its municipality.
- **Adoption**: Mark has adopted Herrljunga's digital key boxes (a pilot past the
  implementation gate). Vårgårda has a home-care need with the same theme and has not adopted
  it, so its coordinator sees the pilot suggested and can adopt it.

In Swedish, as a Swedish partnership would write it. Idempotent like the rest of the demo:
each thing is keyed by its owner and title (an agreement by its initiative, an adoption by the
pilot and the adopter) and made, with its follow-ups, parties or signed copy, only in the run
that creates it; what is missing because a municipality has no programme is left out.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile

from clusters.models import Cluster, ClusterMembership
from innocities.core.services import validated_save
from innocities.demo.partnership import DemoDataError
from municipalities.models import Helix, Organisation
from programs.adoption.services import pilot_adopt
from programs.agreements.models import PilotAgreement
from programs.agreements.pdf import agreement_pdf
from programs.agreements.selectors import agreement_page
from programs.agreements.services import (
    agreement_party_add,
    agreement_save,
    agreement_signed_copy_upload,
)
from programs.benefits.models import Benefit, BenefitKind, Judgement
from programs.benefits.services import benefit_save, followup_plan, followup_record
from programs.indicators.models import (
    Direction,
    Frequency,
    Indicator,
    IndicatorValue,
    Source,
    ValueStatus,
)
from programs.indicators.services import indicator_create, statistics_store
from programs.indicators.statistics.base import Observation
from programs.indicators.statistics.kolada import KOLADA_COUNTRY, parse_answer
from programs.initiatives.models import Assumption, GateDecision, Initiative, Stage
from programs.lessons.models import Lesson, Visibility
from programs.lessons.services import lesson_create
from programs.models import Program

if TYPE_CHECKING:
    from innocities.demo.partnership import Seeder

CLUSTER_A = "Västra Götaland smart och hållbar"
VARGARDA = "1442"
PROGRAMME = "Vårgårda – smart landsbygdskommun 2030"
COORDINATOR = "coordinator@demo.innocities.se"
VIEWER = "viewer@demo.innocities.se"

# --- open statistics: a recorded Kolada answer ----------------------------------------------

KOLADA_DIR = Path(__file__).with_name("data") / "kolada"
# On every value stored from the recorded answer, shown beside it on the indicator's page.
DEMO_NOTE = "Demovärde i Koladas format, inte hämtat från Kolada"


@cache
def recorded_kolada(kpi: str) -> tuple[Observation, ...]:
    """The observations of the recorded Kolada answer ``data/kolada/<kpi>.json``, read by the
    sync's own parser (its ``_comment`` is not part of Kolada's shape and is ignored)."""
    path = KOLADA_DIR / f"{kpi}.json"
    answer = json.loads(path.read_text(encoding="utf-8"))
    return tuple(parse_answer(answer, url=f"innocities/demo/data/kolada/{path.name}"))


@dataclass(frozen=True)
class KoladaIndicatorSpec:
    name: str
    kpi: str
    unit: str
    description: str
    baseline_period: str  # a year of the recorded answer
    target: str
    target_period: str
    program: str = ""  # a programme title (its municipality's figures become the values), or
    cluster: str = ""  # a cluster's name (its members' figures are compared on its page)


KOLADA_INDICATORS = (
    KoladaIndicatorSpec(
        "Växthusgasutsläpp från transporter",
        "N85073",
        "ton CO₂e per invånare",
        "Koladas nyckeltal för utsläpp av växthusgaser från transporter inom kommunens gräns, "
        "per invånare. Följer klimatnyttan av den anropsstyrda trafiken, men genomfartstrafiken "
        "på E20 påverkar siffran mer än resorna i byarna.",
        baseline_period="2019",
        target="2.40",
        target_period="2030",
        program=PROGRAMME,
    ),
    KoladaIndicatorSpec(
        "Växthusgasutsläpp från transporter",
        "N85073",
        "ton CO₂e per invånare",
        "Samma nyckeltal för alla medlemmar, så att klustret kan se var var och en står i "
        "jämförelse med de andra och med riket.",
        baseline_period="2019",
        target="1.60",
        target_period="2030",
        cluster=CLUSTER_A,
    ),
)


def _areas(program: Program | None, cluster: Cluster | None) -> set[str]:
    """The areas the sync would ask for: the programme's municipality, or the cluster's
    current members, and the whole country."""
    if program is not None:
        return {program.municipality.code, KOLADA_COUNTRY}
    codes = ClusterMembership.objects.current().filter(cluster=cluster)
    return set(codes.values_list("municipality__code", flat=True)) | {KOLADA_COUNTRY}


def _baseline(observations: list[Observation], period: str, own_code: str | None) -> Decimal:
    """The figure for ``period``: the municipality's own, or the median of the members'."""
    figures = [
        o.value
        for o in observations
        if o.source_period == period
        and o.value is not None
        and o.area_code != KOLADA_COUNTRY
        and (own_code is None or o.area_code == own_code)
    ]
    if not figures:
        raise DemoDataError(f"The recorded Kolada answer has no figure for {period}.")
    return Decimal(median(figures)).quantize(Decimal("0.01"))


def seed_statistics(seeder: Seeder) -> dict[str, Indicator]:
    """The indicators tied to Kolada and their values from the recorded answer, by scope
    ("program" or "cluster"), each stored in the run that creates it."""
    made: dict[str, Indicator] = {}
    for spec in KOLADA_INDICATORS:
        program = Program.objects.filter(title=spec.program).first() if spec.program else None
        cluster = seeder.clusters.get(spec.cluster) if spec.cluster else None
        if program is None and cluster is None:
            continue
        scope: dict[str, Any] = {"program": program} if program else {"cluster": cluster}
        key = "program" if program else "cluster"
        indicator = Indicator.objects.filter(name=spec.name, **scope).first()
        if indicator is not None:
            made[key] = indicator
            continue
        wanted = _areas(program, cluster)
        observations = [o for o in recorded_kolada(spec.kpi) if o.area_code in wanted]
        author = (
            seeder._coordinator_of(program.municipality.code)
            if program is not None
            else seeder._manager_of(cluster)  # type: ignore[arg-type]
        )
        indicator = indicator_create(
            actor=author,
            name=spec.name,
            unit=spec.unit,
            description=spec.description,
            frequency=Frequency.YEARLY,
            direction=Direction.LOWER_IS_BETTER,
            baseline_value=_baseline(
                observations, spec.baseline_period, program.municipality.code if program else None
            ),
            baseline_period=spec.baseline_period,
            target_value=Decimal(spec.target),
            target_period=spec.target_period,
            source=Source.KOLADA,
            kolada_kpi=spec.kpi,
            **scope,
        )
        report = statistics_store(indicator=indicator, observations=observations)
        # The sync leaves a value's note alone; this one says where the figures really came from.
        IndicatorValue.objects.filter(indicator=indicator, note="").update(note=DEMO_NOTE)
        seeder.created["indicators tied to Kolada"] += 1
        seeder.created["values from the recorded Kolada answer"] += report.created
        made[key] = indicator
    return made


# --- benefits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """A follow-up recorded ``days_ago`` (planned for that day, then recorded)."""

    days_ago: int
    judgement: str
    comment: str
    value: str | None = None


@dataclass(frozen=True)
class BenefitSpec:
    initiative: str  # the title of one of Vårgårda's initiatives
    title: str
    kind: str
    description: str
    owner: str  # an e-mail
    target: str
    target_in_years: int  # the target date is the end of the year so many years from now
    baseline: str = ""
    baseline_days_ago: int = 0
    unit: str = ""
    direction: str = ""  # empty: the indicator's
    indicator: str = ""  # the name of an indicator of Vårgårda's programme (manual values)
    planned_in_days: tuple[int, ...] = ()
    recorded: tuple[Recorded, ...] = ()


BENEFITS = (
    BenefitSpec(
        "Anropsstyrd trafik i Nårunga",
        "Fler resor med den anropsstyrda trafiken",
        BenefitKind.QUALITY,
        "Boende i byarna som saknar egen bil tar sig till vårdcentral, skola och jobb med den "
        "bokningsbara minibussen. Mäts som antal resor i månaden enligt bokningssystemet.",
        VIEWER,
        target="400",
        target_in_years=1,
        baseline="210",  # the pilot's last month, as the decision to scale up said
        baseline_days_ago=45,
        unit="resor per månad",
        direction=Direction.HIGHER_IS_BETTER,
        # Due in 14 days: the owner's "benefit-14" reminder fires on the day of seeding.
        planned_in_days=(14, 105, 196),
        recorded=(
            Recorded(
                12,
                Judgement.ON_TRACK,
                "Första hela månaden med trafik i alla byar gav 236 resor. Två av tre resor "
                "bokas fortfarande per telefon, så telefonbokningen behålls.",
                value="236",
            ),
        ),
    ),
    BenefitSpec(
        "Sensorer för inomhusklimat i skolor",
        "Lägre energianvändning i skolorna",
        BenefitKind.CLIMATE,
        "Ventilationen styrs efter koldioxidhalten i klassrummen i stället för efter ett fast "
        "schema. Mäts med programmets indikator för energianvändningen i kommunens lokaler, där "
        "skolorna är den största posten.",
        "lisa.strand@demo.innocities.se",
        target="162",
        target_in_years=1,
        baseline="180",
        baseline_days_ago=200,
        indicator="Energianvändning i kommunens lokaler",
        planned_in_days=(60, 150),
        recorded=(
            Recorded(
                30,
                Judgement.ON_TRACK,
                "Tånga skola styr ventilationen efter koldioxidhalten sedan piloten startade. "
                "Kesbergsskolan väntar på en ny styrenhet, så hela nyttan syns först nästa år.",
                value="168",
            ),
        ),
    ),
)

# The transport's climate benefit, shown by the Kolada indicator of Vårgårda's programme.
KOLADA_BENEFIT = BenefitSpec(
    "Anropsstyrd trafik i Nårunga",
    "Lägre utsläpp från transporter i kommunen",
    BenefitKind.CLIMATE,
    "Resor med minibussen i stället för med egen bil eller färdtjänst ska bidra till lägre "
    "utsläpp. Följs med Koladas nyckeltal för transportutsläpp per invånare, som också påverkas "
    "av genomfartstrafiken på E20: nyttan syns som en riktning, inte som insatsens effekt "
    "ensam.",
    COORDINATOR,
    target="2.40",
    target_in_years=0,  # unused: the end of the indicator's target year
    planned_in_days=(190,),  # after Kolada publishes next year's figures
)
KOLADA_FOLLOWUP_DAYS_AGO = 150


def _decimal_sv(value: Decimal | None) -> str:
    """A figure as a Swedish text writes it: 2,71."""
    return f"{value:.2f}".replace(".", ",") if value is not None else "–"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kolada_followup(indicator: Indicator) -> tuple[Recorded, dt.date, Decimal]:
    """The recorded follow-up (the latest final figure, and what the series says), with the
    baseline's date and value: the end of the indicator's baseline year, and its figure."""
    values = list(IndicatorValue.objects.filter(indicator=indicator).order_by("period"))
    year = int(indicator.baseline_period)
    baseline = next(v for v in values if v.period.year == year and v.value is not None)
    final = [v for v in values if v.status == ValueStatus.FINAL and v.value is not None]
    latest = final[-1]
    notes = []
    preliminary = [v for v in values if v.status == ValueStatus.PRELIMINARY]
    missing = [v for v in values if v.status == ValueStatus.MISSING]
    if preliminary:
        notes.append(
            f"värdet för {preliminary[-1].source_period} är preliminärt "
            f"({_decimal_sv(preliminary[-1].value)})"
        )
    if missing:
        notes.append(f"för {', '.join(v.source_period for v in missing)} saknas uppgift")
    comment = (
        f"Koladas senaste fastställda värde, för {latest.source_period}, är "
        f"{_decimal_sv(latest.value)} ton per invånare; {year} var det "
        f"{_decimal_sv(baseline.value)}. Minskningen går långsammare än planen."
        + (f" {_sentence(' och '.join(notes))}." if notes else "")
    )
    recorded = Recorded(
        KOLADA_FOLLOWUP_DAYS_AGO, Judgement.PARTLY, comment, value=str(latest.value)
    )
    assert baseline.value is not None  # chosen among the figures with a value
    return recorded, dt.date(year, 12, 31), baseline.value


def _benefit(
    seeder: Seeder,
    spec: BenefitSpec,
    initiative: Initiative,
    *,
    indicator: Indicator | None,
    baseline: tuple[dt.date, Decimal] | None,
    target_on: dt.date,
    recorded: tuple[Recorded, ...],
) -> None:
    today = seeder.today
    actor = seeder._coordinator_of(VARGARDA)
    owner = seeder.users[spec.owner]
    benefit = benefit_save(
        initiative=initiative,
        actor=actor,
        title=spec.title,
        kind=spec.kind,
        description=spec.description,
        owner=owner,
        indicator=indicator,
        unit=spec.unit,
        direction=spec.direction,
        baseline_value=baseline[1] if baseline else None,
        baseline_on=baseline[0] if baseline else None,
        target_value=Decimal(spec.target),
        target_on=target_on,
    )
    seeder.created["benefits"] += 1
    past = {today - dt.timedelta(days=r.days_ago): r for r in recorded}
    planned = followup_plan(
        benefit=benefit,
        actor=actor,
        dates=[*past, *(today + dt.timedelta(days=d) for d in spec.planned_in_days)],
    )
    seeder.created["benefit follow-ups planned"] += len(planned.added)
    for followup in planned.added:
        answer = past.get(followup.due_on)
        if answer is None:
            continue
        # Recorded by the owner, as the owner's own list asks them to.
        followup_record(
            benefit=benefit,
            actor=owner,
            followup=followup,
            recorded_on=followup.due_on,
            judgement=answer.judgement,
            value=Decimal(answer.value) if answer.value is not None else None,
            comment=answer.comment,
        )
        seeder.created["benefit follow-ups recorded"] += 1


def seed_benefits(seeder: Seeder, kolada: Indicator | None) -> None:
    today = seeder.today
    initiatives = {
        i.title: i for i in Initiative.objects.filter(municipality__code=VARGARDA, cluster=None)
    }
    existing = set(
        Benefit.objects.filter(initiative__municipality__code=VARGARDA).values_list(
            "initiative__title", "title"
        )
    )
    program = Program.objects.filter(title=PROGRAMME).first()
    for spec in BENEFITS:
        initiative = initiatives.get(spec.initiative)
        if initiative is None or (spec.initiative, spec.title) in existing:
            continue
        indicator = (
            Indicator.objects.filter(program=program, name=spec.indicator).first()
            if spec.indicator
            else None
        )
        if spec.indicator and indicator is None:
            continue
        _benefit(
            seeder,
            spec,
            initiative,
            indicator=indicator,
            baseline=(today - dt.timedelta(days=spec.baseline_days_ago), Decimal(spec.baseline)),
            target_on=dt.date(today.year + spec.target_in_years, 12, 31),
            recorded=spec.recorded,
        )
    spec = KOLADA_BENEFIT
    initiative = initiatives.get(spec.initiative)
    if kolada is None or initiative is None or (spec.initiative, spec.title) in existing:
        return
    recorded, baseline_on, baseline = _kolada_followup(kolada)
    _benefit(
        seeder,
        spec,
        initiative,
        indicator=kolada,
        baseline=(baseline_on, baseline),
        target_on=dt.date(int(kolada.target_period), 12, 31),
        recorded=(recorded,),
    )


# --- pilot agreements --------------------------------------------------------------------------

# The municipality itself as a party to its agreements (the registry has only the companies
# some of them own): kommunkod → name.
OWN_ORGANISATIONS = {"1442": "Vårgårda kommun", "1466": "Herrljunga kommun"}
OWN_DESCRIPTION = (
    "Kommunen som avtalspart: kommunstyrelsen och förvaltningarna, som tecknar avtal för "
    "kommunens räkning."
)


@dataclass(frozen=True)
class PartySpec:
    organisation: str  # a name
    contribution: str
    responsibilities: str
    cost_share_sek: int | None = None


@dataclass(frozen=True)
class AgreementSpec:
    code: str  # the initiative's municipality
    initiative: str  # its title
    terms: dict[str, Any]
    parties: tuple[PartySpec, ...]
    test_starts_after_pilot_days: int  # the test period starts so long after the pilot decision
    test_months: int = 12
    signed_days_before_start: int | None = None  # None: a draft
    # Written while the walk through the gates reaches the pilot decision (initiatives.py), for
    # a pilot that has since moved on; otherwise written here, for a pilot running now.
    before_pilot: bool = False


AGREEMENTS = (
    AgreementSpec(
        VARGARDA,
        "Smarta vattenmätare",
        {
            "purpose": (
                "Piloten prövar fjärravlästa vattenmätare hos 40 hushåll i två bostadsområden: "
                "att mätarna sänder året runt, att en läcka hos ett hushåll upptäcks inom ett "
                "dygn och att hushållen har nytta av att se sin förbrukning. Kommunens "
                "huvudledningar ingår inte i piloten."
            ),
            "data_used": (
                "Förbrukningen per mätare och timme, larm om misstänkt läcka och mätarnas "
                "batteristatus."
            ),
            "data_processed_by": (
                "Vårgårda Energi AB samlar in och lagrar mätvärdena i sin driftplattform, med "
                "servrar i Sverige. Sjuhärads högskola får avidentifierade dataserier för "
                "analysen."
            ),
            "personal_data": True,
            "gdpr_roles": (
                "Vårgårda kommun är personuppgiftsansvarig för förbrukningen kopplad till "
                "hushållen. Vårgårda Energi AB är personuppgiftsbiträde enligt ett särskilt "
                "biträdesavtal. Högskolan behandlar inga personuppgifter."
            ),
            "results_ip": (
                "Kommunen och Vårgårda Energi AB äger mätdata från piloten gemensamt. Högskolans "
                "analysmetoder förblir högskolans; slutrapporten får användas fritt av parterna."
            ),
            "results_publication": (
                "Högskolan får publicera resultaten i avidentifierad form, sedan parterna fått "
                "30 dagar att läsa och kommentera."
            ),
            "results_reuse": (
                "Övriga kommuner i klustret får använda kravspecifikationen, utvärderingen och "
                "erfarenheterna utan kostnad."
            ),
            "cost_sharing": (
                "Kommunen betalar mätarna och installationen, Vårgårda Energi AB driften av "
                "datainsamlingen och högskolan sin egen forskningstid."
            ),
            "total_cost_sek": Decimal(640_000),
            "risk_sharing": (
                "Vårgårda Energi AB byter utan kostnad för kommunen de mätare som slutar sända "
                "under testperioden. Avbryts piloten bär varje part sina egna kostnader."
            ),
            "scale_up_criteria": (
                "Mätarna sänder minst 98 procent av timmarna även vintertid, minst två av tre "
                "läckor hos hushållen upptäcks inom ett dygn och kostnaden per mätare ryms i "
                "VA-taxan."
            ),
            "end_criteria": (
                "Piloten avbryts om mätarna inte sänder vintertid efter batteribytet. Mätarna "
                "sitter kvar och läses av för hand; insamlade data raderas inom sex månader "
                "efter piloten."
            ),
        },
        (
            PartySpec(
                "Vårgårda kommun",
                "Projektledning, mätarna och kontakten med hushållen.",
                "Personuppgiftsansvarig; informerar hushållen och beslutar om uppskalning.",
                420_000,
            ),
            PartySpec(
                "Vårgårda Energi AB",
                "Installation, datainsamling och driftplattform.",
                "Personuppgiftsbiträde; byter mätare som slutar sända.",
                160_000,
            ),
            PartySpec(
                "Sjuhärads högskola",
                "Analys av förbrukningsdata och utvärdering av piloten.",
                "Lämnar en utvärdering till kommunen före beslutet om uppskalning.",
                60_000,
            ),
        ),
        test_starts_after_pilot_days=7,
        signed_days_before_start=6,
    ),
    AgreementSpec(
        VARGARDA,
        "Sensorer för inomhusklimat i skolor",
        {
            "purpose": (
                "Piloten prövar att styra ventilationen i Tånga skola och Kesbergsskolan efter "
                "koldioxidhalten i klassrummen, för bättre luft och lägre energianvändning."
            ),
            "data_used": "Koldioxidhalt, temperatur och energianvändning per klassrum och timme.",
            "data_processed_by": (
                "Vårgårda Energi AB samlar in sensordata; Innovationspark Sjuhärad sammanställer "
                "dem för lärarna och fastighetsförvaltningen."
            ),
            "results_reuse": (
                "Övriga kommuner i klustret får använda styrningens inställningar och "
                "erfarenheterna utan kostnad."
            ),
            "scale_up_criteria": (
                "Koldioxidhalten ligger under 1 000 ppm minst 95 procent av lektionstiden och "
                "energianvändningen i skolorna minskar med minst 5 procent."
            ),
        },
        (
            PartySpec(
                "Vårgårda kommun",
                "Skolorna, fastighetsförvaltningen och lärarnas tid.",
                "Projektledning.",
            ),
            PartySpec(
                "Vårgårda Energi AB",
                "Sensorer och energidata.",
                "Drift av sensorerna under testperioden.",
            ),
        ),
        test_starts_after_pilot_days=10,
        test_months=9,
    ),
    # The template an adopter of Herrljunga's key boxes starts from (written as a template:
    # "kommunen", not Herrljunga by name).
    AgreementSpec(
        "1466",
        "Digitala nyckelboxar i hemtjänsten",
        {
            "purpose": (
                "Piloten prövar digitala lås och nyckelboxar hos 30 brukare i ett av "
                "hemtjänstens områden: att personalen kommer in utan fysiska nycklar, att "
                "brukarna och de anhöriga känner sig trygga och hur mycket tid som sparas."
            ),
            "data_used": (
                "Loggar över när låsen öppnas och av vem, samt personalens tidsmätning före och "
                "efter."
            ),
            "data_processed_by": (
                "Låsleverantören lagrar öppningsloggarna i sin tjänst inom EU på kommunens "
                "uppdrag. Innovationspark Sjuhärad får bara den sammanställda tidsmätningen."
            ),
            "personal_data": True,
            "gdpr_roles": (
                "Kommunen är personuppgiftsansvarig för öppningsloggarna. Låsleverantören är "
                "personuppgiftsbiträde enligt kommunens biträdesavtal."
            ),
            "results_ip": "Kommunen äger rutinerna och utvärderingen från piloten.",
            "results_reuse": (
                "Övriga kommuner i klustret får använda upphandlingsunderlaget, rutinerna och "
                "utvärderingen utan kostnad."
            ),
            "cost_sharing": (
                "Kommunen betalar lås och installation. Innovationspark Sjuhärad står för "
                "upphandlingsstödet inom sitt uppdrag från kommunerna."
            ),
            "total_cost_sek": Decimal(180_000),
            "risk_sharing": (
                "Låsen monteras så att de kan tas bort utan spår; avbryts piloten återställer "
                "kommunen dörrarna på egen bekostnad."
            ),
            "scale_up_criteria": (
                "Personalen sparar minst tio minuter per arbetspass, ingen brukare blir utan "
                "hjälp på grund av låsen och minst fyra av fem brukare vill behålla dem."
            ),
            "end_criteria": (
                "Piloten avbryts om ett lås hindrar personalen från att komma in hos en brukare "
                "mer än en gång. Låsen tas då bort och loggarna raderas."
            ),
        },
        (
            PartySpec(
                "Herrljunga kommun",
                "Hemtjänstens personal, kontakten med brukarna och låsen.",
                "Personuppgiftsansvarig; ansvarar för brukarnas samtycke.",
                180_000,
            ),
            PartySpec(
                "Innovationspark Sjuhärad",
                "Upphandlingsstöd och kontakter med låsleverantörer.",
                "Sammanställer tidsmätningen till utvärderingen.",
            ),
        ),
        test_starts_after_pilot_days=14,
        test_months=6,
        signed_days_before_start=5,
        before_pilot=True,
    ),
)


def _own_organisation(seeder: Seeder, code: str) -> None:
    name = OWN_ORGANISATIONS[code]
    if not Organisation.objects.filter(name=name).exists():
        validated_save(
            Organisation(
                name=name,
                helix=Helix.PUBLIC,
                municipality=seeder.municipalities[code],
                description=OWN_DESCRIPTION,
            ),
            actor=seeder.admin,
        )
        seeder.created["organisations"] += 1


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


def _agreement(
    seeder: Seeder, spec: AgreementSpec, initiative: Initiative, *, pilot_on: dt.date
) -> None:
    """The agreement with its parties, and its signed copy if it was signed: the agreement's
    own printable PDF, put in through the upload service as a person would."""
    actor = seeder._coordinator_of(spec.code)
    _own_organisation(seeder, spec.code)
    starts = pilot_on + dt.timedelta(days=spec.test_starts_after_pilot_days)
    agreement = agreement_save(
        initiative=initiative,
        actor=actor,
        **spec.terms,
        test_starts_on=starts,
        test_ends_on=_add_months(starts, spec.test_months),
    )
    seeder.created["pilot agreements"] += 1
    for party in spec.parties:
        agreement_party_add(
            agreement=agreement,
            actor=actor,
            organisation=Organisation.objects.get(name=party.organisation),
            contribution=party.contribution,
            responsibilities=party.responsibilities,
            cost_share_sek=(
                Decimal(party.cost_share_sek) if party.cost_share_sek is not None else None
            ),
        )
        seeder.created["agreement parties"] += 1
    if spec.signed_days_before_start is None:
        return
    pdf = agreement_pdf(agreement, agreement_page(agreement))
    agreement_signed_copy_upload(
        agreement=agreement,
        actor=actor,
        signed_copy=SimpleUploadedFile(
            "pilotavtal-signerat.pdf", pdf, content_type="application/pdf"
        ),
        signed_on=starts - dt.timedelta(days=spec.signed_days_before_start),
    )
    seeder.created["signed agreement copies"] += 1


def agreement_before_pilot(seeder: Seeder, initiative: Initiative, *, pilot_on: dt.date) -> None:
    """Called by the walk through the gates (``initiatives.py``) just before the decision into
    the pilot stage, dated ``pilot_on``: the agreement written for that pilot, if it has one."""
    code = initiative.municipality.code if initiative.municipality else ""
    for spec in AGREEMENTS:
        if spec.before_pilot and (spec.code, spec.initiative) == (code, initiative.title):
            _agreement(seeder, spec, initiative, pilot_on=pilot_on)


def seed_agreements(seeder: Seeder) -> None:
    """The agreements of pilots running now (in the pilot stage)."""
    for spec in AGREEMENTS:
        initiative = Initiative.objects.filter(
            municipality__code=spec.code, cluster=None, title=spec.initiative, stage=Stage.PILOT
        ).first()
        if (
            spec.before_pilot
            or initiative is None
            or PilotAgreement.objects.filter(initiative=initiative).exists()
        ):
            continue
        pilot = (
            GateDecision.objects.filter(initiative=initiative, to_stage=Stage.PILOT)
            .order_by("-decided_on", "-pk")
            .first()
        )
        pilot_on = pilot.decided_on if pilot else initiative.stage_since
        _agreement(seeder, spec, initiative, pilot_on=pilot_on)


# --- lessons learned -------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonSpec:
    title: str
    body: str
    theme: str
    stage: str
    sdg_goals: tuple[int, ...]
    visibility: str
    author: str  # an e-mail
    code: str = ""  # the owner municipality's kommunkod, or
    cluster: str = ""  # the cluster, for its joint initiative
    initiative: str = ""  # the initiative's title, if it came from one
    at_gate_to: str = ""  # written at the decision into this stage, or
    at_assumption: str = ""  # at this invalidated assumption (its statement)


LESSONS = (
    LessonSpec(
        "Läs trafikavtalen innan fordonen räknas in",
        "Vi räknade med att skolskjutsens bussar kunde köra anropstrafik mellan skolturerna. "
        "Avtalet med entreprenören tillåter ingen annan körning, och det upptäckte vi först när "
        "piloten skulle planeras. Piloten fick egna fordon genom Sjuhärad Smart Mobilitet, vilket "
        "höjde kostnaden. Gå igenom kommunens trafikavtal tidigt och räkna med fordonskostnaden "
        "från början.",
        "Mobilitet",
        Stage.CONCEPT,
        (11,),
        Visibility.PARTNERSHIP,
        COORDINATOR,
        code=VARGARDA,
        initiative="Anropsstyrd trafik i Nårunga",
        at_assumption="Skolskjutsens fordon kan köra mellan skolturerna",
    ),
    LessonSpec(
        "Kräv köldtålighet när mätare upphandlas",
        "Två av tio mätare i pilotområdet slutade sända när det var femton grader kallt i "
        "mätarbrunnarna. Leverantören bytte batterityp, men det kostade en vinter av mätvärden. "
        "Skriv in drift ner till minst minus 25 grader i kravspecifikationen och prova några "
        "mätare i brunnar under en vintermånad innan alla beställs.",
        "Vatten",
        Stage.PILOT,
        (6, 9),
        Visibility.CLUSTERS,
        COORDINATOR,
        code=VARGARDA,
        initiative="Smarta vattenmätare",
        at_assumption="Mätarna sänder även i kalla mätarbrunnar",
    ),
    LessonSpec(
        "Fråga verksamheten innan ni bygger en lösning",
        "Vi tog fram ett digitalt verktyg för att mäta matsvinnet innan vi frågade köken. Alla "
        "kök vägde redan svinnet med Livsmedelsverkets verktyg, så initiativet stoppades vid "
        "beslutet om pilot. Ett samtal med kostchefen hade räckt för att se det. Bekräfta behovet "
        "hos dem som ska använda lösningen innan något byggs.",
        "Behovsanalys",
        Stage.CONCEPT,
        (12,),
        Visibility.PARTNERSHIP,
        COORDINATOR,
        code=VARGARDA,
        initiative="Matsvinn i skolkök",
        at_gate_to=Stage.PILOT,
    ),
    LessonSpec(
        "Låt personalen välja låsmodell",
        "Införandet gick snabbast i de arbetsgrupper där personalen fick prova två låsmodeller "
        "och välja själva. Planera för brukare där mobiltäckningen är dålig: där behövs en "
        "reservnyckel hos nattpatrullen. Räkna med en hel dag per brukare för att byta lås, "
        "inklusive samtalet med brukaren och de anhöriga.",
        "Vård och omsorg",
        Stage.IMPLEMENTATION,
        (3, 8),
        Visibility.CLUSTERS,
        "maria.ek@demo.innocities.se",
        code="1466",
        initiative="Digitala nyckelboxar i hemtjänsten",
        at_gate_to=Stage.OPERATION,
    ),
    LessonSpec(
        "Tiden som frigörs behöver en plan",
        "Personalen sparar omkring 20 minuter per arbetspass när nycklarna inte längre hämtas "
        "och lämnas. Först gick tiden till fler korta besök; efter ett halvår bestämde vi "
        "tillsammans med personalen att den ska användas till längre besök hos de brukare som "
        "är mest ensamma. Bestäm tidigt vad den frigjorda tiden ska användas till.",
        "Vård och omsorg",
        Stage.OPERATION,
        (3, 10),
        Visibility.PARTNERSHIP,
        "maria.ek@demo.innocities.se",
        code="1466",
        initiative="Digitala nyckelboxar i hemtjänsten",
    ),
    LessonSpec(
        "Dokumentera samtycket i journalen från första dagen",
        "Samtycket till kameratillsyn måste kunna återkallas när som helst. Vi lade in en rutin "
        "för att dokumentera samtycket och varje återkallelse i journalen innan piloten "
        "startade, vilket var villkoret för beslutet. Rutinen och blanketten finns hos "
        "enhetscheferna.",
        "Vård och omsorg",
        Stage.CONCEPT,
        (3, 16),
        Visibility.MUNICIPALITY,
        "lena.fransson@demo.innocities.se",
        code="1463",
        initiative="Trygghetskameror nattetid i hemtjänsten",
        at_gate_to=Stage.PILOT,
    ),
    LessonSpec(
        "Annonsera i byarnas egna kanaler",
        "Servicebussen fick flest besökare när turerna annonserades i byarnas Facebookgrupper "
        "och på anslagstavlan vid affären, inte på kommunens webbplats. I snitt kom 23 besökare "
        "per tur. Be byalagen sprida turlistan.",
        "Mobilitet",
        Stage.PILOT,
        (10, 11),
        Visibility.PARTNERSHIP,
        "peter.johansson@demo.innocities.se",
        code="1445",
        initiative="Mobil servicepunkt i byarna",
    ),
    LessonSpec(
        "Ett gemensamt avtal behöver en kontaktperson i varje kommun",
        "Förhandlingen med innovationsparken och högskolan stannade upp så länge ingen i "
        "kommunerna hade mandat att svara. Villkoret i beslutet att varje kommun utser en "
        "kontaktperson fick arbetet att gå vidare. Utse kontaktpersonerna innan förhandlingen "
        "börjar.",
        "Samverkan",
        Stage.IDEA,
        (17,),
        Visibility.CLUSTERS,
        "manager@demo.innocities.se",
        cluster=CLUSTER_A,
        initiative="Gemensamt partnerskap med innovationspark och högskola",
        at_gate_to=Stage.CONCEPT,
    ),
)


def seed_lessons(seeder: Seeder) -> None:
    existing = set(Lesson.objects.values_list("title", "municipality__code", "cluster__name"))
    for spec in LESSONS:
        if (spec.title, spec.code or None, spec.cluster or None) in existing:
            continue
        owner: dict[str, Any] = (
            {"cluster": seeder.clusters[spec.cluster]}
            if spec.cluster
            else {"municipality": seeder.municipalities[spec.code]}
        )
        initiative = None
        if spec.initiative:
            initiative = Initiative.objects.filter(title=spec.initiative, **owner).first()
            if initiative is None:
                continue  # its municipality has no programme, so no initiatives
        gate = (
            GateDecision.objects.filter(initiative=initiative, to_stage=spec.at_gate_to)
            .order_by("-decided_on", "-pk")
            .first()
            if spec.at_gate_to
            else None
        )
        assumption = (
            Assumption.objects.filter(initiative=initiative, statement=spec.at_assumption).first()
            if spec.at_assumption
            else None
        )
        if (spec.at_gate_to and gate is None) or (spec.at_assumption and assumption is None):
            continue
        lesson_create(
            actor=seeder.users[spec.author],
            initiative=initiative,
            gate_decision=gate,
            assumption=assumption,
            **({} if initiative else owner),
            title=spec.title,
            body=spec.body,
            theme=spec.theme,
            stage=spec.stage,
            sdg_goals=list(spec.sdg_goals),
            visibility=spec.visibility,
            language="sv",
        )
        seeder.created["lessons"] += 1


# --- a pilot that spread --------------------------------------------------------------------


@dataclass(frozen=True)
class AdoptionSpec:
    code: str  # the pilot's municipality
    title: str
    adopter: str  # the adopting municipality's kommunkod; its coordinator adopts


ADOPTIONS = (AdoptionSpec("1466", "Digitala nyckelboxar i hemtjänsten", "1463"),)


def seed_adoptions(seeder: Seeder) -> None:
    for spec in ADOPTIONS:
        pilot = Initiative.objects.filter(municipality__code=spec.code, title=spec.title).first()
        adopter = seeder.municipalities[spec.adopter]
        if (
            pilot is None
            or not Program.objects.filter(municipality=adopter).exists()
            or Initiative.objects.filter(municipality=adopter, adopted_from=pilot).exists()
        ):
            continue
        pilot_adopt(source=pilot, municipality=adopter, actor=seeder._coordinator_of(spec.adopter))
        seeder.created["adopted pilots"] += 1


def seed_results(seeder: Seeder) -> None:
    """Everything above, in the order it depends on (after the initiatives)."""
    kolada = seed_statistics(seeder)
    seed_benefits(seeder, kolada.get("program"))
    seed_agreements(seeder)
    seed_lessons(seeder)
    seed_adoptions(seeder)
