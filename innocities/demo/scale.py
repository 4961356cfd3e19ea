"""``manage.py seed_scale``: the partnership at national size, to measure the portal on (issue 14).

A generator of benchmark data, as the demo is a generator of demo data: the demo partnership
first (``seed_demo``, so its logins are among the people), then around it every municipality
of the reference data (a proportional subset below ``--scale 1.0``) in 50 regional clusters
with rosters, partners and roster history; 2,000 programmes laid out from the module library
with 200,000 tasks, milestones and monthly progress updates; 1,500 meetings with invitees;
initiatives with gate decisions, indicators with values, benefits with follow-ups and lessons;
and an outbox of 300,000 reminders sent, cancelled, failed or waiting over the last years.
Per cluster, municipality and programme the sizes stay the same at every scale; only the
number of clusters, municipalities, programmes, meetings and reminders grows, so a page's
query count at ``--scale 0.1`` compares with the one at ``--scale 1.0``.

Not through the services: rows are built in memory and written in bulk, without
``full_clean`` and without the services' audit entries, or it would take hours. Tables of
thousands of rows go through ``bulk_create`` in batches of 5,000; the few of tens of thousands
and more (tasks, milestones, progress updates, invitees, indicator values, the outbox) through
PostgreSQL's COPY, as named tuples rather than model instances, where ``bulk_create``'s
preparation of every field in Python cost several times the database's own work (measured:
the outbox alone took longer than a minute that way). The rows are made to satisfy every
constraint and ``clean()``; tests/test_seed_scale.py checks them. The history the pages read
("Recent changes" on a programme, a cluster's roster history, an initiative's history) is
written alongside; the tasks' and milestones' by one ``INSERT … SELECT`` each, the records
``bulk_history_create`` would write, without the round trip. PostgreSQL only, as the
benchmark is.

Deterministic for a given ``--seed`` and day: ``random.Random(seed)``, dates relative to today.
Text a person reads is Swedish; task titles come from the module library.

Idempotent by refusal: the scale's people have e-mail addresses at ``DOMAIN``; if any exists,
nothing is done (not even the demo), so a second run is harmless and quick. Another size
needs a fresh database.

The demo accounts share a published password: never run this against a production database
(the command refuses unless DEBUG is on or ``--force`` is given, as ``seed_demo`` does).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import time
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, TextIO

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from clusters.models import (
    Attendance,
    Cluster,
    ClusterMembership,
    ClusterPartner,
    ClusterStatus,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    MeetingStatus,
    MembershipStatus,
    Need,
    Priority,
    Reply,
    RosterEntry,
    RosterRole,
    normalise_theme,
)
from innocities.accounts.models import User
from innocities.demo.partnership import (
    GREEN_TWO_YEARS,
    STARTER_YEAR,
    THREE_YEARS,
    DemoDataError,
    month_start,
)
from innocities.demo.partnership import (
    MUNICIPALITIES as DEMO_MUNICIPALITIES,
)
from innocities.demo.seed import DemoResult, seed_demo
from innocities.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.services.scan import render_subject
from innocities.notifications.timing import send_after
from municipalities.models import (
    Country,
    Helix,
    Municipality,
    MunicipalityMembership,
    MunicipalityRole,
    Organisation,
)
from programs.benefits.models import Benefit, BenefitFollowUp, BenefitKind, Judgement
from programs.indicators.models import Direction, Frequency, Indicator, IndicatorValue
from programs.initiatives.models import (
    STAGES,
    Assumption,
    AssumptionKind,
    Body,
    Decision,
    Effort,
    Facet,
    GateCriterion,
    GateDecision,
    Initiative,
    InitiativePartner,
    Outcome,
    PortfolioTarget,
    Stage,
    State,
)
from programs.lessons.models import SEARCH_CONFIGS, Lesson, Visibility
from programs.models import (
    ActivityKind,
    ItemStatus,
    Milestone,
    Program,
    ProgramModule,
    ProgramStatus,
    ProgramTemplate,
    ProgressStatus,
    ProgressUpdate,
    Task,
)
from programs.workdays import next_working_day

DEFAULT_SEED = 14
BATCH = 5000
DOMAIN = "skala.innocities.se"

# The sizes at --scale 1.0 (issue 14). Everything else is per cluster, municipality or
# programme and does not change with the scale.
FULL_CLUSTERS = 50
FULL_PROGRAMMES = 2000
FULL_MEETINGS = 1500
FULL_NOTIFICATIONS = 300_000
MEMBERS_PER_CLUSTER = 13
TASKS_PER_PROGRAMME = 100
MILESTONES_PER_PROGRAMME = 10
INITIATIVES_PER_MUNICIPALITY = 3
INDICATORS_PER_PROGRAMME = 2

HELIX_MODULES = ("quadruple-helix", "pilots-idea-to-operation")

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


class ScaleDataError(DemoDataError):
    """The database lacks what the scale is built on (reference data, library, rules)."""


@dataclass(frozen=True)
class Size:
    """How many of each thing the scale makes: linear in ``scale`` with sane minimums."""

    clusters: int
    municipalities: int
    programmes: int
    meetings: int
    notifications: int

    @classmethod
    def at(cls, scale: float, available: int) -> Size:
        clusters = max(1, round(FULL_CLUSTERS * scale))
        municipalities = min(
            available, max(round(available * scale), MEMBERS_PER_CLUSTER * clusters)
        )
        return cls(
            clusters=clusters,
            municipalities=municipalities,
            programmes=max(municipalities, round(FULL_PROGRAMMES * scale)),
            meetings=max(2 * clusters, round(FULL_MEETINGS * scale)),
            notifications=round(FULL_NOTIFICATIONS * scale),
        )


@dataclass
class ScaleResult:
    created: Counter[str] = field(default_factory=Counter)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase
    demo: DemoResult | None = None
    size: Size | None = None
    already_there: int = 0  # scale people found: nothing was done


def scale_people() -> int:
    return User.objects.filter(email__endswith=f"@{DOMAIN}").count()


def seed_scale(
    *, scale: float = 1.0, seed: int = DEFAULT_SEED, stdout: TextIO | None = None
) -> ScaleResult:
    """The demo partnership, then the national-scale data around it; see the module docstring.

    Raises ``DemoDataError`` (or ``ScaleDataError``) when the database lacks what it needs.
    """
    if connection.vendor != "postgresql":
        raise ScaleDataError("seed_scale needs PostgreSQL (the benchmarks run on it).")
    if scale <= 0:
        raise ScaleDataError("The scale must be above 0.")
    found = scale_people()
    if found:
        return ScaleResult(already_there=found)
    result = ScaleResult()
    started = time.monotonic()
    result.demo = seed_demo(stdout=stdout)
    result.phases["demo (seed_demo)"] = time.monotonic() - started
    with transaction.atomic(), stated_timestamps(*STAMPED):
        seeder = ScaleSeeder(scale=scale, seed=seed, result=result)
        seeder.run()
        committing = time.monotonic()
    # The foreign keys of a million rows are checked here (they are deferred to the commit).
    result.phases["commit"] = time.monotonic() - committing
    result.size = seeder.size
    return result


# --- the timestamps of the past --------------------------------------------------------------

# Models written with bulk_create whose auto_now/auto_now_add timestamps the scale gives itself:
# their rows have a past. (COPY, for the largest tables, writes the values given anyway.)
STAMPED: tuple[type[models.Model], ...] = (
    Program,
    Need,
    Initiative,
    GateDecision,
    Assumption,
    Indicator,
    Benefit,
    Lesson,
)


@contextmanager
def stated_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` keep the timestamps the rows are given.

    ``auto_now`` and ``auto_now_add`` stamp each row with the moment of the insert, but these
    rows have a past (updates written monthly, reminders sent over years). The flags are off
    while the block runs and back on after it; the command runs alone in its process.
    """
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]  # type: ignore[attr-defined]
    for f in fields:
        f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


# --- what people write -----------------------------------------------------------------------


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


# A reminder to write: (day, rule code, content type, object, recipient, occurrence, programme,
# title, url, whether its item is still open).
Firing = tuple[dt.date, str, int, int, int, str, int | None, str, str, bool]


# Rows of the largest tables, built as tuples rather than model instances (whose __init__
# costs more than the database's work for them) and written by ``ScaleSeeder._copy``. The
# names are the models' column names; ``_copy`` checks that they are all of them.


class TaskRow(NamedTuple):
    id: int | None
    program_id: int
    module_id: int
    title: str
    description: str
    owner_id: int | None
    starts_on: dt.date
    due_on: dt.date
    status: str
    percent: int
    completed_on: dt.date | None


class MilestoneRow(NamedTuple):
    id: int | None
    program_id: int
    module_id: int
    title: str
    description: str
    due_on: dt.date
    status: str
    owner_id: int | None
    completed_on: dt.date | None


class NotificationRow(NamedTuple):
    rule_id: int
    content_type_id: int
    object_id: int
    recipient_id: int
    occurrence: str
    category: str
    program_id: int | None
    delivery: str
    status: str
    send_after: dt.datetime
    claimed_at: dt.datetime | None
    attempts: int
    last_error: str
    sent_at: dt.datetime | None
    created_at: dt.datetime
    subject: str
    url: str


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_escaped(value: str) -> str:
    # Most text has none of these: looking is cheaper than translating.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _copy_other(value: Any) -> str:
    if isinstance(value, str):  # a str subclass: a model's choices, say
        return _copy_escaped(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# COPY's text format by the value's type; the common types looked up, the rest checked.
_COPY_TEXT: dict[type, Any] = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    Decimal: str,
    str: _copy_escaped,
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,  # with the offset
}


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    return _COPY_TEXT.get(type(value), _copy_other)(value)


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} {n}"
    taken.add(candidate)
    return candidate


@functools.cache
def _workday(day: dt.date, country: str) -> dt.date:
    return next_working_day(day, country)


def _at(
    day: dt.date, hour: int, minute: int = 0, zone: zoneinfo.ZoneInfo = STOCKHOLM
) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


@dataclass(frozen=True)
class _Activity:
    title: str
    offset_days: int
    duration_days: int


@dataclass(frozen=True)
class _ModulePlan:
    template_id: int
    title: str
    code: str
    position: int
    offset_days: int
    duration_days: int
    tasks: tuple[_Activity, ...]
    milestones: tuple[_Activity, ...]


@dataclass(frozen=True)
class _Plan:
    template: ProgramTemplate
    months: int
    modules: tuple[_ModulePlan, ...]


@dataclass
class _Programme:
    """What the later phases need to know of a programme, kept light."""

    pk: int
    title: str
    municipality_id: int
    country: str
    status: str
    starts_on: dt.date
    horizon: dt.date | None  # the last day it was run (today, its end, its cancellation)
    coordinators: list[int]
    manager: int
    pilot_module: int | None = None


class ScaleSeeder:
    def __init__(self, *, scale: float, seed: int, result: ScaleResult) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        self.result = result
        self.created = result.created
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.password = make_password(None)  # unusable: the scale's people never log in
        self.person_number = 0
        self.users: list[User] = []
        self.size = Size(0, 0, 0, 0, 0)
        self.municipalities: list[Municipality] = []
        self.clusters: list[Cluster] = []
        self.cluster_of: dict[int, Cluster] = {}  # municipality id -> its open cluster
        self.coordinators: dict[int, list[int]] = defaultdict(list)  # municipality -> users
        self.viewers: dict[int, list[int]] = defaultdict(list)
        self.managers: dict[int, list[int]] = defaultdict(list)  # cluster -> current managers
        self.cluster_people: dict[int, list[int]] = defaultdict(list)  # current roster
        self.partners: dict[int, list[Organisation]] = defaultdict(list)  # cluster -> partners
        self.needs: dict[int, Need] = {}  # municipality -> its need
        self.programmes: list[_Programme] = []
        self.tasks: list[TaskRow] = []
        self.milestones: list[MilestoneRow] = []
        self.late_updates: list[tuple[int, dt.date]] = []  # (programme, the 25th it was late)
        self.meetings: list[tuple[Meeting, list[tuple[int, str]]]] = []
        self.admin_id = (
            User.objects.filter(email="admin@demo.innocities.se")
            .values_list("pk", flat=True)
            .first()
        )

    def run(self) -> None:
        for name, phase in (
            ("people and clusters", self.people_and_clusters),
            ("programmes", self.programmes_and_items),
            ("meetings", self.meetings_with_invitees),
            ("initiatives and results", self.initiatives_and_results),
            ("outbox", self.outbox),
        ):
            started = time.monotonic()
            phase()
            self.result.phases[name] = time.monotonic() - started

    # --- writing -------------------------------------------------------------------------

    def _insert(self, model: type[models.Model], objs: list[Any]) -> list[Any]:
        model.objects.bulk_create(objs, batch_size=BATCH)
        self.created[model._meta.label] += len(objs)
        return objs

    def _copy(self, model: type[models.Model], rows: Sequence[Any]) -> None:
        """Write ``rows`` with PostgreSQL's COPY, ``BATCH`` at a time: model instances, or
        named tuples of the model's columns (``TaskRow``).

        For the tables of tens of thousands of rows and more, where ``bulk_create``'s
        preparation of every field in Python costs several times what the database does.
        Rows carry every value (ids too, when ``_reserve_ids`` gave them); nothing is read
        back.
        """
        if not rows:
            return
        first = rows[0]
        concrete = model._meta.concrete_fields
        if isinstance(first, tuple):
            names = list(first._fields)
            # Every column in the model's order; only the id may be left to the database.
            if names != [f.attname for f in concrete if not f.primary_key or f.attname in names]:
                raise ScaleDataError(
                    f"{type(first).__name__} does not name {model._meta.label}'s columns."
                )
        else:
            names = [f.attname for f in concrete if not (f.primary_key and first.pk is None)]
        column = {f.attname: f.column for f in concrete}
        qn = connection.ops.quote_name
        sql = (
            f"COPY {qn(model._meta.db_table)} ({', '.join(qn(column[n]) for n in names)}) "
            "FROM STDIN"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                buffer = io.StringIO()
                for row in rows[start : start + BATCH]:
                    values = row if isinstance(row, tuple) else [getattr(row, n) for n in names]
                    buffer.write("\t".join(map(_copy_text, values)))
                    buffer.write("\n")
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)  # psycopg2's COPY … FROM STDIN
        self.created[model._meta.label] += len(rows)

    def _reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        """Ids from the table's own sequence, for rows that later rows point to and that
        ``_copy`` writes (COPY gives no ids back)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],  # type: ignore[union-attr]
            )
            return [pk for (pk,) in cursor.fetchall()]

    def _records(
        self,
        model: type[models.Model],
        changes: Iterable[tuple[Any, dt.datetime, int | None, str, dict[str, Any]]],
    ) -> None:
        """simple-history records for ``changes``: (object, when, who, "+" or "~", the values
        the object had then, where they differ from now)."""
        history = model.history.model  # type: ignore[attr-defined]
        rows = []
        for obj, when, who, kind, then in changes:
            values = {f.attname: getattr(obj, f.attname) for f in history.tracked_fields}
            values.update(then)
            rows.append(
                history(
                    history_date=when,
                    history_user_id=who,
                    history_type=kind,
                    history_change_reason="",
                    **values,
                )
            )
        self._insert(history, rows)

    def _person(self, country: str) -> User:
        norwegian = country == Country.NORWAY
        first = self.rng.choice(NO_FIRST if norwegian else SV_FIRST)
        last = self.rng.choice(NO_LAST if norwegian else SV_LAST)
        self.person_number += 1
        email = f"{first}.{last}.{self.person_number}@{DOMAIN}".lower().translate(ASCII)
        user = User(
            email=email,
            full_name=f"{first} {last}",
            language="nb" if norwegian else "sv",
            time_zone="Europe/Oslo" if norwegian else "Europe/Stockholm",
            password=self.password,
        )
        self.users.append(user)
        return user

    def _days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    # --- phase 1: people, clusters, rosters ----------------------------------------------

    def people_and_clusters(self) -> None:
        everyone = list(Municipality.objects.select_related("county").order_by("country", "code"))
        if not everyone:
            raise ScaleDataError("No municipalities: run manage.py load_reference_data first.")
        self.size = Size.at(self.scale, len(everyone))
        demo = [
            m for m in everyone if m.country == Country.SWEDEN and m.code in DEMO_MUNICIPALITIES
        ]
        others = [m for m in everyone if m not in demo]
        self.rng.shuffle(others)
        # The demo's municipalities at every scale, so a demo login sees the same at each.
        chosen = (demo + others)[: self.size.municipalities]
        # Regional clusters: neighbours in the same county end up together.
        chosen.sort(key=lambda m: (m.country, m.county.code, m.code))
        self.municipalities = chosen
        count = self.size.clusters
        groups = [
            chosen[i * len(chosen) // count : (i + 1) * len(chosen) // count] for i in range(count)
        ]
        groups = [group for group in groups if group]

        coordinators, viewers = self._municipal_people(chosen)
        clusters = self._clusters(groups)
        cluster_people = self._cluster_people(clusters)
        self._insert(User, self.users)
        self._municipal_roles(coordinators, viewers)
        self._preferences()
        organisations = self._organisations(clusters, groups, cluster_people)
        self._memberships(clusters, groups)
        self._rosters(clusters, groups, cluster_people, organisations)
        self._needs()

    def _municipal_people(
        self, chosen: list[Municipality]
    ) -> tuple[dict[int, list[User]], dict[int, list[User]]]:
        coordinators: dict[int, list[User]] = {}
        viewers: dict[int, list[User]] = {}
        for municipality in chosen:
            many = 2 if self.rng.random() < 0.3 else 1
            coordinators[municipality.pk] = [
                self._person(municipality.country) for _ in range(many)
            ]
            viewers[municipality.pk] = [self._person(municipality.country) for _ in range(2)]
        return coordinators, viewers

    def _clusters(self, groups: list[list[Municipality]]) -> list[Cluster]:
        taken = set(Cluster.objects.values_list("name", flat=True))
        clusters = []
        for index, group in enumerate(groups):
            county = Counter(m.county.name for m in group).most_common(1)[0][0]
            theme = CLUSTER_THEMES[index % len(CLUSTER_THEMES)]
            names = ", ".join(m.name for m in group[:3])
            clusters.append(
                Cluster(
                    name=_unique(f"{theme.capitalize()} i {county}", taken),
                    theme=theme.capitalize(),
                    description=(
                        f"{len(group)} kommuner, bland andra {names}, som samverkar kring "
                        f"{theme} med partner från näringsliv, akademi och civilsamhälle."
                    ),
                    status=ClusterStatus.ACTIVE,
                    starts_on=month_start(self.today, -self.rng.randint(30, 42)),
                )
            )
        self.clusters = self._insert(Cluster, clusters)
        for cluster, group in zip(self.clusters, groups, strict=True):
            for municipality in group:
                self.cluster_of[municipality.pk] = cluster
        self._records(
            Cluster, ((c, _at(c.starts_on, 9), self.admin_id, "+", {}) for c in self.clusters)
        )
        return self.clusters

    def _cluster_people(self, clusters: list[Cluster]) -> dict[int, dict[str, list[User]]]:
        """Per cluster: its programme managers (the first one's time is over), an expert and a
        contact for each of its five partners."""
        people: dict[int, dict[str, list[User]]] = {}
        for cluster in clusters:
            managers = 3 if self.rng.random() < 0.5 else 2
            people[cluster.pk] = {
                "managers": [self._person(Country.SWEDEN) for _ in range(managers)],
                "expert": [self._person(Country.SWEDEN)],
                "partners": [self._person(Country.SWEDEN) for _ in range(5)],
            }
        return people

    def _municipal_roles(
        self, coordinators: dict[int, list[User]], viewers: dict[int, list[User]]
    ) -> None:
        rows = []
        for municipality_id, people in coordinators.items():
            for user in people:
                rows.append(
                    MunicipalityMembership(
                        user=user,
                        municipality_id=municipality_id,
                        role=MunicipalityRole.COORDINATOR,
                    )
                )
                self.coordinators[municipality_id].append(user.pk)
            for user in viewers[municipality_id]:
                rows.append(
                    MunicipalityMembership(
                        user=user, municipality_id=municipality_id, role=MunicipalityRole.VIEWER
                    )
                )
                self.viewers[municipality_id].append(user.pk)
        self._insert(MunicipalityMembership, rows)
        # The demo's coordinators of these municipalities coordinate their scale programmes too.
        for municipality_id, user_id in (
            MunicipalityMembership.objects.filter(
                municipality__in=self.municipalities, role=MunicipalityRole.COORDINATOR
            )
            .exclude(user__email__endswith=f"@{DOMAIN}")
            .values_list("municipality_id", "user_id")
        ):
            self.coordinators[municipality_id].append(user_id)

    def _preferences(self) -> None:
        rows = []
        for user in self.users:
            chance = self.rng.random()
            if chance < 0.04:
                delivery = Delivery.DAILY
            elif chance < 0.06:
                delivery = Delivery.WEEKLY
            else:
                continue
            rows.append(
                NotificationPreference(
                    user=user, delivery=delivery, hour=self.rng.choice((7, 8, 9))
                )
            )
        self._insert(NotificationPreference, rows)

    def _organisations(
        self,
        clusters: list[Cluster],
        groups: list[list[Municipality]],
        people: dict[int, dict[str, list[User]]],
    ) -> dict[int, list[Organisation]]:
        taken = set(Organisation.objects.values_list("name", flat=True))
        organisations: dict[int, list[Organisation]] = {}
        for cluster, group in zip(clusters, groups, strict=True):
            place = group[0]
            organisations[cluster.pk] = [
                Organisation(
                    name=_unique(f"Högskolecentrum {place.name}", taken), helix=Helix.ACADEMIA
                ),
                Organisation(
                    name=_unique(f"Innovationspark {place.name}", taken), helix=Helix.PUBLIC
                ),
                Organisation(
                    name=_unique(f"{place.name} Energi AB", taken),
                    helix=Helix.PUBLIC,
                    municipality=place,
                ),
                Organisation(name=_unique(f"{place.name} Teknik AB", taken), helix=Helix.BUSINESS),
                Organisation(
                    name=_unique(f"Föreningen Levande {place.name}", taken),
                    helix=Helix.CIVIL_SOCIETY,
                ),
            ]
        self._insert(Organisation, [o for orgs in organisations.values() for o in orgs])
        partners: list[ClusterPartner] = []
        changes = []
        for cluster in clusters:
            joined = cluster.starts_on + dt.timedelta(days=30)
            manager = people[cluster.pk]["managers"][0].pk
            for index, organisation in enumerate(organisations[cluster.pk]):
                ended = index == 4 and self.rng.random() < 0.2
                partner = ClusterPartner(
                    cluster=cluster,
                    organisation=organisation,
                    contribution="Kunskap, testbäddar och kontakter till klustrets piloter.",
                    joined_on=joined,
                    left_on=self._days_ago(30, 300) if ended else None,
                )
                partners.append(partner)
                changes.append((partner, _at(joined, 10), manager, "+", {"left_on": None}))
                if ended:
                    changes.append((partner, _at(partner.left_on, 10), manager, "~", {}))
                else:
                    self.partners[cluster.pk].append(organisation)
        self._insert(ClusterPartner, partners)
        self._records(ClusterPartner, changes)
        return organisations

    def _memberships(self, clusters: list[Cluster], groups: list[list[Municipality]]) -> None:
        rows: list[ClusterMembership] = []
        changes = []
        for index, (cluster, group) in enumerate(zip(clusters, groups, strict=True)):
            neighbour = clusters[(index + 1) % len(clusters)]
            for municipality in group:
                founding = self.rng.random() < 0.6
                latest = max(cluster.starts_on, self.today - dt.timedelta(days=60))
                joined = (
                    cluster.starts_on
                    if founding
                    else min(
                        cluster.starts_on + dt.timedelta(days=self.rng.randint(30, 700)), latest
                    )
                )
                status = (
                    MembershipStatus.OBSERVER
                    if self.rng.random() < 0.05
                    else MembershipStatus.ACTIVE
                )
                membership = ClusterMembership(
                    cluster=cluster, municipality=municipality, joined_on=joined, status=status
                )
                rows.append(membership)
                changes.append((membership, _at(joined, 9), self.admin_id, "+", {}))
                if self.rng.random() < 0.1:
                    # Roster history: an earlier membership of the neighbouring cluster, ended.
                    left = neighbour.starts_on + dt.timedelta(days=self.rng.randint(90, 400))
                    left = min(left, self.today - dt.timedelta(days=10))
                    ended = ClusterMembership(
                        cluster=neighbour,
                        municipality=municipality,
                        joined_on=neighbour.starts_on,
                        left_on=max(left, neighbour.starts_on),
                        status=MembershipStatus.LEFT,
                        note="Gick över till ett kluster närmare hemmaregionen.",
                    )
                    rows.append(ended)
                    changes.append(
                        (
                            ended,
                            _at(ended.joined_on, 9),
                            self.admin_id,
                            "+",
                            {"left_on": None, "status": MembershipStatus.ACTIVE},
                        )
                    )
                    changes.append((ended, _at(ended.left_on, 14), self.admin_id, "~", {}))
        self._insert(ClusterMembership, rows)
        self._records(ClusterMembership, changes)

    def _rosters(
        self,
        clusters: list[Cluster],
        groups: list[list[Municipality]],
        people: dict[int, dict[str, list[User]]],
        organisations: dict[int, list[Organisation]],
    ) -> None:
        demo_managers = dict(
            User.objects.filter(
                email__in=["manager@demo.innocities.se", "manager2@demo.innocities.se"]
            ).values_list("email", "pk")
        )
        entries: list[RosterEntry] = []
        for cluster, group in zip(clusters, groups, strict=True):
            start = cluster.starts_on
            staff = people[cluster.pk]
            first, *current = staff["managers"]
            handover = min(start + dt.timedelta(days=self.rng.randint(200, 500)), self.today)
            entries.append(
                RosterEntry(
                    cluster=cluster,
                    user=first,
                    role=RosterRole.PROGRAMME_MANAGER,
                    started_on=start,
                    ended_on=handover,
                )
            )
            for index, manager in enumerate(current):
                entries.append(
                    RosterEntry(
                        cluster=cluster,
                        user=manager,
                        role=RosterRole.PROGRAMME_MANAGER,
                        started_on=handover if index == 0 else start,
                    )
                )
                self.managers[cluster.pk].append(manager.pk)
            # The demo's managers manage the scale clusters of their demo members as well.
            codes = {m.code for m in group if m.country == Country.SWEDEN}
            for email, code in (
                ("manager@demo.innocities.se", "1442"),
                ("manager2@demo.innocities.se", "2085"),
            ):
                if code in codes and email in demo_managers:
                    entries.append(
                        RosterEntry(
                            cluster=cluster,
                            user_id=demo_managers[email],
                            role=RosterRole.PROGRAMME_MANAGER,
                            started_on=self.today - dt.timedelta(days=60),
                        )
                    )
                    self.managers[cluster.pk].append(demo_managers[email])
            lead = group[0]
            entries.append(
                RosterEntry(
                    cluster=cluster,
                    user_id=self.coordinators[lead.pk][0],
                    role=RosterRole.CLUSTER_LEAD,
                    municipality=lead,
                    started_on=start,
                )
            )
            for municipality in group:
                entries.append(
                    RosterEntry(
                        cluster=cluster,
                        user_id=self.coordinators[municipality.pk][0],
                        role=RosterRole.MUNICIPAL_CONTACT,
                        municipality=municipality,
                        started_on=start,
                    )
                )
            current_orgs = {o.pk for o in self.partners[cluster.pk]}
            for contact, organisation in zip(
                staff["partners"], organisations[cluster.pk], strict=True
            ):
                left = organisation.pk not in current_orgs
                entries.append(
                    RosterEntry(
                        cluster=cluster,
                        user=contact,
                        role=RosterRole.PARTNER_CONTACT,
                        organisation=organisation,
                        started_on=start + dt.timedelta(days=30),
                        ended_on=self.today - dt.timedelta(days=20) if left else None,
                    )
                )
            entries.append(
                RosterEntry(
                    cluster=cluster,
                    user=staff["expert"][0],
                    role=RosterRole.EXPERT,
                    organisation=organisations[cluster.pk][0],
                    started_on=start + dt.timedelta(days=60),
                )
            )
        self._insert(RosterEntry, entries)
        changes = []
        for entry in entries:
            if entry.ended_on is None:
                self.cluster_people[entry.cluster_id].append(entry.user_id)
            changes.append(
                (entry, _at(entry.started_on, 9), self.admin_id, "+", {"ended_on": None})
            )
            if entry.ended_on is not None:
                changes.append((entry, _at(entry.ended_on, 15), self.admin_id, "~", {}))
        self._records(RosterEntry, changes)
        for cluster_id, user_ids in self.cluster_people.items():
            self.cluster_people[cluster_id] = sorted(set(user_ids))

    def _needs(self) -> None:
        needs = []
        for municipality in self.municipalities:
            title, theme, goals = self.rng.choice(NEEDS)
            need = Need(
                title=title,
                description="Behovet kom fram i självskattningen och i dialogen med verksamheterna.",
                theme=theme,
                priority=self.rng.choice(Priority.values),
                municipality=municipality,
                sdg_goals=list(goals),
                created_by_id=self.coordinators[municipality.pk][0],
                created_at=_at(self._days_ago(120, 1000), 11),
            )
            needs.append(need)
            self.needs[municipality.pk] = need
        self._insert(Need, needs)

    # --- phase 2: programmes, modules, tasks, milestones, updates --------------------------

    def _plans(self) -> dict[str, _Plan]:
        wanted = (THREE_YEARS, STARTER_YEAR, GREEN_TWO_YEARS)
        templates = {
            t.name_en: t
            for t in ProgramTemplate.objects.filter(name_en__in=wanted).prefetch_related(
                "template_modules__module__activities"
            )
        }
        missing = [name for name in wanted if name not in templates]
        if missing:
            raise ScaleDataError(
                f"The module library lacks {', '.join(missing)}: run manage.py load_module_library."
            )
        plans = {}
        for name, template in templates.items():
            modules = []
            for tm in template.template_modules.all():
                activities = sorted(tm.module.activities.all(), key=lambda a: (a.offset_days, a.pk))
                modules.append(
                    _ModulePlan(
                        template_id=tm.module.pk,
                        title=tm.module.name_sv or tm.module.name,
                        code=tm.module.code,
                        position=tm.position,
                        offset_days=tm.offset_days,
                        duration_days=tm.module.duration_days,
                        tasks=tuple(
                            _Activity(a.title_sv or a.title, a.offset_days, a.duration_days)
                            for a in activities
                            if a.kind == ActivityKind.TASK
                        ),
                        milestones=tuple(
                            _Activity(a.title_sv or a.title, a.offset_days, 0)
                            for a in activities
                            if a.kind == ActivityKind.MILESTONE
                        ),
                    )
                )
            plans[name] = _Plan(template, template.duration_months, tuple(modules))
        return plans

    def _programme_kind(self, slot: int) -> tuple[str, str, int]:
        """A municipality's programme number ``slot``: (template, status, how many months ago
        it started; negative: it starts ahead). The first runs, the second is an earlier
        starter year, the third a green transition, any more a recent three-year one."""
        rng = self.rng
        if slot == 0:
            months = rng.randint(12, 34)
            status = rng.choices(
                (ProgramStatus.ACTIVE, ProgramStatus.PAUSED, ProgramStatus.CANCELLED), (85, 8, 7)
            )[0]
            return THREE_YEARS, status, months
        if slot == 1:
            months = rng.randint(24, 36)
            status = ProgramStatus.COMPLETED if rng.random() < 0.9 else ProgramStatus.CANCELLED
            return STARTER_YEAR, status, months
        name, months = (
            (GREEN_TWO_YEARS, rng.randint(-2, 24))
            if slot == 2
            else (THREE_YEARS, rng.randint(-2, 12))
        )
        return name, ProgramStatus.DRAFT if months < 1 else ProgramStatus.ACTIVE, months

    def programmes_and_items(self) -> None:
        plans = self._plans()
        municipalities = list(self.municipalities)
        per = [self.size.programmes // len(municipalities)] * len(municipalities)
        for index in self.rng.sample(
            range(len(municipalities)), self.size.programmes % len(municipalities)
        ):
            per[index] += 1
        programmes: list[Program] = []
        kinds: list[tuple[_Plan, Municipality, dt.date | None]] = []
        labels = {
            THREE_YEARS: "innovationsprogram",
            STARTER_YEAR: "startår",
            GREEN_TWO_YEARS: "grön omställning",
        }
        for municipality, count in zip(municipalities, per, strict=True):
            for slot in range(count):
                name, status, months = self._programme_kind(slot)
                plan = plans[name]
                starts_on = month_start(self.today, -months)
                ends_on = month_start(starts_on, plan.months) - dt.timedelta(days=1)
                if status == ProgramStatus.COMPLETED and ends_on >= self.today:
                    status = ProgramStatus.ACTIVE
                horizon: dt.date | None
                if status == ProgramStatus.DRAFT:
                    horizon = None
                elif status == ProgramStatus.COMPLETED:
                    horizon = ends_on
                elif status == ProgramStatus.CANCELLED:
                    run = (min(ends_on, self.today) - starts_on).days
                    horizon = starts_on + dt.timedelta(
                        days=max(30, run * self.rng.randint(30, 80) // 100)
                    )
                    horizon = min(horizon, self.today)
                else:
                    horizon = self.today
                years = (
                    str(starts_on.year)
                    if starts_on.year == ends_on.year
                    else f"{starts_on.year}–{ends_on.year}"
                )
                programmes.append(
                    Program(
                        municipality=municipality,
                        cluster=self.cluster_of[municipality.pk],
                        template=plan.template,
                        title=f"{municipality.name} – {labels[name]} {years}",
                        starts_on=starts_on,
                        ends_on=ends_on,
                        status=status,
                        goals=self.rng.choice(GOALS),
                        created_at=min(_at(starts_on - dt.timedelta(days=21), 9), self.now),
                    )
                )
                kinds.append((plan, municipality, horizon))
        self._insert(Program, programmes)
        through = Program.coordinators.through
        self._insert(
            through,
            [
                through(program_id=p.pk, user_id=user_id)
                for p in programmes
                for user_id in self.coordinators[p.municipality_id]
            ],
        )
        modules = self._modules(programmes, kinds)
        self._items(programmes, kinds, modules)
        self._progress_updates()
        self._item_history(
            Task, {"status": "'todo'", "percent": "0", "completed_on": "NULL", "owner_id": "NULL"}
        )
        self._item_history(
            Milestone, {"status": "'todo'", "completed_on": "NULL", "owner_id": "NULL"}
        )

    def _modules(
        self, programmes: list[Program], kinds: list[tuple[_Plan, Municipality, dt.date | None]]
    ) -> dict[int, list[tuple[_ModulePlan, ProgramModule]]]:
        rows: list[ProgramModule] = []
        pairs: dict[int, list[tuple[_ModulePlan, ProgramModule]]] = defaultdict(list)
        for program, (plan, municipality, _horizon) in zip(programmes, kinds, strict=True):
            for spec in plan.modules:
                starts_on = _workday(
                    program.starts_on + dt.timedelta(days=spec.offset_days), municipality.country
                )
                module = ProgramModule(
                    program=program,
                    module_template_id=spec.template_id,
                    title=spec.title,
                    position=spec.position,
                    starts_on=starts_on,
                    ends_on=starts_on + dt.timedelta(days=spec.duration_days),
                )
                rows.append(module)
                pairs[program.pk].append((spec, module))
        self._insert(ProgramModule, rows)
        return pairs

    def _state(
        self, starts: dt.date | None, due: dt.date, program_status: str, horizon: dt.date | None
    ) -> tuple[str, int, dt.date | None]:
        """(status, percent, completed on) of an item as its programme has come."""
        rng = self.rng
        if horizon is None:
            return ItemStatus.TODO, 0, None
        if program_status == ProgramStatus.COMPLETED:
            if rng.random() < 0.03:
                return ItemStatus.CANCELLED, 0, None
            return ItemStatus.DONE, 100, self._completed_on(starts, due, horizon)
        if due < horizon:
            chance = rng.random()
            if chance < 0.86:
                return ItemStatus.DONE, 100, self._completed_on(starts, due, horizon)
            if chance < 0.88:
                return ItemStatus.CANCELLED, 0, None
            if chance < 0.95:
                return ItemStatus.IN_PROGRESS, rng.randrange(30, 100, 10), None
            if chance < 0.97:
                return ItemStatus.BLOCKED, rng.randrange(20, 70, 10), None
            return ItemStatus.TODO, 0, None
        if starts is not None and starts <= horizon and rng.random() < 0.7:
            length = max((due - starts).days, 1)
            percent = min(max(round((horizon - starts).days / length * 10) * 10, 10), 90)
            return ItemStatus.IN_PROGRESS, percent, None
        return ItemStatus.TODO, 0, None

    def _completed_on(self, starts: dt.date | None, due: dt.date, horizon: dt.date) -> dt.date:
        day = due - dt.timedelta(days=self.rng.randint(0, 5))
        return min(max(day, starts or day), horizon, self.today)

    def _items(
        self,
        programmes: list[Program],
        kinds: list[tuple[_Plan, Municipality, dt.date | None]],
        modules: dict[int, list[tuple[_ModulePlan, ProgramModule]]],
    ) -> None:
        tasks: list[TaskRow] = []
        milestones: list[MilestoneRow] = []
        organised: list[tuple[int, int]] = []  # (task's place in ``tasks``, organisation)
        for program, (_plan, municipality, horizon) in zip(programmes, kinds, strict=True):
            cluster = self.cluster_of[municipality.pk]
            coordinators = self.coordinators[municipality.pk]
            pilot = next(
                (
                    m.pk
                    for spec, m in modules[program.pk]
                    if spec.code == "pilots-idea-to-operation"
                ),
                None,
            )
            self.programmes.append(
                _Programme(
                    pk=program.pk,
                    title=program.title,
                    municipality_id=municipality.pk,
                    country=municipality.country,
                    status=program.status,
                    starts_on=program.starts_on,
                    horizon=horizon,
                    coordinators=coordinators,
                    manager=self.managers[cluster.pk][0],
                    pilot_module=pilot,
                )
            )
            partners = [o.pk for o in self.partners[cluster.pk]]
            for task, code in self._tasks(
                program, modules[program.pk], municipality.country, horizon, coordinators
            ):
                # Partners take part in the helix and pilot modules' tasks.
                if partners and code in HELIX_MODULES and self.rng.random() < 0.3:
                    organised.append((len(tasks), self.rng.choice(partners)))
                tasks.append(task)
            milestones.extend(
                self._milestones(
                    program, modules[program.pk], municipality.country, horizon, coordinators
                )
            )
            if len(tasks) >= BATCH:
                self._flush_tasks(tasks, organised)
                tasks, organised = [], []
        self._flush_tasks(tasks, organised)
        ids = self._reserve_ids(Milestone, len(milestones))
        self.milestones = [m._replace(id=pk) for m, pk in zip(milestones, ids, strict=True)]
        self._copy(Milestone, self.milestones)

    def _flush_tasks(self, tasks: list[TaskRow], organised: list[tuple[int, int]]) -> None:
        ids = self._reserve_ids(Task, len(tasks))
        rows = [task._replace(id=pk) for task, pk in zip(tasks, ids, strict=True)]
        self._copy(Task, rows)
        through = Task.organisations.through
        self._copy(through, [through(task_id=rows[i].id, organisation_id=o) for i, o in organised])
        self.tasks.extend(rows)

    def _owner(self, status: str, coordinators: list[int]) -> int | None:
        chance = 0.8 if status != ItemStatus.TODO else 0.25
        return self.rng.choice(coordinators) if self.rng.random() < chance else None

    def _tasks(
        self,
        program: Program,
        modules: list[tuple[_ModulePlan, ProgramModule]],
        country: str,
        horizon: dt.date | None,
        coordinators: list[int],
    ) -> Iterator[tuple[TaskRow, str]]:
        """The library's tasks of each module, split into parts (preparation, the work, its
        follow-up, …) until the programme has ``TASKS_PER_PROGRAMME``; each with its module's
        code."""
        activities = [(spec, module, a) for spec, module in modules for a in spec.tasks]
        parts = -(-TASKS_PER_PROGRAMME // len(activities))
        made = 0
        for part in range(parts):
            for spec, module, activity in activities:
                if made == TASKS_PER_PROGRAMME:
                    return
                begins = module.starts_on + dt.timedelta(days=activity.offset_days)
                starts_on = _workday(
                    begins + dt.timedelta(days=activity.duration_days * part // parts), country
                )
                due_on = _workday(
                    begins + dt.timedelta(days=activity.duration_days * (part + 1) // parts),
                    country,
                )
                due_on = max(due_on, starts_on)
                status, percent, completed_on = self._state(
                    starts_on, due_on, program.status, horizon
                )
                task = TaskRow(
                    id=None,
                    program_id=program.pk,
                    module_id=module.pk,
                    title=activity.title
                    if part == 0
                    else f"{activity.title} – {STEPS[part % len(STEPS)]}",
                    description="",
                    owner_id=self._owner(status, coordinators),
                    starts_on=starts_on,
                    due_on=due_on,
                    status=status,
                    percent=percent,
                    completed_on=completed_on,
                )
                made += 1
                yield task, spec.code

    def _milestones(
        self,
        program: Program,
        modules: list[tuple[_ModulePlan, ProgramModule]],
        country: str,
        horizon: dt.date | None,
        coordinators: list[int],
    ) -> Iterator[MilestoneRow]:
        every = sorted(
            (
                (module.starts_on + dt.timedelta(days=m.offset_days), m.title, module)
                for spec, module in modules
                for m in spec.milestones
            ),
            key=lambda item: (item[0], item[1]),
        )
        step = max(len(every) / MILESTONES_PER_PROGRAMME, 1)
        picked = [every[int(i * step)] for i in range(min(MILESTONES_PER_PROGRAMME, len(every)))]
        for day, title, module in picked:
            due_on = _workday(day, country)
            status, _percent, completed_on = self._state(None, due_on, program.status, horizon)
            yield MilestoneRow(
                id=None,
                program_id=program.pk,
                module_id=module.pk,
                title=title,
                description="",
                due_on=due_on,
                status=status,
                owner_id=self._owner(status, coordinators),
                completed_on=completed_on,
            )

    def _progress_updates(self) -> None:
        """Monthly, from the month it started (the update is due on the 25th of each month the
        programme runs) to its last day."""
        rng = self.rng
        rows: list[ProgressUpdate] = []
        for programme in self.programmes:
            if programme.horizon is None:
                continue
            months = (programme.horizon.year - programme.starts_on.year) * 12 + (
                programme.horizon.month - programme.starts_on.month
            )
            zone = OSLO if programme.country == Country.NORWAY else STOCKHOLM
            author = programme.coordinators[0]
            for month in range(months + 1):
                first = month_start(programme.starts_on, month)
                day = first + dt.timedelta(days=rng.randint(14, 27))
                written = _at(day, rng.randint(9, 16), rng.randint(0, 59), zone)
                if day > programme.horizon or written > self.now:
                    break
                if day.day > 25:
                    self.late_updates.append((programme.pk, first.replace(day=25)))
                status = rng.choices(
                    (ProgressStatus.ON_TRACK, ProgressStatus.AT_RISK, ProgressStatus.OFF_TRACK),
                    (80, 15, 5),
                )[0]
                proposed = status
                if rng.random() < 0.1:  # the coordinator judged otherwise than the portal
                    proposed = rng.choice([s for s in ProgressStatus.values if s != status])
                rows.append(
                    ProgressUpdate(
                        program_id=programme.pk,
                        author_id=author,
                        created_at=written,
                        status=status,
                        proposed_status=proposed,
                        override_reason=rng.choice(OVERRIDE_REASONS) if proposed != status else "",
                        achieved=rng.choice(ACHIEVED),
                        next_steps=rng.choice(NEXT_STEPS),
                        blockers=rng.choice(BLOCKERS) if status != ProgressStatus.ON_TRACK else "",
                        percent_done=min(
                            100, round(100 * month / max(months, 1) * rng.uniform(0.7, 1.0))
                        ),
                    )
                )
        self._copy(ProgressUpdate, rows)

    def _item_history(
        self, model: type[Task] | type[Milestone], as_laid_out: dict[str, str]
    ) -> None:
        """The items' history in two statements: each item as the manager laid it out ("+",
        when the programme was created), and for every item worked on since, its present
        state ("~", by its owner or else a coordinator, on the day it was done or started)."""
        history = model.history.model  # type: ignore[attr-defined]
        qn = connection.ops.quote_name
        columns = [f.column for f in history.tracked_fields]
        programmes = ", ".join(["(%s, %s, %s)"] * len(self.programmes))
        laid_out_by = [
            value for p in self.programmes for value in (p.pk, p.manager, p.coordinators[0])
        ]
        starts = "COALESCE(t.starts_on, t.due_on - 14)" if model is Task else "(t.due_on - 14)"
        for kind, when, who, where in (
            ("+", "p.created_at", "lo.manager_id", "TRUE"),
            (
                "~",
                "CASE WHEN t.completed_on IS NOT NULL "
                "THEN (t.completed_on + TIME '15:00') AT TIME ZONE 'Europe/Stockholm' "
                f"ELSE (GREATEST(LEAST({starts}, %s::date), p.created_at::date + 1) + TIME '10:00') "
                "AT TIME ZONE 'Europe/Stockholm' END",
                "COALESCE(t.owner_id, lo.coordinator_id)",
                "(t.status <> 'todo' OR t.owner_id IS NOT NULL)",
            ),
        ):
            selected = ", ".join(
                as_laid_out[c] if kind == "+" and c in as_laid_out else f"t.{qn(c)}"
                for c in columns
            )
            sql = (
                f"WITH lo (program_id, manager_id, coordinator_id) AS (VALUES {programmes}) "
                f"INSERT INTO {qn(history._meta.db_table)} "
                f"({', '.join(qn(c) for c in columns)}, history_date, history_type, history_user_id, "
                "history_change_reason) "
                f"SELECT {selected}, {when}, %s, {who}, '' "
                f"FROM {qn(model._meta.db_table)} t "
                "JOIN lo ON lo.program_id = t.program_id "
                "JOIN programs_program p ON p.id = t.program_id "
                f"WHERE {where}"
            )
            params: list[Any] = list(laid_out_by)
            if kind == "~":
                params.append(self.today)
            params.append(kind)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                self.created[history._meta.label] += cursor.rowcount

    # --- phase 3: meetings ---------------------------------------------------------------

    def meetings_with_invitees(self) -> None:
        rng = self.rng
        clusters = self.clusters
        per = [self.size.meetings // len(clusters)] * len(clusters)
        for index in range(self.size.meetings % len(clusters)):
            per[index] += 1
        members = defaultdict(list)
        for municipality in self.municipalities:
            members[self.cluster_of[municipality.pk].pk].append(municipality)
        meetings: list[Meeting] = []
        for cluster, count in zip(clusters, per, strict=True):
            first = max(cluster.starts_on, self.today - dt.timedelta(days=730))
            span = (self.today + dt.timedelta(days=180) - first).days
            for n in range(count):
                day = _workday(
                    first + dt.timedelta(days=span * n // max(count, 1) + rng.randint(0, 6)), "SE"
                )
                kind, label = rng.choice(MEETING_KINDS)
                topic = rng.choice(MEETING_TOPICS)
                place = rng.choice(members[cluster.pk])
                online = rng.random() < 0.2
                hour = rng.choice((9, 13))
                past = day < self.today
                meetings.append(
                    Meeting(
                        cluster=cluster,
                        kind=kind,
                        title=f"{label}: {topic}",
                        starts_at=_at(day, hour),
                        ends_at=_at(day, hour + 3),
                        location="" if online else f"Kommunhuset i {place.name}",
                        online_url=f"https://moten.{DOMAIN}/{cluster.pk}-{n}" if online else "",
                        agenda=f"1. Välkomna och nyhetsrunda\n2. {topic.capitalize()}\n3. Nästa steg",
                        minutes=rng.choice(MINUTES) if past else "",
                        status=MeetingStatus.CANCELLED
                        if rng.random() < 0.04
                        else MeetingStatus.SCHEDULED,
                        created_by_id=self.managers[cluster.pk][0],
                    )
                )
        self._insert(Meeting, meetings)
        participants: list[MeetingParticipant] = []
        for meeting in meetings:
            past = meeting.starts_at.date() < self.today
            invited = []
            for user_id in self.cluster_people[meeting.cluster_id]:
                chance = rng.random()
                if chance < 0.1:
                    reply = Reply.DECLINED
                elif chance < (0.9 if past else 0.55):
                    reply = Reply.ACCEPTED
                else:
                    reply = Reply.INVITED
                attendance = Attendance.UNKNOWN
                if past and meeting.status == MeetingStatus.SCHEDULED:
                    attendance = (
                        Attendance.ATTENDED
                        if reply == Reply.ACCEPTED and rng.random() < 0.92
                        else Attendance.ABSENT
                    )
                participants.append(
                    MeetingParticipant(
                        meeting=meeting,
                        user_id=user_id,
                        reply=reply,
                        attendance=attendance,
                        replied_at=(
                            min(meeting.starts_at - dt.timedelta(days=rng.randint(2, 10)), self.now)
                            if reply != Reply.INVITED
                            else None
                        ),
                    )
                )
                invited.append((user_id, reply))
            self.meetings.append((meeting, invited))
        self._copy(MeetingParticipant, participants)

    # --- phase 4: initiatives, decisions, indicators, benefits, lessons -------------------

    def initiatives_and_results(self) -> None:
        initiatives, walks = self._initiatives()
        decisions = self._gate_decisions(initiatives, walks)
        self._initiative_details(initiatives)
        self._indicators()
        self._benefits(initiatives)
        self._lessons(initiatives, decisions)
        having = set(PortfolioTarget.objects.values_list("municipality_id", flat=True))
        targets = [
            PortfolioTarget(municipality=m, innovation_percent=self.rng.randrange(30, 75, 5))
            for m in self.municipalities
            if self.rng.random() < 0.3 and m.pk not in having  # the demo sets a few
        ]
        self._insert(PortfolioTarget, targets)

    def _walk(self) -> tuple[dt.date, list[tuple[str, str, str, dt.date]], str, str, dt.date]:
        """An initiative's way so far: (started on, its decisions as (decision, from, to, on),
        stage, state, in the stage since)."""
        rng = self.rng
        target = rng.choices(STAGES, (10, 25, 20, 20, 15, 10))[0]
        first = Stage.NEED if rng.random() < 0.3 else Stage.IDEA
        if STAGES.index(target) < STAGES.index(first):
            first = target
        steps = STAGES[STAGES.index(first) : STAGES.index(target) + 1]
        state = State.ACTIVE
        if target != Stage.OPERATION:
            state = rng.choices((State.ACTIVE, State.PARKED, State.STOPPED), (80, 10, 10))[0]
        gaps = [rng.randint(45, 120) for _ in range(len(steps) - 1 + (state != State.ACTIVE))]
        started = self.today - dt.timedelta(days=sum(gaps) + rng.randint(5, 60))
        day, stage, since = started, first, started
        decisions = []
        for gap, to_stage in zip(gaps, steps[1:], strict=False):
            day += dt.timedelta(days=gap)
            decision = Decision.GO_WITH_CONDITIONS if rng.random() < 0.25 else Decision.GO
            decisions.append((decision, stage, to_stage, day))
            stage, since = to_stage, day
        if state != State.ACTIVE:
            day += dt.timedelta(days=gaps[-1])
            decision = Decision.HOLD if state == State.PARKED else Decision.STOP
            decisions.append((decision, stage, STAGES[STAGES.index(stage) + 1], day))
        return started, decisions, stage, state, since

    def _initiatives(self) -> tuple[list[Initiative], list[tuple[dt.date, list[Any]]]]:
        rng = self.rng
        pilots = {}
        for programme in self.programmes:
            if programme.status == ProgramStatus.ACTIVE and programme.pilot_module:
                pilots.setdefault(programme.municipality_id, programme.pilot_module)
        owners: list[tuple[Municipality | None, Cluster | None]] = [
            (m, None) for m in self.municipalities for _ in range(INITIATIVES_PER_MUNICIPALITY)
        ]
        owners += [(None, c) for c in self.clusters]
        initiatives: list[Initiative] = []
        walks = []
        for municipality, cluster in owners:
            started, decisions, stage, state, since = self._walk()
            title, facet = rng.choice(INITIATIVES)
            lead = (
                rng.choice(self.coordinators[municipality.pk])
                if municipality
                else self.managers[cluster.pk][0]  # type: ignore[union-attr]
            )
            cost = Decimal(rng.randrange(50_000, 2_000_000, 10_000))
            following = STAGES.index(stage) + 1 < len(STAGES)
            initiatives.append(
                Initiative(
                    municipality=municipality,
                    cluster=cluster,
                    title=title if municipality else f"Gemensamt: {title.lower()}",
                    description="Idén kom från medarbetarna och prövas tillsammans med partnerna.",
                    need=self.needs.get(municipality.pk)
                    if municipality and rng.random() < 0.6
                    else None,
                    lead_id=lead,
                    module_id=pilots.get(municipality.pk)
                    if municipality and rng.random() < 0.3
                    else None,
                    facet=facet,
                    stage=stage,
                    state=state,
                    stage_since=since,
                    next_gate_due_on=(
                        since + dt.timedelta(days=rng.randint(90, 300))
                        if state == State.ACTIVE and following
                        else None
                    ),
                    expected_benefits="Mer tid för kärnuppdraget och nöjdare invånare.",
                    estimated_cost_sek=cost,
                    risk="Leverantören kan försenas; användarna behöver tid att vänja sig.",
                    benefit_owner="Förvaltningschefen",
                    created_at=_at(started, 10),
                    created_by_id=lead,
                )
            )
            walks.append((started, decisions))
        self._insert(Initiative, initiatives)
        changes = []
        for initiative, (started, decisions) in zip(initiatives, walks, strict=True):
            first = decisions[0][1] if decisions else initiative.stage
            then = {
                "stage": first,
                "state": State.ACTIVE,
                "stage_since": started,
                "next_gate_due_on": None,
            }
            changes.append((initiative, initiative.created_at, initiative.lead_id, "+", dict(then)))
            for decision, _from, to_stage, day in decisions:
                if decision in (Decision.GO, Decision.GO_WITH_CONDITIONS):
                    then.update(stage=to_stage, stage_since=day)
                else:
                    then["state"] = State.PARKED if decision == Decision.HOLD else State.STOPPED
                changes.append((initiative, _at(day, 15, 1), initiative.lead_id, "~", dict(then)))
            changes[-1][4].clear()  # the last record is the initiative as it is now
        self._records(Initiative, changes)
        return initiatives, walks

    def _gate_decisions(
        self, initiatives: list[Initiative], walks: list[tuple[dt.date, list[Any]]]
    ) -> dict[int, GateDecision]:
        criteria: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for criterion in GateCriterion.objects.filter(is_active=True).order_by(
            "stage", "position", "pk"
        ):
            criteria[criterion.stage].append(
                {
                    "text_sv": criterion.text_sv,
                    "text_en": criterion.text_en,
                    "text_nb": criterion.text_nb,
                    "holds": True,
                    "judged": criterion.is_manual,
                }
            )
        rows: list[GateDecision] = []
        last: dict[int, GateDecision] = {}
        for initiative, (_started, decisions) in zip(initiatives, walks, strict=True):
            for decision, from_stage, to_stage, day in decisions:
                if initiative.cluster_id:
                    body = Body.CLUSTER
                elif to_stage in (Stage.IMPLEMENTATION, Stage.OPERATION):
                    body = Body.POLITICAL_COMMITTEE
                else:
                    body = Body.MANAGEMENT_GROUP
                gate = GateDecision(
                    initiative=initiative,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    decision=decision,
                    decided_by=f"{self.rng.choice(SV_FIRST)} {self.rng.choice(SV_LAST)}",
                    body=body,
                    decided_on=day,
                    rationale=RATIONALES[decision],
                    conditions=(
                        "Finansieringen säkras i nästa års budget innan arbetet går vidare."
                        if decision == Decision.GO_WITH_CONDITIONS
                        else ""
                    ),
                    criteria=criteria[to_stage],
                    expected_benefits=initiative.expected_benefits,
                    estimated_cost_sek=initiative.estimated_cost_sek,
                    risk=initiative.risk,
                    recorded_by_id=initiative.lead_id,
                    recorded_at=_at(day, 15),
                )
                rows.append(gate)
                last[initiative.pk] = gate
        self._insert(GateDecision, rows)
        self._records(GateDecision, ((g, g.recorded_at, g.recorded_by_id, "+", {}) for g in rows))
        return last

    def _initiative_details(self, initiatives: list[Initiative]) -> None:
        """Helix partners, assumptions and quarterly effort of the initiatives past the idea."""
        rng = self.rng
        partners: list[InitiativePartner] = []
        assumptions: list[Assumption] = []
        efforts: list[Effort] = []
        quarter = (self.today.year, (self.today.month - 1) // 3 + 1)
        quarters = []
        for _ in range(4):
            year, q = quarter
            quarter = (year, q - 1) if q > 1 else (year - 1, 4)
            quarters.append(quarter)
        for initiative in initiatives:
            step = STAGES.index(initiative.stage)
            if step < STAGES.index(Stage.CONCEPT):
                continue
            cluster = initiative.cluster or self.cluster_of[initiative.municipality_id]  # type: ignore[index]
            for organisation in rng.sample(
                self.partners[cluster.pk], min(2, len(self.partners[cluster.pk]))
            ):
                partners.append(
                    InitiativePartner(
                        initiative=initiative,
                        organisation=organisation,
                        role=rng.choice(PARTNER_ROLES),
                    )
                )
            (tested, tested_kind), (open_one, open_kind) = rng.sample(ASSUMPTIONS, 2)
            resolved_on = initiative.stage_since
            assumptions.append(
                Assumption(
                    initiative=initiative,
                    statement=tested,
                    kind=tested_kind,
                    impact=rng.randint(3, 5),
                    uncertainty=rng.randint(2, 5),
                    test_plan="Prövas med en liten grupp användare under en månad.",
                    test_by=resolved_on,
                    outcome=Outcome.VALIDATED if rng.random() < 0.7 else Outcome.INVALIDATED,
                    learning="Testet gav tydliga svar som vi tar med i nästa steg.",
                    resolved_on=resolved_on,
                    created_at=initiative.created_at,
                )
            )
            assumptions.append(
                Assumption(
                    initiative=initiative,
                    statement=open_one,
                    kind=open_kind,
                    impact=rng.randint(2, 5),
                    uncertainty=rng.randint(2, 5),
                    test_plan="Intervjuer med verksamheten och en enkät till användarna.",
                    test_by=self.today + dt.timedelta(days=rng.randint(-20, 120)),
                    created_at=_at(initiative.stage_since, 11),
                )
            )
            if initiative.state == State.ACTIVE:
                for year, q in quarters:
                    efforts.append(
                        Effort(
                            initiative=initiative,
                            year=year,
                            quarter=q,
                            hours=Decimal(rng.randrange(20, 400, 10)),
                            sek=Decimal(rng.randrange(10_000, 300_000, 5_000))
                            if rng.random() < 0.5
                            else None,
                        )
                    )
        self._insert(InitiativePartner, partners)
        self._insert(Assumption, assumptions)
        self._insert(Effort, efforts)

    def _indicators(self) -> None:
        rng = self.rng
        indicators: list[Indicator] = []
        series: list[tuple[Indicator, list[dt.date], int]] = []
        for programme in self.programmes:
            if programme.horizon is None:
                continue
            for spec in rng.sample(INDICATORS, INDICATORS_PER_PROGRAMME):
                indicator = self._indicator(
                    spec, programme.starts_on, programme.manager, program_id=programme.pk
                )
                indicators.append(indicator)
                series.append(
                    (
                        indicator,
                        self._quarters(programme.starts_on, programme.horizon),
                        programme.coordinators[0],
                    )
                )
        for cluster in self.clusters:
            indicator = self._indicator(
                rng.choice(INDICATORS),
                cluster.starts_on,
                self.managers[cluster.pk][0],
                cluster_id=cluster.pk,
            )
            indicators.append(indicator)
            series.append(
                (
                    indicator,
                    self._quarters(cluster.starts_on, self.today),
                    self.managers[cluster.pk][0],
                )
            )
        self._insert(Indicator, indicators)
        values = []
        for indicator, periods, author in series:
            span = indicator.target_value - indicator.baseline_value
            for index, period in enumerate(periods, start=1):
                share = (
                    Decimal(index) / Decimal(max(len(periods), 8)) * Decimal(rng.uniform(0.6, 1.1))
                )
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        period=period,
                        value=(indicator.baseline_value + span * share).quantize(Decimal("0.1")),
                        recorded_at=min(_at(period + dt.timedelta(days=100), 10), self.now),
                        recorded_by_id=author,
                    )
                )
        self._copy(IndicatorValue, values)

    def _indicator(
        self, spec: tuple[str, str, str, int, int], starts_on: dt.date, author: int, **scope: int
    ) -> Indicator:
        name, unit, direction, baseline, target = spec
        return Indicator(
            name=name,
            unit=unit,
            frequency=Frequency.QUARTERLY,
            direction=direction,
            baseline_value=Decimal(baseline),
            baseline_period=str(starts_on.year - 1),
            target_value=Decimal(target),
            target_period=str(starts_on.year + 3),
            created_at=min(_at(starts_on, 11), self.now),
            created_by_id=author,
            **scope,
        )

    def _quarters(self, start: dt.date, until: dt.date) -> list[dt.date]:
        """The first days of the quarters from ``start``'s that ended before ``until``, at
        most the latest twelve."""
        period = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        periods = []
        while month_start(period, 3) <= until:
            periods.append(period)
            period = month_start(period, 3)
        return periods[-12:]

    def _benefits(self, initiatives: list[Initiative]) -> None:
        rng = self.rng
        benefits: list[Benefit] = []
        for initiative in initiatives:
            if STAGES.index(initiative.stage) < STAGES.index(Stage.PILOT):
                continue
            if initiative.municipality_id:
                owners = (
                    self.viewers[initiative.municipality_id]
                    + self.coordinators[initiative.municipality_id]
                )
            else:
                owners = self.managers[initiative.cluster_id]  # type: ignore[index]
            for title, kind, unit, higher, baseline, target in rng.sample(
                BENEFITS, rng.randint(1, 2)
            ):
                baseline_on = initiative.stage_since - dt.timedelta(days=30)
                ended = rng.random() < 0.05
                benefits.append(
                    Benefit(
                        initiative=initiative,
                        title=title,
                        kind=kind,
                        description="Mäts med verksamhetens egna uppgifter varje halvår.",
                        owner_id=rng.choice(owners),
                        unit=unit,
                        direction=Direction.HIGHER_IS_BETTER
                        if higher
                        else Direction.LOWER_IS_BETTER,
                        baseline_value=Decimal(baseline),
                        baseline_on=baseline_on,
                        target_value=Decimal(target),
                        target_on=baseline_on + dt.timedelta(days=rng.randint(365, 730)),
                        ended_on=self._days_ago(10, 100) if ended else None,
                        end_reason="Nyttan följs nu upp i verksamhetens ordinarie mått."
                        if ended
                        else "",
                        created_at=min(_at(baseline_on, 10), self.now),
                        created_by_id=initiative.lead_id,
                    )
                )
        self._insert(Benefit, benefits)
        followups = []
        for benefit in benefits:
            for k in range(1, 7):
                due = benefit.baseline_on + dt.timedelta(days=180 * k)  # type: ignore[operator]
                if due > benefit.target_on + dt.timedelta(days=180):
                    break
                if benefit.ended_on and due > benefit.ended_on:
                    break
                recorded = due < self.today - dt.timedelta(days=7) and rng.random() < 0.85
                followup = BenefitFollowUp(benefit=benefit, due_on=due)
                if recorded:
                    day = min(due + dt.timedelta(days=rng.randint(0, 14)), self.today)
                    share = (
                        Decimal(min(k * 180, 730)) / Decimal(730) * Decimal(rng.uniform(0.5, 1.1))
                    )
                    followup.recorded_on = day
                    followup.recorded_at = _at(day, 14)
                    followup.value = (
                        benefit.baseline_value
                        + (benefit.target_value - benefit.baseline_value) * share  # type: ignore[operator]
                    ).quantize(Decimal("0.1"))
                    followup.judgement = rng.choice(Judgement.values)
                    followup.comment = "Uppföljningen gjordes tillsammans med verksamheten."
                    followup.recorded_by_id = benefit.owner_id
                followups.append(followup)
        self._insert(BenefitFollowUp, followups)

    def _lessons(self, initiatives: list[Initiative], decisions: dict[int, GateDecision]) -> None:
        rng = self.rng
        lessons: list[Lesson] = []
        for initiative in initiatives:
            if (
                STAGES.index(initiative.stage) < STAGES.index(Stage.CONCEPT)
                and initiative.state != State.STOPPED
            ):
                continue
            gate = decisions.get(initiative.pk) if rng.random() < 0.5 else None
            written = gate.decided_on if gate else initiative.stage_since
            lessons.append(
                self._lesson(
                    initiative.municipality,
                    initiative.cluster,
                    initiative,
                    gate,
                    written,
                    initiative.lead_id,
                )
            )
        for municipality in self.municipalities:
            if rng.random() < 0.1:
                lessons.append(
                    self._lesson(
                        municipality,
                        None,
                        None,
                        None,
                        self._days_ago(10, 700),
                        self.coordinators[municipality.pk][0],
                    )
                )
        self._insert(Lesson, lessons)
        # What lesson_index does one lesson at a time, for all of them in one UPDATE.
        config = SEARCH_CONFIGS["sv"]
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons]).update(
            search_vector=SearchVector("title", config=config, weight="A")
            + SearchVector("theme", config=config, weight="B")
            + SearchVector("body", config=config, weight="C")
        )

    def _lesson(
        self,
        municipality: Municipality | None,
        cluster: Cluster | None,
        initiative: Initiative | None,
        gate: GateDecision | None,
        written: dt.date,
        author: int | None,
    ) -> Lesson:
        rng = self.rng
        title, body, theme = rng.choice(LESSONS)
        if municipality:
            visibility = rng.choices(Visibility.values, (10, 50, 40))[0]
        else:
            visibility = rng.choice((Visibility.CLUSTERS, Visibility.PARTNERSHIP))
        at = min(_at(written, 13), self.now)
        return Lesson(
            municipality=municipality,
            cluster=cluster,
            initiative=initiative,
            gate_decision=gate,
            title=title,
            body=body,
            theme=theme,
            theme_key=normalise_theme(theme),
            stage=initiative.stage if initiative else "",
            sdg_goals=sorted(rng.sample(range(1, 18), rng.randint(0, 3))),
            visibility=visibility,
            language="sv",
            author_id=author,
            created_at=at,
            updated_at=at,
        )

    # --- phase 5: the outbox ---------------------------------------------------------------

    def outbox(self) -> None:
        """The reminders the portal would have sent over the years, and the few waiting now:
        every meeting's, milestone's and late progress update's, then as many tasks' as
        make ``size.notifications``."""
        rules = {rule.code: rule for rule in ReminderRule.objects.filter(is_active=True)}
        programmes = {p.pk: p for p in self.programmes}
        fixed = self._meeting_firings(rules)
        fixed += self._item_firings(rules, Milestone, self.milestones, programmes)
        fixed += self._progress_firings(rules, programmes)
        tasks = self._item_firings(rules, Task, self.tasks, programmes)
        wanted = self.size.notifications
        if len(fixed) >= wanted:
            chosen = self.rng.sample(fixed, wanted)
        else:
            chosen = fixed + self.rng.sample(tasks, min(len(tasks), wanted - len(fixed)))
        # In the order the scan would have written them.
        chosen.sort(key=lambda firing: (firing[0], firing[2], firing[3], firing[4]))
        self._write_outbox(chosen, rules)

    def _item_firings(
        self,
        rules: dict[str, ReminderRule],
        model: type[Task] | type[Milestone],
        items: Sequence[TaskRow] | Sequence[MilestoneRow],
        programmes: dict[int, _Programme],
    ) -> list[Firing]:
        """Each rule's reminders of each item, on the days the item was still open and its
        programme running; to its owner, else to the programme's coordinators."""
        content_type = ContentType.objects.get_for_model(model).pk
        category = model._meta.model_name
        mine = [r for r in rules.values() if r.category == category and not r.escalate]
        urls: dict[int, str] = {}
        firings: list[Firing] = []
        for item in items:
            programme = programmes[item.program_id]
            if programme.horizon is None:
                continue
            if item.program_id not in urls:
                urls[item.program_id] = reverse("programs:detail", kwargs={"pk": item.program_id})
            recipients = [item.owner_id] if item.owner_id else programme.coordinators
            still_open = item.completed_on is None and item.status != ItemStatus.CANCELLED
            for rule in mine:
                repeats = range(1, rule.max_repeats + 1) if rule.repeat_every_days else (0,)
                for repeat in repeats:
                    later = max(repeat - 1, 0) * (rule.repeat_every_days or 0)
                    day = item.due_on + dt.timedelta(days=rule.offset_days + later)
                    if (
                        day > programme.horizon
                        or day > self.today
                        or (item.status == ItemStatus.CANCELLED and day >= item.due_on)
                        or (item.completed_on is not None and item.completed_on < day)
                        or (day == self.today and programme.status != ProgramStatus.ACTIVE)
                    ):
                        break
                    occurrence = item.due_on.isoformat() + (f"#{repeat:02d}" if repeat else "")
                    for recipient in recipients:
                        firings.append(
                            (
                                day,
                                rule.code,
                                content_type,
                                item.id,  # type: ignore[arg-type]
                                recipient,
                                occurrence,
                                item.program_id,
                                item.title,
                                urls[item.program_id],
                                still_open,
                            )
                        )
        return firings

    def _meeting_firings(self, rules: dict[str, ReminderRule]) -> list[Firing]:
        content_type = ContentType.objects.get_for_model(Meeting).pk
        mine = [r for r in rules.values() if r.category == "meeting"]
        firings: list[Firing] = []
        for meeting, invited in self.meetings:
            if meeting.status == MeetingStatus.CANCELLED:
                continue
            held = meeting.starts_at.astimezone(STOCKHOLM).date()
            url = reverse(
                "clusters:meeting_detail",
                kwargs={"pk": meeting.cluster_id, "meeting_pk": meeting.pk},
            )
            for rule in mine:
                day = held + dt.timedelta(days=rule.offset_days)
                if day > self.today:
                    continue
                for user_id, reply in invited:
                    if reply != Reply.DECLINED:
                        firings.append(
                            (
                                day,
                                rule.code,
                                content_type,
                                meeting.pk,
                                user_id,
                                held.isoformat(),
                                None,
                                meeting.title,
                                url,
                                True,
                            )
                        )
        return firings

    def _progress_firings(
        self, rules: dict[str, ReminderRule], programmes: dict[int, _Programme]
    ) -> list[Firing]:
        """The monthly update's reminder on the 25th, in the months it came later than that."""
        rule = rules.get("progress-due")
        if rule is None:
            return []
        content_type = ContentType.objects.get_for_model(Program).pk
        firings: list[Firing] = []
        for program_id, day in self.late_updates:
            programme = programmes[program_id]
            url = reverse("programs:update_create", kwargs={"pk": program_id})
            for user_id in programme.coordinators:
                firings.append(
                    (
                        day,
                        rule.code,
                        content_type,
                        program_id,
                        user_id,
                        day.isoformat(),
                        program_id,
                        programme.title,
                        url,
                        False,
                    )
                )
        return firings

    def _write_outbox(self, firings: list[Firing], rules: dict[str, ReminderRule]) -> None:
        rng = self.rng
        recipients = {firing[4] for firing in firings}
        people = dict(
            (pk, (language or "sv", zone))
            for pk, language, zone in User.objects.filter(pk__in=recipients).values_list(
                "pk", "language", "time_zone"
            )
        )
        preferences = {
            p.user_id: (p.delivery, p.hour)
            for p in NotificationPreference.objects.filter(user_id__in=recipients)
        }
        zones: dict[str, zoneinfo.ZoneInfo] = {}
        subjects: dict[tuple[str, str], str] = {}
        rows: list[NotificationRow] = []
        for firing in firings:
            day, code, content_type, object_id, recipient, occurrence = firing[:6]
            program_id, title, url, still_open = firing[6:]
            rule = rules[code]
            language, zone_name = people[recipient]
            delivery, hour = preferences.get(recipient, (Delivery.IMMEDIATE, 8))
            zone = zones.get(zone_name) or zones.setdefault(zone_name, zoneinfo.ZoneInfo(zone_name))
            if (code, language) not in subjects:
                # Rendered once per rule and language; the scan renders each row alike.
                subjects[code, language] = render_subject(
                    rule=rule, context={"title": "\x00"}, language=language
                )
            if day == self.today and still_open:
                status, attempts, error, claimed, sent = (
                    NotificationStatus.PENDING,
                    0,
                    "",
                    None,
                    None,
                )
                due = send_after(
                    now=self.now,
                    time_zone=zone_name,
                    hour=hour,
                    delivery=delivery,
                    paused_until=None,
                    country="NO" if zone_name == "Europe/Oslo" else "SE",
                )
                created = self.now - dt.timedelta(minutes=rng.randint(1, 50))
            else:
                due = _at(day, hour, zone=zone)
                created = _at(day, 0, rng.randint(1, 55))
                status, attempts, error, claimed, sent = self._fate(
                    due, done_that_day=day == self.today or rng.random() < 0.06
                )
            row = NotificationRow(
                rule_id=rule.pk,
                content_type_id=content_type,
                object_id=object_id,
                recipient_id=recipient,
                occurrence=occurrence,
                category=rule.category,
                program_id=program_id,
                delivery=delivery,
                status=status,
                send_after=due,
                claimed_at=claimed,
                attempts=attempts,
                last_error=error,
                sent_at=sent,
                created_at=created,
                subject=subjects[code, language].replace("\x00", title)[:255],
                url=url,
            )
            rows.append(row)
            if status == NotificationStatus.SENT and rng.random() < 0.004:
                rows.append(self._superseded(row))
            if len(rows) >= BATCH:
                self._copy(Notification, rows)
                rows = []
        self._copy(Notification, rows)

    def _fate(
        self, due: dt.datetime, *, done_that_day: bool
    ) -> tuple[str, int, str, dt.datetime | None, dt.datetime | None]:
        """What became of a reminder whose day has passed: (status, attempts, last error,
        claimed at, sent at). Sent, mostly; cancelled when the item was done before the hour;
        failed after five attempts now and then."""
        if done_that_day:
            return NotificationStatus.CANCELLED, 0, "", None, None
        if self.rng.random() < 0.004:
            return NotificationStatus.FAILED, 5, FAILED_SENDING, due + dt.timedelta(hours=8), None
        sent = due + dt.timedelta(seconds=self.rng.randint(5, 240))
        return NotificationStatus.SENT, 0, "", sent - dt.timedelta(seconds=1), sent

    def _superseded(self, row: NotificationRow) -> NotificationRow:
        """The reminder for the date the item had before it was moved: replaced, never sent."""
        due, _hash, repeat = row.occurrence.partition("#")
        earlier = (dt.date.fromisoformat(due) - dt.timedelta(days=7)).isoformat()
        return row._replace(
            occurrence=earlier + (f"#{repeat}" if repeat else ""),
            status=NotificationStatus.SUPERSEDED,
            send_after=row.send_after - dt.timedelta(days=7),
            created_at=row.created_at - dt.timedelta(days=7),
            claimed_at=None,
            sent_at=None,
        )
