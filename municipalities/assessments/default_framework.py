"""The default Innocities self-assessment framework, version 1, in Swedish and English.

Used by the data migration that seeds it. Dimension codes are stable: recommendation and
shared-need rules refer to them.
"""

from __future__ import annotations

from typing import Any

NAME = "Innocities"
VERSION = 1

# (code, name_sv, name_en, description_sv, description_en, questions [(sv, en)], levels [(sv, en)] × 5)
DIMENSIONS: list[dict[str, Any]] = [
    {
        "code": "strategy",
        "name": ("Strategi och styrning för innovation", "Strategy and governance for innovation"),
        "description": (
            "Hur innovation är förankrad i kommunens mål, budget och styrmodell.",
            "How innovation is anchored in the municipality's goals, budget and governance model.",
        ),
        "questions": [
            (
                "Har kommunen en beslutad innovationsstrategi som är kopplad till mål och budget?",
                "Does the municipality have an adopted innovation strategy linked to goals and budget?",
            ),
            (
                "Finns det avsatta resurser (tid, pengar, kompetens) för utvecklingsarbete i förvaltningarna?",
                "Are resources (time, money, skills) set aside for development work in the departments?",
            ),
            (
                "Följer ledningen upp innovationsarbetet med samma allvar som ekonomi och verksamhetsresultat?",
                "Does senior management follow up innovation work as seriously as finances and operational results?",
            ),
        ],
        "levels": [
            (
                "Innovation nämns inte i styrdokumenten; utveckling sker på eldsjälars initiativ.",
                "Innovation is absent from governing documents; development happens on enthusiasts' initiative.",
            ),
            (
                "Innovation nämns i visioner men saknar mål, ägare och budget.",
                "Innovation appears in visions but lacks goals, owners and budget.",
            ),
            (
                "Det finns en strategi med ansvar utpekat, men resurser och uppföljning är ojämna.",
                "A strategy with named owners exists, but resources and follow-up are uneven.",
            ),
            (
                "Strategin styr prioriteringar och budget, och följs upp regelbundet av ledningen.",
                "The strategy steers priorities and budget and is regularly followed up by management.",
            ),
            (
                "Innovation är en självklar del av styrmodellen och revideras utifrån lärande och resultat.",
                "Innovation is an integral part of the governance model and revised on learning and results.",
            ),
        ],
    },
    {
        "code": "culture",
        "name": ("Innovationskultur och ledarskap", "Innovation culture and leadership"),
        "description": (
            "Hur chefer och medarbetare får och tar utrymme att pröva nytt.",
            "How managers and staff are given, and take, room to try new things.",
        ),
        "questions": [
            (
                "Uppmuntrar chefer medarbetare att föreslå och pröva nya arbetssätt?",
                "Do managers encourage staff to propose and test new ways of working?",
            ),
            (
                "Kan misslyckade försök diskuteras öppet och användas för lärande?",
                "Can failed experiments be discussed openly and used for learning?",
            ),
            (
                "Har chefer och medarbetare kompetens i metoder som tjänstedesign och behovsdriven utveckling?",
                "Do managers and staff have skills in methods such as service design and needs-driven development?",
            ),
            (
                "Involveras invånare och brukare tidigt när tjänster utvecklas?",
                "Are residents and service users involved early when services are developed?",
            ),
        ],
        "levels": [
            (
                "Nya idéer uppfattas som störningar; misstag undviks till varje pris.",
                "New ideas are seen as disruptions; mistakes are avoided at all costs.",
            ),
            (
                "Enskilda chefer uppmuntrar nytänkande, men det beror på person snarare än system.",
                "Individual managers encourage new thinking, but it depends on people rather than systems.",
            ),
            (
                "Ledningen efterfrågar idéer och det finns metodstöd, men tid och mandat saknas ofta.",
                "Management asks for ideas and methods support exists, but time and mandate are often lacking.",
            ),
            (
                "Chefer ger mandat och tid; lärande från försök delas mellan förvaltningar.",
                "Managers give mandate and time; lessons from experiments are shared across departments.",
            ),
            (
                "Att pröva, lära och dela är en del av vardagen och av chefsuppdraget.",
                "Testing, learning and sharing are part of everyday work and of every manager's remit.",
            ),
        ],
    },
    {
        "code": "balance",
        "name": ("Balans mellan drift och utveckling", "Balancing operations and innovation"),
        "description": (
            "Hur kommunen kombinerar en effektiv drift med utrymme för förnyelse.",
            "How the municipality combines efficient operations with room for renewal.",
        ),
        "questions": [
            (
                "Finns det strukturer som skyddar utvecklingstid från det dagliga driftstrycket?",
                "Are there structures that protect development time from daily operational pressure?",
            ),
            (
                "Prioriteras utvecklingsinitiativ utifrån en gemensam portfölj snarare än var för sig?",
                "Are development initiatives prioritised as one portfolio rather than one by one?",
            ),
            (
                "Avvecklas arbetssätt och projekt som inte längre skapar värde?",
                "Are ways of working and projects that no longer create value discontinued?",
            ),
        ],
        "levels": [
            (
                "Driften tar all tid; utveckling sker bara vid kris eller med externa medel.",
                "Operations take all the time; development only happens in a crisis or with external funding.",
            ),
            (
                "Utveckling sker i projekt vid sidan av linjen och faller ofta när projekten tar slut.",
                "Development happens in projects beside the line organisation and often fades when they end.",
            ),
            (
                "Det finns avsatt utvecklingstid i vissa verksamheter och en början till portfölj.",
                "Some services have protected development time and an emerging portfolio.",
            ),
            (
                "En gemensam portfölj prioriterar, finansierar och avvecklar initiativ medvetet.",
                "A shared portfolio deliberately prioritises, funds and ends initiatives.",
            ),
            (
                "Drift och utveckling planeras tillsammans; förnyelse är en del av uppdraget i hela linjen.",
                "Operations and development are planned together; renewal is part of every line manager's remit.",
            ),
        ],
    },
    {
        "code": "uncertainty",
        "name": (
            "Att navigera osäkerhet och omvärldsbevakning",
            "Navigating uncertainty and foresight",
        ),
        "description": (
            "Hur kommunen bevakar omvärlden och förbereder sig för olika framtider.",
            "How the municipality scans its environment and prepares for different futures.",
        ),
        "questions": [
            (
                "Bevakar kommunen systematiskt trender och förändringar som påverkar dess uppdrag?",
                "Does the municipality systematically monitor trends and changes that affect its mission?",
            ),
            (
                "Används scenarier eller framtidsanalyser i planering och budgetarbete?",
                "Are scenarios or foresight analyses used in planning and budgeting?",
            ),
            (
                "Kan kommunen snabbt ställa om arbetssätt när förutsättningarna förändras?",
                "Can the municipality quickly adapt its ways of working when conditions change?",
            ),
        ],
        "levels": [
            (
                "Omvärldsbevakning sker inte; förändringar upptäcks när de redan påverkar verksamheten.",
                "There is no environmental scanning; changes are noticed once they already affect services.",
            ),
            (
                "Enstaka personer bevakar omvärlden, men insikterna når sällan beslutsfattarna.",
                "A few people scan the environment, but insights rarely reach decision-makers.",
            ),
            (
                "Omvärldsanalys görs inför planeringen, men används ojämnt i besluten.",
                "Environmental analysis is done before planning but used unevenly in decisions.",
            ),
            (
                "Scenarier och framtidsanalyser används i planering och ger beredskap för flera utfall.",
                "Scenarios and foresight are used in planning and prepare for several outcomes.",
            ),
            (
                "Omvärldsbevakning är kontinuerlig och kommunen ställer snabbt om utifrån nya signaler.",
                "Foresight is continuous and the municipality adapts quickly to new signals.",
            ),
        ],
    },
    {
        "code": "helix",
        "name": ("Samverkan i fyrfaldig helix", "Quadruple-helix collaboration"),
        "description": (
            "Hur kommunen utvecklar lösningar tillsammans med näringsliv, akademi och civilsamhälle.",
            "How the municipality develops solutions with business, academia and civil society.",
        ),
        "questions": [
            (
                "Samarbetar kommunen aktivt med näringsliv, akademi och civilsamhälle i utvecklingsarbetet?",
                "Does the municipality actively collaborate with business, academia and civil society in development work?",
            ),
            (
                "Finns det etablerade former (avtal, arenor, testbäddar) för långsiktig samverkan?",
                "Are there established forms (agreements, arenas, testbeds) for long-term collaboration?",
            ),
            (
                "Delar kommunen utmaningar öppet så att externa aktörer kan bidra med lösningar?",
                "Does the municipality share its challenges openly so that external actors can contribute solutions?",
            ),
        ],
        "levels": [
            (
                "Externa aktörer möts främst som leverantörer i upphandlingar.",
                "External actors are met mainly as suppliers in procurements.",
            ),
            (
                "Samverkan sker i enstaka projekt, ofta beroende av en person eller ett bidrag.",
                "Collaboration happens in individual projects, often dependent on one person or one grant.",
            ),
            (
                "Det finns återkommande samverkan med flera helixar, men utan gemensam riktning.",
                "There is recurring collaboration with several helices, but without a shared direction.",
            ),
            (
                "Långsiktiga partnerskap och arenor finns, med gemensamma mål och roller.",
                "Long-term partnerships and arenas exist, with shared goals and roles.",
            ),
            (
                "Kommunen är en självklar nod i ett ekosystem där utmaningar och resultat delas öppet.",
                "The municipality is a natural hub in an ecosystem where challenges and results are shared openly.",
            ),
        ],
    },
    {
        "code": "pilots",
        "name": ("Från pilot till drift", "From pilot to operation"),
        "description": (
            "Hur lyckade försök blir ordinarie verksamhet och sprids.",
            "How successful trials become regular services and spread.",
        ),
        "questions": [
            (
                "Finns det kriterier och beslutspunkter för när en pilot ska skalas upp, ändras eller avslutas?",
                "Are there criteria and decision points for when a pilot is scaled up, changed or ended?",
            ),
            (
                "Planeras finansiering, förvaltning och ägarskap för driften redan när piloten startar?",
                "Are funding, maintenance and ownership for operation planned when the pilot starts?",
            ),
            (
                "Sprids fungerande lösningar till andra verksamheter och kommuner?",
                "Are working solutions spread to other services and municipalities?",
            ),
        ],
        "levels": [
            (
                "Piloter avslutas när projektmedlen tar slut, oavsett resultat.",
                "Pilots end when project funding runs out, regardless of results.",
            ),
            (
                "Några piloter blir kvar, men utan plan för förvaltning och ägarskap.",
                "Some pilots remain, but without a plan for maintenance and ownership.",
            ),
            (
                "Det finns en modell för utvärdering, men övergången till drift är ofta trög.",
                "An evaluation model exists, but the move into operation is often slow.",
            ),
            (
                "Piloter har beslutspunkter och mottagare i linjen; lyckade lösningar implementeras.",
                "Pilots have decision points and owners in the line; successful solutions are implemented.",
            ),
            (
                "Uppskalning och spridning är systematisk, även tillsammans med andra kommuner.",
                "Scaling and spreading are systematic, also together with other municipalities.",
            ),
        ],
    },
    {
        "code": "sustainability",
        "name": ("Hållbarhet och Agenda 2030", "Sustainability and Agenda 2030"),
        "description": (
            "Hur innovationsarbetet bidrar till social, ekologisk och ekonomisk hållbarhet.",
            "How innovation work contributes to social, ecological and economic sustainability.",
        ),
        "questions": [
            (
                "Är kommunens utvecklingsinitiativ kopplade till de globala målen i Agenda 2030?",
                "Are the municipality's development initiatives linked to the Agenda 2030 goals?",
            ),
            (
                "Bedöms effekter på klimat, miljö och social hållbarhet innan nya lösningar införs?",
                "Are effects on climate, environment and social sustainability assessed before new solutions are introduced?",
            ),
            (
                "Följer kommunen upp hållbarhetsresultat med indikatorer, till exempel i Kolada?",
                "Does the municipality follow up sustainability results with indicators, for example in Kolada?",
            ),
        ],
        "levels": [
            (
                "Hållbarhet hanteras separat från utvecklingsarbetet.",
                "Sustainability is handled separately from development work.",
            ),
            (
                "Agenda 2030 nämns i dokument, men påverkar sällan vilka initiativ som väljs.",
                "Agenda 2030 is mentioned in documents but rarely affects which initiatives are chosen.",
            ),
            (
                "Större initiativ kopplas till de globala målen och hållbarhetseffekter bedöms ibland.",
                "Larger initiatives are linked to the global goals and sustainability effects are sometimes assessed.",
            ),
            (
                "Hållbarhetseffekter bedöms systematiskt och följs upp med indikatorer.",
                "Sustainability effects are systematically assessed and followed up with indicators.",
            ),
            (
                "Hållbarhet är drivkraften i innovationsarbetet och resultaten redovisas öppet.",
                "Sustainability drives innovation work and results are reported openly.",
            ),
        ],
    },
    {
        "code": "data",
        "name": ("Data och digital infrastruktur", "Data and digital infrastructure"),
        "description": (
            "Hur data och digitala system stödjer uppföljning, samverkan och nya tjänster.",
            "How data and digital systems support follow-up, collaboration and new services.",
        ),
        "questions": [
            (
                "Används data systematiskt som underlag för beslut och verksamhetsutveckling?",
                "Is data used systematically to inform decisions and service development?",
            ),
            (
                "Är system och data tillgängliga och möjliga att dela (öppna data, standarder, API:er)?",
                "Are systems and data accessible and shareable (open data, standards, APIs)?",
            ),
            (
                "Finns det kompetens och tydligt ansvar för informationssäkerhet och dataskydd?",
                "Are there skills and clear responsibility for information security and data protection?",
            ),
        ],
        "levels": [
            (
                "Data ligger inlåst i verksamhetssystem och används sällan för analys.",
                "Data is locked in line-of-business systems and rarely used for analysis.",
            ),
            (
                "Enskilda verksamheter analyserar sina data, men system och format hänger inte ihop.",
                "Individual services analyse their data, but systems and formats do not connect.",
            ),
            (
                "Det finns en digitaliseringsstrategi och början till gemensam dataplattform.",
                "A digitalisation strategy and the beginnings of a shared data platform exist.",
            ),
            (
                "Data delas mellan verksamheter och med partner enligt standarder och tydliga regler.",
                "Data is shared across services and with partners according to standards and clear rules.",
            ),
            (
                "Data är en strategisk resurs: öppna data, gemensam infrastruktur och datadrivna tjänster.",
                "Data is a strategic asset: open data, shared infrastructure and data-driven services.",
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
            name_sv=spec["name"][0],
            name_en=spec["name"][1],
            description_sv=spec["description"][0],
            description_en=spec["description"][1],
        )
        for q_position, (text_sv, text_en) in enumerate(spec["questions"], start=1):
            question_model.objects.create(
                dimension=dimension, position=q_position, text_sv=text_sv, text_en=text_en
            )
        for level, (text_sv, text_en) in enumerate(spec["levels"], start=1):
            level_model.objects.create(
                dimension=dimension, level=level, text_sv=text_sv, text_en=text_en
            )
    return framework
