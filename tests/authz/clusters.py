"""Who may reach the cluster pages (see tests/authz/__init__.py).

Cluster A has Ale (coordinator, viewer) and Alingsås as members, ``partner`` on its roster and
``manager`` as its programme manager; the others have no part in it.
"""

from __future__ import annotations

from typing import Any

from clusters.models import Meeting
from tests import factories as f
from tests.authz import PERSONAS, Rule, statuses


def readers(ok: int = 200) -> dict[str, int]:
    """Everyone who may read cluster A gets ``ok``; everyone else 404."""
    return statuses(404, coordinator=ok, viewer=ok, partner=ok, manager=ok, admin=ok)


def managers(ok: int = 200) -> dict[str, int]:
    """Cluster A's manager and admins get ``ok``; its other readers 403; the rest 404."""
    return statuses(404, coordinator=403, viewer=403, partner=403, manager=ok, admin=ok)


WRONG_METHOD = statuses(405)


def _cluster(w: Any) -> dict[str, int]:
    return {"pk": w.cluster_a.pk}


def _meeting(w: Any) -> Meeting:
    """A meeting in cluster A to which the coordinator and the partner are invited."""
    meeting = f.MeetingFactory(cluster=w.cluster_a)
    f.MeetingParticipantFactory(meeting=meeting, user=w.coordinator)
    f.MeetingParticipantFactory(meeting=meeting, user=w.partner)
    return meeting


def _meeting_kwargs(w: Any) -> dict[str, int]:
    return {"pk": w.cluster_a.pk, "meeting_pk": _meeting(w).pk}


def _rsvp_token(w: Any) -> dict[str, str]:
    """The coordinator's reply link to a coming meeting."""
    from clusters.ical import meeting_rsvp_token

    return {"token": meeting_rsvp_token(_meeting(w).participants.get(user=w.coordinator))}


RULES = {
    "clusters:list": Rule(get=statuses(200), post=WRONG_METHOD),
    "portal:cluster_detail": Rule(get=readers(), post=WRONG_METHOD, kwargs=_cluster),
    # An empty POST from someone allowed re-renders the form with its errors (200).
    # With a search, so that the accessibility check sees the picker's options.
    "clusters:member_add": Rule(get=managers(), post=managers(), kwargs=_cluster, query="?q=Ler"),
    # The picker's htmx fragment; opened without htmx it redirects to member_add's search.
    "clusters:member_search": Rule(get=managers(302), post=WRONG_METHOD, kwargs=_cluster),
    "clusters:member_end": Rule(
        get=managers(),
        post=managers(),
        kwargs=lambda w: {
            "pk": w.cluster_a.pk,
            "membership_pk": w.cluster_a.memberships.get(municipality=w.alingsas).pk,
        },
    ),
    "clusters:partner_add": Rule(get=managers(), post=managers(), kwargs=_cluster),
    "clusters:partner_end": Rule(
        get=managers(),
        post=managers(),
        kwargs=lambda w: {"pk": w.cluster_a.pk, "partner_pk": w.cluster_a.partners.get().pk},
    ),
    "clusters:person_add": Rule(get=managers(), post=managers(), kwargs=_cluster),
    "clusters:person_end": Rule(
        get=managers(),
        post=managers(),
        kwargs=lambda w: {
            "pk": w.cluster_a.pk,
            "entry_pk": w.cluster_a.roster.get(user=w.partner).pk,
        },
    ),
    "clusters:need_add": Rule(get=managers(), post=managers(), kwargs=_cluster),
    "clusters:meetings": Rule(get=readers(), post=WRONG_METHOD, kwargs=_cluster),
    "clusters:meeting_create": Rule(get=managers(), post=managers(), kwargs=_cluster),
    "clusters:meeting_detail": Rule(get=readers(), post=WRONG_METHOD, kwargs=_meeting_kwargs),
    "clusters:meeting_edit": Rule(get=managers(), post=managers(), kwargs=_meeting_kwargs),
    # Cancelling redirects back to the meeting.
    "clusters:meeting_cancel": Rule(get=WRONG_METHOD, post=managers(302), kwargs=_meeting_kwargs),
    # Only invitees (coordinator, partner) may reply; an empty reply re-renders with an error.
    # Readers who are not invited, managers and admins included, get 403.
    "clusters:meeting_reply": Rule(
        get=WRONG_METHOD,
        post=statuses(404, coordinator=200, partner=200, viewer=403, manager=403, admin=403),
        kwargs=_meeting_kwargs,
    ),
    "clusters:meeting_attendance": Rule(get=managers(), post=managers(), kwargs=_meeting_kwargs),
    # The reply link in an invitation: the signed token is the authorisation, with or without
    # a login. GET shows the choice; an empty POST re-renders it with an error (200).
    "clusters:meeting_rsvp": Rule(
        get={p: 200 for p in PERSONAS}, post={p: 200 for p in PERSONAS}, kwargs=_rsvp_token
    ),
    # Shared-need proposals name members and their scores: managers only. An empty POST to
    # the page or to accept re-renders it with the errors; dismiss and restore redirect back.
    "clusters:shared_needs": Rule(get=managers(), post=managers(), kwargs=_cluster),
    "clusters:shared_need_accept": Rule(get=WRONG_METHOD, post=managers(), kwargs=_cluster),
    "clusters:shared_need_dismiss": Rule(get=WRONG_METHOD, post=managers(302), kwargs=_cluster),
    "clusters:shared_need_restore": Rule(get=WRONG_METHOD, post=managers(302), kwargs=_cluster),
    # Exports: whoever may read the cluster page; the roster import: its managers (an empty
    # POST re-renders the upload form with its error).
    "clusters:roster_export": Rule(
        get=readers(), post=WRONG_METHOD, kwargs=lambda w: {**_cluster(w), "fmt": "xlsx"}
    ),
    "clusters:meetings_export": Rule(
        get=readers(), post=WRONG_METHOD, kwargs=lambda w: {**_cluster(w), "fmt": "csv"}
    ),
    "clusters:roster_import": Rule(get=managers(), post=managers(), kwargs=_cluster),
}
