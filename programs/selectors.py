"""Reads for programmes: progress, overdue counts and the proposed status.

Everything here works on many programmes at once with a fixed number of queries, so that a
dashboard's query count does not grow with the number of programmes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership, ClusterPartner, RosterEntry
from innocities.accounts.models import User
from municipalities.models import (
    Municipality,
    MunicipalityMembership,
    MunicipalityRole,
    Organisation,
)
from programs.models import (
    OPEN_STATUSES,
    ItemStatus,
    Milestone,
    Program,
    ProgramModule,
    ProgramStatus,
    ProgressStatus,
    ProgressUpdate,
    Task,
)


@dataclass(frozen=True)
class ProgramSummary:
    items: int = 0  # tasks and milestones that count (not cancelled)
    percent_sum: int = 0
    overdue_tasks: int = 0
    overdue_milestones: int = 0
    blocked: int = 0
    open_items: int = 0
    tasks: int = 0  # tasks that count (not cancelled)
    tasks_done: int = 0

    @property
    def percent_done(self) -> int:
        return round(self.percent_sum / self.items) if self.items else 0

    @property
    def overdue(self) -> int:
        return self.overdue_tasks + self.overdue_milestones

    @property
    def proposed_status(self) -> str:
        return propose_status(self)


def propose_status(summary: ProgramSummary) -> str:
    """What the data says about a programme.

    Off track: a milestone is overdue, or more than a quarter of the open items are overdue.
    At risk: anything overdue or blocked. Otherwise on track.
    """
    if summary.overdue_milestones or (
        summary.open_items and summary.overdue * 4 > summary.open_items
    ):
        return ProgressStatus.OFF_TRACK
    if summary.overdue or summary.blocked:
        return ProgressStatus.AT_RISK
    return ProgressStatus.ON_TRACK


def program_summaries(
    program_ids: Iterable[int], *, today: dt.date | None = None
) -> dict[int, ProgramSummary]:
    """Progress figures per programme id, in two queries whatever the number of programmes."""
    ids = list(program_ids)
    if not ids:
        return {}
    today = today or timezone.localdate()
    open_q = Q(status__in=OPEN_STATUSES)
    overdue_q = open_q & Q(due_on__lt=today)
    tasks = (
        Task.objects.filter(program_id__in=ids)
        .exclude(status=ItemStatus.CANCELLED)
        .values("program_id")
        .annotate(
            items=Count("id"),
            percent_sum=Sum("percent"),
            overdue=Count("id", filter=overdue_q),
            blocked=Count("id", filter=Q(status=ItemStatus.BLOCKED)),
            open_items=Count("id", filter=open_q),
            done=Count("id", filter=Q(status=ItemStatus.DONE)),
        )
    )
    milestones = (
        Milestone.objects.filter(program_id__in=ids)
        .exclude(status=ItemStatus.CANCELLED)
        .values("program_id")
        .annotate(
            items=Count("id"),
            done=Count("id", filter=Q(status=ItemStatus.DONE)),
            overdue=Count("id", filter=overdue_q),
            blocked=Count("id", filter=Q(status=ItemStatus.BLOCKED)),
            open_items=Count("id", filter=open_q),
        )
    )
    raw: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for row in tasks:
        raw[row["program_id"]].update(
            items=row["items"],
            percent_sum=row["percent_sum"] or 0,
            overdue_tasks=row["overdue"],
            blocked=row["blocked"],
            open_items=row["open_items"],
            tasks=row["items"],
            tasks_done=row["done"],
        )
    for milestone_row in milestones:
        entry = raw[milestone_row["program_id"]]
        entry["items"] = entry.get("items", 0) + milestone_row["items"]
        entry["percent_sum"] = entry.get("percent_sum", 0) + 100 * milestone_row["done"]
        entry["overdue_milestones"] = milestone_row["overdue"]
        entry["blocked"] = entry.get("blocked", 0) + milestone_row["blocked"]
        entry["open_items"] = entry.get("open_items", 0) + milestone_row["open_items"]
    return {pk: ProgramSummary(**values) for pk, values in raw.items()}


def program_summary(program: Program, *, today: dt.date | None = None) -> ProgramSummary:
    return program_summaries([program.pk], today=today)[program.pk]


@dataclass(frozen=True)
class StatusView:
    """The one status a programme shows: what the municipality last reported (``reported``,
    "" before the first progress update), with what the tasks propose as a hint in words.

    Before the first report there is no colour to show: a draft without reports must not look
    "on track" because nothing is overdue yet.
    """

    reported: str
    proposed: str
    reported_on: dt.datetime | None = None

    @property
    def reported_label(self) -> str:
        return str(ProgressStatus(self.reported).label) if self.reported else ""

    @property
    def proposed_label(self) -> str:
        return str(ProgressStatus(self.proposed).label)

    @property
    def css(self) -> str:
        return f"status-{self.reported}" if self.reported else "status-none"


def status_view(summary: ProgramSummary, latest_update: ProgressUpdate | None) -> StatusView:
    if latest_update is None:
        return StatusView(reported="", proposed=summary.proposed_status)
    return StatusView(
        reported=latest_update.status,
        proposed=summary.proposed_status,
        reported_on=latest_update.created_at,
    )


def latest_updates(program_ids: Iterable[int]) -> dict[int, ProgressUpdate]:
    """The latest progress update per programme, in one query."""
    ids = list(program_ids)
    if not ids:
        return {}
    newest = ProgressUpdate.objects.filter(program_id=OuterRef("pk")).order_by("-created_at", "-id")
    latest_ids = (
        Program.objects.filter(pk__in=ids)
        .annotate(latest_id=Subquery(newest.values("id")[:1]))
        .values("latest_id")
    )
    updates = ProgressUpdate.objects.filter(pk__in=latest_ids).select_related("author")
    return {update.program_id: update for update in updates}


# --- pages and dashboards ----------------------------------------------------------------
# Everything below reads many rows with a fixed number of queries: the dashboards and the
# programme pages assert that their query count does not grow with the data.

DUE_SOON_DAYS = 30
ONGOING_PROGRAM_STATUSES = (ProgramStatus.DRAFT, ProgramStatus.ACTIVE, ProgramStatus.PAUSED)


@dataclass(frozen=True)
class ProgramRow:
    """A programme with its progress figures and latest update, ready for a table row."""

    program: Program
    summary: ProgramSummary
    latest_update: ProgressUpdate | None

    @property
    def proposed_status_label(self) -> str:
        return str(ProgressStatus(self.summary.proposed_status).label)

    @property
    def status(self) -> StatusView:
        return status_view(self.summary, self.latest_update)


def program_rows(programs: Iterable[Program], *, today: dt.date | None = None) -> list[ProgramRow]:
    """Rows for ``programs`` in three queries (two for the summaries, one for the updates)."""
    programs = list(programs)
    ids = [program.pk for program in programs]
    summaries = program_summaries(ids, today=today)
    updates = latest_updates(ids)
    return [
        ProgramRow(
            program=program,
            summary=summaries.get(program.pk, ProgramSummary()),
            latest_update=updates.get(program.pk),
        )
        for program in programs
    ]


@dataclass(frozen=True)
class DueItem:
    kind: str  # "task" or "milestone"
    item: Task | Milestone

    @property
    def program(self) -> Program:
        return self.item.program


@dataclass(frozen=True)
class DueItems:
    overdue: list[DueItem]
    coming: list[DueItem]


def due_items(
    program_ids: Iterable[int],
    *,
    today: dt.date | None = None,
    days: int = DUE_SOON_DAYS,
    limit: int = 20,
) -> DueItems:
    """Open tasks and milestones of the programmes that are overdue or due within ``days``.

    Four queries whatever the number of programmes; each list holds at most ``limit`` tasks
    and ``limit`` milestones, soonest first.
    """
    ids = list(program_ids)
    if not ids:
        return DueItems(overdue=[], coming=[])
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    related = ("program__municipality", "owner")
    tasks = Task.objects.filter(program_id__in=ids, status__in=OPEN_STATUSES).select_related(
        *related
    )
    milestones = Milestone.objects.filter(
        program_id__in=ids, status__in=OPEN_STATUSES
    ).select_related(*related)

    def merged(task_q: QuerySet[Task], milestone_q: QuerySet[Milestone]) -> list[DueItem]:
        items = [DueItem("task", task) for task in task_q[:limit]]
        items += [DueItem("milestone", milestone) for milestone in milestone_q[:limit]]
        return sorted(items, key=lambda entry: (entry.item.due_on, entry.kind, entry.item.pk))

    return DueItems(
        overdue=merged(tasks.filter(due_on__lt=today), milestones.filter(due_on__lt=today)),
        coming=merged(
            tasks.filter(due_on__gte=today, due_on__lte=horizon),
            milestones.filter(due_on__gte=today, due_on__lte=horizon),
        ),
    )


@dataclass(frozen=True)
class MemberRow:
    """One open member municipality of a cluster and its current programme there, if any."""

    cluster: Cluster
    membership: ClusterMembership
    row: ProgramRow | None

    @property
    def municipality(self) -> Municipality:
        return self.membership.municipality


@dataclass(frozen=True)
class ClusterOverview:
    cluster: Cluster
    members: list[MemberRow]


def _current_first(program: Program) -> tuple[int, int, int]:
    # An ongoing programme wins over a finished one; among equals the latest start wins.
    ongoing = program.status in ONGOING_PROGRAM_STATUSES
    return (0 if ongoing else 1, -program.starts_on.toordinal(), -program.pk)


def current_programs(
    cluster_ids: Iterable[int], municipality_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], Program]:
    """The current programme of each (cluster id, municipality id) pair, in one query.

    Of several programmes a municipality has in a cluster, the current one is not cancelled,
    ongoing before finished, then the latest start. This is the one definition the dashboard
    and the cluster page share.
    """
    candidates = Program.objects.filter(cluster_id__in=list(cluster_ids)).exclude(
        status=ProgramStatus.CANCELLED
    )
    if municipality_ids is not None:
        candidates = candidates.filter(municipality_id__in=list(municipality_ids))
    current: dict[tuple[int, int], Program] = {}
    for program in sorted(candidates, key=_current_first):
        current.setdefault((program.cluster_id, program.municipality_id), program)  # type: ignore[arg-type]
    return current


def cluster_overviews(
    clusters: Iterable[Cluster], *, today: dt.date | None = None
) -> list[ClusterOverview]:
    """Per cluster, one row per open member municipality with its current programme in the
    cluster (ongoing before finished, then the latest start). Five queries in all."""
    clusters = list(clusters)
    cluster_ids = [cluster.pk for cluster in clusters]
    memberships = (
        ClusterMembership.objects.current()
        .filter(cluster_id__in=cluster_ids)
        .select_related("municipality")
        .order_by("municipality__name", "pk")
    )
    current = current_programs(cluster_ids)
    rows = {row.program.pk: row for row in program_rows(current.values(), today=today)}
    by_cluster: dict[int, list[MemberRow]] = {pk: [] for pk in cluster_ids}
    clusters_by_id = {cluster.pk: cluster for cluster in clusters}
    for membership in memberships:
        program = current.get((membership.cluster_id, membership.municipality_id))
        if program is not None:
            program.municipality = membership.municipality
        by_cluster[membership.cluster_id].append(
            MemberRow(
                cluster=clusters_by_id[membership.cluster_id],
                membership=membership,
                row=rows[program.pk] if program is not None else None,
            )
        )
    return [ClusterOverview(cluster=c, members=by_cluster[c.pk]) for c in clusters]


@dataclass(frozen=True)
class ClusterSummary:
    """A cluster in one line: its open members and how their programmes are doing.

    The programme figures count each open member's current programme in the cluster when it is
    ongoing (draft, active or paused; the same choice as ``current_programs``): a finished
    programme needs nobody's attention. ``on_track``, ``at_risk`` and ``off_track`` count them
    by what their latest progress update reported, as the member tables show it.
    """

    cluster: Cluster
    members: int = 0
    without_programme: int = 0  # open members with no programme in the cluster (not cancelled)
    ongoing: int = 0
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    overdue: int = 0  # open tasks and milestones past their due date
    updated_this_month: int = 0
    oldest_update: dt.datetime | None = None  # the oldest of the programmes' latest updates

    @property
    def no_report(self) -> int:
        return self.ongoing - self.on_track - self.at_risk - self.off_track

    @property
    def not_updated_this_month(self) -> int:
        return self.ongoing - self.updated_this_month

    @property
    def attention(self) -> tuple[int, int, int, int]:
        """Sort key, the cluster that needs attention first: programmes reported off track,
        then overdue items, then programmes without this month's update, then at risk."""
        return (-self.off_track, -self.overdue, -self.not_updated_this_month, -self.at_risk)


def ongoing_current_programs(cluster_ids: Iterable[int]) -> QuerySet[Program]:
    """The open members' current programmes in these clusters that are ongoing, as a query.

    Ongoing programmes come first in ``current_programs``' order, so a member with an ongoing
    programme in the cluster has the one with the latest start (then the highest id) as its
    current programme. Said with EXISTS and NOT EXISTS rather than a subquery per member, so
    that the database joins the sets once (PostgreSQL: a hash semi-join and anti-join) instead
    of looking the programmes up for each member in each query that uses them.
    """
    same_member = {
        "cluster_id": OuterRef("cluster_id"),
        "municipality_id": OuterRef("municipality_id"),
    }
    later = Program.objects.filter(**same_member, status__in=ONGOING_PROGRAM_STATUSES).filter(
        Q(starts_on__gt=OuterRef("starts_on"))
        | Q(starts_on=OuterRef("starts_on"), pk__gt=OuterRef("pk"))
    )
    return (
        Program.objects.filter(
            cluster_id__in=list(cluster_ids), status__in=ONGOING_PROGRAM_STATUSES
        )
        .filter(Exists(ClusterMembership.objects.current().filter(**same_member)))
        .exclude(Exists(later))
    )


def _overdue_count(model: type[Task] | type[Milestone], today: dt.date) -> Subquery:
    """The number of the outer programme's open items of ``model`` due before ``today``."""
    return Subquery(
        model.objects.filter(program_id=OuterRef("pk"), status__in=OPEN_STATUSES, due_on__lt=today)
        .order_by()
        .values("program_id")
        .annotate(count=Count("*"))
        .values("count")
    )


def _without_cluster(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != "cluster_id"}


def cluster_summaries(
    clusters: Iterable[Cluster], *, today: dt.date | None = None
) -> list[ClusterSummary]:
    """A ``ClusterSummary`` per cluster, in the order given: two aggregate queries (the
    members, their ongoing programmes), each answering one row per cluster whatever the number
    of clusters, members, programmes and items."""
    clusters = list(clusters)
    cluster_ids = [cluster.pk for cluster in clusters]
    if not cluster_ids:
        return []
    today = today or timezone.localdate()
    month_start = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time.min))
    figures: dict[int, dict[str, Any]] = {pk: {} for pk in cluster_ids}

    any_programme = Program.objects.filter(
        cluster_id=OuterRef("cluster_id"), municipality_id=OuterRef("municipality_id")
    ).exclude(status=ProgramStatus.CANCELLED)
    members = (
        ClusterMembership.objects.current()
        .filter(cluster_id__in=cluster_ids)
        .values("cluster_id")
        .annotate(
            members=Count("id"),
            without_programme=Count("id", filter=~Exists(any_programme)),
        )
        .order_by()
    )
    for counts in members:
        figures[counts["cluster_id"]].update(_without_cluster(counts))

    # Per ongoing programme: its latest update (an index probe with ProgressUpdate's (program,
    # -created_at, -id) index) and its overdue items, one row each, summed here per cluster.
    # Summed in SQL, each figure repeated its subquery: seven probes a programme, not four.
    newest = ProgressUpdate.objects.filter(program_id=OuterRef("pk")).order_by("-created_at", "-id")
    rows = (
        ongoing_current_programs(cluster_ids)
        .annotate(
            latest_status=Subquery(newest.values("status")[:1]),
            latest_at=Subquery(newest.values("created_at")[:1]),
            late_tasks=_overdue_count(Task, today),
            late_milestones=_overdue_count(Milestone, today),
        )
        .order_by()
        .values_list("cluster_id", "latest_status", "latest_at", "late_tasks", "late_milestones")
    )
    by_status = {
        ProgressStatus.ON_TRACK: "on_track",
        ProgressStatus.AT_RISK: "at_risk",
        ProgressStatus.OFF_TRACK: "off_track",
    }
    for cluster_id, status, latest_at, late_tasks, late_milestones in rows:
        sums = figures[cluster_id]
        sums["ongoing"] = sums.get("ongoing", 0) + 1
        if status in by_status:
            sums[by_status[status]] = sums.get(by_status[status], 0) + 1
        if latest_at is not None:
            if latest_at >= month_start:
                sums["updated_this_month"] = sums.get("updated_this_month", 0) + 1
            oldest = sums.get("oldest_update")
            sums["oldest_update"] = latest_at if oldest is None else min(oldest, latest_at)
        sums["overdue"] = sums.get("overdue", 0) + (late_tasks or 0) + (late_milestones or 0)

    return [ClusterSummary(cluster=cluster, **figures[cluster.pk]) for cluster in clusters]


def ongoing_programs(municipality_ids: Iterable[int]) -> QuerySet[Program]:
    """The ongoing programmes of these municipalities, by municipality, the latest first."""
    return (
        Program.objects.filter(
            municipality_id__in=list(municipality_ids), status__in=ONGOING_PROGRAM_STATUSES
        )
        .select_related("municipality", "cluster")
        .order_by("municipality__name", "-starts_on", "pk")
    )


def partner_tasks(user: User, *, limit: int = 50) -> list[Task]:
    """Open tasks that a partner contact's organisations take part in.

    Only within the clusters where the person holds an open roster entry for that
    organisation: being on one cluster's roster says nothing about another cluster's work.
    Two queries.
    """
    pairs = list(
        RosterEntry.objects.current()
        .filter(user=user, organisation__isnull=False)
        .values_list("cluster_id", "organisation_id")
    )
    if not pairs:
        return []
    scope = Q()
    for cluster_id, organisation_id in pairs:
        scope |= Q(program__cluster_id=cluster_id, organisations=organisation_id)
    task_ids = Task.objects.filter(scope, status__in=OPEN_STATUSES).values("pk")
    return list(
        Task.objects.filter(pk__in=task_ids)
        .select_related("program__municipality", "program__cluster")
        .order_by("due_on", "pk")[:limit]
    )


def _ids(include: Iterable[int]) -> Iterable[int]:
    # A queryset stays a subquery; anything else is read once.
    return include if isinstance(include, QuerySet) else list(include)


def owner_candidates(program: Program, *, include: Iterable[int] = ()) -> QuerySet[User]:
    """Who may own a task or milestone of ``program``: the municipality's coordinators and
    viewers, the programme's coordinators and the cluster's open programme managers — never
    arbitrary users. ``include`` keeps present owners selectable even if their role ended,
    so that saving a form does not silently drop them."""
    scope = (
        Q(
            pk__in=MunicipalityMembership.objects.filter(
                municipality_id=program.municipality_id
            ).values("user_id")
        )
        | Q(
            pk__in=Program.coordinators.through.objects.filter(program_id=program.pk).values(
                "user_id"
            )
        )
        | Q(pk__in=_ids(include))
    )
    if program.cluster_id is not None:
        scope |= Q(
            pk__in=RosterEntry.objects.programme_managers()
            .filter(cluster_id=program.cluster_id)
            .values("user_id")
        )
    return User.objects.filter(scope, is_active=True).order_by("full_name", "email")


def partner_organisations(
    program: Program, *, include: Iterable[int] = ()
) -> QuerySet[Organisation]:
    """Organisations that may take part in a task: the cluster's open partners (and those
    already linked, in ``include``, so an edit does not drop them unasked)."""
    scope = Q(pk__in=_ids(include))
    if program.cluster_id is not None:
        scope |= Q(
            pk__in=ClusterPartner.objects.current()
            .filter(cluster_id=program.cluster_id)
            .values("organisation_id")
        )
    return Organisation.objects.filter(scope).order_by("name")


def coordinator_candidates(
    municipality_id: int | Iterable[int], *, include: Iterable[int] = ()
) -> QuerySet[User]:
    """People with a coordinator membership of the municipality (or municipalities)."""
    ids = [municipality_id] if isinstance(municipality_id, int) else list(municipality_id)
    return User.objects.filter(
        Q(
            pk__in=MunicipalityMembership.objects.filter(
                municipality_id__in=ids, role=MunicipalityRole.COORDINATOR
            ).values("user_id")
        )
        | Q(pk__in=_ids(include)),
        is_active=True,
    ).order_by("full_name", "email")


@dataclass(frozen=True)
class Change:
    """One change to a task or milestone, for the 'recent changes' list: its newest historical
    record (``record``) and what kind of change it was (``history_type``: the oldest record's
    "+" when the change created the item)."""

    kind: str  # "task" or "milestone"
    record: object  # a simple-history historical record
    history_type: str = "~"

    @property
    def when(self) -> dt.datetime:
        return self.record.history_date  # type: ignore[attr-defined]


# A service saves a task and then sets its partner organisations; simple-history writes a
# record for the save and another for the many-to-many change, milliseconds apart. Records of
# one item by one person this close together are one change to the reader.
SAME_CHANGE_WINDOW = dt.timedelta(seconds=5)


def _one_per_change(kind: str, records: Iterable[object]) -> list[Change]:
    """Collapse ``records`` (one item kind, newest first) into changes: consecutive records of
    the same item by the same person within ``SAME_CHANGE_WINDOW`` are one change, shown with
    the newest record (the state after the whole change)."""
    changes: list[Change] = []
    last: dict[int, tuple[int, object]] = {}  # item id -> (index in changes, oldest record)
    for record in records:
        item_id = record.id  # type: ignore[attr-defined]
        seen = last.get(item_id)
        if seen is not None:
            index, oldest = seen
            if (
                oldest.history_user_id == record.history_user_id  # type: ignore[attr-defined]
                and oldest.history_date - record.history_date <= SAME_CHANGE_WINDOW  # type: ignore[attr-defined]
                and record.history_type != "-"  # type: ignore[attr-defined]
                and oldest.history_type != "+"  # type: ignore[attr-defined]
            ):
                kept = changes[index]
                changes[index] = Change(kind, kept.record, record.history_type)  # type: ignore[attr-defined]
                last[item_id] = (index, record)
                continue
        changes.append(Change(kind, record, record.history_type))  # type: ignore[attr-defined]
        last[item_id] = (len(changes) - 1, record)
    return changes


def recent_changes(program: Program, *, limit: int = 20) -> list[Change]:
    """The latest changes to the programme's tasks and milestones, newest first, each change
    once (see ``SAME_CHANGE_WINDOW``). Two queries."""
    # A change is at most a few records: three times the limit leaves room to collapse them.
    history_tasks = (
        Task.history.filter(program_id=program.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit * 3]
    )
    history_milestones = (
        Milestone.history.filter(program_id=program.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit * 3]
    )
    changes = _one_per_change("task", history_tasks)
    changes += _one_per_change("milestone", history_milestones)
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


# --- the programme page's modules ---------------------------------------------------------


@dataclass
class ModuleProgress:
    """How far a module (or the items outside any module: ``module_id`` None) has come."""

    module_id: int | None
    tasks: int = 0  # not cancelled
    tasks_done: int = 0
    milestones: int = 0  # not cancelled
    milestones_done: int = 0
    open_items: int = 0
    overdue: int = 0
    overdue_milestones: int = 0
    blocked: int = 0
    percent_sum: int = 0  # tasks' percentages plus 100 per milestone reached
    # Days from today to the open item nearest in time (overdue or coming); None: nothing open.
    nearest_days: int | None = None

    @property
    def finished(self) -> bool:
        """Everything planned is done (an empty module is not finished: nothing started)."""
        return self.open_items == 0 and (self.tasks + self.milestones) > 0

    @property
    def items(self) -> int:
        return self.tasks + self.milestones


def _nearer(current: int | None, days: int | None) -> int | None:
    if days is None:
        return current
    return days if current is None else min(current, days)


def module_progress(
    program: Program, *, today: dt.date | None = None
) -> dict[int | None, ModuleProgress]:
    """Progress per module of ``program`` (key None: items outside the modules), in two
    queries whatever the size of the plan. ``plan_summary`` adds them up for the programme."""
    today = today or timezone.localdate()
    open_q = Q(status__in=OPEN_STATUSES)
    result: dict[int | None, ModuleProgress] = {}
    for model, prefix in ((Task, "tasks"), (Milestone, "milestones")):
        rows = (
            model.objects.filter(program_id=program.pk)
            .exclude(status=ItemStatus.CANCELLED)
            .values("module_id")
            .annotate(
                items=Count("id"),
                done=Count("id", filter=Q(status=ItemStatus.DONE)),
                open_items=Count("id", filter=open_q),
                overdue=Count("id", filter=open_q & Q(due_on__lt=today)),
                blocked=Count("id", filter=Q(status=ItemStatus.BLOCKED)),
                percent_sum=Sum("percent")
                if model is Task
                else Count("id", filter=Q(status=ItemStatus.DONE)) * 100,
                latest_overdue=Max("due_on", filter=open_q & Q(due_on__lt=today)),
                next_due=Min("due_on", filter=open_q & Q(due_on__gte=today)),
            )
            .order_by()
        )
        for row in rows:
            entry = result.setdefault(row["module_id"], ModuleProgress(row["module_id"]))
            setattr(entry, prefix, row["items"])
            setattr(entry, f"{prefix}_done", row["done"])
            entry.open_items += row["open_items"]
            entry.overdue += row["overdue"]
            entry.blocked += row["blocked"]
            entry.percent_sum += row["percent_sum"] or 0
            if model is Milestone:
                entry.overdue_milestones = row["overdue"]
            if row["latest_overdue"] is not None:
                entry.nearest_days = _nearer(
                    entry.nearest_days, (today - row["latest_overdue"]).days
                )
            if row["next_due"] is not None:
                entry.nearest_days = _nearer(entry.nearest_days, (row["next_due"] - today).days)
    return result


def plan_summary(progress: dict[int | None, ModuleProgress]) -> ProgramSummary:
    """The programme's figures from its modules' (the same as ``program_summary``, without
    querying again)."""
    entries = list(progress.values())
    overdue_milestones = sum(entry.overdue_milestones for entry in entries)
    return ProgramSummary(
        items=sum(entry.items for entry in entries),
        percent_sum=sum(entry.percent_sum for entry in entries),
        overdue_tasks=sum(entry.overdue for entry in entries) - overdue_milestones,
        overdue_milestones=overdue_milestones,
        blocked=sum(entry.blocked for entry in entries),
        open_items=sum(entry.open_items for entry in entries),
        tasks=sum(entry.tasks for entry in entries),
        tasks_done=sum(entry.tasks_done for entry in entries),
    )


def current_module_id(
    modules: Iterable[ProgramModule], progress: dict[int | None, ModuleProgress]
) -> int | None:
    """The module with open work nearest in time (overdue or coming); the first by position
    on a tie. None when no module has open work."""
    best: tuple[int, int] | None = None
    chosen = None
    for module in modules:
        entry = progress.get(module.pk)
        if entry is None or entry.nearest_days is None:
            continue
        key = (entry.nearest_days, module.position)
        if best is None or key < best:
            best, chosen = key, module.pk
    return chosen


# --- a cluster's progress overview --------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    municipality: Municipality
    program: Program | None
    summary: ProgramSummary | None
    latest_update: ProgressUpdate | None

    @property
    def status(self) -> StatusView | None:
        """The programme's one status (what was last reported, the proposal as a hint)."""
        if self.summary is None:
            return None
        return status_view(self.summary, self.latest_update)


def progress_overview(
    cluster: Cluster, memberships: Iterable[ClusterMembership]
) -> list[OverviewRow]:
    """One row per open member municipality with its programme in this cluster.

    ``memberships`` are the cluster's memberships already loaded with their municipality.
    Four queries: programmes, two for the summaries, one for the latest updates. Of several
    programmes in the cluster a municipality shows its current one: not cancelled, ongoing
    before finished, then the latest start (``programs.selectors.current_programs``).
    """
    open_memberships = [m for m in memberships if m.left_on is None]
    municipality_ids = [m.municipality_id for m in open_memberships]
    latest = {
        municipality_id: program
        for (_cluster_id, municipality_id), program in current_programs(
            [cluster.pk], municipality_ids
        ).items()
    }
    program_ids = [p.pk for p in latest.values()]
    summaries = program_summaries(program_ids)
    updates = latest_updates(program_ids)
    rows = []
    for membership in open_memberships:
        program = latest.get(membership.municipality_id)
        rows.append(
            OverviewRow(
                municipality=membership.municipality,
                program=program,
                summary=summaries.get(program.pk) if program else None,
                latest_update=updates.get(program.pk) if program else None,
            )
        )
    return rows
