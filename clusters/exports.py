"""A cluster's roster and meetings as spreadsheets (``innocities.core.spreadsheets``).

Each table is read in a fixed number of queries, whatever the size of the cluster.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from clusters.models import (
    Attendance,
    Cluster,
    MeetingParticipant,
    MeetingStatus,
    MembershipStatus,
    Reply,
    RosterRole,
)
from clusters.selectors import cluster_roster
from innocities.core.spreadsheets import Table
from municipalities.models import Helix


def roster_table(cluster: Cluster, *, with_email: bool) -> Table:
    """Members (joined/left), partner organisations (from/until) and people (role,
    organisation or municipality, from/until) in one table; three queries.

    ``with_email``: the people's e-mail addresses, which the cluster page shows its managers
    only.
    """
    roster = cluster_roster(cluster)
    rows: list[list[Any]] = []
    for membership in roster.memberships:
        municipality = membership.municipality
        rows.append(
            [
                _("Member municipality"),
                municipality.name,
                "",
                MembershipStatus(membership.status).label,
                municipality.code,
                membership.joined_on,
                membership.left_on,
            ]
        )
    for partner in roster.partners:
        organisation = partner.organisation
        rows.append(
            [
                _("Partner organisation"),
                organisation.name,
                "",
                Helix(organisation.helix).label if organisation.helix in Helix.values else "",
                "",
                partner.joined_on,
                partner.left_on,
            ]
        )
    for entry in roster.people:
        where = entry.organisation.name if entry.organisation else ""
        if entry.municipality:
            where = entry.municipality.name
        rows.append(
            [
                _("Person"),
                entry.user.get_full_name() or entry.user.email,
                entry.user.email if with_email else "",
                RosterRole(entry.role).label if entry.role in RosterRole.values else entry.role,
                where,
                entry.started_on,
                entry.ended_on,
            ]
        )
    headers = [
        _("Kind"),
        _("Name"),
        _("E-mail"),
        _("Role or status"),
        _("Organisation, municipality or code"),
        _("From"),
        _("Until"),
    ]
    if not with_email:
        headers.pop(2)
        rows = [row[:2] + row[3:] for row in rows]
    return Table(title=_("Roster"), headers=headers, rows=rows)


def meetings_table(cluster: Cluster) -> Table:
    """One row per meeting and invitee (a meeting without invitees: one row), latest meeting
    first; two queries."""
    participants = MeetingParticipant.objects.select_related("user").order_by(
        "user__full_name", "user__email"
    )
    meetings = cluster.meetings.prefetch_related(
        Prefetch("participants", queryset=participants)
    ).order_by("-starts_at", "-pk")
    rows: list[list[Any]] = []
    for meeting in meetings:
        place = ", ".join(part for part in (meeting.location, meeting.online_url) if part)
        start = [meeting.title, meeting.starts_at, meeting.ends_at, place]
        invited = list(meeting.participants.all())
        status = MeetingStatus(meeting.status).label
        if not invited:
            rows.append([*start, "", "", "", status])
        for participant in invited:
            rows.append(
                [
                    *start,
                    participant.user.get_full_name() or participant.user.email,
                    Reply(participant.reply).label,
                    Attendance(participant.attendance).label,
                    status,
                ]
            )
    return Table(
        title=_("Meetings"),
        headers=[
            _("Title"),
            _("Start"),
            _("End"),
            _("Place"),
            _("Invitee"),
            _("Reply"),
            _("Attendance"),
            _("Meeting status"),
        ],
        rows=rows,
    )
