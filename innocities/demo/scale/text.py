"""What the scale's people write and are called: the names and texts a person reads."""

from __future__ import annotations

from clusters.models import MeetingKind
from programs.benefits.models import BenefitKind
from programs.indicators.models import Direction
from programs.initiatives.models import AssumptionKind, Decision, Facet


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SV_FIRST = _names(
    "Anna Erik Maria Lars Karin Anders Eva Johan Lena Per Sara Mikael Kristina Fredrik Emma "
    "Magnus Ingrid Jonas Helena Henrik Sofia Oskar Linnea Gustav Elin Daniel Malin Peter Ida "
    "Mats Hanna Niklas Camilla Olof Johanna Tobias Ulrika Viktor Frida Björn Agneta Åsa"
)
SV_LAST = _names(
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson Olofsson "
    "Lindström Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren Lundqvist "
    "Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin Engström Eklund "
    "Åberg Öberg"
)
NO_FIRST = _names(
    "Ole Kari Ingrid Lars Nora Jonas Silje Håkon Marit Eirik Ida Sindre Tone Bjørn Hilde "
    "Kristian Solveig Anders Ragnhild Magnus Astrid Even Guro Torbjørn Sigrid Øystein"
)
NO_LAST = _names(
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen "
    "Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen "
    "Halvorsen Lund Moen Solberg Bakken Sæther Løken"
)
ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "ø": "o", "æ": "ae", "é": "e"})

CLUSTER_THEMES = (
    "smart landsbygd",
    "energi och klimat",
    "välfärd och omsorg",
    "attraktiva orter",
    "digital förvaltning",
    "cirkulär ekonomi",
    "mobilitet och resor",
    "unga och kompetens",
    "vatten och klimatanpassning",
    "besöksnäring och kultur",
)
MEETING_TOPICS = (
    "läget i piloterna",
    "gemensamma behov",
    "innovationsledning",
    "välfärdsteknik i hemtjänsten",
    "energi i kommunens lokaler",
    "resor på landsbygden",
    "datadelning med partnerna",
    "från pilot till ordinarie drift",
    "årets självskattning",
    "samverkan med näringslivet",
    "unga som vill stanna",
    "gemensam upphandling",
    "lärdomar från förra året",
    "Agenda 2030 i budgeten",
)
MEETING_KINDS = (
    (MeetingKind.MEETING, "Klustermöte"),
    (MeetingKind.WORKSHOP, "Workshop"),
    (MeetingKind.TRAINING, "Utbildning"),
    (MeetingKind.STUDY_VISIT, "Studiebesök"),
)
MINUTES = (
    "Medlemmarna gick igenom läget och kom överens om nästa steg. Protokollet skickas ut.",
    "Tre pilotidéer valdes ut för en gemensam ansökan; partnerna återkommer med förslag.",
    "Genomgången visade att två kommuner ligger efter; klustret hjälper till med resurser.",
    "Deltagarna delade erfarenheter och bildade en arbetsgrupp som rapporterar nästa möte.",
)
GOALS = (
    "En antagen innovationsstrategi, partner från de fyra helixarna och sex piloter.",
    "Välfärdsteknik i hemtjänsten och minst två piloter i ordinarie drift.",
    "Minskad energianvändning i kommunens lokaler och fler resor utan egen bil.",
    "En innovationskultur där medarbetarna prövar nya idéer och lär av dem.",
)
ACHIEVED = (
    "Uppstarten är genomförd och förankrad hos ledningsgruppen.",
    "Självskattningen är klar och resultaten är presenterade för förvaltningarna.",
    "Två piloter är i gång tillsammans med användarna.",
    "Innovationsstrategin är antagen av kommunstyrelsen.",
    "Idékanalen har fått in ett trettiotal idéer från medarbetare och invånare.",
    "Avtal om samverkan är undertecknat med högskolan.",
    "Workshopen med de fyra helixarna samlade fyrtio deltagare.",
    "Den årliga utvärderingen är redovisad för kommunstyrelsen.",
)
NEXT_STEPS = (
    "Välja ut pilotportföljen tillsammans med ledningsgruppen.",
    "Förbereda överlämningen av piloterna till verksamheten.",
    "Följa upp indikatorerna inför nästa kvartal.",
    "Bjuda in näringslivet till nästa workshop.",
    "Ta fram en färdplan med årliga mål.",
)
BLOCKERS = (
    "Personalbrist i hemtjänsten försenar piloten.",
    "Upphandlingen av sensorer drar ut på tiden.",
    "Beslutet i nämnden är uppskjutet till nästa sammanträde.",
)
OVERRIDE_REASONS = (
    "Förseningen gäller bara en aktivitet som väntar på ett beslut; resten går enligt plan.",
    "Två nyckelpersoner har slutat, så läget är sämre än siffrorna visar.",
)
STEPS = (
    "",
    "förberedelser",
    "genomförande",
    "uppföljning",
    "återrapportering",
    "dokumentation",
    "spridning",
)
NEEDS = (
    ("Att ta sig fram på landsbygden utan bil", "Mobilitet", (10, 11)),
    ("Mer tid för omsorg i hemtjänsten", "Vård och omsorg", (3, 8)),
    ("Energianvändning i kommunens lokaler", "Energi", (7, 13)),
    ("Unga som vill stanna", "Attraktivitet", (4, 8)),
    ("Säker vattenförsörjning under torra somrar", "Vatten", (6, 13)),
    ("Digitala tjänster för äldre invånare", "Offentliga tjänster", (10, 16)),
    ("Kompetensförsörjning i skolan", "Utbildning", (4,)),
    ("Mindre matsvinn i de offentliga köken", "Cirkulär ekonomi", (2, 12)),
)
INITIATIVES = (
    ("Digitala nyckelboxar i hemtjänsten", Facet.ENHANCEMENT),
    ("Anropsstyrd trafik på landsbygden", Facet.MISSION),
    ("Sensorer för inomhusklimat i skolor", Facet.ENHANCEMENT),
    ("Smarta vattenmätare med läckagelarm", Facet.ENHANCEMENT),
    ("Solceller på kommunens tak", Facet.MISSION),
    ("Digital tillsyn nattetid", Facet.ENHANCEMENT),
    ("Matsvinnsmätning i skolköken", Facet.MISSION),
    ("Delade elcyklar för personalen", Facet.ADAPTIVE),
    ("AI-stöd i kontaktcenter", Facet.ANTICIPATORY),
    ("Öppna data om kommunens lokaler", Facet.ADAPTIVE),
    ("Värme från industrin till fjärrvärmenätet", Facet.MISSION),
    ("Laddplatser vid kommunens arbetsplatser", Facet.ENHANCEMENT),
    ("Återbruk av möbler mellan förvaltningarna", Facet.ADAPTIVE),
    ("Ungdomsråd för stadsutveckling", Facet.ANTICIPATORY),
    ("Digital bygglovsprocess", Facet.ENHANCEMENT),
    ("Samåkning för pendlare", Facet.ADAPTIVE),
)
RATIONALES = {
    Decision.GO: "Underlaget visar att behovet är verkligt och att vi har partner som bär det.",
    Decision.GO_WITH_CONDITIONS: "Vi går vidare, men kostnaderna behöver säkras först.",
    Decision.HOLD: "Vi pausar i väntan på budgetbeslutet för nästa år.",
    Decision.STOP: "Testerna visade att lösningen inte fungerar för våra användare.",
}
ASSUMPTIONS = (
    ("Brukarna vill använda tjänsten", AssumptionKind.NEED),
    ("Tekniken fungerar med vårt befintliga nätverk", AssumptionKind.FEASIBILITY),
    ("Kostnaden ryms i förvaltningens budget", AssumptionKind.VIABILITY),
    ("Tjänsten kan upphandlas enligt LOU", AssumptionKind.LEGAL),
    ("Nämnden står bakom satsningen", AssumptionKind.POLITICAL),
)
PARTNER_ROLES = ("testbädd", "leverantör", "forskningspartner", "användarrepresentanter")
INDICATORS = (
    ("Piloter i gång", "piloter", Direction.HIGHER_IS_BETTER, 0, 6),
    ("Energianvändning i kommunens lokaler", "kWh/m²", Direction.LOWER_IS_BETTER, 180, 150),
    ("Medarbetare utbildade i innovationsledning", "personer", Direction.HIGHER_IS_BETTER, 0, 40),
    ("Idéer i idékanalen", "idéer", Direction.HIGHER_IS_BETTER, 0, 60),
    ("Andel ärenden som görs digitalt", "procent", Direction.HIGHER_IS_BETTER, 20, 60),
    ("Utsläpp från tjänsteresor", "ton CO2e", Direction.LOWER_IS_BETTER, 120, 80),
)
BENEFITS = (
    ("Frigjord tid i hemtjänsten", BenefitKind.ECONOMY, "timmar per vecka", True, 0, 40),
    ("Minskad energianvändning", BenefitKind.CLIMATE, "kWh/m²", False, 180, 140),
    ("Nöjdare brukare", BenefitKind.QUALITY, "procent nöjda", True, 60, 85),
    ("Färre sjukskrivningsdagar", BenefitKind.WORKING_ENVIRONMENT, "dagar per år", False, 20, 14),
    ("Fler resor utan egen bil", BenefitKind.QUALITY, "resor per månad", True, 50, 400),
    ("Minskat matsvinn", BenefitKind.CLIMATE, "gram per portion", False, 60, 35),
)
LESSONS = (
    (
        "Involvera användarna från början",
        "Vi testade först utan brukarna och fick göra om. När hemtjänstens personal var med "
        "från början gick piloten snabbare och blev bättre.",
        "Vård och omsorg",
    ),
    (
        "Förankra hos ledningen innan piloten startar",
        "Piloten stannade upp när förvaltningschefen bytte. Ett tydligt beslut i "
        "ledningsgruppen hade gjort arbetet mindre sårbart.",
        "Ledning",
    ),
    (
        "Avtala om data tidigt",
        "Energibolaget ville dela mätdata, men avtalet tog fyra månader. Nästa gång börjar "
        "vi med avtalet samtidigt som idéarbetet.",
        "Energi",
    ),
    (
        "Små steg ger snabbare lärande",
        "Vi delade upp piloten i tre korta omgångar och kunde ändra riktning efter varje. "
        "Det gav bättre resultat än en stor satsning.",
        "Innovationsprocess",
    ),
    (
        "Upphandlingen styr tidplanen",
        "Vi underskattade tiden för upphandlingen av sensorer. Planera in den från start och "
        "ta hjälp av inköpsavdelningen tidigt.",
        "Upphandling",
    ),
)
FAILED_SENDING = "SMTPServerDisconnected('Connection unexpectedly closed')"
