"""Reads for cluster pages. Each function runs a fixed number of queries, whatever the data."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import (
    Cluster,
    ClusterMembership,
    ClusterPartner,
    Meeting,
    MeetingStatus,
    MembershipStatus,
    Need,
    Reply,
    RosterEntry,
    RosterRole,
)
from clusters.permissions import visible_clusters
from innocities.accounts.models import User
from innocities.core.permissions import Roles
from municipalities.models import Municipality, MunicipalityMembership, Organisation


def cluster_list(roles: Roles) -> QuerySet[Cluster]:
    """The clusters a person may read, each with ``open_members`` counted over all members.

    Counted on a fresh queryset: annotating ``visible_clusters`` directly would count only the
    memberships its own filter matched (the person's municipalities).
    """
    return Cluster.objects.filter(pk__in=visible_clusters(roles).values("pk")).annotate(
        open_members=Count("memberships", filter=Q(memberships__left_on__isnull=True))
    )


def cluster_managers(cluster_ids: Iterable[int | None]) -> dict[int, set[int]]:
    """Cluster id → the user ids of its programme managers (active accounts); one query."""
    result: dict[int, set[int]] = defaultdict(set)
    for cluster_id, user_id in (
        RosterEntry.objects.programme_managers()
        .filter(cluster_id__in={c for c in cluster_ids if c})
        .values_list("cluster_id", "user_id")
    ):
        result[cluster_id].add(user_id)
    return result


def stands_for_an_organisation(user: User) -> bool:
    """Whether the person is on a roster for a partner organisation (a partner contact)."""
    return RosterEntry.objects.current().filter(user=user, organisation__isnull=False).exists()


@dataclass(frozen=True)
class Roster:
    memberships: list[ClusterMembership]
    partners: list[ClusterPartner]
    people: list[RosterEntry]

    @property
    def open_memberships(self) -> list[ClusterMembership]:
        return [m for m in self.memberships if m.left_on is None]

    @property
    def former_memberships(self) -> list[ClusterMembership]:
        return [m for m in self.memberships if m.left_on is not None]


def cluster_roster(cluster: Cluster) -> Roster:
    """Members, partners and people of a cluster, open ones first; three queries."""
    memberships = list(
        cluster.memberships.select_related("municipality__county").order_by(
            F("left_on").desc(nulls_first=True), "municipality__name", "-joined_on"
        )
    )
    partners = list(
        cluster.partners.select_related("organisation__municipality").order_by(
            F("left_on").desc(nulls_first=True), "organisation__name", "-joined_on"
        )
    )
    people = list(
        cluster.roster.select_related("user", "organisation", "municipality").order_by(
            F("ended_on").desc(nulls_first=True), "role", "user__full_name", "user__email"
        )
    )
    return Roster(memberships=memberships, partners=partners, people=people)


def cluster_people(cluster: Cluster) -> QuerySet[User]:
    """Who can be invited to the cluster's meetings: open roster entries and the coordinators
    and viewers of open member municipalities."""
    rostered = RosterEntry.objects.current().filter(cluster=cluster).values("user_id")
    members = MunicipalityMembership.objects.filter(
        municipality_id__in=open_member_ids(cluster)
    ).values("user_id")
    return User.objects.filter(Q(pk__in=rostered) | Q(pk__in=members), is_active=True).order_by(
        "full_name", "email"
    )


def open_member_ids(cluster: Cluster) -> QuerySet[ClusterMembership, int]:
    """The ids of the cluster's open member municipalities, as a subquery."""
    return cluster.memberships.current().values_list("municipality_id", flat=True)


def open_member_municipalities(cluster: Cluster) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=open_member_ids(cluster)).order_by("name")


def open_partner_organisations(cluster: Cluster) -> QuerySet[Organisation]:
    partners = cluster.partners.current().values("organisation_id")
    return Organisation.objects.filter(pk__in=partners).order_by("name")


# --- meetings ----------------------------------------------------------------------------


def _with_reply_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        invited_count=Count("participants"),
        accepted_count=Count("participants", filter=Q(participants__reply=Reply.ACCEPTED)),
    )


def cluster_meetings(
    cluster: Cluster, *, limit: int | None = None, now: dt.datetime | None = None
) -> tuple[list[Meeting], list[Meeting]]:
    """(coming, past): coming soonest first, past latest first; two queries.

    A meeting under way counts as coming until it ends.
    """
    now = now or timezone.now()
    meetings = _with_reply_counts(cluster.meetings.all())
    coming = meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    if limit is not None:
        coming, past = coming[:limit], past[:limit]
    return list(coming), list(past)


# --- roster history ----------------------------------------------------------------------


@dataclass(frozen=True)
class RosterChange:
    when: dt.datetime
    who: User | None
    section: str  # members, partners or people, translated
    subject: str
    action: str  # translated: added, ended, changed, removed
    detail: str


def _action(record: Any, end_field: str) -> str:
    if record.history_type == "+":
        return _("added")
    if record.history_type == "-":
        return _("removed")
    ended_now = getattr(record, end_field) is not None and record.previous_end is None
    return _("ended") if ended_now else _("changed")


def _history(
    model: Any, cluster: Cluster, end_field: str, related: list[str], limit: int
) -> list[Any]:
    # The previous version's end date tells an ending from any other edit without a query
    # per row; the window runs over all of the cluster's rows before the limit applies.
    return list(
        model.history.filter(cluster_id=cluster.pk)
        .select_related("history_user", *related)
        .annotate(
            previous_end=Window(
                Lag(end_field), partition_by=[F("id")], order_by=[F("history_id").asc()]
            )
        )
        .order_by("-history_date", "-history_id")[:limit]
    )


def roster_history(cluster: Cluster, *, limit: int = 20) -> list[RosterChange]:
    """The latest changes to members, partners and people of a cluster, newest first.

    Read from simple-history's records (three queries), so changes made in the admin show too.
    """
    changes: list[RosterChange] = []
    for record in _history(ClusterMembership, cluster, "left_on", ["municipality"], limit):
        status = MembershipStatus(record.status).label if record.status else ""
        dates = (
            _("left %(date)s") % {"date": record.left_on.isoformat()}
            if record.left_on
            else _("joined %(date)s, %(status)s")
            % {"date": record.joined_on.isoformat(), "status": status}
        )
        changes.append(
            RosterChange(
                when=record.history_date,
                who=record.history_user,
                section=_("Member"),
                subject=record.municipality.name if record.municipality else "?",
                action=_action(record, "left_on"),
                detail=dates,
            )
        )
    for record in _history(ClusterPartner, cluster, "left_on", ["organisation"], limit):
        dates = (
            _("until %(date)s") % {"date": record.left_on.isoformat()}
            if record.left_on
            else _("from %(date)s") % {"date": record.joined_on.isoformat()}
        )
        changes.append(
            RosterChange(
                when=record.history_date,
                who=record.history_user,
                section=_("Partner"),
                subject=record.organisation.name if record.organisation else "?",
                action=_action(record, "left_on"),
                detail=dates,
            )
        )
    for record in _history(RosterEntry, cluster, "ended_on", ["user"], limit):
        role = RosterRole(record.role).label if record.role in RosterRole.values else record.role
        dates = (
            _("until %(date)s") % {"date": record.ended_on.isoformat()}
            if record.ended_on
            else _("from %(date)s") % {"date": record.started_on.isoformat()}
        )
        changes.append(
            RosterChange(
                when=record.history_date,
                who=record.history_user,
                section=_("Person"),
                subject=f"{record.user} ({role})" if record.user else str(role),
                action=_action(record, "ended_on"),
                detail=dates,
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def managed_clusters(roles: Roles) -> QuerySet[Cluster]:
    """The clusters a person manages (administrators: all)."""
    if roles.is_admin:
        return Cluster.objects.all()
    return Cluster.objects.filter(pk__in=roles.managed_cluster_ids)


def read_only_clusters(roles: Roles) -> QuerySet[Cluster]:
    """The clusters a person is on the roster of without managing them."""
    return Cluster.objects.filter(pk__in=roles.rostered_cluster_ids - roles.managed_cluster_ids)


def coming_meetings(roles: Roles, *, limit: int = 10) -> list[Meeting]:
    """The next scheduled meetings of the clusters a person may read; one query."""
    return list(
        Meeting.objects.filter(
            cluster__in=visible_clusters(roles),
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .select_related("cluster")
        .order_by("starts_at", "pk")[:limit]
    )


def cluster_needs(cluster: Cluster) -> list[Need]:
    """The cluster's shared needs, each with ``activity_count``: its meetings that are not
    cancelled (a count, not the meetings, so the cluster page keeps its query budget)."""
    return list(
        cluster.needs.select_related("created_by").annotate(
            activity_count=Count("meetings", filter=~Q(meetings__status=MeetingStatus.CANCELLED))
        )
    )


# --- the member picker and ending a membership -------------------------------------------

# Letters that Unicode does not decompose into a base letter and a mark, spelled the way
# people type them without a Nordic keyboard.
_FOLDS = str.maketrans({"ø": "o", "æ": "ae", "ð": "d", "þ": "th", "ß": "ss", "ł": "l"})

# What people type for a country, in the portal's three languages and in English.
_COUNTRY_WORDS = {
    "SE": "sverige sweden svensk swedish",
    "NO": "norge noreg norway norsk norwegian",
}

PICKER_LIMIT = 20


def fold(text: str) -> str:
    """Lower case without accents, so that "goteborg" finds Göteborg and "baerum" Bærum."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class PickerOption:
    pk: int
    name: str
    county: str
    country: str

    @property
    def label(self) -> str:
        return f"{self.name}, {self.county}, {self.country}"


@dataclass(frozen=True)
class PickerResult:
    text: str
    options: list[PickerOption]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.options)


def municipality_picker(
    cluster: Cluster, text: str, *, limit: int = PICKER_LIMIT, keep: int | None = None
) -> PickerResult:
    """Municipalities that are not open members of ``cluster`` and match every word of
    ``text`` in their name, county or country, accents ignored. One query.

    The ~650 rows are matched in Python: folding "ø" and "æ" needs more than PostgreSQL's
    lower() without the unaccent extension, and the whole list is a few kilobytes. Names that
    start with the text come first. ``keep`` (the municipality already chosen) is listed even
    if it no longer matches, so a re-rendered form keeps the choice visible.
    """
    words = fold(text).split()
    if not words and keep is None:
        return PickerResult(text=text, options=[], total=0)
    countries = dict(Municipality._meta.get_field("country").flatchoices)
    rows = (
        Municipality.objects.exclude(pk__in=open_member_ids(cluster))
        .order_by("name", "country", "code")
        .values_list("pk", "name", "county__name", "country")
    )
    matches: list[tuple[bool, PickerOption]] = []
    kept: list[PickerOption] = []
    for pk, name, county, country in rows:
        country_label = str(countries.get(country, country))
        option = PickerOption(pk=pk, name=name, county=county, country=country_label)
        haystack = fold(f"{name} {county} {country_label} {_COUNTRY_WORDS.get(country, '')}")
        if words and all(word in haystack for word in words):
            matches.append((not fold(name).startswith(words[0]), option))
        elif pk == keep:
            kept.append(option)
    ordered = [option for _, option in sorted(matches, key=lambda match: match[0])]
    return PickerResult(text=text, options=kept + ordered[:limit], total=len(ordered))


@dataclass(frozen=True)
class MembershipEnding:
    """What ending a membership touches: the municipality's people on the cluster's roster,
    and its programmes linked to the cluster (which stay the municipality's)."""

    roster_entries: list[RosterEntry]
    programs: list[Any]


def membership_ending(membership: ClusterMembership) -> MembershipEnding:
    """Two queries. Programmes are read through the reverse relation so that this layer
    does not import ``programs``; cancelled ones are left out."""
    entries = list(
        membership.cluster.roster.current()
        .filter(municipality_id=membership.municipality_id)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )
    programs = list(
        membership.cluster.programs.filter(municipality_id=membership.municipality_id)
        .exclude(status="cancelled")
        .order_by("-starts_on")
    )
    return MembershipEnding(roster_entries=entries, programs=programs)
