"""Who may reach a meeting's follow-up and the cluster's own tasks (programs.followup).

Everyone who reads cluster A reads a meeting's follow-up; its manager and the admin record
minutes and action items (the others who read it get 403); everyone else gets 404. The
cluster's own task list is the managers'. The meeting below has started and has two action
items: one of Alingsås's coordinator (a task in its programme), one the manager's (a cluster task).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from municipalities.models import MunicipalityRole
from programs.followup.models import ActionItem
from programs.followup.services import action_item_add
from tests import factories as f
from tests.authz import Rule, statuses

WRONG_METHOD = statuses(405)
MEETING = "Cluster kick-off"


def readers(ok: int = 200) -> dict[str, int]:
    return statuses(404, coordinator=ok, viewer=ok, partner=ok, manager=ok, admin=ok)


def managers(ok: int = 200) -> dict[str, int]:
    return statuses(404, coordinator=403, viewer=403, partner=403, manager=ok, admin=ok)


def _items(w: Any) -> tuple[ActionItem, ActionItem]:
    """The meeting's two items, made once per world: the accessibility test asks every rule
    for its URL in one world, and other rules count Ale's tasks (so Alingsås's programme)."""
    existing = list(ActionItem.objects.filter(meeting__cluster=w.cluster_a, meeting__title=MEETING))
    if existing:
        return existing[0], existing[1]
    started = timezone.now() - dt.timedelta(days=1)
    meeting = f.MeetingFactory(
        cluster=w.cluster_a,
        title=MEETING,
        starts_at=started,
        ends_at=started + dt.timedelta(hours=2),
    )
    f.MeetingParticipantFactory(meeting=meeting, user=w.coordinator)
    f.MeetingParticipantFactory(meeting=meeting, user=w.partner)
    alingsas_coordinator = f.UserFactory(full_name="Alva Alingsås")
    f.MunicipalityMembershipFactory(
        user=alingsas_coordinator, municipality=w.alingsas, role=MunicipalityRole.COORDINATOR
    )
    f.ProgramFactory(municipality=w.alingsas, cluster=w.cluster_a, title="Alingsås innovates")
    due = timezone.localdate() + dt.timedelta(days=14)
    programme_item = action_item_add(
        meeting=meeting,
        text="Share the pilot plan",
        owner=alingsas_coordinator,
        due_on=due,
        actor=None,
    )
    managers_item = action_item_add(
        meeting=meeting, text="Book the study visit", owner=w.manager, due_on=due, actor=None
    )
    return programme_item, managers_item


def _meeting(w: Any) -> dict[str, int]:
    item, _other = _items(w)
    return {"pk": w.cluster_a.pk, "meeting_pk": item.meeting_id}


def _item(w: Any) -> dict[str, int]:
    item, _other = _items(w)
    return {"pk": w.cluster_a.pk, "meeting_pk": item.meeting_id, "item_pk": item.pk}


def _cluster(w: Any) -> dict[str, int]:
    _items(w)
    return {"pk": w.cluster_a.pk}


def _cluster_task(w: Any) -> dict[str, int]:
    _item, managers_item = _items(w)
    return {"pk": w.cluster_a.pk, "task_pk": managers_item.cluster_task_id}


RULES = {
    # GET reads; an empty POST (managers) saves empty minutes and redirects back.
    "followup:meeting": Rule(get=readers(), post=managers(302), kwargs=_meeting),
    # An empty POST re-renders the follow-up page with the form's errors.
    "followup:item_add": Rule(get=WRONG_METHOD, post=managers(), kwargs=_meeting),
    "followup:item_edit": Rule(get=managers(), post=managers(), kwargs=_item),
    "followup:item_remove": Rule(get=WRONG_METHOD, post=managers(302), kwargs=_item),
    "followup:cluster_tasks": Rule(get=managers(), post=WRONG_METHOD, kwargs=_cluster),
    # An empty POST says "choose a status" on the list it redirects to.
    "followup:cluster_task_status": Rule(
        get=WRONG_METHOD, post=managers(302), kwargs=_cluster_task
    ),
}
