"""The default Innocities self-assessment framework, version 1, in Swedish, English and
Norwegian bokmål.

Used by the data migrations that seed it and fill in its Norwegian texts. Dimension codes are stable: recommendation and
shared-need rules refer to them.
"""

from __future__ import annotations

from typing import Any

NAME = "Innocities"
VERSION = 1

# Every text is a (sv, en, nb) triple: name, description, 3–5 questions and the five levels.
DIMENSIONS: list[dict[str, Any]] = [
    {
        "code": "strategy",
        "name": (
            "Strategi och styrning för innovation",
            "Strategy and governance for innovation",
            "Strategi og styring for innovasjon",
        ),
        "description": (
            "Hur innovation är förankrad i kommunens mål, budget och styrmodell.",
            "How innovation is anchored in the municipality's goals, budget and governance model.",
            "Hvordan innovasjon er forankret i kommunens mål, budsjett og styringsmodell.",
        ),
        "questions": [
            (
                "Har kommunen en beslutad innovationsstrategi som är kopplad till mål och budget?",
                "Does the municipality have an adopted innovation strategy linked to goals and budget?",
                "Har kommunen en vedtatt innovasjonsstrategi som er knyttet til mål og budsjett?",
            ),
            (
                "Finns det avsatta resurser (tid, pengar, kompetens) för utvecklingsarbete i förvaltningarna?",
                "Are resources (time, money, skills) set aside for development work in the departments?",
                "Er det satt av ressurser (tid, penger, kompetanse) til utviklingsarbeid i tjenesteområdene?",
            ),
            (
                "Följer ledningen upp innovationsarbetet med samma allvar som ekonomi och verksamhetsresultat?",
                "Does senior management follow up innovation work as seriously as finances and operational results?",
                "Følger ledelsen opp innovasjonsarbeidet like seriøst som økonomi og tjenesteresultater?",
            ),
        ],
        "levels": [
            (
                "Innovation nämns inte i styrdokumenten; utveckling sker på eldsjälars initiativ.",
                "Innovation is absent from governing documents; development happens on enthusiasts' initiative.",
                "Innovasjon nevnes ikke i styringsdokumentene; utvikling skjer på initiativ fra ildsjeler.",
            ),
            (
                "Innovation nämns i visioner men saknar mål, ägare och budget.",
                "Innovation appears in visions but lacks goals, owners and budget.",
                "Innovasjon nevnes i visjoner, men mangler mål, eiere og budsjett.",
            ),
            (
                "Det finns en strategi med ansvar utpekat, men resurser och uppföljning är ojämna.",
                "A strategy with named owners exists, but resources and follow-up are uneven.",
                "Det finnes en strategi med tydelig ansvar, men ressurser og oppfølging er ujevne.",
            ),
            (
                "Strategin styr prioriteringar och budget, och följs upp regelbundet av ledningen.",
                "The strategy steers priorities and budget and is regularly followed up by management.",
                "Strategien styrer prioriteringer og budsjett og følges jevnlig opp av ledelsen.",
            ),
            (
                "Innovation är en självklar del av styrmodellen och revideras utifrån lärande och resultat.",
                "Innovation is an integral part of the governance model and revised on learning and results.",
                "Innovasjon er en selvsagt del av styringsmodellen og revideres ut fra læring og resultater.",
            ),
        ],
    },
    {
        "code": "culture",
        "name": (
            "Innovationskultur och ledarskap",
            "Innovation culture and leadership",
            "Innovasjonskultur og ledelse",
        ),
        "description": (
            "Hur chefer och medarbetare får och tar utrymme att pröva nytt.",
            "How managers and staff are given, and take, room to try new things.",
            "Hvordan ledere og medarbeidere får, og tar, rom til å prøve noe nytt.",
        ),
        "questions": [
            (
                "Uppmuntrar chefer medarbetare att föreslå och pröva nya arbetssätt?",
                "Do managers encourage staff to propose and test new ways of working?",
                "Oppmuntrer ledere medarbeiderne til å foreslå og prøve ut nye arbeidsmåter?",
            ),
            (
                "Kan misslyckade försök diskuteras öppet och användas för lärande?",
                "Can failed experiments be discussed openly and used for learning?",
                "Kan mislykkede forsøk diskuteres åpent og brukes til læring?",
            ),
            (
                "Har chefer och medarbetare kompetens i metoder som tjänstedesign och behovsdriven utveckling?",
                "Do managers and staff have skills in methods such as service design and needs-driven development?",
                "Har ledere og medarbeidere kompetanse i metoder som tjenestedesign og behovsdrevet utvikling?",
            ),
            (
                "Involveras invånare och brukare tidigt när tjänster utvecklas?",
                "Are residents and service users involved early when services are developed?",
                "Blir innbyggere og brukere involvert tidlig når tjenester utvikles?",
            ),
        ],
        "levels": [
            (
                "Nya idéer uppfattas som störningar; misstag undviks till varje pris.",
                "New ideas are seen as disruptions; mistakes are avoided at all costs.",
                "Nye ideer oppfattes som forstyrrelser; feil unngås for enhver pris.",
            ),
            (
                "Enskilda chefer uppmuntrar nytänkande, men det beror på person snarare än system.",
                "Individual managers encourage new thinking, but it depends on people rather than systems.",
                "Enkelte ledere oppmuntrer til nytenkning, men det avhenger av personer snarere enn av systemer.",
            ),
            (
                "Ledningen efterfrågar idéer och det finns metodstöd, men tid och mandat saknas ofta.",
                "Management asks for ideas and methods support exists, but time and mandate are often lacking.",
                "Ledelsen etterspør ideer og det finnes metodestøtte, men tid og mandat mangler ofte.",
            ),
            (
                "Chefer ger mandat och tid; lärande från försök delas mellan förvaltningar.",
                "Managers give mandate and time; lessons from experiments are shared across departments.",
                "Ledere gir mandat og tid; læring fra forsøk deles på tvers av tjenesteområdene.",
            ),
            (
                "Att pröva, lära och dela är en del av vardagen och av chefsuppdraget.",
                "Testing, learning and sharing are part of everyday work and of every manager's remit.",
                "Å prøve, lære og dele er en del av hverdagen og av lederoppdraget.",
            ),
        ],
    },
    {
        "code": "balance",
        "name": (
            "Balans mellan drift och utveckling",
            "Balancing operations and innovation",
            "Balanse mellom drift og utvikling",
        ),
        "description": (
            "Hur kommunen kombinerar en effektiv drift med utrymme för förnyelse.",
            "How the municipality combines efficient operations with room for renewal.",
            "Hvordan kommunen kombinerer effektiv drift med rom for fornyelse.",
        ),
        "questions": [
            (
                "Finns det strukturer som skyddar utvecklingstid från det dagliga driftstrycket?",
                "Are there structures that protect development time from daily operational pressure?",
                "Finnes det strukturer som beskytter utviklingstiden mot det daglige driftspresset?",
            ),
            (
                "Prioriteras utvecklingsinitiativ utifrån en gemensam portfölj snarare än var för sig?",
                "Are development initiatives prioritised as one portfolio rather than one by one?",
                "Prioriteres utviklingstiltak ut fra en felles portefølje i stedet for hver for seg?",
            ),
            (
                "Avvecklas arbetssätt och projekt som inte längre skapar värde?",
                "Are ways of working and projects that no longer create value discontinued?",
                "Blir arbeidsmåter og prosjekter som ikke lenger skaper verdi, avviklet?",
            ),
        ],
        "levels": [
            (
                "Driften tar all tid; utveckling sker bara vid kris eller med externa medel.",
                "Operations take all the time; development only happens in a crisis or with external funding.",
                "Driften tar all tid; utvikling skjer bare i kriser eller med eksterne midler.",
            ),
            (
                "Utveckling sker i projekt vid sidan av linjen och faller ofta när projekten tar slut.",
                "Development happens in projects beside the line organisation and often fades when they end.",
                "Utvikling skjer i prosjekter på siden av linjen og stopper ofte opp når prosjektene er over.",
            ),
            (
                "Det finns avsatt utvecklingstid i vissa verksamheter och en början till portfölj.",
                "Some services have protected development time and an emerging portfolio.",
                "Noen tjenester har avsatt utviklingstid, og en felles portefølje er i ferd med å ta form.",
            ),
            (
                "En gemensam portfölj prioriterar, finansierar och avvecklar initiativ medvetet.",
                "A shared portfolio deliberately prioritises, funds and ends initiatives.",
                "En felles portefølje prioriterer, finansierer og avslutter tiltak bevisst.",
            ),
            (
                "Drift och utveckling planeras tillsammans; förnyelse är en del av uppdraget i hela linjen.",
                "Operations and development are planned together; renewal is part of every line manager's remit.",
                "Drift og utvikling planlegges sammen; fornyelse er en del av oppdraget i hele linjen.",
            ),
        ],
    },
    {
        "code": "uncertainty",
        "name": (
            "Att navigera osäkerhet och omvärldsbevakning",
            "Navigating uncertainty and foresight",
            "Å navigere i usikkerhet og følge med på omverdenen",
        ),
        "description": (
            "Hur kommunen bevakar omvärlden och förbereder sig för olika framtider.",
            "How the municipality scans its environment and prepares for different futures.",
            "Hvordan kommunen følger med på omverdenen og forbereder seg på ulike framtider.",
        ),
        "questions": [
            (
                "Bevakar kommunen systematiskt trender och förändringar som påverkar dess uppdrag?",
                "Does the municipality systematically monitor trends and changes that affect its mission?",
                "Følger kommunen systematisk med på trender og endringer som påvirker samfunnsoppdraget?",
            ),
            (
                "Används scenarier eller framtidsanalyser i planering och budgetarbete?",
                "Are scenarios or foresight analyses used in planning and budgeting?",
                "Brukes scenarioer eller framtidsanalyser i planlegging og budsjettarbeid?",
            ),
            (
                "Kan kommunen snabbt ställa om arbetssätt när förutsättningarna förändras?",
                "Can the municipality quickly adapt its ways of working when conditions change?",
                "Kan kommunen raskt legge om arbeidsmåter når forutsetningene endrer seg?",
            ),
        ],
        "levels": [
            (
                "Omvärldsbevakning sker inte; förändringar upptäcks när de redan påverkar verksamheten.",
                "There is no environmental scanning; changes are noticed once they already affect services.",
                "Ingen følger med på omverdenen; endringer oppdages først når de allerede påvirker tjenestene.",
            ),
            (
                "Enstaka personer bevakar omvärlden, men insikterna når sällan beslutsfattarna.",
                "A few people scan the environment, but insights rarely reach decision-makers.",
                "Enkeltpersoner følger med på omverdenen, men innsikten når sjelden fram til beslutningstakerne.",
            ),
            (
                "Omvärldsanalys görs inför planeringen, men används ojämnt i besluten.",
                "Environmental analysis is done before planning but used unevenly in decisions.",
                "Det gjøres omverdensanalyser før planleggingen, men de brukes ujevnt i beslutningene.",
            ),
            (
                "Scenarier och framtidsanalyser används i planering och ger beredskap för flera utfall.",
                "Scenarios and foresight are used in planning and prepare for several outcomes.",
                "Scenarioer og framtidsanalyser brukes i planleggingen og gir beredskap for flere utfall.",
            ),
            (
                "Omvärldsbevakning är kontinuerlig och kommunen ställer snabbt om utifrån nya signaler.",
                "Foresight is continuous and the municipality adapts quickly to new signals.",
                "Kommunen følger kontinuerlig med på omverdenen og legger raskt om ut fra nye signaler.",
            ),
        ],
    },
    {
        "code": "helix",
        "name": (
            "Samverkan i fyrfaldig helix",
            "Quadruple-helix collaboration",
            "Samarbeid i firedobbel heliks",
        ),
        "description": (
            "Hur kommunen utvecklar lösningar tillsammans med näringsliv, akademi och civilsamhälle.",
            "How the municipality develops solutions with business, academia and civil society.",
            "Hvordan kommunen utvikler løsninger sammen med næringsliv, akademia og sivilsamfunn.",
        ),
        "questions": [
            (
                "Samarbetar kommunen aktivt med näringsliv, akademi och civilsamhälle i utvecklingsarbetet?",
                "Does the municipality actively collaborate with business, academia and civil society in development work?",
                "Samarbeider kommunen aktivt med næringsliv, akademia og sivilsamfunn i utviklingsarbeidet?",
            ),
            (
                "Finns det etablerade former (avtal, arenor, testbäddar) för långsiktig samverkan?",
                "Are there established forms (agreements, arenas, testbeds) for long-term collaboration?",
                "Finnes det etablerte former (avtaler, arenaer, testarenaer) for langsiktig samarbeid?",
            ),
            (
                "Delar kommunen utmaningar öppet så att externa aktörer kan bidra med lösningar?",
                "Does the municipality share its challenges openly so that external actors can contribute solutions?",
                "Deler kommunen utfordringene sine åpent, slik at eksterne aktører kan bidra med løsninger?",
            ),
        ],
        "levels": [
            (
                "Externa aktörer möts främst som leverantörer i upphandlingar.",
                "External actors are met mainly as suppliers in procurements.",
                "Eksterne aktører møtes først og fremst som leverandører i anskaffelser.",
            ),
            (
                "Samverkan sker i enstaka projekt, ofta beroende av en person eller ett bidrag.",
                "Collaboration happens in individual projects, often dependent on one person or one grant.",
                "Samarbeid skjer i enkeltprosjekter, ofte avhengig av én person eller ett tilskudd.",
            ),
            (
                "Det finns återkommande samverkan med flera helixar, men utan gemensam riktning.",
                "There is recurring collaboration with several helices, but without a shared direction.",
                "Det er jevnlig samarbeid med flere aktørgrupper, men uten felles retning.",
            ),
            (
                "Långsiktiga partnerskap och arenor finns, med gemensamma mål och roller.",
                "Long-term partnerships and arenas exist, with shared goals and roles.",
                "Langsiktige partnerskap og arenaer er på plass, med felles mål og roller.",
            ),
            (
                "Kommunen är en självklar nod i ett ekosystem där utmaningar och resultat delas öppet.",
                "The municipality is a natural hub in an ecosystem where challenges and results are shared openly.",
                "Kommunen er et naturlig knutepunkt i et økosystem der utfordringer og resultater deles åpent.",
            ),
        ],
    },
    {
        "code": "pilots",
        "name": (
            "Från pilot till drift",
            "From pilot to operation",
            "Fra pilot til drift",
        ),
        "description": (
            "Hur lyckade försök blir ordinarie verksamhet och sprids.",
            "How successful trials become regular services and spread.",
            "Hvordan vellykkede forsøk blir ordinær drift og tas i bruk flere steder.",
        ),
        "questions": [
            (
                "Finns det kriterier och beslutspunkter för när en pilot ska skalas upp, ändras eller avslutas?",
                "Are there criteria and decision points for when a pilot is scaled up, changed or ended?",
                "Finnes det kriterier og beslutningspunkter for når en pilot skal skaleres opp, endres eller avsluttes?",
            ),
            (
                "Planeras finansiering, förvaltning och ägarskap för driften redan när piloten startar?",
                "Are funding, maintenance and ownership for operation planned when the pilot starts?",
                "Planlegges finansiering, forvaltning og eierskap for driften allerede når piloten starter?",
            ),
            (
                "Sprids fungerande lösningar till andra verksamheter och kommuner?",
                "Are working solutions spread to other services and municipalities?",
                "Blir løsninger som fungerer, spredt til andre tjenester og kommuner?",
            ),
        ],
        "levels": [
            (
                "Piloter avslutas när projektmedlen tar slut, oavsett resultat.",
                "Pilots end when project funding runs out, regardless of results.",
                "Piloter avsluttes når prosjektmidlene tar slutt, uansett resultat.",
            ),
            (
                "Några piloter blir kvar, men utan plan för förvaltning och ägarskap.",
                "Some pilots remain, but without a plan for maintenance and ownership.",
                "Noen piloter blir videreført, men uten plan for forvaltning og eierskap.",
            ),
            (
                "Det finns en modell för utvärdering, men övergången till drift är ofta trög.",
                "An evaluation model exists, but the move into operation is often slow.",
                "Det finnes en modell for evaluering, men overgangen til drift går ofte tregt.",
            ),
            (
                "Piloter har beslutspunkter och mottagare i linjen; lyckade lösningar implementeras.",
                "Pilots have decision points and owners in the line; successful solutions are implemented.",
                "Piloter har beslutningspunkter og mottakere i linjen; vellykkede løsninger blir implementert.",
            ),
            (
                "Uppskalning och spridning är systematisk, även tillsammans med andra kommuner.",
                "Scaling and spreading are systematic, also together with other municipalities.",
                "Oppskalering og spredning skjer systematisk, også sammen med andre kommuner.",
            ),
        ],
    },
    {
        "code": "sustainability",
        "name": (
            "Hållbarhet och Agenda 2030",
            "Sustainability and Agenda 2030",
            "Bærekraft og FNs bærekraftsmål",
        ),
        "description": (
            "Hur innovationsarbetet bidrar till social, ekologisk och ekonomisk hållbarhet.",
            "How innovation work contributes to social, ecological and economic sustainability.",
            "Hvordan innovasjonsarbeidet bidrar til sosial, miljømessig og økonomisk bærekraft.",
        ),
        "questions": [
            (
                "Är kommunens utvecklingsinitiativ kopplade till de globala målen i Agenda 2030?",
                "Are the municipality's development initiatives linked to the Agenda 2030 goals?",
                "Er kommunens utviklingstiltak knyttet til FNs bærekraftsmål i Agenda 2030?",
            ),
            (
                "Bedöms effekter på klimat, miljö och social hållbarhet innan nya lösningar införs?",
                "Are effects on climate, environment and social sustainability assessed before new solutions are introduced?",
                "Blir virkninger for klima, miljø og sosial bærekraft vurdert før nye løsninger tas i bruk?",
            ),
            (
                "Följer kommunen upp hållbarhetsresultat med indikatorer, till exempel i Kolada?",
                "Does the municipality follow up sustainability results with indicators, for example in Kolada?",
                "Følger kommunen opp bærekraftsresultater med indikatorer, for eksempel fra KOSTRA?",
            ),
        ],
        "levels": [
            (
                "Hållbarhet hanteras separat från utvecklingsarbetet.",
                "Sustainability is handled separately from development work.",
                "Bærekraft håndteres atskilt fra utviklingsarbeidet.",
            ),
            (
                "Agenda 2030 nämns i dokument, men påverkar sällan vilka initiativ som väljs.",
                "Agenda 2030 is mentioned in documents but rarely affects which initiatives are chosen.",
                "Bærekraftsmålene nevnes i dokumenter, men påvirker sjelden hvilke tiltak som velges.",
            ),
            (
                "Större initiativ kopplas till de globala målen och hållbarhetseffekter bedöms ibland.",
                "Larger initiatives are linked to the global goals and sustainability effects are sometimes assessed.",
                "Større tiltak knyttes til bærekraftsmålene, og virkninger for bærekraft vurderes av og til.",
            ),
            (
                "Hållbarhetseffekter bedöms systematiskt och följs upp med indikatorer.",
                "Sustainability effects are systematically assessed and followed up with indicators.",
                "Virkninger for bærekraft vurderes systematisk og følges opp med indikatorer.",
            ),
            (
                "Hållbarhet är drivkraften i innovationsarbetet och resultaten redovisas öppet.",
                "Sustainability drives innovation work and results are reported openly.",
                "Bærekraft er drivkraften i innovasjonsarbeidet, og resultatene rapporteres åpent.",
            ),
        ],
    },
    {
        "code": "data",
        "name": (
            "Data och digital infrastruktur",
            "Data and digital infrastructure",
            "Data og digital infrastruktur",
        ),
        "description": (
            "Hur data och digitala system stödjer uppföljning, samverkan och nya tjänster.",
            "How data and digital systems support follow-up, collaboration and new services.",
            "Hvordan data og digitale systemer støtter oppfølging, samarbeid og nye tjenester.",
        ),
        "questions": [
            (
                "Används data systematiskt som underlag för beslut och verksamhetsutveckling?",
                "Is data used systematically to inform decisions and service development?",
                "Brukes data systematisk som grunnlag for beslutninger og tjenesteutvikling?",
            ),
            (
                "Är system och data tillgängliga och möjliga att dela (öppna data, standarder, API:er)?",
                "Are systems and data accessible and shareable (open data, standards, APIs)?",
                "Er systemer og data tilgjengelige og mulige å dele (åpne data, standarder, API-er)?",
            ),
            (
                "Finns det kompetens och tydligt ansvar för informationssäkerhet och dataskydd?",
                "Are there skills and clear responsibility for information security and data protection?",
                "Finnes det kompetanse og tydelig ansvar for informasjonssikkerhet og personvern?",
            ),
        ],
        "levels": [
            (
                "Data ligger inlåst i verksamhetssystem och används sällan för analys.",
                "Data is locked in line-of-business systems and rarely used for analysis.",
                "Data er låst inne i fagsystemer og brukes sjelden til analyse.",
            ),
            (
                "Enskilda verksamheter analyserar sina data, men system och format hänger inte ihop.",
                "Individual services analyse their data, but systems and formats do not connect.",
                "Enkelte tjenester analyserer egne data, men systemer og formater henger ikke sammen.",
            ),
            (
                "Det finns en digitaliseringsstrategi och början till gemensam dataplattform.",
                "A digitalisation strategy and the beginnings of a shared data platform exist.",
                "Det finnes en digitaliseringsstrategi og en begynnende felles dataplattform.",
            ),
            (
                "Data delas mellan verksamheter och med partner enligt standarder och tydliga regler.",
                "Data is shared across services and with partners according to standards and clear rules.",
                "Data deles mellom tjenester og med partnere etter standarder og tydelige regler.",
            ),
            (
                "Data är en strategisk resurs: öppna data, gemensam infrastruktur och datadrivna tjänster.",
                "Data is a strategic asset: open data, shared infrastructure and data-driven services.",
                "Data er en strategisk ressurs: åpne data, felles infrastruktur og datadrevne tjenester.",
            ),
        ],
    },
]


def load_default_framework(framework_model, dimension_model, question_model, level_model) -> Any:
    """Create the default framework with the given model classes (historical ones in a
    migration). Does nothing if this name and version already exist; returns the framework."""
    existing = framework_model.objects.filter(name=NAME, version=VERSION).first()
    if existing is not None:
        return existing
    has_active = framework_model.objects.filter(is_active=True).exists()
    framework = framework_model.objects.create(name=NAME, version=VERSION, is_active=not has_active)
    for position, spec in enumerate(DIMENSIONS, start=1):
        dimension = dimension_model.objects.create(
            framework=framework,
            code=spec["code"],
            position=position,
            **_known(dimension_model, _dimension_texts(spec)),
        )
        for q_position, texts in enumerate(spec["questions"], start=1):
            question_model.objects.create(
                dimension=dimension, position=q_position, **_known(question_model, _texts(texts))
            )
        for level, texts in enumerate(spec["levels"], start=1):
            level_model.objects.create(
                dimension=dimension, level=level, **_known(level_model, _texts(texts))
            )
    return framework


def fill_norwegian(framework_model, dimension_model, question_model, level_model) -> int:
    """Fill in the Norwegian texts of an existing default framework (version 1) where they are
    still empty; texts an administrator has already written are kept. Returns how many rows
    changed. Questions are matched by their position within the dimension, and only when
    the Swedish text is still the shipped one, so an edited question never gets a
    translation of something else."""
    framework = framework_model.objects.filter(name=NAME, version=VERSION).first()
    if framework is None:
        return 0
    changed = 0
    specs = {spec["code"]: spec for spec in DIMENSIONS}
    for dimension in dimension_model.objects.filter(framework=framework):
        spec = specs.get(dimension.code)
        if spec is None:
            continue
        changed += _fill(dimension, {"name": spec["name"], "description": spec["description"]})
        shipped = dict(enumerate(spec["questions"], start=1))
        for question in question_model.objects.filter(dimension=dimension):
            texts = shipped.get(question.position)
            if texts is not None and question.text_sv == texts[0]:
                changed += _fill(question, {"text": texts})
        for level in level_model.objects.filter(dimension=dimension):
            texts = dict(enumerate(spec["levels"], start=1)).get(level.level)
            if texts is not None and level.text_sv == texts[0]:
                changed += _fill(level, {"text": texts})
    return changed


def _texts(texts: tuple[str, str, str], field: str = "text") -> dict[str, str]:
    return dict(zip((f"{field}_sv", f"{field}_en", f"{field}_nb"), texts, strict=True))


def _known(model: Any, values: dict[str, str]) -> dict[str, str]:
    # The seeding migration (0002) runs before the Norwegian fields exist; 0004 fills them.
    names = {field.name for field in model._meta.get_fields()}
    return {name: value for name, value in values.items() if name in names}


def _dimension_texts(spec: dict[str, Any]) -> dict[str, str]:
    return {**_texts(spec["name"], "name"), **_texts(spec["description"], "description")}


def _fill(obj: Any, texts: dict[str, tuple[str, str, str]]) -> int:
    empty = [field for field in texts if not getattr(obj, f"{field}_nb")]
    if not empty:
        return 0
    for field in empty:
        setattr(obj, f"{field}_nb", texts[field][2])
    obj.save(update_fields=[f"{field}_nb" for field in empty])
    return 1
