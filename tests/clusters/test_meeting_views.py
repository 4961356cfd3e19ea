"""Meetings: list, detail, create and edit, cancel, replies and attendance."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import Attendance, Meeting, MeetingStatus, Reply, RosterRole
from tests import factories as f

UTC = dt.UTC


@pytest.fixture(autouse=True)
def ale_on_the_roster(world):
    """Ale's coordinator and viewer are on cluster A's roster as municipal contacts: the
    meeting form invites the people of the roster."""
    for person in (world.coordinator, world.viewer):
        f.RosterEntryFactory(
            cluster=world.cluster_a,
            user=person,
            role=RosterRole.MUNICIPAL_CONTACT,
            municipality=world.ale,
        )


@pytest.fixture
def meeting(world):
    """A coming meeting of cluster A; the coordinator and the partner are invited."""
    meeting = f.MeetingFactory(cluster=world.cluster_a, title="Kick-off")
    f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    f.MeetingParticipantFactory(meeting=meeting, user=world.partner)
    return meeting


def url(name: str, world, meeting=None) -> str:
    kwargs = {"pk": world.cluster_a.pk}
    if meeting is not None:
        kwargs["meeting_pk"] = meeting.pk
    return reverse(f"clusters:{name}", kwargs=kwargs)


def form_data(world, **overrides) -> dict:
    data = {
        "kind": "workshop",
        "title": "Foresight workshop",
        "starts_at": "2030-06-03T09:00",
        "ends_at": "2030-06-03T12:00",
        "location": "Ale kulturhus",
        "online_url": "",
        "agenda": "1. Scenarios",
        "invitees": [world.coordinator.pk, world.partner.pk],
    }
    data.update(overrides)
    return data


# --- list and detail -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner", "manager", "admin"])
def test_readers_see_the_meetings_and_a_meeting(world, as_persona, meeting, persona):
    client = as_persona(persona)
    listing = client.get(url("meetings", world))
    assert listing.status_code == 200
    assert [m.title for m in listing.context["coming_meetings"]] == ["Kick-off"]
    detail = client.get(url("meeting_detail", world, meeting))
    assert detail.status_code == 200
    content = detail.content.decode()
    assert "Cora Coordinator" in content and "Per Partner" in content


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "other_manager"])
def test_meetings_are_404_outside_the_cluster(world, as_persona, meeting, persona):
    client = as_persona(persona)
    assert client.get(url("meetings", world)).status_code == 404
    assert client.get(url("meeting_detail", world, meeting)).status_code == 404


def test_a_meeting_of_another_cluster_is_404_through_this_cluster(world, as_persona):
    other = f.MeetingFactory(cluster=world.cluster_b)
    response = as_persona("manager").get(url("meeting_detail", world, other))
    assert response.status_code == 404


def test_meeting_pages_answer_405_to_post(world, as_persona, meeting):
    client = as_persona("manager")
    assert client.post(url("meetings", world)).status_code == 405
    assert client.post(url("meeting_detail", world, meeting)).status_code == 405


def test_past_meetings_are_listed_latest_first(world, as_persona):
    now = timezone.now()
    for days, title in ((40, "Older"), (10, "Recent")):
        f.MeetingFactory(
            cluster=world.cluster_a,
            title=title,
            starts_at=now - dt.timedelta(days=days),
            ends_at=now - dt.timedelta(days=days) + dt.timedelta(hours=2),
        )
    response = as_persona("viewer").get(url("meetings", world))
    assert [m.title for m in response.context["past_meetings"]] == ["Recent", "Older"]


def test_times_are_shown_in_the_persons_time_zone(world, as_persona):
    world.viewer.time_zone = "America/New_York"
    world.viewer.save()
    meeting = f.MeetingFactory(
        cluster=world.cluster_a,
        starts_at=dt.datetime(2030, 1, 10, 15, 0, tzinfo=UTC),
        ends_at=dt.datetime(2030, 1, 10, 17, 0, tzinfo=UTC),
    )
    content = as_persona("viewer").get(url("meeting_detail", world, meeting)).content.decode()
    assert "10:00" in content  # 15:00 UTC is 10:00 in New York in January
    assert "America/New_York" in content


# --- create and edit -------------------------------------------------------------------------


def test_manager_creates_a_meeting_entered_in_their_time_zone(world, as_persona):
    world.manager.time_zone = "America/New_York"
    world.manager.save()
    response = as_persona("manager").post(url("meeting_create", world), form_data(world))
    meeting = world.cluster_a.meetings.get()
    assert response.status_code == 302
    assert response["Location"] == url("meeting_detail", world, meeting)
    assert meeting.starts_at == dt.datetime(2030, 6, 3, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert meeting.created_by == world.manager
    assert set(meeting.participants.values_list("user_id", flat=True)) == {
        world.coordinator.pk,
        world.partner.pk,
    }
    assert meeting.history.get().history_user == world.manager


def test_invitees_are_the_people_on_the_clusters_roster(world, as_persona):
    response = as_persona("manager").get(url("meeting_create", world))
    people = set(response.context["form"].fields["invitees"].queryset)
    assert people == {world.manager, world.partner, world.coordinator, world.viewer}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2030-06-03T08:00"}, "ends_at"),  # ends before it starts
        ({"ends_at": "2030-06-03T09:00"}, "ends_at"),  # ends when it starts
        ({"title": "x" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"starts_at": ""}, "starts_at"),
        ({"online_url": "not a link at all"}, "online_url"),
        ({"kind": "party"}, "kind"),
        ({"invitees": ["outsider"]}, "invitees"),  # not one of the cluster's people
    ],
)
def test_bad_meeting_input_re_renders_and_saves_nothing(world, as_persona, overrides, field):
    if overrides.get("invitees") == ["outsider"]:
        overrides = {"invitees": [world.outsider.pk]}
    response = as_persona("manager").post(
        url("meeting_create", world), form_data(world, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_end_before_start_says_so(world, as_persona):
    response = as_persona("manager").post(
        url("meeting_create", world), form_data(world, ends_at="2030-06-03T08:00")
    )
    assert "The meeting must end after it starts." in response.content.decode()


def test_manager_edits_a_meeting_and_keeps_invitees_who_replied(world, as_persona, meeting):
    meeting.participants.filter(user=world.partner).update(reply=Reply.ACCEPTED)
    meeting.minutes = "Written after the meeting."
    meeting.save()
    response = as_persona("manager").post(
        url("meeting_edit", world, meeting),
        # Minutes belong to the follow-up after the meeting: the planning form ignores them.
        form_data(
            world, title="Kick-off (moved)", minutes="Overwritten?", invitees=[world.viewer.pk]
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.minutes) == ("Kick-off (moved)", "Written after the meeting.")
    invited = set(meeting.participants.values_list("user_id", flat=True))
    assert invited == {world.partner.pk, world.viewer.pk}  # the coordinator had not replied


def test_the_edit_form_shows_the_saved_times_and_invitees(world, as_persona, meeting):
    response = as_persona("manager").get(url("meeting_edit", world, meeting))
    form = response.context["form"]
    assert set(form.initial["invitees"]) == {world.coordinator.pk, world.partner.pk}
    local = timezone.localtime(meeting.starts_at, ZoneInfo("Europe/Stockholm"))
    assert local.strftime("%Y-%m-%dT%H:%M") in response.content.decode()


def test_a_refused_edit_keeps_the_saved_title_in_the_heading(world, as_persona, meeting):
    response = as_persona("manager").post(
        url("meeting_edit", world, meeting), form_data(world, title="x" * 201)
    )
    assert response.status_code == 200
    assert "Edit “Kick-off”" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Kick-off"


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner"])
def test_readers_may_not_plan_meetings(world, as_persona, meeting, persona):
    client = as_persona(persona)
    assert client.get(url("meeting_create", world)).status_code == 403
    assert client.post(url("meeting_create", world), form_data(world)).status_code == 403
    assert client.get(url("meeting_edit", world, meeting)).status_code == 403
    assert client.post(url("meeting_cancel", world, meeting)).status_code == 403
    assert client.get(url("meeting_attendance", world, meeting)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


@pytest.mark.parametrize("persona", ["outsider", "other_manager"])
def test_outsiders_cannot_plan_meetings(world, as_persona, meeting, persona):
    client = as_persona(persona)
    assert client.get(url("meeting_create", world)).status_code == 404
    assert client.post(url("meeting_edit", world, meeting), form_data(world)).status_code == 404
    assert client.post(url("meeting_cancel", world, meeting)).status_code == 404


def test_meeting_forms_answer_405_to_other_methods(world, as_persona, meeting):
    client = as_persona("manager")
    assert client.put(url("meeting_create", world)).status_code == 405
    assert client.delete(url("meeting_edit", world, meeting)).status_code == 405
    assert client.get(url("meeting_cancel", world, meeting)).status_code == 405
    assert client.put(url("meeting_attendance", world, meeting)).status_code == 405


# --- cancel ----------------------------------------------------------------------------------


def test_manager_cancels_a_meeting(world, as_persona, meeting):
    client = as_persona("manager")
    response = client.post(url("meeting_cancel", world, meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    again = client.post(url("meeting_cancel", world, meeting), follow=True)
    assert "already cancelled" in again.content.decode()


# --- replies ---------------------------------------------------------------------------------


def test_an_invitee_accepts(world, as_persona, meeting):
    response = as_persona("coordinator").post(
        url("meeting_reply", world, meeting), {"reply": "accepted"}
    )
    assert response.status_code == 302
    participant = meeting.participants.get(user=world.coordinator)
    assert participant.reply == Reply.ACCEPTED
    assert participant.replied_at is not None


def test_an_invitee_declines_with_htmx_and_gets_the_reply_box_back(world, as_persona, meeting):
    response = as_persona("partner").post(
        url("meeting_reply", world, meeting), {"reply": "declined"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["clusters/_meeting_reply.html"]
    assert "You declined." in response.content.decode()
    assert meeting.participants.get(user=world.partner).reply == Reply.DECLINED


@pytest.mark.parametrize("value", ["", "maybe", "invited"])
def test_a_bad_reply_re_renders_and_saves_nothing(world, as_persona, meeting, value):
    response = as_persona("coordinator").post(
        url("meeting_reply", world, meeting), {"reply": value}
    )
    assert response.status_code == 200
    assert response.context["reply_form"].errors
    assert meeting.participants.get(user=world.coordinator).reply == Reply.INVITED


def test_nobody_replies_to_a_cancelled_meeting(world, as_persona, meeting):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    response = as_persona("coordinator").post(
        url("meeting_reply", world, meeting), {"reply": "accepted"}
    )
    assert response.status_code == 200
    assert "cancelled" in response.content.decode()
    assert meeting.participants.get(user=world.coordinator).reply == Reply.INVITED


@pytest.mark.parametrize("persona", ["viewer", "manager", "admin"])
def test_a_reader_who_is_not_invited_cannot_reply(world, as_persona, meeting, persona):
    response = as_persona(persona).post(url("meeting_reply", world, meeting), {"reply": "accepted"})
    assert response.status_code == 403


def test_an_outsider_cannot_reply(world, as_persona, meeting):
    f.MeetingParticipantFactory(meeting=meeting, user=world.outsider)  # invited, yet outside
    response = as_persona("outsider").post(
        url("meeting_reply", world, meeting), {"reply": "accepted"}
    )
    assert response.status_code == 404


def test_reply_answers_405_to_get(world, as_persona, meeting):
    assert as_persona("coordinator").get(url("meeting_reply", world, meeting)).status_code == 405


def test_the_invitee_sees_the_reply_buttons_and_others_do_not(world, as_persona, meeting):
    reply_url = url("meeting_reply", world, meeting)
    assert (
        reply_url
        in as_persona("coordinator").get(url("meeting_detail", world, meeting)).content.decode()
    )
    assert (
        reply_url
        not in as_persona("viewer").get(url("meeting_detail", world, meeting)).content.decode()
    )


# --- attendance ------------------------------------------------------------------------------


def test_manager_marks_attendance(world, as_persona, meeting):
    coordinator = meeting.participants.get(user=world.coordinator)
    partner = meeting.participants.get(user=world.partner)
    response = as_persona("manager").post(
        url("meeting_attendance", world, meeting),
        {f"participant_{coordinator.pk}": "attended", f"participant_{partner.pk}": "absent"},
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    partner.refresh_from_db()
    assert (coordinator.attendance, partner.attendance) == (Attendance.ATTENDED, Attendance.ABSENT)


def test_bad_attendance_re_renders_and_saves_nothing(world, as_persona, meeting):
    coordinator = meeting.participants.get(user=world.coordinator)
    partner = meeting.participants.get(user=world.partner)
    response = as_persona("admin").post(
        url("meeting_attendance", world, meeting),
        {f"participant_{coordinator.pk}": "attended", f"participant_{partner.pk}": "asleep"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    coordinator.refresh_from_db()
    assert coordinator.attendance == Attendance.UNKNOWN
