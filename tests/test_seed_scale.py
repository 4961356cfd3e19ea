"""``manage.py seed_scale``: the partnership at national size, seeded here at a hundredth of it."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from clusters.models import (
    Cluster,
    ClusterMembership,
    ClusterPartner,
    Meeting,
    MeetingParticipant,
    Need,
    RosterEntry,
    RosterRole,
)
from clusters.selectors import roster_history
from innocities.accounts.models import User
from innocities.demo.partnership import CLUSTERS, DEMO_PASSWORD, MUNICIPALITIES, PEOPLE
from innocities.demo.scale import (
    LOADED,
    MILESTONES_PER_PROGRAMME,
    TASKS_PER_PROGRAMME,
    ScaleDataError,
    Size,
)
from innocities.demo.scale.bulk import Writer, set_aside
from innocities.notifications.models import (
    Notification,
    NotificationPreference,
    NotificationStatus,
)
from municipalities.models import (
    Country,
    Municipality,
    MunicipalityMembership,
    MunicipalityRole,
    Organisation,
)
from programs.benefits.models import Benefit, BenefitFollowUp
from programs.indicators.models import Indicator, IndicatorValue
from programs.initiatives.models import (
    Assumption,
    Effort,
    GateDecision,
    Initiative,
    InitiativePartner,
    PortfolioTarget,
)
from programs.initiatives.selectors import initiative_history
from programs.lessons.models import Lesson
from programs.models import (
    ItemStatus,
    Milestone,
    Program,
    ProgramModule,
    ProgramStatus,
    ProgressUpdate,
    Task,
)
from programs.selectors import recent_changes

SCALE = 0.01
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_CLUSTERS = [spec.name for spec in CLUSTERS]
# Every model the scale writes to (history aside), for the counts and the clean() checks.
MODELS: tuple[type[models.Model], ...] = (
    User,
    MunicipalityMembership,
    NotificationPreference,
    Organisation,
    Cluster,
    ClusterMembership,
    ClusterPartner,
    RosterEntry,
    Need,
    Program,
    ProgramModule,
    Task,
    Milestone,
    ProgressUpdate,
    Meeting,
    MeetingParticipant,
    Initiative,
    InitiativePartner,
    GateDecision,
    Assumption,
    Effort,
    PortfolioTarget,
    Indicator,
    IndicatorValue,
    Benefit,
    BenefitFollowUp,
    Lesson,
    Notification,
)

# Seeded once for the module (the demo first, several seconds): under xdist the module stays on
# one worker (make test runs with --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_scale")]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scale at 0.01, seeded once into an empty database inside a transaction rolled back
    when the module is done (as tests/test_seed_demo.py does with the demo). pytest-django
    runs with DEBUG off, so it forces, as an operator would."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=FAST_HASHERS,
            PRIVATE_MEDIA_ROOT=str(tmp_path_factory.mktemp("scale-private")),
            MEDIA_ROOT=str(tmp_path_factory.mktemp("scale-media")),
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        BEFORE_SEEDING.extend(keys_and_indexes())
        output = seed("--scale", str(SCALE), "--force")
    try:
        yield output
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# The largest tables' foreign keys and indexes as the migrations left them (the fixture fills it).
BEFORE_SEEDING: list[tuple[str, ...]] = []


def keys_and_indexes() -> list[tuple[str, ...]]:
    """The constraints and indexes of the tables the scale loads without them, as PostgreSQL
    states them."""
    tables = [model._meta.db_table for model in LOADED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
            "UNION ALL SELECT indrelid::regclass::text, indexrelid::regclass::text, "
            "pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2, 3",
            [tables, tables],
        )
        return cursor.fetchall()


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def scale_clusters() -> models.QuerySet[Cluster]:
    return Cluster.objects.exclude(name__in=DEMO_CLUSTERS)


def scale_programmes() -> models.QuerySet[Program]:
    return Program.objects.filter(cluster__in=scale_clusters())


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in MODELS}


# --- the sizes ---------------------------------------------------------------------------


def test_sizes_grow_linearly_from_a_tenth_to_the_whole_country():
    assert Size.at(1.0, 647) == Size(
        clusters=50, municipalities=647, programmes=2000, meetings=1500, notifications=300_000
    )
    assert Size.at(0.1, 647) == Size(
        clusters=5, municipalities=65, programmes=200, meetings=150, notifications=30_000
    )
    # Below a tenth the minimums hold: one full cluster, a programme per municipality.
    assert Size.at(0.01, 647) == Size(
        clusters=1, municipalities=13, programmes=20, meetings=15, notifications=3000
    )


# --- running it --------------------------------------------------------------------------


@override_settings(DEBUG=False)
def test_refuses_with_debug_off_unless_forced(monkeypatch):
    called = []
    monkeypatch.setattr(
        "innocities.demo.management.commands.seed_scale.seed_scale",
        lambda **kwargs: called.append(kwargs),
    )
    before = counts()
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed("--scale", "0.01")
    assert not called
    assert counts() == before


def test_refuses_a_scale_that_is_not_above_zero():
    with pytest.raises(CommandError, match="--scale"):
        seed("--scale", "0", "--force")


def test_first_run_prints_rows_per_model_and_the_time(seeded):
    assert "Scale 0.01: 13 municipalities in 1 cluster(s), 20 programmes" in seeded
    assert re.search(rf"programs\.Task +{TASKS_PER_PROGRAMME * 20:,}\n", seeded)
    assert " rows in " in seeded
    assert "outbox" in seeded


def test_the_planner_knows_the_rows_it_wrote(seeded):
    """ANALYZE after the load (autovacuum may be off, or late): PostgreSQL plans by these."""
    assert "vacuum and analyze" in seeded
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'programs_task'")
        (estimated,) = cursor.fetchone()
    assert estimated == pytest.approx(Task.objects.count(), rel=0.2)


def test_second_run_does_nothing_and_says_so(seeded):
    before = counts()
    output = seed("--scale", str(SCALE), "--force")
    assert "already in place" in output
    assert counts() == before


# --- what it made --------------------------------------------------------------------------


def test_the_demo_logins_are_among_its_people(seeded):
    for person in PEOPLE:
        if person.login:
            assert User.objects.get(email=person.email).check_password(DEMO_PASSWORD)
    members = ClusterMembership.objects.current().filter(cluster__in=scale_clusters())
    demo_members = members.filter(
        municipality__country=Country.SWEDEN, municipality__code__in=MUNICIPALITIES
    )
    # Every demo municipality is a member at every scale, so a demo login sees the same.
    assert demo_members.count() == len(MUNICIPALITIES)
    managed = RosterEntry.objects.programme_managers().filter(cluster__in=scale_clusters())
    assert managed.filter(user__email="manager@demo.innocities.se").exists()
    coordinator = User.objects.get(email="coordinator@demo.innocities.se")
    assert scale_programmes().filter(coordinators=coordinator).exists()


def test_one_cluster_of_thirteen_with_rosters_and_roster_history(seeded):
    [cluster] = scale_clusters()
    assert cluster.memberships.current().count() == 13
    roles = Counter(cluster.roster.current().values_list("role", flat=True))
    assert roles[RosterRole.PROGRAMME_MANAGER] >= 2  # its own, and the demo's manager
    assert roles[RosterRole.MUNICIPAL_CONTACT] == 13
    assert roles[RosterRole.PARTNER_CONTACT] >= 4
    assert roles[RosterRole.EXPERT] == 1
    assert cluster.roster.exclude(ended_on=None).exists()  # the first manager's time is over
    assert roster_history(cluster)


def test_every_municipality_has_coordinators_viewers_and_programmes(seeded):
    members = Municipality.objects.filter(
        cluster_memberships__cluster__in=scale_clusters(),
        cluster_memberships__left_on=None,
    )
    for municipality in members.annotate(
        coordinators=Count("memberships", filter=Q(memberships__role=MunicipalityRole.COORDINATOR)),
        viewers=Count("memberships", filter=Q(memberships__role=MunicipalityRole.VIEWER)),
    ):
        assert municipality.coordinators >= 1, municipality
        assert municipality.viewers >= 2, municipality
        assert scale_programmes().filter(municipality=municipality).exists(), municipality


def test_programmes_have_their_tasks_milestones_and_monthly_updates(seeded):
    programmes = scale_programmes().annotate(
        tasks_count=Count("tasks", distinct=True),
        milestones_count=Count("milestones", distinct=True),
        updates=Count("progress_updates", distinct=True),
    )
    assert programmes.count() == 20
    assert {p.tasks_count for p in programmes} == {TASKS_PER_PROGRAMME}
    for programme in programmes:
        assert 8 <= programme.milestones_count <= MILESTONES_PER_PROGRAMME, programme
        months = (timezone.localdate() - programme.starts_on).days // 31
        if programme.status == ProgramStatus.DRAFT:
            assert programme.updates == 0
        elif programme.status in (ProgramStatus.ACTIVE, ProgramStatus.PAUSED):
            assert programme.updates >= months - 1, programme  # one a month
    assert len({p.status for p in programmes}) >= 3
    starts = [p.starts_on for p in programmes]
    # Spread over the years (at this size only the first two programmes of a municipality).
    assert (max(starts) - min(starts)).days > 365 * 3 // 2


def test_tasks_are_mixed_in_status_owner_and_date(seeded):
    tasks = Task.objects.filter(program__in=scale_programmes())
    today = timezone.localdate()
    statuses = Counter(tasks.values_list("status", flat=True))
    assert set(statuses) == set(ItemStatus.values)
    assert statuses[ItemStatus.DONE] > statuses[ItemStatus.BLOCKED]
    assert tasks.filter(due_on__lt=today).exists() and tasks.filter(due_on__gt=today).exists()
    owned = tasks.exclude(owner=None).count()
    assert 0.2 * tasks.count() < owned < 0.9 * tasks.count()
    # Overdue work exists, as in a real partnership.
    assert tasks.filter(
        due_on__lt=today, status__in=[ItemStatus.TODO, ItemStatus.IN_PROGRESS]
    ).exists()


def test_meetings_past_and_coming_with_invitees(seeded):
    meetings = Meeting.objects.filter(cluster__in=scale_clusters())
    assert meetings.count() == 15
    now = timezone.now()
    assert meetings.filter(starts_at__lt=now).exists()
    assert meetings.filter(starts_at__gt=now).exists()
    assert not meetings.annotate(n=Count("participants")).filter(n=0).exists()


def test_initiatives_decisions_and_results_in_volume(seeded):
    initiatives = Initiative.objects.filter(
        Q(municipality__cluster_memberships__cluster__in=scale_clusters())
        | Q(cluster__in=scale_clusters())
    ).distinct()
    assert initiatives.count() >= 13 * 3
    assert len(set(initiatives.values_list("stage", flat=True))) >= 4
    walked = initiatives.annotate(n=Count("gate_decisions")).filter(n__gte=2).first()
    assert walked is not None
    assert len(initiative_history(walked)) >= 3  # created, decided, decided
    assert Benefit.objects.filter(initiative__in=initiatives).exists()
    assert BenefitFollowUp.objects.filter(benefit__initiative__in=initiatives).exists()
    lessons = Lesson.objects.filter(initiative__in=initiatives)
    assert lessons.exists()
    assert not lessons.filter(search_vector=None).exists()  # searchable, as written by hand
    assert IndicatorValue.objects.filter(indicator__program__in=scale_programmes()).exists()


def test_the_programme_page_s_recent_changes_come_from_the_history(seeded):
    programme = scale_programmes().filter(status=ProgramStatus.ACTIVE).first()
    changes = recent_changes(programme)
    assert changes
    kinds = {change.history_type for change in changes}
    assert "~" in kinds  # work done since the programme was laid out
    assert Task.history.filter(program_id=programme.pk, history_type="+").count() == (
        TASKS_PER_PROGRAMME
    )


def test_the_outbox_has_a_history_that_follows_its_items(seeded):
    task_type = ContentType.objects.get_for_model(Task)
    outbox = Notification.objects.filter(
        Q(program__in=scale_programmes())
        | Q(object_id__in=Meeting.objects.filter(cluster__in=scale_clusters()).values("pk"))
        & Q(content_type=ContentType.objects.get_for_model(Meeting))
    )
    assert 3000 <= outbox.count() <= 3000 * 1.02  # and a few replaced ones
    statuses = Counter(outbox.values_list("status", flat=True))
    assert statuses[NotificationStatus.SENT] > 0.8 * outbox.count()
    assert statuses[NotificationStatus.CANCELLED] > 0
    sent = outbox.filter(status=NotificationStatus.SENT)
    assert not sent.filter(Q(sent_at=None) | Q(sent_at__lt=models.F("send_after"))).exists()
    assert (
        not outbox.exclude(status=NotificationStatus.PENDING)
        .filter(send_after__gt=timezone.now() + dt.timedelta(days=1))
        .exists()
    )
    oldest = outbox.order_by("send_after").first().send_after
    assert timezone.now() - oldest > dt.timedelta(days=365)  # years of reminders
    # A task's reminder names the date it was due on, unless the date moved since.
    tasks = dict(Task.objects.filter(program__in=scale_programmes()).values_list("pk", "due_on"))
    for occurrence, object_id in (
        outbox.filter(content_type=task_type)
        .exclude(status=NotificationStatus.SUPERSEDED)
        .values_list("occurrence", "object_id")
    ):
        assert occurrence.split("#")[0] == tasks[object_id].isoformat()


def test_the_large_tables_get_back_every_key_and_index(seeded):
    """Loaded without their foreign keys and plain indexes (bulk.py), they have them all again,
    as the migrations made them."""
    assert BEFORE_SEEDING
    assert any("FOREIGN KEY" in definition for _table, _name, definition in BEFORE_SEEDING)
    assert any("USING gin" in definition for _table, _name, definition in BEFORE_SEEDING)
    assert keys_and_indexes() == BEFORE_SEEDING


def test_a_row_that_breaks_a_key_set_aside_fails_when_the_key_is_added_back(seeded):
    """Setting the keys aside moves their check, it does not skip it: the database validates
    every row when a key is added back, and the transaction fails."""
    with (
        pytest.raises(ScaleDataError, match="violates foreign key constraint"),
        transaction.atomic(),
    ):
        aside = set_aside([Task])
        assert keys_and_indexes() != BEFORE_SEEDING
        with Writer() as writer:
            writer.execute(
                "INSERT INTO programs_task (program_id, module_id, title, description, "
                "due_on, status, percent) "
                "SELECT -1, module_id, title, '', due_on, 'todo', 0 FROM programs_task LIMIT 1"
            )
            aside.restore(writer)
    assert keys_and_indexes() == BEFORE_SEEDING  # the transaction's rollback put them back


def test_rows_satisfy_every_constraint_and_clean(seeded):
    # The foreign keys are checked at commit, which the module's transaction never reaches.
    connection.check_constraints()
    for model in MODELS:
        # The newest rows are the scale's (written after the demo's).
        for obj in model.objects.order_by("-pk")[:10]:
            obj.full_clean()
