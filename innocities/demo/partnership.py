"""The demo partnership behind ``manage.py seed_demo`` (run in order by ``seed.py``).

Two clusters of real small and medium-sized Swedish municipalities (SKR groups B4–C9), partners
from all four helices, people on the rosters, programmes at different stages, meetings past and
coming, needs and progress updates, with every date relative to today. Writes go through the
services with a person as actor, so the history reads like a year of real work. What those
people wrote (themes, descriptions, agendas, minutes, needs, goals, updates) is in Swedish, as a
Swedish partnership would write it; the command's own output to the operator stays English.

Idempotent: everything is keyed by a natural key (e-mail, cluster name, organisation name,
programme title, meeting title, need title) and an object that exists is left exactly as it is,
so a second run creates nothing and changes nothing. A programme is laid out and brought up to
date only in the run that creates it.

The demo accounts share a published password: never run this against a production database
(the command refuses unless DEBUG is on or ``--force`` is given).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from clusters.models import (
    Attendance,
    Cluster,
    ClusterStatus,
    Meeting,
    MeetingKind,
    Need,
    Priority,
    Reply,
    RosterRole,
)
from clusters.services import (
    cluster_add_municipality,
    cluster_add_partner,
    cluster_end_membership,
    meeting_mark_attendance,
    meeting_reply,
    meeting_save,
    roster_add_person,
    roster_end_person,
)
from innocities.accounts.models import User
from innocities.core.services import validated_save
from municipalities.models import (
    Country,
    Helix,
    Municipality,
    MunicipalityMembership,
    MunicipalityRole,
    Organisation,
)
from municipalities.reference import load_reference_data
from programs.indicators.models import Frequency, Indicator
from programs.indicators.services import indicator_create, indicator_value_record
from programs.library import load_module_library
from programs.models import (
    ItemStatus,
    Milestone,
    Program,
    ProgramStatus,
    ProgramTemplate,
    ProgressStatus,
    ProgressUpdate,
    Task,
)
from programs.selectors import program_summary
from programs.services import (
    milestone_update,
    program_create_from_template,
    program_update,
    progress_update_submit,
    task_update,
)

DEMO_PASSWORD = "innocities-demo"
# Administrators and programme managers must have a second factor (innocities.accounts.
# middleware), so their demo logins come with an authenticator app on this published secret
# (typed into any authenticator app) and recovery codes, which seed_demo prints.
DEMO_TOTP_SECRET = "INNOCITIESDEMO23"

THREE_YEARS = "Innocities three-year programme"
STARTER_YEAR = "Innocities starter year"
GREEN_TWO_YEARS = "Innocities two-year green transition programme"

# Kommunkod → name, checked against the reference data (municipalities/data/se_municipalities.csv)
# on every run, so a wrong code fails loudly instead of seeding the wrong municipality.
MUNICIPALITIES = {
    "1442": "Vårgårda",
    "1445": "Essunga",
    "1463": "Mark",
    "1465": "Svenljunga",
    "1466": "Herrljunga",
    "2026": "Gagnef",
    "2061": "Smedjebacken",
    "2082": "Säter",
    "2083": "Hedemora",
    "2085": "Ludvika",
}
SMALL_AND_MEDIUM_GROUPS = ("B4", "B5", "C6", "C7", "C8", "C9")


class DemoDataError(RuntimeError):
    """The database lacks something the demo needs (e.g. reference data); nothing was written."""


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    login: str = ""  # what the person demonstrates; empty: on the roster, but no demo login
    is_admin: bool = False
    second_factor: bool = False  # an authenticator app on DEMO_TOTP_SECRET, recovery codes


# (e-mail, full name, kommunkod): people who answer the self-assessment; viewers of their
# municipality, without a demo login.
RESPONDENT_PEOPLE = (
    ("bo.carlsson@demo.innocities.se", "Bo Carlsson", "1442"),
    ("lisa.strand@demo.innocities.se", "Lisa Strand", "1442"),
    ("goran.axelsson@demo.innocities.se", "Göran Axelsson", "1466"),
    ("karl.persson@demo.innocities.se", "Karl Persson", "1466"),
    ("eva.lundberg@demo.innocities.se", "Eva Lundberg", "1445"),
    ("ulf.nystrom@demo.innocities.se", "Ulf Nyström", "1445"),
    ("birgitta.holmgren@demo.innocities.se", "Birgitta Holmgren", "1463"),
    ("jonas.ekstrom@demo.innocities.se", "Jonas Ekström", "1463"),
    ("malin.sjoberg@demo.innocities.se", "Malin Sjöberg", "1465"),
    ("henrik.bjork@demo.innocities.se", "Henrik Björk", "1465"),
    ("per.hagg@demo.innocities.se", "Per Hägg", "2085"),
    ("camilla.nord@demo.innocities.se", "Camilla Nord", "2085"),
    ("tomas.eriksson@demo.innocities.se", "Tomas Eriksson", "2061"),
    ("linnea.aberg@demo.innocities.se", "Linnea Åberg", "2061"),
    ("gunnar.falk@demo.innocities.se", "Gunnar Falk", "2082"),
    ("helena.rask@demo.innocities.se", "Helena Rask", "2082"),
    ("ann-marie.wik@demo.innocities.se", "Ann-Marie Wik", "2083"),
    ("stefan.moberg@demo.innocities.se", "Stefan Moberg", "2083"),
)

PEOPLE = (
    Person(
        "admin@demo.innocities.se",
        "Karin Lindqvist",
        "administrator",
        is_admin=True,
        second_factor=True,
    ),
    Person(
        "manager@demo.innocities.se",
        "Johan Bergström",
        "programme manager, cluster A",
        second_factor=True,
    ),
    Person("coordinator@demo.innocities.se", "Sara Nilsson", "coordinator, Vårgårda"),
    Person("viewer@demo.innocities.se", "Anders Holm", "viewer, Vårgårda"),
    Person("partner@demo.innocities.se", "Elin Sandberg", "partner contact, cluster A"),
    Person(
        "manager2@demo.innocities.se",
        "Magnus Dahl",
        "programme manager, cluster B",
        second_factor=True,
    ),
    Person("coordinator2@demo.innocities.se", "Emma Berg", "coordinator, Ludvika"),
    Person("maria.ek@demo.innocities.se", "Maria Ek"),
    Person("peter.johansson@demo.innocities.se", "Peter Johansson"),
    Person("lena.fransson@demo.innocities.se", "Lena Fransson"),
    Person("erik.svensson@demo.innocities.se", "Erik Svensson"),
    Person("ingrid.wallin@demo.innocities.se", "Ingrid Wallin"),
    Person("fredrik.ahlberg@demo.innocities.se", "Fredrik Ahlberg"),
    Person("hanna.lund@demo.innocities.se", "Hanna Lund"),
    Person("oskar.lindgren@demo.innocities.se", "Oskar Lindgren"),
    Person("sofia.hedlund@demo.innocities.se", "Sofia Hedlund"),
    Person("nils.granath@demo.innocities.se", "Nils Granath"),
    Person("annika.pers@demo.innocities.se", "Annika Pers"),
    Person("kristina.olsson@demo.innocities.se", "Kristina Olsson"),
    Person("mikael.forsberg@demo.innocities.se", "Mikael Forsberg"),
    *(Person(email, name) for email, name, _code in RESPONDENT_PEOPLE),
)

# (e-mail, kommunkod, role): who coordinates and who follows each municipality's programme.
MUNICIPAL_ROLES = (
    ("coordinator@demo.innocities.se", "1442", MunicipalityRole.COORDINATOR),
    ("viewer@demo.innocities.se", "1442", MunicipalityRole.VIEWER),
    ("maria.ek@demo.innocities.se", "1466", MunicipalityRole.COORDINATOR),
    ("peter.johansson@demo.innocities.se", "1445", MunicipalityRole.COORDINATOR),
    ("lena.fransson@demo.innocities.se", "1463", MunicipalityRole.COORDINATOR),
    ("erik.svensson@demo.innocities.se", "1465", MunicipalityRole.COORDINATOR),
    ("coordinator2@demo.innocities.se", "2085", MunicipalityRole.COORDINATOR),
    ("oskar.lindgren@demo.innocities.se", "2061", MunicipalityRole.COORDINATOR),
    ("sofia.hedlund@demo.innocities.se", "2082", MunicipalityRole.COORDINATOR),
    ("nils.granath@demo.innocities.se", "2083", MunicipalityRole.COORDINATOR),
    *((email, code, MunicipalityRole.VIEWER) for email, _name, code in RESPONDENT_PEOPLE),
)


@dataclass(frozen=True)
class Partner:
    key: str  # the part it plays in every cluster: academia, park, energy, business, civil
    name: str
    helix: str
    description: str
    contribution: str
    municipality_code: str = ""


@dataclass(frozen=True)
class Member:
    code: str
    joined_days_ago: int | None = None  # None: a founding member
    left_days_ago: int | None = None
    note: str = ""


@dataclass(frozen=True)
class RosterSpec:
    email: str
    role: str
    municipality_code: str = ""
    partner_key: str = ""
    ended_days_ago: int | None = None


@dataclass(frozen=True)
class ClusterSpec:
    name: str
    theme: str
    description: str
    started_days_ago: int
    members: tuple[Member, ...]
    partners: tuple[Partner, ...]
    roster: tuple[RosterSpec, ...]


CLUSTERS = (
    ClusterSpec(
        name="Västra Götaland smart och hållbar",
        theme="Mobilitet på landsbygden, energi och välfärd",
        description=(
            "Fem kommuner i Sjuhärad och Skaraborg som samverkar kring resor på landsbygden, "
            "energianvändningen i kommunens lokaler och välfärdstjänster för en åldrande "
            "befolkning."
        ),
        started_days_ago=1000,
        members=(
            Member("1442"),
            Member("1466"),
            Member("1445"),
            Member("1463", joined_days_ago=220),
            Member("1465", joined_days_ago=60, note="Gick med efter studiebesöket 2024."),
        ),
        partners=(
            Partner(
                "academia",
                "Sjuhärads högskola",
                Helix.ACADEMIA,
                "Högskola med forskning inom välfärdsteknik och landsbygdsutveckling.",
                "Forskare och studenter till självskattningarna och utvärderingen av piloterna.",
            ),
            Partner(
                "park",
                "Innovationspark Sjuhärad",
                Helix.PUBLIC,
                "Innovationspark och inkubator som ägs gemensamt av kommunerna i Sjuhärad.",
                "Testbäddar, affärscoachning och kontakter med näringslivsklustret.",
            ),
            Partner(
                "energy",
                "Vårgårda Energi AB",
                Helix.PUBLIC,
                "Kommunägt energibolag i Vårgårda med elnät, fjärrvärme och stadsnät.",
                "Energidata, sensorer och en testplats för lokala energipiloter.",
                municipality_code="1442",
            ),
            Partner(
                "business",
                "Sjuhärad Smart Mobilitet AB",
                Helix.BUSINESS,
                "Lokalt företag som kör anropsstyrd trafik och driver en bilpool.",
                "Fordon och bokningsplattform till piloterna för resor på landsbygden.",
            ),
            Partner(
                "civil",
                "Föreningen Levande landsbygd Sjuhärad",
                Helix.CIVIL_SOCIETY,
                "Paraplyorganisation för byalag och samhällsföreningar.",
                "Ordnar medborgardialogerna i byarna.",
            ),
        ),
        roster=(
            RosterSpec("manager@demo.innocities.se", RosterRole.PROGRAMME_MANAGER),
            RosterSpec("ingrid.wallin@demo.innocities.se", RosterRole.CLUSTER_LEAD, "1466"),
            RosterSpec("coordinator@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "1442"),
            RosterSpec("maria.ek@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "1466"),
            RosterSpec("peter.johansson@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "1445"),
            RosterSpec("lena.fransson@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "1463"),
            RosterSpec("erik.svensson@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "1465"),
            RosterSpec(
                "partner@demo.innocities.se", RosterRole.PARTNER_CONTACT, partner_key="academia"
            ),
            RosterSpec(
                "fredrik.ahlberg@demo.innocities.se",
                RosterRole.PARTNER_CONTACT,
                partner_key="energy",
            ),
            RosterSpec("hanna.lund@demo.innocities.se", RosterRole.EXPERT, partner_key="park"),
        ),
    ),
    ClusterSpec(
        name="Dalarna innovation",
        theme="Energiomställning och attraktiva orter",
        description=(
            "Bergslagskommuner med en stark kraftteknisk industri som arbetar med "
            "energiomställningen och med att göra orterna till platser där unga vill stanna."
        ),
        started_days_ago=420,
        members=(
            Member("2085"),
            Member("2061"),
            Member("2082"),
            Member("2083", joined_days_ago=120),
            Member(
                "2026",
                left_days_ago=90,
                note="Lämnade klustret för att satsa på det regionala besöksnäringsprogrammet.",
            ),
        ),
        partners=(
            Partner(
                "academia",
                "Bergslagens högskolecentrum",
                Helix.ACADEMIA,
                "Lärcentrum med högskoleutbildningar och tillämpad forskning i Bergslagen.",
                "Kurser i innovationsledning och utvärdering av piloterna.",
            ),
            Partner(
                "park",
                "Dalarnas innovationspark",
                Helix.PUBLIC,
                "Innovationspark som stöttar nystartade företag och industriell utveckling i "
                "Dalarna.",
                "Coachning för pilotägare och kontakter med det krafttekniska klustret.",
            ),
            Partner(
                "energy",
                "Ludvika Energi AB",
                Helix.PUBLIC,
                "Kommunägt energibolag i Ludvika med fjärrvärme och elnät.",
                "Piloter inom värmeåtervinning och flexibilitet; energidata för hela klustret.",
                municipality_code="2085",
            ),
            Partner(
                "business",
                "Bergslagens Kraftelektronik AB",
                Helix.BUSINESS,
                "Tillverkare av kraftelektronik för elnät och laddinfrastruktur.",
                "Ladd- och lagringsutrustning till piloterna samt sommarjobb för studenter.",
            ),
            Partner(
                "civil",
                "Unga i Bergslagen",
                Helix.CIVIL_SOCIETY,
                "Ungdomsförening i Ludvika, Smedjebacken och Säter.",
                "För in ungas perspektiv i behovsarbetet och i centrumpiloterna.",
            ),
        ),
        roster=(
            RosterSpec("manager2@demo.innocities.se", RosterRole.PROGRAMME_MANAGER),
            RosterSpec("coordinator2@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "2085"),
            RosterSpec("oskar.lindgren@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "2061"),
            RosterSpec("sofia.hedlund@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "2082"),
            RosterSpec("nils.granath@demo.innocities.se", RosterRole.MUNICIPAL_CONTACT, "2083"),
            RosterSpec(
                "annika.pers@demo.innocities.se",
                RosterRole.MUNICIPAL_CONTACT,
                "2026",
                ended_days_ago=90,
            ),
            RosterSpec(
                "kristina.olsson@demo.innocities.se",
                RosterRole.PARTNER_CONTACT,
                partner_key="energy",
            ),
            RosterSpec(
                "mikael.forsberg@demo.innocities.se",
                RosterRole.PARTNER_CONTACT,
                partner_key="business",
            ),
        ),
    ),
)

# Which partners (by their key in the cluster) take part in the tasks of which module.
MODULE_PARTNERS = {
    "quadruple-helix": ("academia", "business", "civil"),
    "pilots-idea-to-operation": ("academia", "park", "business"),
    "uncertainty-and-foresight": ("academia",),
    "sustainability-agenda-2030": ("energy",),
    "data-and-digital-infrastructure": ("energy", "park"),
}


@dataclass(frozen=True)
class UpdateSpec:
    days_ago: int
    achieved: str
    next_steps: str = ""
    blockers: str = ""
    override_to: str = ""  # a status other than the proposed one, with ``override_reason``
    override_reason: str = ""


@dataclass(frozen=True)
class ProgramSpec:
    code: str
    cluster: str
    template: str
    title: str
    goals: str
    months_from_now: int  # start on the 1st of the month this many months away (negative: past)
    coordinator: str
    status: str = ProgramStatus.ACTIVE
    overdue_tasks: int = 0  # past-due tasks left open on purpose (the latest ones)
    overdue_milestones: int = 0
    blocked: bool = False  # one of the overdue tasks is blocked, not just late
    due_this_week: bool = False
    completed: bool = False
    # A task cancelled on purpose: its module's code and its place among the module's tasks in
    # library order (from 0), so the choice does not depend on the language the titles are in.
    cancelled_task: tuple[str, int] | None = None
    updates: tuple[UpdateSpec, ...] = field(default=())


PROGRAMS = (
    ProgramSpec(
        code="1442",
        cluster="Västra Götaland smart och hållbar",
        template=THREE_YEARS,
        title="Vårgårda – smart landsbygdskommun 2030",
        goals=(
            "Boende i alla byar kan ta sig till arbete, skola och vård utan egen bil. Kommunens "
            "lokaler använder 20 % mindre energi. Minst sex piloter inom sex månader, varav två "
            "i ordinarie drift före utgången av år två."
        ),
        months_from_now=-14,
        coordinator="coordinator@demo.innocities.se",
        overdue_tasks=2,
        overdue_milestones=1,
        due_this_week=True,
        updates=(
            UpdateSpec(
                40,
                "Innovationsstrategin är antagen och årsutvärderingen visar tydliga framsteg i "
                "innovationskulturen. Idéinsamlingen stängde med 41 inkomna idéer.",
                "Välja ut pilotportföljen tillsammans med ledningsgruppen.",
            ),
            UpdateSpec(
                3,
                "Fyra piloter är i gång: anropsstyrd trafik i Nårunga, digitala nyckelboxar i "
                "hemtjänsten, sensorer för inomhusklimat i två skolor och smarta vattenmätare "
                "med läckagelarm.",
                "Starta de två sista piloterna och påbörja utvärderingen tillsammans med "
                "Sjuhärads högskola.",
                "Energibolagets styrelse har ännu inte godkänt sin del av mätarpiloten.",
                override_to=ProgressStatus.AT_RISK,
                override_reason=(
                    "Den försenade milstolpen väntar bara på energibolagets styrelsebeslut om "
                    "mätarpiloten, som väntas i månaden. I övrigt går allt enligt plan, så vi "
                    "bedömer läget som risk snarare än avvikelse."
                ),
            ),
        ),
    ),
    ProgramSpec(
        code="1466",
        cluster="Västra Götaland smart och hållbar",
        template=STARTER_YEAR,
        title="Herrljunga – första innovationsåret",
        goals=(
            "En antagen innovationsstrategi, partner från näringsliv, akademi och "
            "civilsamhälle samt sex piloter."
        ),
        months_from_now=-13,
        coordinator="maria.ek@demo.innocities.se",
        completed=True,
        cancelled_task=("quadruple-helix", 5),  # access to the business cluster and test beds
        updates=(
            UpdateSpec(
                20,
                "Alla milstolpar är nådda: strategin är antagen och två piloter har lämnats över "
                "till hemtjänsten och VA-verksamheten. Årsutvärderingen har redovisats för "
                "kommunstyrelsen.",
                "Ansöka om det treåriga programmet.",
            ),
        ),
    ),
    ProgramSpec(
        code="1445",
        cluster="Västra Götaland smart och hållbar",
        template=THREE_YEARS,
        title="Essunga – innovation för en levande landsbygd",
        goals="Behålla servicen nära invånarna i en kommun med 5 600 invånare.",
        months_from_now=-30,
        coordinator="peter.johansson@demo.innocities.se",
        updates=(
            UpdateSpec(
                12,
                "Öppna data har publicerats för första gången; nulägesbilden för Agenda 2030 "
                "är klar.",
                "Lokala Agenda 2030-mål till kommunfullmäktige i budgetprocessen.",
            ),
        ),
    ),
    ProgramSpec(
        code="1463",
        cluster="Västra Götaland smart och hållbar",
        template=THREE_YEARS,
        title="Mark – innovation i välfärd och textil",
        goals="Välfärdsteknik i hemtjänsten och en testbädd tillsammans med textilindustrin.",
        months_from_now=-5,
        coordinator="lena.fransson@demo.innocities.se",
        due_this_week=True,
        updates=(
            UpdateSpec(
                6,
                "Självskattningen är genomförd med 212 svar; intervjuer har hållits i "
                "hemtjänsten och i skolorna.",
                "Workshop om vad som främjar och vad som hindrar nya idéer.",
            ),
        ),
    ),
    ProgramSpec(
        code="1465",
        cluster="Västra Götaland smart och hållbar",
        template=THREE_YEARS,
        title="Svenljunga – treårigt program",
        goals="Fastställs tillsammans med ledningsgruppen vid uppstarten.",
        months_from_now=1,
        coordinator="erik.svensson@demo.innocities.se",
        status=ProgramStatus.DRAFT,
    ),
    ProgramSpec(
        code="2085",
        cluster="Dalarna innovation",
        template=THREE_YEARS,
        title="Ludvika – energistad i omställning",
        goals=(
            "Ta till vara industrins spillvärme i fjärrvärmenätet, få unga ingenjörer att "
            "stanna och genomföra sex piloter med de krafttekniska företagen."
        ),
        months_from_now=-8,
        coordinator="coordinator2@demo.innocities.se",
        overdue_tasks=2,
        blocked=True,
        updates=(
            UpdateSpec(
                33,
                "Innovationsstrategin är antagen av kommunstyrelsen.",
                "Färdplan med årliga mål; scenarioworkshop.",
            ),
            UpdateSpec(
                5,
                "Scenarioworkshop genomförd med 34 deltagare från kommunen, näringslivet, "
                "akademin och civilsamhället.",
                "Avtal med Bergslagens högskolecentrum om utvärdering av piloterna.",
                "Avtalet med högskolecentrumet väntar på att dess nya föreståndare tillträder.",
            ),
        ),
    ),
    ProgramSpec(
        code="2061",
        cluster="Dalarna innovation",
        template=STARTER_YEAR,
        title="Smedjebacken – startår",
        goals="Hitta våra första piloter tillsammans med industrin och ungdomsföreningen.",
        months_from_now=-3,
        coordinator="oskar.lindgren@demo.innocities.se",
        due_this_week=True,
        updates=(
            UpdateSpec(
                8,
                "Uppstarten är genomförd och förankrad hos kommunstyrelsens ordförande; behoven "
                "är kartlagda i tre förvaltningar.",
                "Prioriteringsworkshop med ledningsgruppen.",
            ),
        ),
    ),
    ProgramSpec(
        code="2082",
        cluster="Dalarna innovation",
        template=GREEN_TWO_YEARS,
        title="Säter – grön omställning",
        goals="Agenda 2030-mål i budgeten och tre energipiloter tillsammans med partner.",
        months_from_now=-10,
        coordinator="sofia.hedlund@demo.innocities.se",
        overdue_tasks=1,
        updates=(
            UpdateSpec(
                15,
                "Lokala Agenda 2030-mål är antagna; en sensortestbädd är installerad i två skolor.",
                "Utbildning i digital kompetens för personalen som driver piloterna.",
            ),
        ),
    ),
)


@dataclass(frozen=True)
class MeetingSpec:
    cluster: str
    kind: str
    title: str
    days_from_now: int  # moved to the next weekday
    hours: tuple[int, int]
    location: str
    agenda: str
    minutes: str = ""
    online_url: str = ""
    need: str = ""


MEETINGS = (
    MeetingSpec(
        "Västra Götaland smart och hållbar",
        MeetingKind.MEETING,
        "Klustermöte: resor på landsbygden",
        -45,
        (9, 12),
        "Vårgårda kommunhus, Kungsgatan 11",
        "1. Välkomna och nyhetsrunda\n2. Gemensamt behov: resor på landsbygden\n"
        "3. Pilotidéer\n4. Övriga frågor",
        "Medlemmarna kom överens om en gemensam pilot med anropsstyrd trafik. Sjuhärad Smart "
        "Mobilitet tar fram ett förslag. Vårgårda leder arbetet, Essunga och Herrljunga deltar.",
        need="Att ta sig fram på landsbygden utan bil",
    ),
    MeetingSpec(
        "Västra Götaland smart och hållbar",
        MeetingKind.WORKSHOP,
        "Workshop: energi i kommunens lokaler med alla fyra helixar",
        -18,
        (13, 16),
        "Innovationspark Sjuhärad, Borås",
        "1. Energidata från medlemmarna\n2. Vad näringsliv och akademi kan erbjuda\n3. Piloter",
        "Tolv pilotidéer samlades in och tre valdes ut för en gemensam ansökan. Energibolaget "
        "delar mätdata från skolorna.",
        need="Energianvändning i kommunens lokaler",
    ),
    MeetingSpec(
        "Västra Götaland smart och hållbar",
        MeetingKind.MEETING,
        "Klustermöte: genomgång av pilotportföljen",
        9,
        (9, 12),
        "Herrljunga kommunhus",
        "1. Läget i varje kommuns piloter\n2. Lärdomar från Herrljungas första år\n"
        "3. Gemensam upphandling av sensorer",
    ),
    MeetingSpec(
        "Västra Götaland smart och hållbar",
        MeetingKind.TRAINING,
        "Utbildning: piloter tillsammans med användarna",
        33,
        (13, 16),
        "",
        "1. Framgångskriterier\n2. Att involvera användarna\n3. Från pilot till ordinarie drift",
        online_url="https://meet.demo.innocities.se/pilots-training",
    ),
    MeetingSpec(
        "Dalarna innovation",
        MeetingKind.STUDY_VISIT,
        "Studiebesök: spillvärme från industrin",
        -28,
        (10, 15),
        "Ludvika Energi, Ludvika",
        "1. Visning av värmeåtervinningsanläggningen\n2. Affärsmodeller för spillvärme\n"
        "3. Fortsatt arbete",
        "Säter och Hedemora vill göra en förstudie om värmeåtervinning från sina största "
        "industrier. Ludvika Energi delar med sig av sina avtalsmallar.",
        need="Värme från industrin till fjärrvärmenätet",
    ),
    MeetingSpec(
        "Västra Götaland smart och hållbar",
        MeetingKind.WORKSHOP,
        "Partnerworkshop: näringsliv, akademi och civilsamhälle",
        20,
        (9, 15),
        "Innovationspark Sjuhärad, Borås",
        "1. Vad varje helix bidrar med\n2. Ett gemensamt partneravtal för hela klustret\n"
        "3. Vem som deltar i vilken pilot",
        need="Samverkan med näringsliv, akademi och civilsamhälle",
    ),
    MeetingSpec(
        "Dalarna innovation",
        MeetingKind.WORKSHOP,
        "Workshop: datadelning med energibolagen",
        12,
        (9, 12),
        "Säters stadshus",
        "1. Vilka data piloterna behöver\n2. Rättslig grund\n3. Utkast till avtal",
    ),
)


@dataclass(frozen=True)
class NeedSpec:
    title: str
    description: str
    theme: str
    priority: str
    cluster: str = ""
    municipality_code: str = ""
    sdg_goals: tuple[int, ...] = ()


NEEDS = (
    NeedSpec(
        "Att ta sig fram på landsbygden utan bil",
        "Äldre och unga i byarna är beroende av skjuts; bussarna går sällan.",
        "Mobilitet",
        Priority.HIGH,
        cluster="Västra Götaland smart och hållbar",
        sdg_goals=(10, 11),
    ),
    NeedSpec(
        "Energianvändning i kommunens lokaler",
        "Skolor och äldreboenden från 1970-talet drar mycket energi och saknar mätning.",
        "Energi",
        Priority.MEDIUM,
        cluster="Västra Götaland smart och hållbar",
        sdg_goals=(7, 13),
    ),
    NeedSpec(
        "Personal till äldreomsorgen",
        "För få söker jobb i hemtjänsten; välfärdsteknik kan frigöra tid för omsorg.",
        "Vård och omsorg",
        Priority.HIGH,
        cluster="Västra Götaland smart och hållbar",
        sdg_goals=(3, 8),
    ),
    NeedSpec(
        "Värme från industrin till fjärrvärmenätet",
        "Industrierna släpper ut överskottsvärme som skulle kunna värma bostäder om den togs "
        "till vara och såldes.",
        "Energi",
        Priority.HIGH,
        cluster="Dalarna innovation",
        sdg_goals=(7, 9, 13),
    ),
    NeedSpec(
        "Unga som vill stanna",
        "Unga vuxna flyttar efter gymnasiet; orterna behöver bli platser där de vill bo kvar.",
        "Attraktivitet",
        Priority.MEDIUM,
        cluster="Dalarna innovation",
        sdg_goals=(4, 8),
    ),
    NeedSpec(
        "Säkra skolvägar i centrum",
        "Föräldrar skjutsar barnen till skolan eftersom passagerna över väg 42 känns otrygga.",
        "Mobilitet",
        Priority.MEDIUM,
        municipality_code="1442",
        sdg_goals=(3, 11),
    ),
    NeedSpec(
        "Mer tid för omsorg i hemtjänsten",
        "Hemtjänstens personal lägger en stor del av arbetspassen på att hämta och lämna nycklar "
        "och på att köra mellan byarna; den tiden behövs hos brukarna.",
        "Vård och omsorg",
        Priority.MEDIUM,
        municipality_code="1442",
        sdg_goals=(3, 8),
    ),
    NeedSpec(
        "Säker vattenförsörjning under torra somrar",
        "Grundvattennivån sjönk de två senaste somrarna, och läckaget i nätet mäts inte.",
        "Vatten",
        Priority.HIGH,
        municipality_code="1466",
        sdg_goals=(6, 13),
    ),
    NeedSpec(
        "Digitala tjänster för invånare över 75 år",
        "Många äldre kan inte använda e-tjänsterna och ringer eller besöker kontaktcenter.",
        "Offentliga tjänster",
        Priority.LOW,
        municipality_code="1463",
        sdg_goals=(10, 16),
    ),
    NeedSpec(
        "El till det nya industriområdet",
        "Företag vill etablera sig på Enbacka, men det lokala elnätet klarar inte mer last i dag.",
        "Energi",
        Priority.HIGH,
        municipality_code="2082",
        sdg_goals=(7, 9),
    ),
    NeedSpec(
        "Laddning för tunga transporter",
        "Godstrafiken till industrierna behöver laddplatser som elnätet inte klarar i dag.",
        "Energi",
        Priority.HIGH,
        municipality_code="2085",
        sdg_goals=(7, 9),
    ),
)


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str
    direction: str
    baseline: str
    target: str
    values: tuple[str, ...]  # one a quarter, oldest first, ending last quarter
    program: str = ""  # a programme title, or
    cluster: str = ""
    kolada_kpi: str = ""


INDICATORS = (
    IndicatorSpec(
        "Energianvändning i kommunens lokaler",
        "kWh/m²",
        "lower_is_better",
        baseline="182",
        target="150",
        values=("180", "176", "171", "168"),
        program="Vårgårda – smart landsbygdskommun 2030",
    ),
    IndicatorSpec(
        "Piloter i gång",
        "piloter",
        "higher_is_better",
        baseline="0",
        target="6",
        values=("1", "2", "4", "4"),
        program="Vårgårda – smart landsbygdskommun 2030",
    ),
    IndicatorSpec(
        "Resor med anropsstyrd trafik",
        "resor per månad",
        "higher_is_better",
        baseline="0",
        target="400",
        values=("40", "95", "160", "210"),
        cluster="Västra Götaland smart och hållbar",
    ),
)


def month_start(today: dt.date, months: int) -> dt.date:
    index = today.year * 12 + today.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class Seeder:
    def __init__(self, *, today: dt.date, stdout: TextIO | None) -> None:
        self.today = today
        self.stdout = stdout
        self.created: Counter[str] = Counter()
        self.users: dict[str, User] = {}
        self.municipalities: dict[str, Municipality] = {}
        self.clusters: dict[str, Cluster] = {}
        self.partners: dict[tuple[str, str], Organisation] = {}  # (cluster, key)
        self.admin: User | None = None

    # The steps, in the order ``innocities.demo.seed`` runs them between the tailoring ones.

    def reference_data_and_people(self) -> None:
        self._municipalities()
        self._people()
        self.admin = self.users["admin@demo.innocities.se"]
        load_module_library(actor=self.admin, stdout=self.stdout)

    def rosters_and_needs(self) -> dict[str, Need]:
        self._municipal_roles()
        for spec in CLUSTERS:
            self._cluster(spec)
        return {spec.title: self._need(spec) for spec in NEEDS}

    def programmes(self) -> None:
        for spec in PROGRAMS:
            self._program(spec)

    def meetings_and_indicators(self, needs: dict[str, Need]) -> None:
        for meeting in MEETINGS:
            self._meeting(meeting, needs)
        for indicator in INDICATORS:
            self._indicator(indicator)

    def _days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    # --- reference data and people ---------------------------------------------------------

    def _municipalities(self) -> None:
        if not Municipality.objects.filter(country=Country.SWEDEN).exists():
            load_reference_data()
        found = {
            m.code: m
            for m in Municipality.objects.filter(country=Country.SWEDEN, code__in=MUNICIPALITIES)
        }
        for code, name in MUNICIPALITIES.items():
            municipality = found.get(code)
            if municipality is None or municipality.name != name:
                raise DemoDataError(
                    f"Municipality {code} {name} is not in the reference data as expected "
                    "(run manage.py load_reference_data)."
                )
            if municipality.skr_group not in SMALL_AND_MEDIUM_GROUPS:
                raise DemoDataError(
                    f"{name} is in SKR group {municipality.skr_group or '(none)'}, not a small "
                    "or medium-sized municipality (B4–C9)."
                )
            self.municipalities[code] = municipality

    def _people(self) -> None:
        existing = {u.email: u for u in User.objects.filter(email__in=[p.email for p in PEOPLE])}
        # One hash for every demo login: hashing is slow on purpose, and the password is public.
        demo_password = make_password(DEMO_PASSWORD)
        for person in PEOPLE:
            user = existing.get(person.email)
            if user is None:
                # No invitation e-mail (user_invite would queue one): demo people log in with
                # the published password, the others never log in at all.
                user = User(
                    email=person.email,
                    full_name=person.full_name,
                    language="sv",
                    is_staff=person.is_admin,
                    is_superuser=person.is_admin,
                )
                if person.login:
                    user.password = demo_password
                else:
                    user.set_unusable_password()
                user.full_clean()
                user.save()
                self.created["people"] += 1
            self.users[person.email] = user
            if person.second_factor:
                self._second_factor(user)

    def _second_factor(self, user: User) -> None:
        """An authenticator app on the published secret and recovery codes, as allauth's own
        setup pages make them; also for a demo person seeded before second factors existed."""
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
            self.created["authenticator apps"] += 1

    def _municipal_roles(self) -> None:
        existing = set(
            MunicipalityMembership.objects.filter(user__in=self.users.values()).values_list(
                "user__email", "municipality__code"
            )
        )
        for email, code, role in MUNICIPAL_ROLES:
            if (email, code) in existing:
                continue
            membership = MunicipalityMembership(
                user=self.users[email], municipality=self.municipalities[code], role=role
            )
            validated_save(membership, actor=self.admin)
            self.created["municipal roles"] += 1

    # --- clusters --------------------------------------------------------------------------

    def _cluster(self, spec: ClusterSpec) -> None:
        cluster = Cluster.objects.filter(name=spec.name).first()
        manager = self.users[spec.roster[0].email]
        if cluster is None:
            cluster = Cluster(
                name=spec.name,
                theme=spec.theme,
                description=spec.description,
                status=ClusterStatus.ACTIVE,
                starts_on=month_start(self._days_ago(spec.started_days_ago), 0),
            )
            validated_save(cluster, actor=self.admin)
            self.created["clusters"] += 1
        self.clusters[spec.name] = cluster
        for member in spec.members:
            self._member(cluster, member, manager)
        for partner in spec.partners:
            self._partner(cluster, partner, manager)
        for entry in spec.roster:
            self._roster(cluster, entry, manager)

    def _member(self, cluster: Cluster, member: Member, manager: User) -> None:
        municipality = self.municipalities[member.code]
        if cluster.memberships.filter(municipality=municipality).exists():
            return
        joined = (
            self._days_ago(member.joined_days_ago)
            if member.joined_days_ago is not None
            else cluster.starts_on
        )
        membership = cluster_add_municipality(
            cluster=cluster,
            municipality=municipality,
            joined_on=joined,
            actor=self.admin,
            note=member.note,
        )
        if member.left_days_ago is not None:
            cluster_end_membership(
                membership=membership, left_on=self._days_ago(member.left_days_ago), actor=manager
            )
        self.created["cluster members"] += 1

    def _partner(self, cluster: Cluster, spec: Partner, manager: User) -> None:
        organisation = Organisation.objects.filter(name=spec.name).first()
        if organisation is None:
            organisation = Organisation(
                name=spec.name,
                helix=spec.helix,
                description=spec.description,
                municipality=(
                    self.municipalities[spec.municipality_code] if spec.municipality_code else None
                ),
            )
            validated_save(organisation, actor=manager)
            self.created["organisations"] += 1
        self.partners[(cluster.name, spec.key)] = organisation
        if not cluster.partners.filter(organisation=organisation).exists():
            cluster_add_partner(
                cluster=cluster,
                organisation=organisation,
                joined_on=cluster.starts_on + dt.timedelta(days=30),
                contribution=spec.contribution,
                actor=manager,
            )
            self.created["cluster partners"] += 1

    def _roster(self, cluster: Cluster, spec: RosterSpec, manager: User) -> None:
        user = self.users[spec.email]
        if cluster.roster.filter(user=user, role=spec.role).exists():
            return
        entry = roster_add_person(
            cluster=cluster,
            user=user,
            role=spec.role,
            started_on=cluster.starts_on,
            organisation=self.partners[(cluster.name, spec.partner_key)]
            if spec.partner_key
            else None,
            municipality=self.municipalities[spec.municipality_code]
            if spec.municipality_code
            else None,
            # The first programme manager is put in place by the administrator.
            actor=self.admin if spec.role == RosterRole.PROGRAMME_MANAGER else manager,
        )
        if spec.ended_days_ago is not None:
            roster_end_person(
                entry=entry, ended_on=self._days_ago(spec.ended_days_ago), actor=manager
            )
        self.created["roster entries"] += 1

    def _need(self, spec: NeedSpec) -> Need:
        cluster = self.clusters[spec.cluster] if spec.cluster else None
        municipality = (
            self.municipalities[spec.municipality_code] if spec.municipality_code else None
        )
        need = Need.objects.filter(
            title=spec.title, cluster=cluster, municipality=municipality
        ).first()
        if need is not None:
            if not need.sdg_goals and spec.sdg_goals:  # demos seeded before goals existed
                need.sdg_goals = list(spec.sdg_goals)
                validated_save(need, actor=self.admin)
            return need
        author = (
            self._manager_of(cluster) if cluster else self._coordinator_of(spec.municipality_code)
        )
        need = Need(
            title=spec.title,
            description=spec.description,
            theme=spec.theme,
            priority=spec.priority,
            cluster=cluster,
            municipality=municipality,
            created_by=author,
            sdg_goals=list(spec.sdg_goals),
        )
        validated_save(need, actor=author)
        self.created["needs"] += 1
        return need

    def _indicator(self, spec: IndicatorSpec) -> None:
        program = Program.objects.filter(title=spec.program).first() if spec.program else None
        cluster = self.clusters[spec.cluster] if spec.cluster else None
        if program is None and cluster is None:
            raise DemoDataError(f"No programme or cluster for the indicator {spec.name}.")
        scope = {"program": program} if program else {"cluster": cluster}
        if Indicator.objects.filter(name=spec.name, **scope).exists():
            return
        author = self._manager_of(cluster or program.cluster)  # type: ignore[union-attr, arg-type]
        indicator = indicator_create(
            actor=author,
            name=spec.name,
            unit=spec.unit,
            frequency=Frequency.QUARTERLY,
            direction=spec.direction,
            baseline_value=Decimal(spec.baseline),
            baseline_period=str(self.today.year - 1),
            target_value=Decimal(spec.target),
            target_period=str(self.today.year + 1),
            kolada_kpi=spec.kolada_kpi,
            **scope,
        )
        quarter = dt.date(self.today.year, 3 * ((self.today.month - 1) // 3) + 1, 1)
        for back, value in enumerate(reversed(spec.values), start=1):
            month_index = quarter.year * 12 + quarter.month - 1 - 3 * back
            period = dt.date(month_index // 12, month_index % 12 + 1, 1)
            indicator_value_record(
                indicator=indicator, actor=author, period=period, value=Decimal(value)
            )
        self.created["indicators"] += 1

    def _manager_of(self, cluster: Cluster) -> User:
        spec = next(spec for spec in CLUSTERS if spec.name == cluster.name)
        return self.users[spec.roster[0].email]

    def _coordinator_of(self, code: str) -> User:
        email = next(
            email
            for email, municipality, role in MUNICIPAL_ROLES
            if municipality == code and role == MunicipalityRole.COORDINATOR
        )
        return self.users[email]

    # --- meetings --------------------------------------------------------------------------

    def _meeting(self, spec: MeetingSpec, needs: dict[str, Need]) -> None:
        cluster = self.clusters[spec.cluster]
        if cluster.meetings.filter(title=spec.title).exists():
            return
        manager = self._manager_of(cluster)
        day = _weekday(self.today + dt.timedelta(days=spec.days_from_now))
        zone = timezone.get_current_timezone()
        meeting = Meeting(
            cluster=cluster,
            kind=spec.kind,
            title=spec.title,
            starts_at=dt.datetime.combine(day, dt.time(spec.hours[0]), tzinfo=zone),
            ends_at=dt.datetime.combine(day, dt.time(spec.hours[1]), tzinfo=zone),
            location=spec.location,
            online_url=spec.online_url,
            agenda=spec.agenda,
            minutes=spec.minutes,
            need=needs.get(spec.need),
        )
        invitees = sorted(
            {entry.user for entry in cluster.roster.current()},
            key=lambda user: user.email,
        )
        meeting_save(meeting=meeting, invitees=invitees, actor=manager)
        participants = list(meeting.participants.select_related("user").order_by("user__email"))
        past = day < self.today
        attendance: dict[int, str] = {}
        for index, participant in enumerate(participants):
            # Past: all replied, one declined and one no-show. Coming: some have not replied.
            if index % 5 == 3:
                meeting_reply(participant=participant, reply=Reply.DECLINED)
                attendance[participant.pk] = Attendance.ABSENT
            elif past or index % 3 != 2:
                meeting_reply(participant=participant, reply=Reply.ACCEPTED)
                attendance[participant.pk] = (
                    Attendance.ABSENT if index == len(participants) - 1 else Attendance.ATTENDED
                )
        if past:
            meeting_mark_attendance(meeting=meeting, attendance=attendance, actor=manager)
            # Replies are stamped with the time of the seed; a past meeting's came before it.
            meeting.participants.exclude(replied_at=None).update(
                replied_at=meeting.starts_at - dt.timedelta(days=6)
            )
        self.created["meetings"] += 1

    # --- programmes ------------------------------------------------------------------------

    def _program(self, spec: ProgramSpec) -> None:
        municipality = self.municipalities[spec.code]
        if municipality.programs.filter(title=spec.title).exists():
            return
        cluster = self.clusters[spec.cluster]
        manager = self._manager_of(cluster)
        coordinator = self.users[spec.coordinator]
        program = program_create_from_template(
            municipality=municipality,
            template=ProgramTemplate.objects.get(name_en=spec.template),
            starts_on=month_start(self.today, spec.months_from_now),
            actor=manager,
            cluster=cluster,
            title=spec.title,
            goals=spec.goals,
            coordinators=[coordinator],
            status=ProgramStatus.DRAFT
            if spec.status == ProgramStatus.DRAFT
            else ProgramStatus.ACTIVE,
        )
        self.created["programmes"] += 1
        if spec.status == ProgramStatus.DRAFT:
            return
        partners = {
            key: organisation
            for (cluster_name, key), organisation in self.partners.items()
            if cluster_name == cluster.name
        }
        self._bring_tasks_to_date(program, spec, coordinator, partners)
        self._bring_milestones_to_date(program, spec, coordinator)
        if spec.due_this_week:
            self._make_something_due_this_week(program, coordinator)
        for update in spec.updates:
            self._progress_update(program, update, coordinator)
        if spec.completed:
            program_update(program=program, actor=manager, status=ProgramStatus.COMPLETED)

    def _completion_day(self, item: Task | Milestone, index: int) -> dt.date:
        """A believable day the item was done: on its due date or a few days before."""
        earliest = getattr(item, "starts_on", None) or item.due_on
        return min(max(item.due_on - dt.timedelta(days=index % 4), earliest), self.today)

    def _bring_tasks_to_date(
        self,
        program: Program,
        spec: ProgramSpec,
        coordinator: User,
        partners: dict[str, Organisation],
    ) -> None:
        """Done before today, started in progress by elapsed time, the next 90 days owned;
        except the latest past-due ones kept open on purpose."""
        today = self.today
        tasks = list(
            program.tasks.select_related("module__module_template").order_by("due_on", "id")
        )
        past_due = [task.pk for task in tasks if task.due_on < today]
        kept_open = past_due[len(past_due) - spec.overdue_tasks :] if spec.overdue_tasks else []
        cancelled = self._cancelled_task(tasks, spec)
        done_on: dict[int, dt.date] = {}
        for index, task in enumerate(tasks):
            if task.pk == cancelled:
                status, percent = ItemStatus.CANCELLED, 0
            elif task.pk in kept_open:
                blocked = spec.blocked and task.pk == kept_open[0]
                status = ItemStatus.BLOCKED if blocked else ItemStatus.IN_PROGRESS
                percent = 40 if blocked else 70
            elif task.due_on < today or spec.completed:
                status, percent = ItemStatus.DONE, 100
                done_on[task.pk] = self._completion_day(task, index)
            elif task.starts_on and task.starts_on <= today:
                length = max((task.due_on - task.starts_on).days, 1)
                elapsed = (today - task.starts_on).days / length
                status, percent = ItemStatus.IN_PROGRESS, min(max(round(elapsed * 10) * 10, 10), 90)
            elif task.due_on <= today + dt.timedelta(days=90):
                status, percent = None, None
            else:
                continue
            template = task.module.module_template if task.module else None
            keys = MODULE_PARTNERS.get(template.code, ()) if template else ()
            task_update(
                task=task,
                actor=coordinator,
                status=status,
                percent=percent,
                owner=coordinator,
                organisations=[partners[key] for key in keys if key in partners] or None,
            )
        self._backdate_completion(Task, done_on)

    @staticmethod
    def _cancelled_task(tasks: list[Task], spec: ProgramSpec) -> int | None:
        if spec.cancelled_task is None:
            return None
        code, place = spec.cancelled_task
        # Laid out in library order, so the module's tasks by id are in that order too.
        in_module = sorted(
            task.pk
            for task in tasks
            if task.module
            and task.module.module_template
            and task.module.module_template.code == code
        )
        return in_module[place] if place < len(in_module) else None

    def _bring_milestones_to_date(
        self, program: Program, spec: ProgramSpec, coordinator: User
    ) -> None:
        today = self.today
        milestones = list(program.milestones.order_by("due_on", "id"))
        past_due = [m.pk for m in milestones if m.due_on < today]
        kept_open = (
            past_due[len(past_due) - spec.overdue_milestones :] if spec.overdue_milestones else []
        )
        done_on: dict[int, dt.date] = {}
        for index, milestone in enumerate(milestones):
            if spec.completed or (milestone.due_on < today and milestone.pk not in kept_open):
                status = ItemStatus.DONE
                done_on[milestone.pk] = self._completion_day(milestone, index)
            elif milestone.due_on <= today + dt.timedelta(days=90):
                status = None
            else:
                continue
            milestone_update(
                milestone=milestone, actor=coordinator, status=status, owner=coordinator
            )
        self._backdate_completion(Milestone, done_on)

    def _backdate_completion(
        self, model: type[Task] | type[Milestone], done_on: dict[int, dt.date]
    ) -> None:
        # The services stamp completion with today's date; the demo's past work was finished on
        # the days it was due, so reports and "done this week" lists look like a real year.
        for pk, day in done_on.items():
            model.objects.filter(pk=pk).update(completed_on=day)
            model.history.filter(id=pk, completed_on=self.today).update(completed_on=day)

    def _make_something_due_this_week(self, program: Program, coordinator: User) -> None:
        """Guarantee an open item due within the week, as a real deadline change would."""
        today, week = self.today, self.today + dt.timedelta(days=7)
        open_items = (ItemStatus.TODO, ItemStatus.IN_PROGRESS)
        if (
            program.tasks.filter(status__in=open_items, due_on__range=(today, week)).exists()
            or program.milestones.filter(
                status__in=open_items, due_on__range=(today, week)
            ).exists()
        ):
            return
        task = (
            program.tasks.filter(status__in=open_items, starts_on__lte=today, due_on__gt=week)
            .order_by("due_on")
            .first()
        )
        if task is not None:
            task_update(task=task, actor=coordinator, due_on=today + dt.timedelta(days=4))
            return
        milestone = program.milestones.filter(status__in=open_items, due_on__gt=week).first()
        if milestone is not None:
            milestone_update(
                milestone=milestone, actor=coordinator, due_on=today + dt.timedelta(days=5)
            )

    def _progress_update(self, program: Program, spec: UpdateSpec, author: User) -> None:
        proposed = program_summary(program, today=self.today).proposed_status
        override = bool(spec.override_to) and spec.override_to != proposed
        update = progress_update_submit(
            program=program,
            author=author,
            status=spec.override_to if override else proposed,
            achieved=spec.achieved,
            next_steps=spec.next_steps,
            blockers=spec.blockers,
            override_reason=spec.override_reason if override else "",
        )
        # Written now, but dated in the past so the programme has a reporting history.
        written = timezone.now() - dt.timedelta(days=spec.days_ago)
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=written)
