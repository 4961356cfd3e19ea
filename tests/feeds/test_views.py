"""The calendar page, the reset button, the token, the admin, and the feeds' query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from clusters.models import Reply
from innocities.feeds.models import CalendarToken
from innocities.feeds.services import calendar_token_for, calendar_token_reset
from tests import factories as f
from tests.authz import PERSONAS
from tests.feeds.helpers import cluster_feed_url, events, feed_url, fetch

SITE = "https://portal.example.se"
SETTINGS = reverse("feeds:settings")
RESET = reverse("feeds:reset")


# --- the token ------------------------------------------------------------------------------


def test_token_is_created_once_per_person_and_is_long_and_url_safe(world):
    token = calendar_token_for(world.coordinator)
    assert calendar_token_for(world.coordinator) == token
    assert CalendarToken.objects.filter(user=world.coordinator).count() == 1
    assert len(token.secret) >= 43  # 32 random bytes
    assert set(token.secret) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert calendar_token_for(world.viewer).secret != token.secret


def test_reset_gives_a_new_secret_and_keeps_it_out_of_the_history(world):
    old = calendar_token_for(world.coordinator).secret
    token = calendar_token_reset(user=world.coordinator)
    assert token.secret != old
    assert CalendarToken.objects.get(user=world.coordinator).secret == token.secret
    records = token.history.all()
    assert records.count() == 2
    assert records.first().history_user == world.coordinator
    assert not hasattr(records.first(), "secret")


def test_reset_of_a_person_without_a_token_creates_one(world):
    token = calendar_token_reset(user=world.viewer)
    assert CalendarToken.objects.get(user=world.viewer) == token


# --- the page -------------------------------------------------------------------------------


@override_settings(SITE_URL=SITE)
def test_calendar_page_shows_the_personal_and_cluster_links(world, as_persona):
    response = as_persona("coordinator").get(SETTINGS)
    assert response.status_code == 200
    secret = CalendarToken.objects.get(user=world.coordinator).secret
    page = response.content.decode()
    assert f"{SITE}/calendar/{secret}.ics" in page
    assert f"{SITE}/calendar/clusters/{world.cluster_a.pk}/{secret}.ics" in page
    assert f"/calendar/clusters/{world.cluster_b.pk}/" not in page
    assert "Outlook" in page and "Google" in page and "Apple" in page
    assert f'action="{RESET}"' in page


def test_calendar_page_keeps_the_same_link_across_visits(world, as_persona):
    client = as_persona("viewer")
    client.get(SETTINGS)
    first = CalendarToken.objects.get(user=world.viewer).secret
    client.get(SETTINGS)
    assert CalendarToken.objects.get(user=world.viewer).secret == first


def test_calendar_page_says_when_the_person_is_in_no_cluster(world, as_persona):
    response = as_persona("outsider").get(SETTINGS)
    assert response.status_code == 200
    assert "/calendar/clusters/" not in response.content.decode()


def test_calendar_page_is_for_signed_in_people(world):
    response = Client().get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_calendar_page_answers_post_with_405(world, as_persona):
    assert as_persona("coordinator").post(SETTINGS).status_code == 405


def test_reset_button_makes_a_new_link_and_the_old_one_is_404(world, as_persona):
    old_url = feed_url(world.coordinator)
    client = as_persona("coordinator")
    response = client.post(RESET)
    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert Client().get(old_url).status_code == 404
    fetch(feed_url(world.coordinator))


def test_reset_only_touches_the_persons_own_link(world, as_persona):
    others = feed_url(world.viewer)
    as_persona("coordinator").post(RESET)
    assert Client().get(others).status_code == 200


def test_reset_is_post_only(world, as_persona):
    before = calendar_token_for(world.coordinator).secret
    assert as_persona("coordinator").get(RESET).status_code == 405
    assert CalendarToken.objects.get(user=world.coordinator).secret == before


def test_reset_needs_a_signed_in_person(world):
    assert Client().post(RESET).status_code == 302
    assert not CalendarToken.objects.exists()


def test_profile_page_links_to_the_calendar_page(world, as_persona):
    page = as_persona("viewer").get(reverse("accounts:profile")).content.decode()
    assert f'href="{SETTINGS}"' in page


def test_calendar_page_in_swedish(world, as_persona):
    world.coordinator.language = "sv"
    world.coordinator.save()
    page = as_persona("coordinator").get(SETTINGS).content.decode()
    assert "Din kalender" in page


# --- a real token, every persona ------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_real_token_reads_the_owners_feed_for_any_client(world, as_persona, persona):
    # The token is the credential, whoever holds it: same answer with or without a session.
    user_url = feed_url(world.coordinator)
    cluster_url = cluster_feed_url(world.coordinator, world.cluster_a)
    hidden = cluster_feed_url(world.coordinator, world.cluster_b)
    client = as_persona(persona)
    assert client.get(user_url).status_code == 200
    assert client.get(cluster_url).status_code == 200
    assert client.get(hidden).status_code == 404
    assert client.post(user_url).status_code == 405


# --- the admin ------------------------------------------------------------------------------


def test_admin_lists_tokens_without_their_secrets(world, as_persona):
    token = calendar_token_for(world.coordinator)
    client = as_persona("admin")
    page = client.get(reverse("admin:feeds_calendartoken_changelist")).content.decode()
    assert "Cora Coordinator" in page
    assert token.secret not in page
    detail = client.get(reverse("admin:feeds_calendartoken_change", args=[token.pk]))
    assert detail.status_code == 200
    assert token.secret not in detail.content.decode()


def test_admin_action_resets_the_selected_links(world, as_persona):
    token = calendar_token_for(world.coordinator)
    old = token.secret
    response = as_persona("admin").post(
        reverse("admin:feeds_calendartoken_changelist"),
        {"action": "reset_links", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.secret != old
    assert token.history.first().history_user == world.admin


# --- query budget ---------------------------------------------------------------------------

# Personal feed: token and owner (1), roles (2), meetings (1), tasks (1), milestones (1),
# decision points (1, and 1 for the roles' member clusters, which only they read).
USER_FEED_BUDGET = 8
# Cluster feed: token and owner (1), cluster (1), roles (2), membership check (1), meetings (1),
# the joint initiatives' decision points (1).
CLUSTER_FEED_BUDGET = 7
# Page: session and user (2), roles (2), token (1), clusters (1).
SETTINGS_BUDGET = 6


def grow(world, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        meeting = f.MeetingFactory(cluster=world.cluster_a)
        f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator, reply=Reply.ACCEPTED)
        f.MeetingParticipantFactory(meeting=meeting, user=world.viewer)
        f.TaskFactory(program=world.program, owner=world.coordinator)
        f.TaskFactory(program=world.program, due_on=today - dt.timedelta(days=i))
        f.MilestoneFactory(program=world.program, owner=world.viewer)
        cluster = f.ClusterFactory()
        f.ClusterMembershipFactory(cluster=cluster, municipality=world.ale)


@pytest.mark.parametrize("n", [2, 20])
def test_feeds_and_page_run_a_fixed_number_of_queries(
    world, as_persona, django_assert_max_num_queries, n
):
    grow(world, n)
    user_url = feed_url(world.coordinator)
    cluster_url = cluster_feed_url(world.coordinator, world.cluster_a)
    client = Client()
    with django_assert_max_num_queries(USER_FEED_BUDGET):
        response = client.get(user_url)
    assert len(events(fetch(user_url))) == 4 * n + 2
    with django_assert_max_num_queries(CLUSTER_FEED_BUDGET):
        response = client.get(cluster_url)
    assert response.status_code == 200
    page_client = as_persona("coordinator")
    page_client.get(SETTINGS)  # creates the token
    with django_assert_max_num_queries(SETTINGS_BUDGET):
        response = page_client.get(SETTINGS)
    assert response.content.decode().count("/calendar/clusters/") == n + 1
