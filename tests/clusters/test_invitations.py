"""Meetings that invite: the invitee picker, invitations by e-mail with a calendar entry
(received by a real SMTP server and parsed as a mail program would), and reply links."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from clusters import ical, services
from clusters.models import Meeting, MeetingStatus, Reply, RosterRole
from clusters.tasks import send_meeting_mail
from innocities import celery_app
from tests import factories as f
from tests.clusters.helpers import new_municipality

UTC = dt.UTC


# --- a real SMTP server ----------------------------------------------------------------------


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage

    def calendar_part(self) -> EmailMessage:
        parts = [p for p in self.message.walk() if p.get_content_type() == "text/calendar"]
        assert len(parts) == 1, "one calendar entry per e-mail"
        return parts[0]

    @property
    def calendar(self) -> Calendar:
        return Calendar.from_ical(self.calendar_part().get_content())

    @property
    def event(self):
        (event,) = self.calendar.walk("VEVENT")
        return event

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


@dataclass
class Inbox:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]

    def clear(self) -> None:
        self.received.clear()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:
    """An SMTP server on a free local port that Django sends to; tasks run in the test."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://portal.example"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield handler
    finally:
        celery_app.conf.task_always_eager = eager
        controller.stop()


@pytest.fixture(autouse=True)
def roster(world):
    """Ale's coordinator is a municipal contact on cluster A's roster; the partner and the
    manager are on it already (tests/conftest.py). The viewer is not on the roster."""
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=world.coordinator,
        role=RosterRole.MUNICIPAL_CONTACT,
        municipality=world.ale,
    )
    world.coordinator.language = "sv"
    world.coordinator.save()


def url(name: str, world, meeting=None) -> str:
    kwargs = {"pk": world.cluster_a.pk}
    if meeting is not None:
        kwargs["meeting_pk"] = meeting.pk
    return reverse(f"clusters:{name}", kwargs=kwargs)


def form_data(world, **overrides) -> dict:
    data = {
        "kind": "workshop",
        "title": "Foresight workshop",
        "starts_at": "2030-06-03T09:00",  # Stockholm, summer time: 07:00 UTC
        "ends_at": "2030-06-03T12:00",
        "location": "Ale kulturhus",
        "online_url": "",
        "agenda": "1. Scenarios\n2. Next steps",
        "invitees": [world.coordinator.pk, world.partner.pk],
    }
    data.update(overrides)
    return data


@pytest.fixture
def create(world, as_persona, inbox, django_capture_on_commit_callbacks):
    """The manager saves a new meeting through the form; the invitations go out."""

    def create(**overrides) -> Meeting:
        with django_capture_on_commit_callbacks(execute=True):
            response = as_persona("manager").post(
                url("meeting_create", world), form_data(world, **overrides)
            )
        assert response.status_code == 302, response.context["form"].errors
        return world.cluster_a.meetings.get()

    return create


def _attendees(event) -> dict[str, dict[str, str]]:
    found = event.get("attendee")
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in found}


# --- invitations -----------------------------------------------------------------------------


def test_a_new_meeting_sends_each_invitee_a_calendar_request(world, create, inbox):
    meeting = create()
    assert sorted(r.recipients[0] for r in inbox.received) == [
        "coordinator@example.se",
        "partner@example.se",
    ]
    for received in inbox.received:
        part = received.calendar_part()
        assert part.get_param("method") == "REQUEST"
        calendar = received.calendar
        assert calendar["method"] == "REQUEST"
        event = received.event
        assert str(event["uid"]) == f"meeting-{meeting.pk}@portal.example"
        assert event["sequence"] == 0
        assert event.decoded("dtstart") == dt.datetime(2030, 6, 3, 7, 0, tzinfo=UTC)
        assert event.decoded("dtend") == dt.datetime(2030, 6, 3, 10, 0, tzinfo=UTC)
        assert str(event["summary"]) == "Foresight workshop"
        assert str(event["location"]) == "Ale kulturhus"
        assert "1. Scenarios" in str(event["description"])
        assert str(event["url"]).endswith(url("meeting_detail", world, meeting))
        assert str(event["status"]) == "CONFIRMED"
        organiser = event["organizer"]
        assert str(organiser) == "mailto:manager@example.se"
        assert organiser.params["CN"] == "Maja Manager"
        assert organiser.params["SENT-BY"] == "mailto:noreply@innocities.se"
        attendees = _attendees(event)
        assert set(attendees) == {"coordinator@example.se", "partner@example.se"}
        for params in attendees.values():
            assert params["ROLE"] == "REQ-PARTICIPANT"
            assert params["PARTSTAT"] == "NEEDS-ACTION"
            assert params["RSVP"] == "TRUE"
        assert attendees["partner@example.se"]["CN"] == "Per Partner"
        # Each person's own reply links, in the text and in the HTML.
        assert "/clusters/meetings/reply/" in received.text
        assert "?reply=accepted" in received.html and "?reply=declined" in received.html


def test_each_invitee_gets_the_invitation_in_their_language_and_time_zone(world, create, inbox):
    world.partner.time_zone = "America/New_York"
    world.partner.save()
    create()
    (swedish,) = inbox.to("coordinator@example.se")
    (english,) = inbox.to("partner@example.se")
    assert swedish.text.startswith("Hej Cora")
    assert english.text.startswith("Hello Per,")
    assert english.message["Subject"] == "Invitation: Foresight workshop"
    assert "Foresight workshop" in swedish.message["Subject"]
    assert "09:00" in swedish.text and "Europe/Stockholm" in swedish.text
    assert "03:00" in english.text and "America/New_York" in english.text  # 07:00 UTC
    assert english.message["Reply-To"] == "manager@example.se"


def test_a_change_of_time_sends_every_invitee_an_update_with_the_next_sequence(
    world, create, inbox, as_persona, django_capture_on_commit_callbacks
):
    meeting = create()
    uid = str(inbox.received[0].event["uid"])
    inbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("manager").post(
            url("meeting_edit", world, meeting), form_data(world, starts_at="2030-06-03T10:00")
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(inbox.received) == 2
    for received in inbox.received:
        assert received.calendar["method"] == "REQUEST"
        assert str(received.event["uid"]) == uid
        assert received.event["sequence"] == 1
        assert received.event.decoded("dtstart") == dt.datetime(2030, 6, 3, 8, 0, tzinfo=UTC)
    assert "has changed" in inbox.to("partner@example.se")[0].text


@pytest.mark.parametrize(
    "change", [{"title": "Foresight workshop II"}, {"location": "Alingsås stadshus"}]
)
def test_a_new_title_or_place_sends_an_update_too(
    world, create, inbox, as_persona, django_capture_on_commit_callbacks, change
):
    meeting = create()
    inbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_persona("manager").post(url("meeting_edit", world, meeting), form_data(world, **change))
    assert {r.event["sequence"] for r in inbox.received} == {1}
    assert len(inbox.received) == 2


def test_changing_only_the_agenda_sends_nothing(
    world, create, inbox, as_persona, django_capture_on_commit_callbacks
):
    meeting = create()
    inbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_persona("manager").post(
            url("meeting_edit", world, meeting), form_data(world, agenda="1. Only scenarios")
        )
    meeting.refresh_from_db()
    assert (meeting.agenda, meeting.sequence) == ("1. Only scenarios", 0)
    assert inbox.received == []


def test_an_added_invitee_gets_the_request_and_a_removed_one_a_cancel(
    world, create, inbox, as_persona, django_capture_on_commit_callbacks
):
    meeting = create()
    inbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("manager").post(
            url("meeting_edit", world, meeting),
            form_data(world, invitees=[world.partner.pk, world.manager.pk]),
        )
    assert response.status_code == 302
    assert sorted(r.recipients[0] for r in inbox.received) == [
        "coordinator@example.se",
        "manager@example.se",
    ]
    (added,) = inbox.to("manager@example.se")
    assert added.calendar["method"] == "REQUEST"
    assert set(_attendees(added.event)) == {"partner@example.se", "manager@example.se"}
    (removed,) = inbox.to("coordinator@example.se")
    assert removed.calendar_part().get_param("method") == "CANCEL"
    assert removed.calendar["method"] == "CANCEL"
    assert set(_attendees(removed.event)) == {"coordinator@example.se"}
    assert str(removed.event["uid"]) == f"meeting-{meeting.pk}@portal.example"


def test_someone_added_to_a_moved_meeting_is_invited_not_told_it_changed(
    world, create, inbox, as_persona, django_capture_on_commit_callbacks
):
    meeting = create()
    inbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_persona("manager").post(
            url("meeting_edit", world, meeting),
            form_data(
                world,
                starts_at="2030-06-03T10:00",
                invitees=[world.coordinator.pk, world.partner.pk, world.manager.pk],
            ),
        )
    (added,) = inbox.to("manager@example.se")
    (moved,) = inbox.to("partner@example.se")
    assert added.event["sequence"] == moved.event["sequence"] == 1
    assert added.message["Subject"] == "Invitation: Foresight workshop"
    assert "has changed" not in added.text
    assert moved.message["Subject"] == "Updated invitation: Foresight workshop"


def test_cancelling_the_meeting_sends_a_cancel_with_the_next_sequence(
    world, create, inbox, as_persona, django_capture_on_commit_callbacks
):
    meeting = create()
    inbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("manager").post(url("meeting_cancel", world, meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.CANCELLED, 1)
    assert len(inbox.received) == 2
    for received in inbox.received:
        assert received.calendar["method"] == "CANCEL"
        assert str(received.event["status"]) == "CANCELLED"
        assert received.event["sequence"] == 1
        assert set(_attendees(received.event)) == {"coordinator@example.se", "partner@example.se"}
    assert "has been cancelled" in inbox.to("partner@example.se")[0].text


def test_a_meeting_already_over_sends_no_invitations(
    world, inbox, django_capture_on_commit_callbacks
):
    start = timezone.now() - dt.timedelta(days=3)
    meeting = Meeting(
        cluster=world.cluster_a,
        title="Looking back",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_save(meeting=meeting, invitees=[world.coordinator], actor=world.manager)
    assert inbox.received == []


def test_the_task_sends_nothing_stale(world, inbox):
    """Called directly: an update superseded by a later one, a request to someone no longer
    invited, and a cancel to someone invited again are dropped."""
    meeting = f.MeetingFactory(cluster=world.cluster_a, created_by=world.manager, sequence=2)
    f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    assert send_meeting_mail(meeting.pk, world.coordinator.pk, "REQUEST", 1) is False
    assert send_meeting_mail(meeting.pk, world.partner.pk, "REQUEST", 2) is False
    assert send_meeting_mail(meeting.pk, world.coordinator.pk, "CANCEL", 2) is False
    assert send_meeting_mail(meeting.pk + 1000, world.coordinator.pk, "REQUEST", 2) is False
    assert inbox.received == []
    assert send_meeting_mail(meeting.pk, world.coordinator.pk, "REQUEST", 2) is True
    assert inbox.received[0].event["sequence"] == 2


# --- replies by link -------------------------------------------------------------------------


def _reply_link(received: Received, reply: str) -> str:
    for line in received.text.splitlines():
        if f"?reply={reply}" in line:
            return line.split("https://portal.example", 1)[1].strip()
    raise AssertionError(f"no {reply} link in the e-mail")


def test_the_reply_link_shows_the_choice_and_only_a_post_records_it(world, create, inbox, client):
    meeting = create()
    link = _reply_link(inbox.to("coordinator@example.se")[0], "accepted")
    page = client.get(link)  # what a mail scanner does
    assert page.status_code == 200
    assert "Foresight workshop" in page.content.decode()
    assert 'method="post"' in page.content.decode()
    participant = meeting.participants.get(user=world.coordinator)
    assert (participant.reply, participant.replied_at) == (Reply.INVITED, None)
    done = client.post(link.split("?")[0], {"reply": "accepted"})
    assert done.status_code == 200
    participant.refresh_from_db()
    assert participant.reply == Reply.ACCEPTED and participant.replied_at is not None
    declined = client.post(
        _reply_link(inbox.to("coordinator@example.se")[0], "declined").split("?")[0],
        {"reply": "declined"},
    )
    assert declined.status_code == 200
    participant.refresh_from_db()
    assert participant.reply == Reply.DECLINED
    assert meeting.participants.get(user=world.partner).reply == Reply.INVITED


def test_a_reply_link_needs_a_valid_choice(world, client):
    meeting = f.MeetingFactory(cluster=world.cluster_a)
    participant = f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    link = reverse("clusters:meeting_rsvp", kwargs={"token": ical.meeting_rsvp_token(participant)})
    response = client.post(link, {"reply": "invited"})
    assert response.status_code == 200
    assert response.context["form"].errors
    participant.refresh_from_db()
    assert participant.reply == Reply.INVITED


def _rsvp(token: str) -> str:
    return reverse("clusters:meeting_rsvp", kwargs={"token": token})


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"p": 1}, salt="another purpose"),
        signing.dumps({"x": 1}, salt=ical.RSVP_SALT),
    ],
    # Fixed ids: a signed token holds the time it was made, and xdist's workers must collect
    # the same test names (they collect a second apart now and then).
    ids=["nonsense", "signed-for-another-purpose", "no-participant"],
)
def test_a_bad_reply_link_says_so_and_records_nothing(world, client, token):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}  # the person reads English; the default is Swedish
    for response in (
        client.get(_rsvp(token), **english),
        client.post(_rsvp(token), {"reply": "accepted"}, **english),
    ):
        assert response.status_code == 404
        assert "This reply link cannot be used" in response.content.decode()


def test_a_tampered_reply_link_is_refused(world, client):
    meeting = f.MeetingFactory(cluster=world.cluster_a)
    participant = f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    token = ical.meeting_rsvp_token(participant)
    forged = token.replace(token.split(":")[0], signing.b64_encode(b'{"p":999}').decode())
    assert client.post(_rsvp(forged), {"reply": "accepted"}).status_code == 404
    participant.refresh_from_db()
    assert participant.reply == Reply.INVITED


def test_a_reply_link_expires_when_the_meeting_ends(world, client):
    start = timezone.now() - dt.timedelta(hours=3)
    meeting = f.MeetingFactory(
        cluster=world.cluster_a, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    participant = f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    response = client.post(
        _rsvp(ical.meeting_rsvp_token(participant)),
        {"reply": "accepted"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 410
    assert "is over" in response.content.decode()
    participant.refresh_from_db()
    assert participant.reply == Reply.INVITED


def test_a_reply_link_to_a_cancelled_meeting_or_a_removed_invitee_is_refused(world, client):
    meeting = f.MeetingFactory(cluster=world.cluster_a, status=MeetingStatus.CANCELLED)
    participant = f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    token = ical.meeting_rsvp_token(participant)
    response = client.get(_rsvp(token))
    assert response.status_code == 410
    assert "har ställts in" in response.content.decode()  # the default language, Swedish
    participant.delete()
    assert client.get(_rsvp(token)).status_code == 404


def test_the_reply_link_answers_405_to_other_methods(world, client):
    meeting = f.MeetingFactory(cluster=world.cluster_a)
    participant = f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    assert client.put(_rsvp(ical.meeting_rsvp_token(participant))).status_code == 405


# --- the invitee picker ----------------------------------------------------------------------


def test_the_new_meeting_form_asks_for_the_agenda_and_not_the_minutes(world, as_persona):
    response = as_persona("manager").get(url("meeting_create", world))
    form = response.context["form"]
    assert "minutes" not in form.fields
    assert "agenda" in form.fields
    content = response.content.decode()
    assert 'name="minutes"' not in content
    assert 'name="agenda"' in content
    assert "js/invitees.js" in content
    assert "<script>" not in content


def test_the_picker_offers_only_the_current_roster_grouped(world, as_persona):
    alingsas_contact = f.UserFactory(email="ada@alingsas.se", full_name="Ada Alingsås")
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=alingsas_contact,
        role=RosterRole.CLUSTER_LEAD,
        municipality=world.alingsas,
    )
    expert = f.UserFactory(email="eva@expert.se", full_name="Eva Expert")
    f.RosterEntryFactory(cluster=world.cluster_a, user=expert, role=RosterRole.EXPERT)
    # Ended entry; entry of a municipality that has left; entry of a partner that has left.
    ended = f.UserFactory(email="ended@example.se", full_name="Ended Entry")
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=ended,
        role=RosterRole.MUNICIPAL_CONTACT,
        municipality=world.ale,
        ended_on=timezone.localdate(),
    )
    gone = new_municipality(name="Gonetown")
    f.ClusterMembershipFactory(
        cluster=world.cluster_a,
        municipality=gone,
        left_on=timezone.localdate(),
        status="left",
    )
    left_behind = f.UserFactory(email="left@gonetown.se", full_name="Left Behind")
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=left_behind,
        role=RosterRole.MUNICIPAL_CONTACT,
        municipality=gone,
    )
    old_partner = f.OrganisationFactory(name="Former Partner AB")
    f.ClusterPartnerFactory(
        cluster=world.cluster_a, organisation=old_partner, left_on=timezone.localdate()
    )
    former = f.UserFactory(email="former@partner.se", full_name="Fred Former")
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=former,
        role=RosterRole.PARTNER_CONTACT,
        organisation=old_partner,
    )

    response = as_persona("manager").get(url("meeting_create", world))
    form = response.context["form"]
    groups = {
        g.label: [(p.user.get_full_name(), p.roles) for p in g.people]
        for g in form.invitee_picker()
    }
    assert groups == {
        "Programme managers and experts": [
            ("Eva Expert", "Expert"),
            ("Maja Manager", "Programme manager"),
        ],
        "Ale": [("Cora Coordinator", "Municipal contact")],
        "Alingsås": [("Ada Alingsås", "Cluster lead")],
        "Chalmers Industriteknik": [("Per Partner", "Partner contact")],
    }
    assert set(form.fields["invitees"].queryset) == {
        world.manager,
        expert,
        world.coordinator,
        alingsas_contact,
        world.partner,
    }
    content = response.content.decode()
    for name in ("Ended Entry", "Left Behind", "Fred Former", "Vera Viewer", "Otto Outsider"):
        assert name not in content
    assert "&lt;" not in content.split('id="invitees-help"')[1]  # no raw "<email>"
    assert "coordinator@example.se" not in content
    # Each group is a fieldset with a legend and its own select-all box.
    assert content.count("data-invitee-group=") == 4
    for group in form.invitee_picker():
        assert f'id="id_invite_group_{group.key}"' in content
        assert f"Select all in {group.label}" in content or "Markera alla" in content


def test_a_ticked_group_invites_everyone_in_it_without_javascript(world, as_persona):
    other = f.UserFactory(email="otto@ale.se", full_name="Olle Ale")
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=other,
        role=RosterRole.MUNICIPAL_CONTACT,
        municipality=world.ale,
    )
    response = as_persona("manager").post(
        url("meeting_create", world),
        form_data(world, invitees=[world.partner.pk], invite_group=[f"m{world.ale.pk}"]),
    )
    assert response.status_code == 302
    invited = set(world.cluster_a.meetings.get().participants.values_list("user_id", flat=True))
    assert invited == {world.partner.pk, world.coordinator.pk, other.pk}


@pytest.mark.parametrize("group", ["m999999", "everyone"])
def test_an_unknown_group_is_refused(world, as_persona, group):
    response = as_persona("manager").post(
        url("meeting_create", world), form_data(world, invite_group=[group])
    )
    assert response.status_code == 200
    assert "invite_group" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_someone_invited_before_who_left_the_roster_stays_choosable(world, as_persona):
    meeting = f.MeetingFactory(cluster=world.cluster_a)
    f.MeetingParticipantFactory(meeting=meeting, user=world.viewer)  # not on the roster
    response = as_persona("manager").get(url("meeting_edit", world, meeting))
    groups = {g.kind: g for g in response.context["form"].invitee_picker()}
    assert [p.user for p in groups["former"].people] == [world.viewer]
    assert groups["former"].people[0].checked


def test_reply_links_are_rate_limited_by_address(world, client, settings):
    """The "rsvp" rate (settings.RATE_LIMITS) counts GETs and POSTs of the public page."""
    meeting = f.MeetingFactory(cluster=world.cluster_a)
    participant = f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    link = _rsvp(ical.meeting_rsvp_token(participant))
    settings.ACCOUNT_RATE_LIMITS = {**settings.RATE_LIMITS, "rsvp": "2/m/ip"}
    # An address of this test's own, so no earlier run's count (the cache is Redis) matters
    # and nothing has to be flushed from a database the broker shares.
    address = {"REMOTE_ADDR": f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7"}
    assert client.get(link, **address).status_code == 200
    assert client.get(link, **address).status_code == 200
    assert client.post(link, {"reply": "accepted"}, **address).status_code == 429
    participant.refresh_from_db()
    assert participant.reply == Reply.INVITED
