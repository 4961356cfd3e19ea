"""Reads for adopting a peer's pilot: suggestions, the peer view, the adoptions a page shows.

Suggestions (``pilot_suggestions``): for a municipality, the scaled pilots
(``permissions.scaled_pilots``) of the other current members of its current clusters whose
need has the theme of one of the municipality's own needs (compared as
``clusters.models.normalise_theme`` does: case and spacing do not matter). A need has no
open/closed state, so every own need with a theme counts: a need met once is still a reason to
see how a peer did it. Left out: its own pilots, the pilots it has adopted already, and copies
of its own pilots that a peer adopted and scaled. Newest first: by the day the pilot passed the
gate into implementation (its stage date when no such decision is recorded).

Naming: a page names an adopting municipality only to people who may see it as a peer
(``permissions.peer_scope``), to the pilot's own people and to administrators; others read
how many adopted it.

Each function costs a fixed number of queries whatever the number of clusters, needs,
initiatives and adoptions (the counts are in the docstrings).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership, Need, normalise_theme
from innocities.core.permissions import Roles
from municipalities.models import Municipality
from programs.adoption.permissions import (
    is_scaled,
    may_read_pilot,
    peer_scope,
    scaled_pilots,
    visible_pilots,
)
from programs.agreements.models import PilotAgreement
from programs.initiatives.models import (
    ADVANCING,
    Assumption,
    GateDecision,
    Initiative,
    InitiativePartner,
    Stage,
)
from programs.initiatives.permissions import visible_initiatives
from programs.initiatives.selectors import StageStep, stage_steps
from programs.lessons.models import Lesson
from programs.lessons.selectors import lessons_for_initiative


def _scaled_on() -> Coalesce:
    """The day a pilot passed the gate into implementation; its stage date if none is recorded."""
    gate = (
        GateDecision.objects.filter(
            initiative=OuterRef("pk"), to_stage=Stage.IMPLEMENTATION, decision__in=ADVANCING
        )
        .order_by("-decided_on", "-pk")
        .values("decided_on")[:1]
    )
    return Coalesce(Subquery(gate), F("stage_since"))


def pilots_for(roles: Roles) -> QuerySet[Initiative]:
    """The scaled pilots a person may read in the peer view, newest first, with their
    municipality and need, the day they scaled up (``scaled_on``) and how many municipalities
    adopted them (``adoption_count``): one query (and one to count, if paginated)."""
    adoptions = (
        Initiative.objects.filter(adopted_from=OuterRef("pk"))
        .order_by()
        .values("adopted_from")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        visible_pilots(roles)
        .select_related("municipality", "need")
        .annotate(scaled_on=_scaled_on(), adoption_count=Coalesce(Subquery(adoptions), 0))
        .order_by("-scaled_on", "-pk")
    )


# --- suggestions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A peer's scaled pilot suggested to ``municipality``: it answers a need with the theme
    of ``needs`` (the municipality's own), and the two share ``clusters``."""

    pilot: Initiative  # with its municipality and need
    municipality: Municipality
    needs: list[Need]
    clusters: list[str]
    scaled_on: dt.date


def pilot_suggestions(
    municipality_ids: Collection[int], *, limit: int | None = None
) -> list[Suggestion]:
    """The scaled pilots suggested to each of ``municipality_ids``, newest first (all of them
    together; ``limit`` cuts the list). Three queries: their needs (the only one when none has
    a theme), the memberships of their clusters, and the peers' scaled pilots (with whether
    each of them adopted it)."""
    wanted = frozenset(municipality_ids)
    if not wanted:
        return []
    # Needs first: without a theme to match there is nothing to look for (one query then).
    themes: dict[int, dict[str, list[Need]]] = defaultdict(lambda: defaultdict(list))
    for need in (
        Need.objects.filter(municipality_id__in=wanted)
        .exclude(theme="")
        .only("pk", "title", "theme", "municipality_id")
        .order_by("title", "pk")
    ):
        themes[need.municipality_id][normalise_theme(need.theme)].append(need)  # type: ignore[index]
    if not themes:
        return []
    own_clusters = ClusterMembership.objects.current().filter(municipality_id__in=set(themes))
    memberships = list(
        ClusterMembership.objects.current()
        .filter(cluster_id__in=own_clusters.values("cluster_id"))
        .select_related("cluster", "municipality")
    )
    clusters_of: dict[int, dict[int, str]] = defaultdict(dict)  # municipality → cluster → name
    adopters: dict[int, Municipality] = {}
    for membership in memberships:
        clusters_of[membership.municipality_id][membership.cluster_id] = membership.cluster.name
        if membership.municipality_id in themes:
            adopters[membership.municipality_id] = membership.municipality
    if not adopters:
        return []
    # Whether each of the wanted municipalities adopted a pilot: one column each (a person
    # has a municipality or two), so this stays one query whatever the data.
    adopted_by = {
        f"adopted_by_{adopter_id}": Exists(
            Initiative.objects.filter(adopted_from=OuterRef("pk"), municipality_id=adopter_id)
        )
        for adopter_id in adopters
    }
    pilots = list(
        scaled_pilots()
        .filter(municipality_id__in=set(clusters_of), need__isnull=False)
        .exclude(need__theme="")
        .select_related("municipality", "need")
        .annotate(
            scaled_on=_scaled_on(),
            origin_municipality_id=F("adopted_from__municipality_id"),
            **adopted_by,
        )
        .order_by("-scaled_on", "-pk")
    )
    found: list[Suggestion] = []
    for pilot in pilots:
        theme = normalise_theme(pilot.need.theme)  # type: ignore[union-attr]
        owner_clusters = clusters_of[pilot.municipality_id]  # type: ignore[index]
        for adopter_id, adopter in adopters.items():
            shared = [name for pk, name in clusters_of[adopter_id].items() if pk in owner_clusters]
            needs = themes[adopter_id].get(theme)
            if (
                not shared
                or not needs
                or pilot.municipality_id == adopter_id
                or getattr(pilot, f"adopted_by_{adopter_id}")
                or pilot.origin_municipality_id == adopter_id
            ):
                continue
            found.append(
                Suggestion(
                    pilot=pilot,
                    municipality=adopter,
                    needs=needs,
                    clusters=sorted(shared),
                    scaled_on=pilot.scaled_on,
                )
            )
    found.sort(key=lambda s: (s.scaled_on, s.pilot.pk), reverse=True)
    return found[:limit] if limit is not None else found


def suggestions_to_show(suggestions: list[Suggestion], roles: Roles) -> list[Suggestion]:
    """The suggestions a reader of the suggested municipality's pages may follow (read the
    pilot's peer view): the municipality's own people see them all, a programme manager those
    of pilots of their clusters' members (no query beyond the roles' memberships)."""
    if roles.is_admin:
        return suggestions
    return [
        s
        for s in suggestions
        if s.municipality.pk in roles.municipality_ids
        or s.pilot.municipality_id in roles.managed_municipality_ids
    ]


# How many suggestions a portfolio page or the dashboard shows; the pilot list has them all.
SHOWN_SUGGESTIONS = 10


@dataclass(frozen=True)
class SuggestionRow:
    """A suggestion with the adopt button's choices: the suggested municipality, if the
    person may adopt for it (its coordinators, administrators), else none."""

    suggestion: Suggestion
    choices: list[Municipality]


def suggestion_rows(suggestions: list[Suggestion], roles: Roles) -> list[SuggestionRow]:
    """The suggestions the person may follow (``suggestions_to_show``), each with its
    choices. No query."""
    return [
        SuggestionRow(
            suggestion=s,
            choices=[s.municipality]
            if roles.is_admin or s.municipality.pk in roles.coordinator_municipality_ids
            else [],
        )
        for s in suggestions_to_show(suggestions, roles)
    ]


# --- who adopted a pilot --------------------------------------------------------------------


@dataclass(frozen=True)
class AdoptionRow:
    """A copy of a pilot: who adopted it (None: not named to this reader) and whether the
    reader may open the copy's own page."""

    copy: Initiative  # with its municipality
    municipality: Municipality | None
    may_open: bool

    @property
    def adopted_on(self) -> dt.date:
        return timezone.localdate(self.copy.created_at)


def _named_municipalities(roles: Roles, ids: set[int]) -> set[int]:
    """Which of ``ids`` the person may see named as a peer (one query; none when empty)."""
    if not ids:
        return set()
    if roles.is_admin:
        return ids
    return set(
        Municipality.objects.filter(pk__in=ids)
        .filter(peer_scope(roles, field="pk"))
        .values_list("pk", flat=True)
    )


def _openable(roles: Roles, ids: set[int]) -> set[int]:
    """Which initiatives of ``ids`` the person may open (one query; none when empty)."""
    if not ids:
        return set()
    if roles.is_admin:
        return ids
    return set(visible_initiatives(roles).filter(pk__in=ids).values_list("pk", flat=True))


def _adoption_rows(
    copies: list[Initiative], roles: Roles, *, name_all: bool = False
) -> tuple[list[AdoptionRow], int]:
    """The rows a reader sees, and how many adopters are not named to them (two queries at
    most)."""
    named = (
        {c.municipality_id for c in copies if c.municipality_id is not None}
        if name_all
        else _named_municipalities(
            roles, {c.municipality_id for c in copies if c.municipality_id is not None}
        )
    )
    openable = _openable(roles, {c.pk for c in copies})
    rows = [
        AdoptionRow(
            copy=c,
            municipality=c.municipality if c.municipality_id in named or c.pk in openable else None,
            may_open=c.pk in openable,
        )
        for c in copies
    ]
    shown = [row for row in rows if row.municipality is not None]
    return shown, len(rows) - len(shown)


def _copies(initiative: Initiative) -> list[Initiative]:
    return list(initiative.adoptions.select_related("municipality").order_by("created_at", "pk"))


# --- the peer view --------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerView:
    """What a peer reads of a scaled pilot. Deliberately left out: the initiative lead's and
    the decision-makers' names, each decision's rationale, conditions, criteria and the
    business case frozen in it, the cost, the effort, the programme links and the history
    (internal to the owner). Shown: the challenge, stage and decisions (date, move, decision,
    the body that took it), the helix partners, the assumptions with how they were tested,
    their outcomes and learnings, the expected benefits and risks, the lessons the reader may
    read, and who adopted it."""

    pilot: Initiative
    stages: list[StageStep]
    decisions: list[GateDecision]
    partners: list[InitiativePartner]
    assumptions: list[Assumption]
    lessons: list[Lesson]
    adoptions: list[AdoptionRow]
    unnamed_adoptions: int
    has_agreement: bool
    # The reader's municipalities' own copies (they adopted it already).
    own_copies: list[Initiative] = field(default_factory=list)
    # Every municipality that adopted it, named or not: not offered the adopt button again.
    adopter_ids: frozenset[int] = frozenset()

    @property
    def adoption_count(self) -> int:
        return len(self.adoptions) + self.unnamed_adoptions


def peer_view(pilot: Initiative, roles: Roles) -> PeerView:
    """Everything the peer view shows, in a fixed number of queries (decisions, partners,
    assumptions, agreement, copies, their naming and opening, and the lessons')."""
    copies = _copies(pilot)
    rows, unnamed = _adoption_rows(
        copies, roles, name_all=roles.is_admin or pilot.municipality_id in roles.municipality_ids
    )
    return PeerView(
        pilot=pilot,
        stages=stage_steps(pilot),
        decisions=list(
            pilot.gate_decisions.only(
                "pk", "initiative_id", "from_stage", "to_stage", "decision", "body", "decided_on"
            )
        ),
        partners=list(pilot.partners.select_related("organisation")),
        assumptions=list(pilot.assumptions.all()),
        lessons=lessons_for_initiative(pilot, roles),
        adoptions=rows,
        unnamed_adoptions=unnamed,
        has_agreement=PilotAgreement.objects.filter(initiative_id=pilot.pk).exists(),
        own_copies=[c for c in copies if c.municipality_id in roles.municipality_ids],
        adopter_ids=frozenset(c.municipality_id for c in copies if c.municipality_id is not None),
    )


# --- the initiative page's hook -------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where an initiative came from (if adopted) and who adopted it (if anyone did)."""

    source: Initiative | None
    source_peer_view: bool  # the reader may open the source's peer view
    source_page: bool  # the reader may open the source's own page
    source_lessons: list[Lesson]
    adoptions: list[AdoptionRow]
    unnamed_adoptions: int

    @property
    def adoption_count(self) -> int:
        return len(self.adoptions) + self.unnamed_adoptions

    @property
    def is_empty(self) -> bool:
        return self.source is None and not self.adoption_count


def initiative_origin(initiative: Initiative, roles: Roles) -> Origin:
    """For an initiative's page: the pilot it was adopted from, with the lessons the reader
    may read, and who adopted it. One query for an initiative neither adopted nor adopted
    from; at most about eight otherwise, whatever the number of adoptions."""
    copies = _copies(initiative)
    rows, unnamed = _adoption_rows(
        copies,
        roles,
        # The pilot's own people and administrators see every adopter: it is their pilot.
        name_all=roles.is_admin or initiative.municipality_id in roles.municipality_ids,
    )
    source = None
    peer, page = False, False
    lessons: list[Lesson] = []
    if initiative.adopted_from_id is not None:
        source = (
            Initiative.objects.select_related("municipality", "cluster")
            .filter(pk=initiative.adopted_from_id)
            .first()
        )
    if source is not None:
        peer = may_read_pilot(roles, source)
        page = bool(_openable(roles, {source.pk}))
        if peer or page:
            lessons = lessons_for_initiative(source, roles)
    return Origin(
        source=source,
        source_peer_view=peer,
        source_page=page,
        source_lessons=lessons,
        adoptions=rows,
        unnamed_adoptions=unnamed,
    )


# --- the cluster portfolio's hook -----------------------------------------------------------


@dataclass(frozen=True)
class ClusterAdoption:
    pilot: Initiative  # the original, with its municipality
    copy: Initiative  # the adopter's, with its municipality
    pilot_peer_view: bool
    pilot_page: bool
    copy_page: bool


@dataclass(frozen=True)
class ClusterAdoptions:
    """Pilots adopted within a cluster: adoptions whose original and copy both belong to
    current members. ``listed`` are those the reader may follow (the original's peer view or
    page, and the adopter named to them); the rest are only counted."""

    adoptions: int
    pilots: int
    listed: list[ClusterAdoption]

    @property
    def unlisted(self) -> int:
        return self.adoptions - len(self.listed)


def cluster_adoptions(cluster: Cluster, roles: Roles) -> ClusterAdoptions:
    """Three queries at most: the adoptions with both ends, the naming, the opening."""
    members = cluster.memberships.current().values("municipality_id")
    copies = list(
        Initiative.objects.filter(
            adopted_from__isnull=False,
            municipality_id__in=members,
            adopted_from__municipality_id__in=members,
        )
        .select_related("municipality", "adopted_from", "adopted_from__municipality")
        .order_by("-created_at", "-pk")
    )
    if not copies:
        return ClusterAdoptions(adoptions=0, pilots=0, listed=[])
    involved = {c.municipality_id for c in copies} | {
        c.adopted_from.municipality_id  # type: ignore[union-attr]
        for c in copies
    }
    named = _named_municipalities(roles, {m for m in involved if m is not None})
    openable = _openable(roles, {c.pk for c in copies} | {c.adopted_from_id for c in copies})  # type: ignore[misc]
    listed = []
    for copy in copies:
        pilot = copy.adopted_from
        assert pilot is not None
        peer = is_scaled(pilot) and pilot.municipality_id in named
        page = pilot.pk in openable
        copy_page = copy.pk in openable
        if (peer or page) and (copy.municipality_id in named or copy_page):
            listed.append(
                ClusterAdoption(
                    pilot=pilot,
                    copy=copy,
                    pilot_peer_view=peer,
                    pilot_page=page,
                    copy_page=copy_page,
                )
            )
    return ClusterAdoptions(
        adoptions=len(copies),
        pilots=len({c.adopted_from_id for c in copies}),
        listed=listed,
    )
