"""Idle sessions end: after 8 hours without a request for most people, after 1 hour for
administrators; the cookie never outlives that, whatever "remember me" said."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
DASHBOARD = "/"


# Real password hashing costs a good part of a second per attempt, and these tests make many.
@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def _logged_in(user) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD, "remember": "on"}
    )
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200
    return client


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session["last_seen"] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize(
    ("persona", "idle", "still_in"),
    [
        ("coordinator", 7 * 3600, True),
        ("coordinator", 9 * 3600, False),
        ("admin", 50 * 60, True),
        ("admin", 70 * 60, False),
    ],
)
def test_an_idle_session_ends(world, persona, idle, still_in):
    user = getattr(world, persona)
    if persona == "admin":
        # The admin's second factor is not what this test is about: they have one, and
        # the session starts as after a full login.
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        if not user.authenticator_set.exists():
            TOTP.activate(user, generate_totp_secret())
        client = Client()
        client.force_login(user)
        assert client.get(DASHBOARD).status_code == 200
    else:
        client = _logged_in(user)
    _idle_for(client, idle)
    response = client.get(DASHBOARD)
    if still_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session


def test_the_cookie_lives_no_longer_than_the_idle_limit(world):
    client = _logged_in(world.coordinator)  # "remember me" ticked
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) <= settings.SESSION_IDLE_TIMEOUT


def test_remember_me_gives_an_administrator_no_more_than_an_hour(world):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not world.admin.authenticator_set.exists():
        TOTP.activate(world.admin, generate_totp_secret())
    client = Client()
    client.force_login(world.admin)
    session = client.session
    session.set_expiry(settings.SESSION_COOKIE_AGE)  # as allauth's "remember me" does
    session.save()
    assert client.get(DASHBOARD).status_code == 200
    assert client.session.get_expiry_age() <= settings.SESSION_IDLE_TIMEOUT_STAFF
