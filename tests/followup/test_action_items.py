"""Action items of a meeting become tasks where their owner works, linked both ways, and are
reminded like tasks; editing and removing an item keeps its task in step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from innocities.notifications.models import Notification, NotificationStatus
from innocities.notifications.services import reminders_scan
from programs.followup.models import ActionItem, ClusterTask
from programs.followup.services import (
    action_item_add,
    action_item_remove,
    action_item_update,
    cluster_task_set_status,
)
from programs.models import ItemStatus, Task
from programs.services import task_update
from tests import factories as f
from tests.conftest import client_for
from tests.notifications.conftest import at, default_rules  # noqa: F401 (a fixture)

TODAY = timezone.localdate()
DUE = TODAY + dt.timedelta(days=20)


@pytest.fixture
def meeting(world):
    """A meeting of cluster A that started yesterday, the coordinator and partner invited."""
    started = timezone.now() - dt.timedelta(days=1)
    meeting = f.MeetingFactory(
        cluster=world.cluster_a,
        title="Spring network meeting",
        starts_at=started,
        ends_at=started + dt.timedelta(hours=2),
    )
    f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    f.MeetingParticipantFactory(meeting=meeting, user=world.partner)
    return meeting


def _follow_up_url(meeting) -> str:
    return reverse("followup:meeting", kwargs={"pk": meeting.cluster_id, "meeting_pk": meeting.pk})


def _add(meeting, owner, *, text="Share the pilot plan", due_on=DUE, actor=None) -> ActionItem:
    return action_item_add(meeting=meeting, text=text, owner=owner, due_on=due_on, actor=actor)


def test_coordinators_action_item_becomes_a_task_in_their_programme_linked_both_ways(
    world, meeting
):
    response = client_for(world, "manager").post(
        reverse("followup:item_add", kwargs={"pk": world.cluster_a.pk, "meeting_pk": meeting.pk}),
        {"text": "Share the pilot plan", "owner": world.coordinator.pk, "due_on": DUE},
    )
    assert response.status_code == 302
    item = ActionItem.objects.get(meeting=meeting)
    task = item.task
    assert item.cluster_task is None
    assert (task.program, task.title, task.owner, task.due_on, task.status) == (
        world.program,
        "Share the pilot plan",
        world.coordinator,
        DUE,
        ItemStatus.TODO,
    )
    assert task.module is None  # in the programme's loose tasks, always on its page

    programme_page = client_for(world, "coordinator").get(
        reverse("programs:detail", kwargs={"pk": world.program.pk})
    )
    html = programme_page.content.decode()
    assert "Share the pilot plan" in html
    assert "From the meeting" in html and _follow_up_url(meeting) in html

    follow_up = client_for(world, "coordinator").get(_follow_up_url(meeting)).content.decode()
    assert "Share the pilot plan" in follow_up
    assert "To do" in follow_up and "Task in Ale innovates" in follow_up

    task_update(task=task, actor=world.coordinator, status=ItemStatus.DONE)
    follow_up = client_for(world, "manager").get(_follow_up_url(meeting)).content.decode()
    assert "Done" in follow_up


def test_managers_action_item_becomes_a_cluster_task_on_their_list(world, meeting):
    item = _add(meeting, world.manager, text="Book the study visit")
    assert item.task is None
    cluster_task = item.cluster_task
    assert (cluster_task.cluster, cluster_task.owner, cluster_task.due_on) == (
        world.cluster_a,
        world.manager,
        DUE,
    )
    page = client_for(world, "manager").get(
        reverse("followup:cluster_tasks", kwargs={"pk": world.cluster_a.pk})
    )
    html = page.content.decode()
    assert "Book the study visit" in html and _follow_up_url(meeting) in html


def test_an_owner_without_a_programme_gets_a_cluster_task(world, meeting):
    assert _add(meeting, world.partner).cluster_task is not None
    # Alingsås is a member with no programme: its people's items are the cluster's too.
    alingsas_person = f.UserFactory()
    f.MunicipalityMembershipFactory(user=alingsas_person, municipality=world.alingsas)
    assert _add(meeting, alingsas_person).cluster_task is not None


def test_only_the_clusters_people_own_action_items(world, meeting):
    with pytest.raises(ValidationError):
        _add(meeting, world.other_coordinator)


def test_action_items_wait_for_the_meeting_to_start(world):
    coming = f.MeetingFactory(cluster=world.cluster_a)
    with pytest.raises(ValidationError):
        _add(coming, world.coordinator)
    assert not Task.objects.filter(title="Share the pilot plan").exists()


@pytest.mark.usefixtures("default_rules")
def test_the_task_is_reminded_on_its_due_date(world, meeting):
    task = _add(meeting, world.coordinator).task
    reminders_scan(now=at(DUE))
    row = Notification.objects.get(
        content_type=ContentType.objects.get_for_model(Task), object_id=task.pk
    )
    assert (row.rule.code, row.recipient, row.occurrence, row.program) == (
        "task-0",
        world.coordinator,
        DUE.isoformat(),
        world.program,
    )


@pytest.mark.usefixtures("default_rules")
def test_a_cluster_task_is_reminded_on_its_due_date_and_no_longer_once_done(world, meeting):
    cluster_task = _add(meeting, world.manager).cluster_task
    reminders_scan(now=at(DUE - dt.timedelta(days=1), hour=6))
    row = Notification.objects.get(
        content_type=ContentType.objects.get_for_model(ClusterTask), object_id=cluster_task.pk
    )
    assert (row.rule.code, row.recipient, row.occurrence) == (
        "task-1",
        world.manager,
        DUE.isoformat(),
    )
    assert row.url.startswith(reverse("followup:cluster_tasks", kwargs={"pk": world.cluster_a.pk}))
    assert row.status == NotificationStatus.PENDING

    cluster_task_set_status(task=cluster_task, status=ItemStatus.DONE, actor=world.manager)
    result = reminders_scan(now=at(DUE - dt.timedelta(days=1), hour=6, minute=5))
    row.refresh_from_db()
    assert row.status == NotificationStatus.CANCELLED and result.cancelled == 1


@pytest.mark.usefixtures("default_rules")
def test_a_cluster_task_does_not_retire_the_programme_task_with_its_id(world, meeting):
    """Tasks and cluster tasks share the reminders' category; their ids may coincide."""
    task = _add(meeting, world.coordinator, text="Open task", due_on=DUE).task
    cluster_task = _add(meeting, world.manager, due_on=DUE).cluster_task
    ActionItem.objects.filter(cluster_task=cluster_task).update(cluster_task=None)
    ClusterTask.objects.filter(pk=cluster_task.pk).update(id=task.pk)
    reminders_scan(now=at(DUE - dt.timedelta(days=1), hour=6))
    rows = Notification.objects.filter(object_id=task.pk, occurrence=DUE.isoformat())
    assert rows.count() == 2
    ClusterTask.objects.filter(pk=task.pk).update(status=ItemStatus.DONE, completed_on=TODAY)
    reminders_scan(now=at(DUE - dt.timedelta(days=1), hour=6, minute=5))
    statuses = dict(rows.values_list("content_type__model", "status"))
    assert statuses == {"task": NotificationStatus.PENDING, "clustertask": "cancelled"}


@pytest.mark.usefixtures("default_rules")
def test_editing_the_due_date_moves_the_task_and_its_reminder(world, meeting):
    item = _add(meeting, world.coordinator)
    reminders_scan(now=at(DUE - dt.timedelta(days=7), hour=6))
    old = Notification.objects.get(object_id=item.task_id, rule__code="task-7")
    later = DUE + dt.timedelta(days=3)

    response = client_for(world, "manager").post(
        reverse(
            "followup:item_edit",
            kwargs={"pk": world.cluster_a.pk, "meeting_pk": meeting.pk, "item_pk": item.pk},
        ),
        {"text": "Share the pilot plan", "owner": world.coordinator.pk, "due_on": later},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    task = Task.objects.get(pk=item.task_id)
    assert task.due_on == later and task.status == ItemStatus.TODO

    reminders_scan(now=at(later - dt.timedelta(days=7), hour=6))
    old.refresh_from_db()
    assert old.status == NotificationStatus.SUPERSEDED
    assert (
        Notification.objects.get(
            object_id=task.pk, rule__code="task-7", occurrence=later.isoformat()
        ).status
        == NotificationStatus.PENDING
    )


def test_a_new_owner_elsewhere_moves_the_open_task(world, meeting):
    item = _add(meeting, world.coordinator)
    old_task = item.task
    item = action_item_update(
        item=item, text="Share the pilot plan", owner=world.manager, due_on=DUE, actor=None
    )
    old_task.refresh_from_db()
    assert old_task.status == ItemStatus.CANCELLED
    assert item.task is None and item.cluster_task.owner == world.manager


def test_a_done_task_stays_done_when_its_item_changes_or_goes(world, meeting):
    item = _add(meeting, world.coordinator)
    task_update(task=item.task, actor=world.coordinator, status=ItemStatus.DONE)
    item = action_item_update(
        item=item,
        text="Share the pilot plan with Alingsås",
        owner=world.manager,
        due_on=DUE + dt.timedelta(days=5),
        actor=None,
    )
    task = Task.objects.get(pk=item.task_id)
    assert (task.status, task.title, task.due_on) == (ItemStatus.DONE, "Share the pilot plan", DUE)
    assert item.cluster_task is None
    action_item_remove(item=item, actor=None)
    task.refresh_from_db()
    assert task.status == ItemStatus.DONE


def test_removing_an_item_cancels_its_open_task_and_keeps_the_record(world, meeting):
    item = _add(meeting, world.coordinator)
    client_for(world, "manager").post(
        reverse(
            "followup:item_remove",
            kwargs={"pk": world.cluster_a.pk, "meeting_pk": meeting.pk, "item_pk": item.pk},
        )
    )
    item.refresh_from_db()
    assert item.removed_at is not None
    assert Task.objects.get(pk=item.task_id).status == ItemStatus.CANCELLED
    with pytest.raises(ValidationError):
        action_item_update(item=item, text="Again", owner=world.coordinator, due_on=DUE, actor=None)


def test_a_manager_records_the_minutes(world, meeting):
    response = client_for(world, "manager").post(
        _follow_up_url(meeting), {"minutes": "We agreed on a joint pilot."}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "We agreed on a joint pilot."


def test_readers_see_the_follow_up_without_forms(world, meeting):
    _add(meeting, world.coordinator)
    html = client_for(world, "viewer").get(_follow_up_url(meeting)).content.decode()
    assert "Share the pilot plan" in html
    assert "Record the action item" not in html and "Save the minutes" not in html


def test_the_meeting_page_links_to_the_follow_up_once_started(world, meeting):
    url = reverse(
        "clusters:meeting_detail", kwargs={"pk": world.cluster_a.pk, "meeting_pk": meeting.pk}
    )
    assert _follow_up_url(meeting) in client_for(world, "viewer").get(url).content.decode()
    coming = f.MeetingFactory(cluster=world.cluster_a)
    url = reverse(
        "clusters:meeting_detail", kwargs={"pk": world.cluster_a.pk, "meeting_pk": coming.pk}
    )
    assert _follow_up_url(coming) not in client_for(world, "viewer").get(url).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_follow_up_page_costs_the_same_queries_however_many_items(
    world, meeting, django_assert_max_num_queries
):
    client = client_for(world, "manager")
    url = _follow_up_url(meeting)
    _add(meeting, world.coordinator)
    _add(meeting, world.manager)
    client.get(url)  # warm the session and content-type caches
    few = _queries(client, url)
    for n in range(4):
        _add(meeting, world.coordinator, text=f"Item {n}")
        _add(meeting, world.partner, text=f"Cluster item {n}")
        f.MeetingParticipantFactory(meeting=meeting, user=f.UserFactory())
    action_item_remove(item=ActionItem.objects.filter(meeting=meeting).last(), actor=None)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(few):
        client.get(url)


def test_the_managers_dashboard_lists_open_cluster_tasks(world, meeting):
    _add(meeting, world.manager, text="Book the study visit")
    done = _add(meeting, world.partner, text="Send the photos").cluster_task
    cluster_task_set_status(task=done, status=ItemStatus.DONE, actor=world.manager)
    html = client_for(world, "manager").get(reverse("portal:dashboard")).content.decode()
    assert "Book the study visit" in html and "Send the photos" not in html
    assert "Book the study visit" not in (
        client_for(world, "other_manager").get(reverse("portal:dashboard")).content.decode()
    )


def test_before_the_meeting_starts_the_refusal_is_a_message(world):
    coming = f.MeetingFactory(cluster=world.cluster_a)
    response = client_for(world, "manager").post(
        reverse("followup:item_add", kwargs={"pk": world.cluster_a.pk, "meeting_pk": coming.pk}),
        {"text": "Too early", "owner": world.coordinator.pk, "due_on": DUE},
    )
    assert response.status_code == 200
    assert "once the meeting has started" in response.content.decode()
    assert not ActionItem.objects.filter(meeting=coming).exists()


def test_the_edit_form_shows_the_item(world, meeting):
    item = _add(meeting, world.coordinator)
    html = (
        client_for(world, "manager")
        .get(
            reverse(
                "followup:item_edit",
                kwargs={"pk": world.cluster_a.pk, "meeting_pk": meeting.pk, "item_pk": item.pk},
            )
        )
        .content.decode()
    )
    assert 'value="Share the pilot plan"' in html and f'value="{DUE.isoformat()}"' in html
    assert f'<option value="{world.coordinator.pk}" selected>' in html
