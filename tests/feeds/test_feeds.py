"""The iCalendar feeds: what a person's and a cluster's calendar hold, and who may read them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from clusters.models import MeetingStatus, Reply
from innocities.feeds.services import calendar_token_for, calendar_token_reset
from programs.models import ItemStatus, ProgramStatus
from tests import factories as f
from tests.feeds.helpers import cluster_feed_url, events, feed_url, fetch

SITE = "https://portal.example.se"


def uid(kind: str, obj) -> str:
    return f"{kind}-{obj.pk}@innocities"


@pytest.fixture
def calendar_world(world):
    """The coordinator's world with one of each kind of event, and near misses."""
    now = timezone.now()
    today = timezone.localdate()
    w = world
    w.meeting = f.MeetingFactory(cluster=w.cluster_a, title="Kick-off", online_url="")
    f.MeetingParticipantFactory(meeting=w.meeting, user=w.coordinator, reply=Reply.ACCEPTED)
    w.cancelled = f.MeetingFactory(
        cluster=w.cluster_a, title="Study visit", status=MeetingStatus.CANCELLED
    )
    f.MeetingParticipantFactory(meeting=w.cancelled, user=w.coordinator)
    w.declined = f.MeetingFactory(cluster=w.cluster_a, title="Declined one")
    f.MeetingParticipantFactory(meeting=w.declined, user=w.coordinator, reply=Reply.DECLINED)
    w.not_invited = f.MeetingFactory(cluster=w.cluster_a, title="Not invited")
    w.too_old = f.MeetingFactory(
        cluster=w.cluster_a,
        title="Long ago",
        starts_at=now - dt.timedelta(days=200),
    )
    f.MeetingParticipantFactory(meeting=w.too_old, user=w.coordinator)
    # Invited to a meeting of a cluster the coordinator cannot read: never in the feed.
    w.other_cluster_meeting = f.MeetingFactory(cluster=w.cluster_b, title="Lerum only")
    f.MeetingParticipantFactory(meeting=w.other_cluster_meeting, user=w.coordinator)
    w.task = w.program.tasks.get(title="Map the innovation culture")
    w.milestone = w.program.milestones.get(title="Culture baseline agreed")
    w.done_task = f.TaskFactory(
        program=w.program,
        owner=w.coordinator,
        status=ItemStatus.DONE,
        percent=100,
        completed_on=today,
    )
    w.old_task = f.TaskFactory(
        program=w.program, owner=w.coordinator, due_on=today - dt.timedelta(days=200)
    )
    w.overdue_task = f.TaskFactory(
        program=w.program, owner=w.coordinator, due_on=today - dt.timedelta(days=20)
    )
    w.other_task = w.other_program.tasks.get()
    return w


@override_settings(SITE_URL=SITE)
def test_personal_feed_parses_and_holds_the_persons_meetings_and_due_dates(calendar_world):
    w = calendar_world
    calendar = fetch(feed_url(w.coordinator))

    assert str(calendar["VERSION"]) == "2.0"
    assert "Innocities" in str(calendar["PRODID"])
    assert "Cora Coordinator" in str(calendar["X-WR-CALNAME"])
    assert calendar["REFRESH-INTERVAL"].dt == dt.timedelta(hours=1)
    assert set(events(calendar)) == {
        uid("meeting", w.meeting),
        uid("meeting", w.cancelled),
        uid("task", w.task),
        uid("task", w.overdue_task),
        uid("milestone", w.milestone),
    }


@override_settings(SITE_URL=SITE)
def test_meeting_event_has_utc_times_place_agenda_and_link(calendar_world):
    w = calendar_world
    event = events(fetch(feed_url(w.coordinator)))[uid("meeting", w.meeting)]
    assert event["DTSTART"].dt == w.meeting.starts_at.replace(microsecond=0)
    assert event["DTSTART"].dt.utcoffset() == dt.timedelta(0)
    assert event["DTEND"].dt == w.meeting.ends_at.replace(microsecond=0)
    start = w.meeting.starts_at.astimezone(dt.UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in event.to_ical().decode()
    assert str(event["SUMMARY"]) == "Kick-off"
    assert str(event["LOCATION"]) == "Stadshuset"
    assert str(event["STATUS"]) == "CONFIRMED"
    link = f"{SITE}/clusters/{w.cluster_a.pk}/meetings/{w.meeting.pk}/"
    assert str(event["URL"]) == link
    assert "Shared needs" in str(event["DESCRIPTION"]) and link in str(event["DESCRIPTION"])


def test_online_meeting_has_its_link_as_location(world):
    meeting = f.MeetingFactory(
        cluster=world.cluster_a, location="", online_url="https://meet.example.se/abc"
    )
    event = events(fetch(feed_url(world.manager)))[uid("meeting", meeting)]
    assert str(event["LOCATION"]) == "https://meet.example.se/abc"


def test_cancelled_meeting_appears_as_cancelled(calendar_world):
    w = calendar_world
    event = events(fetch(feed_url(w.coordinator)))[uid("meeting", w.cancelled)]
    assert str(event["STATUS"]) == "CANCELLED"


@override_settings(SITE_URL=SITE)
def test_task_and_milestone_due_dates_are_all_day_events(calendar_world):
    w = calendar_world
    found = events(fetch(feed_url(w.coordinator)))
    for kind, item in (("task", w.task), ("milestone", w.milestone)):
        event = found[uid(kind, item)]
        assert event["DTSTART"].dt == item.due_on
        assert not isinstance(event["DTSTART"].dt, dt.datetime)
        assert event["DTEND"].dt == item.due_on + dt.timedelta(days=1)
        assert "DTSTART;VALUE=DATE:" in event.to_ical().decode()
        assert str(event["SUMMARY"]) == f"Due: {item.title}"
        assert str(event["URL"]) == f"{SITE}/programmes/{w.program.pk}/"


def test_feed_is_in_the_owners_language(calendar_world):
    w = calendar_world
    w.coordinator.language = "sv"
    w.coordinator.save()
    event = events(fetch(feed_url(w.coordinator)))[uid("task", w.task)]
    assert str(event["SUMMARY"]) == f"Förfaller: {w.task.title}"


def test_feed_leaves_out_other_peoples_items_and_unreadable_clusters(calendar_world):
    w = calendar_world
    found = events(fetch(feed_url(w.coordinator)))
    for kind, obj in (
        ("meeting", w.declined),
        ("meeting", w.not_invited),
        ("meeting", w.too_old),
        ("meeting", w.other_cluster_meeting),
        ("task", w.done_task),
        ("task", w.old_task),
        ("task", w.other_task),
    ):
        assert uid(kind, obj) not in found, obj


def test_items_of_paused_programmes_stay_but_cancelled_programmes_drop_out(calendar_world):
    w = calendar_world
    w.program.status = ProgramStatus.CANCELLED
    w.program.save()
    found = events(fetch(feed_url(w.coordinator)))
    assert uid("task", w.task) not in found
    w.program.status = ProgramStatus.PAUSED
    w.program.save()
    assert uid("task", w.task) in events(fetch(feed_url(w.coordinator)))


def test_owner_sees_their_task_in_a_programme_they_do_not_coordinate(world):
    # The viewer owns a task in Ale's programme, which they can read.
    task = f.TaskFactory(program=world.program, owner=world.viewer)
    found = events(fetch(feed_url(world.viewer)))
    assert set(found) == {uid("task", task)}


def test_manager_sees_every_meeting_of_their_clusters_without_invitation(calendar_world):
    w = calendar_world
    found = events(fetch(feed_url(w.manager)))
    assert uid("meeting", w.not_invited) in found
    assert uid("meeting", w.declined) in found
    assert uid("meeting", w.other_cluster_meeting) not in found
    assert not any(key.startswith(("task-", "milestone-")) for key in found)


def test_uids_are_stable_and_sequence_grows_when_a_meeting_changes(calendar_world):
    w = calendar_world
    url = feed_url(w.coordinator)
    first = events(fetch(url))
    second = events(fetch(url))
    assert set(first) == set(second)
    before = int(first[uid("meeting", w.meeting)]["SEQUENCE"])
    stamp = first[uid("meeting", w.meeting)]["DTSTAMP"].dt
    assert second[uid("meeting", w.meeting)]["DTSTAMP"].dt == stamp

    w.meeting.starts_at += dt.timedelta(hours=1)
    w.meeting.ends_at += dt.timedelta(hours=1)
    w.meeting.save()
    after = events(fetch(url))[uid("meeting", w.meeting)]
    assert int(after["SEQUENCE"]) == before + 1
    assert after["DTSTART"].dt == w.meeting.starts_at.replace(microsecond=0)


def test_wrong_token_is_404(db):
    response = Client().get(reverse("feeds:user", kwargs={"token": "x" * 43}))
    assert response.status_code == 404


def test_deactivated_persons_feed_is_404(world):
    url = feed_url(world.coordinator)
    world.coordinator.is_active = False
    world.coordinator.save()
    assert Client().get(url).status_code == 404


def test_reset_token_kills_the_old_url_and_the_new_one_works(calendar_world):
    w = calendar_world
    old_user_url = feed_url(w.coordinator)
    old_cluster_url = cluster_feed_url(w.coordinator, w.cluster_a)
    calendar_token_reset(user=w.coordinator)
    assert Client().get(old_user_url).status_code == 404
    assert Client().get(old_cluster_url).status_code == 404
    assert uid("task", w.task) in events(fetch(feed_url(w.coordinator)))
    fetch(cluster_feed_url(w.coordinator, w.cluster_a))


def test_feed_answers_post_with_405(world):
    assert Client().post(feed_url(world.coordinator)).status_code == 405
    assert Client().post(cluster_feed_url(world.coordinator, world.cluster_a)).status_code == 405


def test_feed_does_not_depend_on_who_is_logged_in(world, as_persona):
    # The token is the credential: any client, with or without a session, reads the same feed.
    url = feed_url(world.coordinator)
    assert as_persona("other_coordinator").get(url).content == Client().get(url).content


# --- the cluster feed -----------------------------------------------------------------------


def test_cluster_feed_holds_all_meetings_of_the_cluster(calendar_world):
    w = calendar_world
    found = events(fetch(cluster_feed_url(w.coordinator, w.cluster_a)))
    assert set(found) == {
        uid("meeting", m) for m in (w.meeting, w.cancelled, w.declined, w.not_invited)
    }
    assert str(found[uid("meeting", w.cancelled)]["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("persona", "cluster", "status"),
    [
        ("coordinator", "cluster_a", 200),
        ("viewer", "cluster_a", 200),
        ("partner", "cluster_a", 200),
        ("manager", "cluster_a", 200),
        ("admin", "cluster_b", 200),
        ("coordinator", "cluster_b", 404),
        ("partner", "cluster_b", 404),
        ("manager", "cluster_b", 404),
        ("other_manager", "cluster_a", 404),
        ("outsider", "cluster_a", 404),
    ],
)
def test_cluster_feed_is_404_unless_the_tokens_owner_can_read_the_cluster(
    world, persona, cluster, status
):
    url = cluster_feed_url(getattr(world, persona), getattr(world, cluster))
    assert Client().get(url).status_code == status


def test_cluster_feed_of_a_missing_cluster_is_404(world):
    secret = calendar_token_for(world.admin).secret
    url = reverse("feeds:cluster", kwargs={"pk": 999999, "token": secret})
    assert Client().get(url).status_code == 404


def test_cluster_feed_with_a_wrong_token_is_404(world):
    url = reverse("feeds:cluster", kwargs={"pk": world.cluster_a.pk, "token": "y" * 43})
    assert Client().get(url).status_code == 404
