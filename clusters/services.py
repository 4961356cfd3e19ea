"""Writes for clusters, rosters, meetings and needs. Every function is one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.ical import CANCEL, REQUEST
from clusters.models import (
    Attendance,
    Cluster,
    ClusterMembership,
    ClusterPartner,
    DismissedProposal,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    MembershipStatus,
    Need,
    Reply,
    RosterEntry,
)
from clusters.shared_needs import shared_need_overview
from clusters.tasks import send_meeting_mail
from innocities.accounts.models import User
from innocities.accounts.services import user_invite
from innocities.core.languages import language_for_country
from innocities.core.queue import enqueue_on_commit
from innocities.core.services import validated_save
from municipalities.models import Municipality, Organisation


def _check_not_before(start: dt.date, end: dt.date, field: str) -> None:
    if end < start:
        raise ValidationError({field: _("The end date cannot be before the start date.")})


@transaction.atomic
def cluster_add_municipality(
    *,
    cluster: Cluster,
    municipality: Municipality,
    joined_on: dt.date,
    actor: User | None,
    status: str = MembershipStatus.ACTIVE,
    note: str = "",
) -> ClusterMembership:
    """Open a membership. A municipality already an open member raises ValidationError."""
    if cluster.memberships.current().filter(municipality=municipality).exists():
        raise ValidationError(
            {
                "municipality": _("%(name)s is already a member of this cluster.")
                % {"name": municipality.name}
            }
        )
    membership = ClusterMembership(
        cluster=cluster, municipality=municipality, joined_on=joined_on, status=status, note=note
    )
    return validated_save(membership, actor=actor)


@transaction.atomic
def cluster_end_membership(
    *,
    membership: ClusterMembership,
    left_on: dt.date,
    actor: User | None,
    end_roster_entries: bool = False,
) -> ClusterMembership:
    """End a membership with a date; the row stays as history.

    With ``end_roster_entries``, the open roster entries of the municipality's people in the
    cluster end too, in the same transaction: on ``left_on``, or on the day they started if
    that is later (an entry never ends before it starts). Programmes are not touched: they
    stay the municipality's, linked to the cluster as history.
    """
    membership = ClusterMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(_("This membership has already ended."))
    _check_not_before(membership.joined_on, left_on, "left_on")
    membership.left_on = left_on
    membership.status = MembershipStatus.LEFT
    validated_save(membership, actor=actor)
    if end_roster_entries:
        entries = RosterEntry.objects.select_for_update().filter(
            cluster_id=membership.cluster_id,
            municipality_id=membership.municipality_id,
            ended_on__isnull=True,
        )
        for entry in entries:
            entry.ended_on = max(left_on, entry.started_on)
            validated_save(entry, actor=actor)
    return membership


@transaction.atomic
def cluster_add_partner(
    *,
    cluster: Cluster,
    organisation: Organisation,
    joined_on: dt.date,
    contribution: str = "",
    actor: User | None,
) -> ClusterPartner:
    if cluster.partners.current().filter(organisation=organisation).exists():
        raise ValidationError(
            {
                "organisation": _("%(name)s is already a partner of this cluster.")
                % {"name": organisation.name}
            }
        )
    partner = ClusterPartner(
        cluster=cluster, organisation=organisation, joined_on=joined_on, contribution=contribution
    )
    return validated_save(partner, actor=actor)


@transaction.atomic
def cluster_end_partner(
    *, partner: ClusterPartner, left_on: dt.date, actor: User | None
) -> ClusterPartner:
    partner = ClusterPartner.objects.select_for_update().get(pk=partner.pk)
    if partner.left_on is not None:
        raise ValidationError(_("This partnership has already ended."))
    _check_not_before(partner.joined_on, left_on, "left_on")
    partner.left_on = left_on
    return validated_save(partner, actor=actor)


@transaction.atomic
def roster_add_person(
    *,
    cluster: Cluster,
    user: User,
    role: str,
    started_on: dt.date,
    organisation: Organisation | None = None,
    municipality: Municipality | None = None,
    actor: User | None,
) -> RosterEntry:
    if cluster.roster.current().filter(user=user, role=role).exists():
        raise ValidationError({"user": _("This person already has that role in the cluster.")})
    entry = RosterEntry(
        cluster=cluster,
        user=user,
        role=role,
        started_on=started_on,
        organisation=organisation,
        municipality=municipality,
    )
    return validated_save(entry, actor=actor)


@transaction.atomic
def roster_end_person(*, entry: RosterEntry, ended_on: dt.date, actor: User | None) -> RosterEntry:
    entry = RosterEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.ended_on is not None:
        raise ValidationError(_("This roster entry has already ended."))
    _check_not_before(entry.started_on, ended_on, "ended_on")
    entry.ended_on = ended_on
    return validated_save(entry, actor=actor)


# A change to one of these sends every invitee an updated invitation (a new SEQUENCE).
MEETING_SCHEDULE_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url")


def _send_meeting_mail(
    meeting: Meeting, user_ids: Iterable[int], method: str, *, first: bool = False
) -> None:
    """Queue one e-mail per person once the change commits (clusters.tasks); ``first``: they
    hear of the meeting for the first time, whatever its sequence."""
    if meeting.ends_at <= timezone.now():
        return  # nobody can come any more: a calendar entry would only be noise
    for user_id in sorted(set(user_ids)):
        enqueue_on_commit(send_meeting_mail, meeting.pk, user_id, method, meeting.sequence, first)


@transaction.atomic
def meeting_save(
    *, meeting: Meeting, invitees: list[User] | None = None, actor: User | None
) -> Meeting:
    """Create or update a meeting; ``invitees`` (if given) are added, never silently removed
    once they have replied.

    Invitations go out by e-mail after the commit, with a calendar entry: a new meeting to
    every invitee; a change of time, place or title raises ``sequence`` and goes to all
    invitees as an update; a person added gets the invitation, a person removed a
    cancellation. A meeting cancelled or already over sends nothing.
    """
    creating = meeting.pk is None
    if creating:
        meeting.created_by = actor
        meeting.sequence = 0
        rescheduled = False
    else:
        saved = Meeting.objects.select_for_update().get(pk=meeting.pk)
        rescheduled = any(
            getattr(saved, name) != getattr(meeting, name) for name in MEETING_SCHEDULE_FIELDS
        )
        meeting.sequence = saved.sequence + 1 if rescheduled else saved.sequence
    validated_save(meeting, actor=actor)
    added: set[int] = set()
    removed: set[int] = set()
    if invitees is not None:
        wanted = {user.pk for user in invitees}
        existing = dict(meeting.participants.values_list("user_id", "reply"))
        # Locked, so that someone replying meanwhile is neither removed nor told they were.
        removable = dict(
            meeting.participants.select_for_update()
            .filter(
                user_id__in=[pk for pk in existing if pk not in wanted],
                reply=Reply.INVITED,
                attendance=Attendance.UNKNOWN,
            )
            .values_list("pk", "user_id")
        )
        MeetingParticipant.objects.filter(pk__in=removable).delete()
        removed = set(removable.values())
        added = wanted - existing.keys()
        MeetingParticipant.objects.bulk_create(
            [MeetingParticipant(meeting=meeting, user_id=pk) for pk in added]
        )
    if meeting.status == MeetingStatus.SCHEDULED:
        everyone = set(meeting.participants.values_list("user_id", flat=True))
        if creating:
            _send_meeting_mail(meeting, everyone, REQUEST, first=True)
        else:
            # Someone added to a moved meeting is invited, not told that it changed.
            _send_meeting_mail(meeting, added, REQUEST, first=True)
            if rescheduled:
                _send_meeting_mail(meeting, everyone - added, REQUEST)
        _send_meeting_mail(meeting, removed, CANCEL)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User | None) -> Meeting:
    """Cancel the meeting; every invitee gets a cancellation with the next ``sequence``."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        return meeting
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    validated_save(meeting, actor=actor)
    _send_meeting_mail(meeting, meeting.participants.values_list("user_id", flat=True), CANCEL)
    return meeting


@transaction.atomic
def meeting_reply(*, participant: MeetingParticipant, reply: str) -> MeetingParticipant:
    if reply not in (Reply.ACCEPTED, Reply.DECLINED):
        raise ValidationError({"reply": _("Choose accept or decline.")})
    participant.reply = reply
    participant.replied_at = timezone.now()
    participant.full_clean()
    participant.save(update_fields=["reply", "replied_at"])
    return participant


@transaction.atomic
def meeting_mark_attendance(
    *, meeting: Meeting, attendance: dict[int, str], actor: User | None
) -> int:
    """Set attendance per participant id; returns how many changed."""
    valid = set(Attendance.values)
    changed = 0
    for participant in meeting.participants.select_for_update():
        value = attendance.get(participant.pk)
        if value is None or value == participant.attendance:
            continue
        if value not in valid:
            raise ValidationError(_("Unknown attendance value."))
        participant.attendance = value
        participant.save(update_fields=["attendance"])
        changed += 1
    return changed


# --- added with the cluster pages -------------------------------------------------------


@transaction.atomic
def cluster_add_new_partner(
    *,
    cluster: Cluster,
    name: str,
    helix: str,
    joined_on: dt.date,
    municipality: Municipality | None = None,
    contribution: str = "",
    actor: User | None,
) -> ClusterPartner:
    """Create an organisation and make it a partner of ``cluster`` in one step.

    If the partnership is refused, the organisation is not created either.
    """
    organisation = Organisation(name=name.strip(), helix=helix, municipality=municipality)
    validated_save(organisation, actor=actor)
    return cluster_add_partner(
        cluster=cluster,
        organisation=organisation,
        joined_on=joined_on,
        contribution=contribution,
        actor=actor,
    )


@transaction.atomic
def roster_add_or_invite_person(
    *,
    cluster: Cluster,
    email: str,
    full_name: str,
    role: str,
    started_on: dt.date,
    organisation: Organisation | None = None,
    municipality: Municipality | None = None,
    actor: User | None,
    language: str | None = None,
) -> tuple[RosterEntry, bool]:
    """Put the person with ``email`` on the roster, inviting them first if they have no account.

    Returns (entry, invited). A new person needs a full name. The invitation is sent only
    after the whole change commits, so a refused roster entry sends no e-mail.
    """
    # A new person speaks their municipality's language (Norwegian bokmål in Norway).
    home = municipality or (organisation.municipality if organisation else None)
    user, invited = user_invite(
        email=email,
        full_name=full_name,
        invited_by=actor,
        language=language or language_for_country(home.country if home else None),
    )
    entry = roster_add_person(
        cluster=cluster,
        user=user,
        role=role,
        started_on=started_on,
        organisation=organisation,
        municipality=municipality,
        actor=actor,
    )
    return entry, invited


@transaction.atomic
def cluster_add_need(
    *,
    cluster: Cluster,
    title: str,
    description: str = "",
    theme: str = "",
    priority: str,
    actor: User | None,
) -> Need:
    """A shared need of the cluster (not of one municipality)."""
    need = Need(
        cluster=cluster,
        title=title,
        description=description,
        theme=theme,
        priority=priority,
        created_by=actor,
    )
    return validated_save(need, actor=actor)


@transaction.atomic
def need_create(
    *,
    municipality: Municipality,
    actor: User | None,
    title: str,
    description: str = "",
    theme: str = "",
    priority: str,
    sdg_goals: list[int],
) -> Need:
    """A municipality's own need; ``sdg_goals`` are SDG numbers 1–17 (validated)."""
    need = Need(
        municipality=municipality,
        title=title,
        description=description,
        theme=theme,
        priority=priority,
        sdg_goals=sorted(sdg_goals),
        created_by=actor,
    )
    return validated_save(need, actor=actor)


@transaction.atomic
def need_update(
    *,
    need: Need,
    actor: User | None,
    title: str,
    description: str = "",
    theme: str = "",
    priority: str,
    sdg_goals: list[int],
) -> Need:
    """Change a need's text, priority and goals; whose need it is never changes."""
    need.title = title
    need.description = description
    need.theme = theme
    need.priority = priority
    need.sdg_goals = sorted(sdg_goals)
    return validated_save(need, actor=actor)


# --- shared-need proposals (clusters/shared_needs.py finds them) ---------------------------


@transaction.atomic
def shared_need_accept(
    *,
    cluster: Cluster,
    key: str,
    title: str,
    description: str,
    priority: str,
    actor: User | None,
    sdg_goals: list[int] | None = None,
) -> Need:
    """Make the cluster's proposal ``key`` a shared need, met with joint activities.

    ``sdg_goals`` default to those of the members' needs the proposal brings together.

    The proposal is looked up afresh, so one that no longer applies (a member left, a round
    changed) is refused. It keeps the members' needs it brings together and, for a dimension,
    the dimension's code; a proposal set aside is taken back. Accepting twice is refused.
    """
    overview = shared_need_overview(cluster)
    proposal = overview.find(key)
    if proposal is None:
        raise ValidationError(_("This proposal no longer applies: reload the page."))
    if proposal.accepted is not None:
        raise ValidationError(
            _("This proposal is already the shared need “%(title)s”.")
            % {"title": proposal.accepted.title}
        )
    need = Need(
        cluster=cluster,
        title=title.strip(),
        description=description.strip(),
        theme=proposal.label,
        priority=priority,
        sdg_goals=sorted(set(sdg_goals)) if sdg_goals is not None else proposal.sdg_goals,
        dimension_code=proposal.dimension_code,
        proposal_key=proposal.key,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            validated_save(need, actor=actor)
    except IntegrityError as error:
        # Two managers accepting at once: the database's unique constraint decides.
        raise ValidationError(_("This proposal was accepted a moment ago.")) from error
    need.based_on.set(proposal.source_needs)
    DismissedProposal.objects.filter(cluster=cluster, key=key).delete()
    return need


@transaction.atomic
def shared_need_proposal_dismiss(*, cluster: Cluster, key: str, actor: User | None) -> None:
    """Set a proposal aside so it is not proposed again (until restored). Idempotent."""
    proposal = shared_need_overview(cluster).find(key)
    if proposal is None:
        raise ValidationError(_("This proposal no longer applies: reload the page."))
    if proposal.accepted is not None:
        raise ValidationError(
            _("This proposal is already the shared need “%(title)s”.")
            % {"title": proposal.accepted.title}
        )
    DismissedProposal.objects.get_or_create(
        cluster=cluster, key=key, defaults={"dismissed_by": actor}
    )


@transaction.atomic
def shared_need_proposal_restore(*, cluster: Cluster, key: str, actor: User | None) -> None:
    """Propose a set-aside proposal again. Idempotent."""
    DismissedProposal.objects.filter(cluster=cluster, key=key).delete()


@transaction.atomic
def cluster_set_proposal_rules(
    *,
    cluster: Cluster,
    below: Decimal,
    min_members: int | None,
    actor: User | None,
) -> Cluster:
    """When a dimension counts as low for a member, and how many low members make a
    proposal (None: half of the members)."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    cluster.shared_need_below = below
    cluster.shared_need_min_members = min_members
    return validated_save(cluster, actor=actor)
