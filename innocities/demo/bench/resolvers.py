"""Which URL, with which arguments, for whom: the objects each persona can see, biggest first."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from clusters.ical import meeting_rsvp_token
from clusters.models import (
    ClusterMembership,
    ClusterPartner,
    Meeting,
    MeetingParticipant,
    Need,
    RosterEntry,
)
from clusters.permissions import load_roles, visible_clusters
from innocities.accounts.models import User
from innocities.core.permissions import ANONYMOUS, Roles
from innocities.demo.bench import CANDIDATES
from innocities.feeds.services import calendar_token_for
from innocities.notifications.services import unsubscribe_token
from innocities.reports.models import ProgressReport
from municipalities.assessments.models import AssessmentRound, RoundStatus
from municipalities.models import Municipality
from programs.adoption.selectors import pilots_for
from programs.agreements.models import AgreementParty, PilotAgreement
from programs.benefits.models import Benefit
from programs.followup.models import ActionItem
from programs.indicators.models import Indicator
from programs.initiatives.models import Assumption, GateDecision
from programs.initiatives.permissions import visible_initiatives
from programs.lessons.permissions import visible_lessons
from programs.models import Program, ProgressUpdate, Task
from programs.permissions import visible_programs


class Ctx:
    """What one persona can see, biggest first: the objects a resolver takes arguments from.

    Each list is ids (or objects) in order of preference, at most ``CANDIDATES`` long: a page
    is measured with the first that answers 200, so an order that puts the persona's own
    (editable) objects and the biggest ones first is all a resolver needs to know of the rules.
    """

    def __init__(self, persona: str, user: User | None) -> None:
        self.persona = persona
        self.user = user
        self.roles: Roles = load_roles(user) if user is not None else ANONYMOUS

    def mine_first(self, queryset: QuerySet, field_name: str) -> QuerySet:
        """The persona's own municipalities' rows first (where they may edit, not only read)."""
        own = self.roles.municipality_ids
        return queryset.annotate(
            _theirs=Case(
                When(**{f"{field_name}__in": own}, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )

    @cached_property
    def programs(self) -> list[Program]:
        """Readable programmes, biggest (most tasks, then longest history) first."""
        if self.user is None:
            return []
        return list(
            visible_programs(self.roles)
            .annotate(
                task_count=_count(Task, "program"), update_count=_count(ProgressUpdate, "program")
            )
            .order_by("-task_count", "-update_count", "pk")[:CANDIDATES]
        )

    @cached_property
    def municipality_ids(self) -> list[int]:
        """The persona's municipalities: that of their biggest programme first."""
        ids = [program.municipality_id for program in self.programs]
        ids += sorted(self.roles.coordinator_municipality_ids | self.roles.viewer_municipality_ids)
        if self.roles.is_manager:
            ids += sorted(self.roles.managed_municipality_ids)
        if self.user is not None:
            # Partners and administrators: the members of the clusters they read.
            ids += list(
                ClusterMembership.objects.current()
                .filter(cluster_id__in=self.cluster_ids)
                .order_by("cluster_id", "municipality_id")
                .values_list("municipality_id", flat=True)[: CANDIDATES * 2]
            )
        return _unique(ids)

    @cached_property
    def cluster_ids(self) -> list[int]:
        """Readable clusters: the persona's own (managed) first, then the biggest."""
        if self.user is None:
            return []
        managed = sorted(self.roles.managed_cluster_ids)
        biggest = (
            visible_clusters(self.roles)
            .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
            .order_by("-members", "pk")
            .values_list("pk", flat=True)[:CANDIDATES]
        )
        return _unique([*managed, *biggest])

    @cached_property
    def initiative_ids(self) -> list[int]:
        return self.initiatives_where()

    def initiatives_where(self, *args: Q, **filters: Any) -> list[int]:
        """Readable initiatives matching ``filters``: the persona's municipality's first, then
        those with the most assumptions and decisions."""
        if self.user is None:
            return []
        queryset = visible_initiatives(self.roles).filter(*args, **filters)
        queryset = self.mine_first(queryset, "municipality_id").annotate(
            size=_count(Assumption, "initiative") + _count(GateDecision, "initiative")
        )
        return list(
            queryset.order_by("_theirs", "-size", "pk").values_list("pk", flat=True)[:CANDIDATES]
        )

    def meetings(self, *, started: bool | None = None) -> list[Meeting]:
        """Meetings of the persona's clusters, most invitees first (started ones, if asked)."""
        queryset = Meeting.objects.filter(cluster_id__in=self.cluster_ids)
        if started is not None:
            begun = Q(starts_at__lte=timezone.now())
            queryset = queryset.filter(begun if started else ~begun)
        return list(
            queryset.annotate(invitees=Count("participants")).order_by(
                "-invitees", "-starts_at", "pk"
            )[:CANDIDATES]
        )

    @cached_property
    def someone(self) -> User | None:
        """Whose token a public link carries: the persona's own, else the first person."""
        return self.user or User.objects.filter(is_active=True).order_by("pk").first()


def _count(model: type[Model], parent: str) -> Coalesce:
    """How many ``model`` rows point at the outer row, as a subquery: counting two relations
    with joins would multiply them (100 tasks × 36 updates per programme)."""
    rows = (
        model._default_manager.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))[:CANDIDATES]


Kwargs = dict[str, Any]
Resolver = Callable[[Ctx], list[Kwargs]]


def _by(key: str, ids: Iterable[int]) -> list[Kwargs]:
    return [{key: pk} for pk in ids]


def _program_pks(ctx: Ctx) -> list[Kwargs]:
    return _by("pk", (program.pk for program in ctx.programs))


def _program_children(related: str) -> Resolver:
    """A module, task or milestone of the biggest programme: the one with the most tasks (a
    module) or the first in the programme's order."""

    def resolve(ctx: Ctx) -> list[Kwargs]:
        found: list[Kwargs] = []
        for program in ctx.programs[:2]:
            children = getattr(program, related).all()
            if related == "modules":
                children = children.annotate(n=Count("tasks")).order_by("-n", "pk")
            for pk in children.values_list("pk", flat=True)[:2]:
                found.append({"program_pk": program.pk, "pk": pk})
        return found

    return resolve


def _municipality_pks(ctx: Ctx) -> list[Kwargs]:
    return _by("pk", ctx.municipality_ids)


def _cluster_pks(ctx: Ctx) -> list[Kwargs]:
    return _by("pk", ctx.cluster_ids)


def _initiative_pks(ctx: Ctx) -> list[Kwargs]:
    return _by("pk", ctx.initiative_ids)


def _with_fmt(resolver: Resolver, fmt: str) -> Resolver:
    return lambda ctx: [{**kwargs, "fmt": fmt} for kwargs in resolver(ctx)]


def _cluster_rows(related: str, key: str) -> Resolver:
    """A current row of the persona's cluster (a membership, partner or roster entry)."""

    def resolve(ctx: Ctx) -> list[Kwargs]:
        return [
            {"pk": cluster_pk, key: pk}
            for cluster_pk in ctx.cluster_ids[:2]
            for pk in _cluster_related(cluster_pk, related)
        ]

    return resolve


def _cluster_related(cluster_pk: int, related: str) -> list[int]:
    model = {"memberships": ClusterMembership, "partners": ClusterPartner, "roster": RosterEntry}
    queryset = model[related].objects.current().filter(cluster_id=cluster_pk)
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:2])


def _meetings(*, started: bool | None = None) -> Resolver:
    return lambda ctx: [
        {"pk": meeting.cluster_id, "meeting_pk": meeting.pk}
        for meeting in ctx.meetings(started=started)
    ]


def _action_items(ctx: Ctx) -> list[Kwargs]:
    items = ActionItem.objects.filter(meeting__cluster_id__in=ctx.cluster_ids).select_related(
        "meeting"
    )
    return [
        {"pk": item.meeting.cluster_id, "meeting_pk": item.meeting_id, "item_pk": item.pk}
        for item in items.order_by("-meeting__starts_at", "pk")[:CANDIDATES]
    ]


def _rsvp(ctx: Ctx) -> list[Kwargs]:
    """A reply link to a coming meeting: the persona's own invitation first."""
    participants = MeetingParticipant.objects.filter(meeting__starts_at__gt=timezone.now())
    if ctx.user is not None:
        participants = participants.annotate(
            _own=Case(When(user=ctx.user, then=Value(0)), default=Value(1))
        ).order_by("_own", "meeting__starts_at", "pk")
    else:
        participants = participants.order_by("meeting__starts_at", "pk")
    return [{"token": meeting_rsvp_token(participant)} for participant in participants[:CANDIDATES]]


def _rounds(ctx: Ctx, *, respondent: bool = False) -> list[Kwargs]:
    """Self-assessment rounds the persona reaches: their municipalities' first, then open ones
    (the persona's own questionnaire, if asked), then the latest."""
    if ctx.user is None:
        return []
    rounds = AssessmentRound.objects.all()
    if not ctx.roles.is_admin:
        reachable = ctx.roles.municipality_ids | ctx.roles.managed_municipality_ids
        rounds = rounds.filter(municipality_id__in=reachable)
    if respondent:
        rounds = rounds.filter(respondents__user=ctx.user)
    rounds = rounds.annotate(
        _theirs=Case(
            When(municipality_id__in=ctx.municipality_ids, then=Value(0)), default=Value(1)
        ),
        _open=Case(When(status=RoundStatus.OPEN, then=Value(0)), default=Value(1)),
    )
    ordered = rounds.order_by("_theirs", "_open", "-opened_at", "pk")
    return _by("pk", ordered.values_list("pk", flat=True)[:CANDIDATES])


def _needs(ctx: Ctx) -> list[Kwargs]:
    needs = Need.objects.filter(municipality_id__in=ctx.municipality_ids).order_by("pk")
    return [{"pk": need.municipality_id, "need_pk": need.pk} for need in needs[:CANDIDATES]]


def _indicators(*, with_pk: bool) -> Resolver:
    """A programme's indicators first (the biggest programme), then a cluster's."""

    def resolve(ctx: Ctx) -> list[Kwargs]:
        program_pks = [program.pk for program in ctx.programs]
        found: list[Kwargs] = []
        if not with_pk:
            found += [{"scope": "programmes", "parent_pk": pk} for pk in program_pks[:2]]
            found += [{"scope": "clusters", "parent_pk": pk} for pk in ctx.cluster_ids[:2]]
            return found
        for indicator in Indicator.objects.filter(
            Q(program_id__in=program_pks) | Q(cluster_id__in=ctx.cluster_ids)
        ).order_by("cluster_id", "pk")[:CANDIDATES]:
            if indicator.program_id is not None:
                found.append(
                    {"scope": "programmes", "parent_pk": indicator.program_id, "pk": indicator.pk}
                )
            else:
                found.append(
                    {"scope": "clusters", "parent_pk": indicator.cluster_id, "pk": indicator.pk}
                )
        return found

    return resolve


def _assumptions(ctx: Ctx) -> list[Kwargs]:
    ids = ctx.initiatives_where(assumptions__isnull=False)
    return [
        {"pk": assumption.initiative_id, "assumption_pk": assumption.pk}
        for assumption in Assumption.objects.filter(initiative_id__in=ids).order_by("pk")[
            :CANDIDATES
        ]
    ]


def _benefits(ctx: Ctx) -> list[Kwargs]:
    """A benefit: one the persona owns first (they record its follow-ups), then any."""
    ids = ctx.initiatives_where(benefits__isnull=False)
    benefits = Benefit.objects.filter(initiative_id__in=ids)
    if ctx.user is not None:
        benefits = benefits.annotate(
            _own=Case(When(owner=ctx.user, then=Value(0)), default=Value(1))
        ).order_by("_own", "pk")
    return [
        {"pk": benefit.initiative_id, "benefit_pk": benefit.pk} for benefit in benefits[:CANDIDATES]
    ]


def _agreements(**filters: Any) -> Resolver:
    """Initiatives with a pilot agreement (matching ``filters``, e.g. a signed copy)."""
    agreements = PilotAgreement.objects.filter(**filters).values("initiative_id")
    return lambda ctx: _by("pk", ctx.initiatives_where(pk__in=agreements))


def _agreement_parties(ctx: Ctx) -> list[Kwargs]:
    ids = ctx.initiatives_where(pilot_agreement__isnull=False)
    return [
        {"pk": party.agreement.initiative_id, "party_pk": party.pk}
        for party in AgreementParty.objects.filter(agreement__initiative_id__in=ids)
        .select_related("agreement")
        .order_by("pk")[:CANDIDATES]
    ]


def _earlier_signed_copies(ctx: Ctx) -> list[Kwargs]:
    """A signed copy in an agreement's history (of an initiative the persona reads)."""
    signed = PilotAgreement.history.exclude(signed_copy="")
    ids = ctx.initiatives_where(pk__in=signed.values("initiative_id"))
    return [
        {"pk": row.initiative_id, "history_id": row.history_id}
        for row in signed.filter(initiative_id__in=ids).order_by("history_id")[:CANDIDATES]
    ]


def _pilots(ctx: Ctx) -> list[Kwargs]:
    if ctx.user is None:
        return []
    return _by("pk", pilots_for(ctx.roles).values_list("pk", flat=True)[:CANDIDATES])


def _lessons(*, to_edit: bool) -> Resolver:
    def resolve(ctx: Ctx) -> list[Kwargs]:
        if ctx.user is None:
            return []
        lessons = ctx.mine_first(visible_lessons(ctx.roles), "municipality_id")
        first = "-author_is_me" if to_edit else "_theirs"
        lessons = lessons.annotate(
            author_is_me=Case(When(author=ctx.user, then=Value(1)), default=Value(0))
        )
        return _by("pk", lessons.order_by(first, "_theirs", "-pk").values_list("pk", flat=True))

    return resolve


def _reports(ctx: Ctx) -> list[Kwargs]:
    """A built report (its PDF written) of the persona's biggest programmes, newest first."""
    reports = ProgressReport.objects.filter(
        program__in=[program.pk for program in ctx.programs]
    ).exclude(pdf="")
    return [
        {"pk": pk, "fmt": "pdf"}
        for pk in reports.order_by("-period_end", "pk").values_list("pk", flat=True)[:CANDIDATES]
    ]


def _people(ctx: Ctx) -> list[Kwargs]:
    """Whose personal data the administrator looks at: a person with the most roles."""
    people = (
        User.objects.filter(is_active=True, is_staff=False)
        .annotate(n=Count("municipality_memberships"))
        .order_by("-n", "pk")
    )
    return _by("pk", people.values_list("pk", flat=True)[:2])


def _user_feed(ctx: Ctx) -> list[Kwargs]:
    return [] if ctx.user is None else [{"token": calendar_token_for(ctx.user).secret}]


def _cluster_feed(ctx: Ctx) -> list[Kwargs]:
    if ctx.user is None:
        return []
    secret = calendar_token_for(ctx.user).secret
    return [{"pk": pk, "token": secret} for pk in ctx.cluster_ids]


def _unsubscribe(ctx: Ctx) -> list[Kwargs]:
    someone = ctx.someone
    return [] if someone is None else [{"token": unsubscribe_token(user=someone, category="task")}]


# URL names with arguments, and where the arguments come from. Names without arguments need
# nothing here: they are tried as they are.
RESOLVERS: dict[str, Resolver] = {
    # Municipalities and what hangs on them.
    "portal:municipality_detail": _municipality_pks,
    "portal:municipality_export": lambda ctx: [{"fmt": "xlsx"}],
    "municipalities:members": _municipality_pks,
    "municipalities:settings": _municipality_pks,
    "assessments:list": _municipality_pks,
    "assessments:open": _municipality_pks,
    "assessments:detail": _rounds,
    "assessments:respondents": _rounds,
    "assessments:answer": lambda ctx: _rounds(ctx, respondent=True),
    "needs:list": _municipality_pks,
    "needs:create": _municipality_pks,
    "needs:edit": _needs,
    "initiatives:municipality": _municipality_pks,
    "initiatives:create": _municipality_pks,
    "tailoring:tailor": _municipality_pks,
    # Clusters.
    "portal:cluster_detail": _cluster_pks,
    "portal:cluster_benchmark": _cluster_pks,
    "clusters:member_add": _cluster_pks,
    "clusters:member_end": _cluster_rows("memberships", "membership_pk"),
    "clusters:partner_add": _cluster_pks,
    "clusters:partner_end": _cluster_rows("partners", "partner_pk"),
    "clusters:person_add": _cluster_pks,
    "clusters:person_end": _cluster_rows("roster", "entry_pk"),
    "clusters:roster_import": _cluster_pks,
    "clusters:roster_export": _with_fmt(_cluster_pks, "xlsx"),
    "clusters:need_add": _cluster_pks,
    "clusters:shared_needs": _cluster_pks,
    "clusters:meetings": _cluster_pks,
    "clusters:meeting_create": _cluster_pks,
    "clusters:meetings_export": _with_fmt(_cluster_pks, "xlsx"),
    "clusters:meeting_detail": _meetings(),
    "clusters:meeting_edit": _meetings(started=False),
    "clusters:meeting_attendance": _meetings(started=True),
    "clusters:meeting_rsvp": _rsvp,
    "followup:meeting": _meetings(started=True),
    "followup:item_edit": _action_items,
    "followup:cluster_tasks": _cluster_pks,
    "indicators:cluster_list": _cluster_pks,
    "initiatives:cluster": _cluster_pks,
    "initiatives:create_joint": _cluster_pks,
    "reports:cluster_list": _cluster_pks,
    "feeds:cluster": _cluster_feed,
    # Programmes.
    "programs:detail": _program_pks,
    "programs:edit": _program_pks,
    "programs:export": _with_fmt(_program_pks, "xlsx"),
    "programs:update_create": _program_pks,
    "programs:module_tasks": _program_children("modules"),
    "programs:task_edit": _program_children("tasks"),
    "programs:milestone_edit": _program_children("milestones"),
    "indicators:program_list": _program_pks,
    "indicators:create": _indicators(with_pk=False),
    "indicators:edit": _indicators(with_pk=True),
    "indicators:value": _indicators(with_pk=True),
    "reports:program_list": _program_pks,
    "reports:download": _reports,
    # Initiatives, their benefits and pilot agreements.
    "initiatives:detail": _initiative_pks,
    "initiatives:edit": _initiative_pks,
    "initiatives:gate": _initiative_pks,
    "initiatives:assumption_create": _initiative_pks,
    "initiatives:assumption_edit": _assumptions,
    "initiatives:assumption_resolve": _assumptions,
    "initiatives:partners": _initiative_pks,
    "initiatives:effort": _initiative_pks,
    "benefits:register": lambda ctx: _by("pk", ctx.initiatives_where(benefits__isnull=False)),
    "benefits:create": _initiative_pks,
    "benefits:edit": _benefits,
    "benefits:end": _benefits,
    "benefits:plan": _benefits,
    "benefits:record": _benefits,
    "agreements:initiative": _agreements(),
    "agreements:edit": _agreements(),
    "agreements:parties": _agreements(),
    "agreements:party_edit": _agreement_parties,
    "agreements:pdf": _agreements(),
    "agreements:upload": _agreements(),
    "agreements:signed_copy": _agreements(signed_copy__gt=""),
    "agreements:earlier_signed_copy": _earlier_signed_copies,
    "adoption:pilot": _pilots,
    "lessons:detail": _lessons(to_edit=False),
    "lessons:edit": _lessons(to_edit=True),
    # People and links sent by e-mail.
    "portal:person_data": _people,
    "portal:person_erase": _people,
    "notifications:unsubscribe": _unsubscribe,
    "feeds:user": _user_feed,
    # allauth's links from e-mails, with a made-up key (the page says the link is not valid).
    "account_confirm_email": lambda ctx: [{"key": "made-up"}],
    "account_reset_password_from_key": lambda ctx: [{"uidb36": "1", "key": "set-password"}],
}

# URL names with arguments that are no page to measure (GET is refused, or it is a fragment).
# tests/test_bench.py checks that the authorization matrix answers none of them with 200.
NOT_PAGES: dict[str, str] = {
    "municipalities:member_revoke": "POST only",
    "assessments:close": "POST only",
    "clusters:member_search": "htmx fragment of the member picker (GET without htmx redirects)",
    "clusters:shared_need_accept": "POST only",
    "clusters:shared_need_dismiss": "POST only",
    "clusters:shared_need_restore": "POST only",
    "clusters:meeting_cancel": "POST only",
    "clusters:meeting_reply": "POST only",
    "programs:task_done": "POST only",
    "initiatives:target": "POST only",
    "initiatives:partner_remove": "POST only",
    "benefits:remove": "POST only",
    "benefits:unplan": "POST only",
    "agreements:party_remove": "POST only",
    "adoption:adopt": "POST only",
    "followup:item_add": "POST only",
    "followup:item_remove": "POST only",
    "followup:cluster_task_status": "POST only",
    "reports:request": "POST only",
    "reports:cluster_request": "POST only",
    "tailoring:preview": "POST only",
    "mfa_edit_webauthn": "a security key's page: the personas have none (GET asks to log in again)",
    "mfa_remove_webauthn": "a security key's page: the personas have none (GET asks to log in again)",
}

# Searches worth their own line: the query string a page gets from the persona's data.
SEARCHES: dict[str, Callable[[Ctx], str | None]] = {
    "portal:municipality_list": lambda ctx: _municipality_word(ctx),
    "lessons:search": lambda ctx: _lesson_word(ctx),
    "clusters:member_add": lambda ctx: _municipality_word(ctx),
}


def _municipality_word(ctx: Ctx) -> str | None:
    """The first letters of a municipality's name: a search as someone types it."""
    pk = ctx.municipality_ids[0] if ctx.municipality_ids else None
    name = (
        Municipality.objects.filter(pk=pk).values_list("name", flat=True).first()
        if pk is not None
        else Municipality.objects.order_by("pk").values_list("name", flat=True).first()
    )
    return name[:3] if name else None


def _lesson_word(ctx: Ctx) -> str | None:
    if ctx.user is None:
        return None
    title = visible_lessons(ctx.roles).order_by("pk").values_list("title", flat=True).first()
    return first_word(title) if title else None


def first_word(text: str) -> str | None:
    words = re.findall(r"\w{3,}", text)
    return words[0] if words else None
