"""The notifications pages: settings, the person's own outbox, and one-click unsubscribe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from innocities.notifications.models import (
    Category,
    Delivery,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.services import unsubscribe_token
from programs.models import Task
from tests import factories as f
from tests.notifications.conftest import at

SETTINGS = reverse("notifications:settings")
LIST = reverse("notifications:list")
D = dt.date(2026, 3, 4)


def _row(user, n=0, status=NotificationStatus.PENDING) -> Notification:
    task = Task.objects.first()
    return Notification.objects.create(
        rule=ReminderRule.objects.get(code="task-1"),
        content_type=ContentType.objects.get_for_model(Task),
        object_id=task.pk,
        recipient=user,
        occurrence=f"x{n}",
        category=Category.TASK,
        program=task.program,
        send_after=at(D, 8),
        status=status,
        subject=f"Subject {user.email} {n}",
        url="/programmes/1/",
    )


VALID = {
    "tasks": "on",
    "meetings": "on",
    "delivery": Delivery.WEEKLY,
    "hour": "7",
    "paused_until": "",
}


def test_settings_page_shows_the_defaults_to_a_person_without_preferences(as_persona):
    response = as_persona("viewer").get(SETTINGS)
    assert response.status_code == 200
    assert response.context["form"].initial["hour"] == 8


def test_settings_are_saved_and_retime_what_is_scheduled(world, as_persona):
    task_row = _row(world.viewer)
    response = as_persona("viewer").post(SETTINGS, VALID)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.viewer)
    assert (pref.tasks, pref.milestones, pref.meetings, pref.progress_updates) == (
        True,
        False,
        True,
        False,
    )
    assert (pref.delivery, pref.hour) == (Delivery.WEEKLY, 7)
    task_row.refresh_from_db()
    assert task_row.delivery == Delivery.WEEKLY
    assert task_row.send_after.astimezone(at(D).tzinfo).hour == 7


def test_turning_a_category_off_cancels_what_is_scheduled_for_it(world, as_persona):
    row = _row(world.viewer)
    as_persona("viewer").post(SETTINGS, {**VALID, "tasks": ""})
    row.refresh_from_db()
    assert row.status == NotificationStatus.CANCELLED


@pytest.mark.parametrize(
    "bad",
    [{"hour": "24"}, {"hour": "x"}, {"delivery": "hourly"}, {"paused_until": "not a date"}],
)
def test_bad_settings_re_render_with_messages_and_save_nothing(world, as_persona, bad):
    response = as_persona("viewer").post(SETTINGS, {**VALID, **bad})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not NotificationPreference.objects.filter(user=world.viewer).exists()


@pytest.mark.parametrize("url", [SETTINGS, LIST])
def test_pages_answer_405_to_a_wrong_method(as_persona, url):
    assert as_persona("viewer").put(url).status_code == 405


@pytest.mark.parametrize("url", [SETTINGS, LIST])
def test_anonymous_is_sent_to_log_in(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_list_shows_only_the_persons_own_rows(world, as_persona):
    _row(world.viewer, 1)
    _row(world.viewer, 2, status=NotificationStatus.SENT)
    _row(world.coordinator, 3)
    response = as_persona("viewer").get(LIST)
    body = response.content.decode()
    assert "Subject viewer@example.se 1" in body
    assert "Subject viewer@example.se 2" in body
    assert "coordinator@example.se" not in body


def test_list_query_count_does_not_grow_with_the_data(
    world, as_persona, django_assert_max_num_queries
):
    client = as_persona("viewer")

    def add(n: int, start: int) -> None:
        for i in range(n):
            program = f.ProgramFactory(municipality=world.ale)
            row = _row(world.viewer, start + i, status=NotificationStatus.SENT)
            Notification.objects.filter(pk=row.pk).update(program=program)
            _row(world.viewer, 1000 + start + i)

    add(3, 0)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
    add(30, 100)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200


def test_unsubscribe_link_works_without_logging_in(world, client):
    row = _row(world.coordinator)
    url = reverse(
        "notifications:unsubscribe",
        kwargs={"token": unsubscribe_token(user=world.coordinator, category="task")},
    )
    page = client.get(url)
    assert page.status_code == 200
    # Whoever holds the link learns nothing about whose it is.
    assert "coordinator@example.se" not in page.content.decode()
    assert NotificationPreference.objects.filter(user=world.coordinator).count() == 0

    # RFC 8058 one-click: a POST with that body, no session, no CSRF token.
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    pref = NotificationPreference.objects.get(user=world.coordinator)
    assert (pref.tasks, pref.milestones, pref.meetings) == (False, True, True)
    row.refresh_from_db()
    assert row.status == NotificationStatus.CANCELLED


def test_unsubscribe_all_turns_every_category_off(world, client):
    url = reverse(
        "notifications:unsubscribe",
        kwargs={"token": unsubscribe_token(user=world.viewer, category="all")},
    )
    assert client.post(url).status_code == 200
    pref = NotificationPreference.objects.get(user=world.viewer)
    assert not any(pref.wants(c) for c in Category.values)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_token_is_rejected_without_a_trace(world, client, method):
    token = unsubscribe_token(user=world.coordinator, category="task")
    tampered = token.replace(token[2], "A" if token[2] != "A" else "B", 1)
    for bad in (tampered, token + "x", "nonsense", token[:-8]):  # [:-8]: its MAC cut short
        url = reverse("notifications:unsubscribe", kwargs={"token": bad})
        response = getattr(client, method)(url)
        assert response.status_code == 404
        assert b"Traceback" not in response.content
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_answers_405_to_a_wrong_method(world, client):
    url = reverse(
        "notifications:unsubscribe",
        kwargs={"token": unsubscribe_token(user=world.coordinator, category="task")},
    )
    assert client.put(url).status_code == 405


def test_an_unsubscribe_token_carries_no_readable_id_and_expires_after_90_days(world, client):
    import base64
    import json
    import time

    from innocities.notifications.services.preferences import (
        UNSUBSCRIBE_VALID_FOR,
        _fernet,
    )

    token = unsubscribe_token(user=world.coordinator, category="task")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b'"u"' not in raw and str(world.coordinator.pk).encode() not in raw[9:-32]
    payload = json.dumps({"u": world.coordinator.pk, "c": "task"}).encode()
    days = UNSUBSCRIBE_VALID_FOR.days
    recent = _fernet().encrypt_at_time(payload, int(time.time()) - (days - 1) * 86400).decode()
    stale = _fernet().encrypt_at_time(payload, int(time.time()) - (days + 1) * 86400).decode()
    for token, status in ((recent, 200), (stale, 404)):
        url = reverse("notifications:unsubscribe", kwargs={"token": token})
        assert client.get(url).status_code == status
