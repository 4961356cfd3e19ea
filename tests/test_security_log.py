"""The security log: one JSON line per event on ``innocities.security``, naming people by id
and never carrying a password."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings
from django.test import Client, override_settings

from municipalities.models import MunicipalityMembership, MunicipalityRole
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


# Real password hashing costs a good part of a second per attempt, and these tests make many.
@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger="innocities.security")

    def read() -> list[dict]:
        return [
            json.loads(r.getMessage()) for r in caplog.records if r.name == "innocities.security"
        ]

    return read


def test_logins_failures_and_lockouts_are_recorded_without_the_password(events):
    from django.core.cache import cache

    cache.clear()
    user = f.UserFactory(email="cora@example.se")
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": "wrong-secret-1"})
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    with override_settings(ACCOUNT_RATE_LIMITS=settings.RATE_LIMITS):
        for _attempt in range(6):
            Client().post("/accounts/login/", {"login": "vera@example.se", "password": "nope"})
    cache.clear()
    logged = events()
    kinds = [e["event"] for e in logged]
    assert "login.failed" in kinds and "login" in kinds and "login.locked" in kinds
    failed = next(e for e in logged if e["event"] == "login.failed")
    assert failed["login"] == "cora@example.se" and failed["ip"] == "127.0.0.1"
    assert next(e for e in logged if e["event"] == "login")["actor"] == user.pk
    assert "wrong-secret-1" not in json.dumps(logged) and PASSWORD not in json.dumps(logged)


def test_behind_trusted_proxies_the_person_s_address_is_logged_not_the_proxy_s(events):
    """Compose puts nginx (and a TLS proxy) in front: REMOTE_ADDR is then the proxy's."""
    client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.9")
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2):
        client.post("/accounts/login/", {"login": "nobody@example.se", "password": "nope"})
    failed = next(e for e in events() if e["event"] == "login.failed")
    assert failed["ip"] == "203.0.113.7"


def test_role_and_staff_changes_name_who_did_it_to_whom(events, world):
    person = f.UserFactory()
    membership = MunicipalityMembership(
        user=person, municipality=world.ale, role=MunicipalityRole.VIEWER
    )
    membership._history_user = world.manager
    membership.save()
    person.is_staff = True
    person._history_user = world.admin
    person.save()
    logged = events()
    granted = next(e for e in logged if e["event"] == "role.granted")
    assert (granted["actor"], granted["subject"], granted["role"]) == (
        world.manager.pk,
        person.pk,
        "viewer",
    )
    staff = next(e for e in logged if e["event"] == "account.staff.on")
    assert (staff["actor"], staff["subject"]) == (world.admin.pk, person.pk)


def test_second_factor_changes_are_recorded(events, world):
    from allauth.mfa import signals
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.filter(user=world.manager).first()
    signals.authenticator_removed.send(
        sender=Authenticator, request=None, user=world.manager, authenticator=authenticator
    )
    removed = next(e for e in events() if e["event"] == "mfa.removed")
    assert removed["actor"] == world.manager.pk


def test_a_save_that_touches_no_flag_costs_no_extra_query(world, django_assert_num_queries, events):
    """Every login writes last_login: neither the security log nor the account's history adds
    a query (no read of the flags, no history record identical to the last)."""
    with django_assert_num_queries(1):
        world.coordinator.save(update_fields=["last_login"])
    assert not [e for e in events() if e["event"].startswith("account.")]
