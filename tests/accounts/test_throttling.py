"""Rate limits that hold: counted in the shared cache (Redis in production and CI), so every
process counts the same attempts; a lockout says when to try again; the portal's own inviting
and unsubscribing are limited by the same mechanism."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories as f
from tests.factories import PASSWORD
from tests.services import child_env, database_url

LOGIN = "/accounts/login/"
ON = override_settings(ACCOUNT_RATE_LIMITS=settings.RATE_LIMITS)


# Real password hashing costs a good part of a second per attempt, and these tests make many.
@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _log_in(client: Client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


@ON
def test_five_wrong_passwords_lock_the_address_with_a_message_that_says_when(db):
    user = f.UserFactory(email="cora@example.se")
    client = Client()
    for _attempt in range(5):
        assert _log_in(client, user.email, "wrong").status_code == 200
    refused = _log_in(client, user.email, PASSWORD)  # the right password, too late
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Vänta fem minuter och försök igen" in refused.content.decode()  # Swedish: the default
    # Another address from the same machine is not locked.
    other = f.UserFactory(email="vera@example.se")
    assert _log_in(client, other.email, PASSWORD).status_code == 302


@ON
def test_the_limit_is_kept_in_the_shared_cache_not_in_the_process(db):
    user = f.UserFactory(email="cora@example.se")
    for _attempt in range(5):
        _log_in(Client(), user.email, "wrong")
    # A restart (new connections to the cache, new clients) forgets nothing.
    cache.close()
    assert _log_in(Client(), user.email, PASSWORD).status_code == 200


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
    reason="the cache is not Redis (CACHE_URL unset): nothing is shared between machines",
)
def test_another_process_s_failed_logins_count_here(transactional_db):
    """Two processes, as two gunicorn workers: five wrong passwords in a child process lock
    the address for this one, through the Redis cache both are configured to use."""
    user = f.UserFactory(email="cora@example.se")
    redis_url = settings.CACHES["default"]["LOCATION"]
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    script = textwrap.dedent(
        f"""
        import django
        django.setup()
        from django.conf import settings
        from django.test import Client
        settings.ACCOUNT_RATE_LIMITS = settings.RATE_LIMITS
        settings.CACHES["default"]["KEY_PREFIX"] = {prefix!r}
        settings.ALLOWED_HOSTS = ["testserver"]
        client = Client()
        for _ in range(5):
            client.post("{LOGIN}", {{"login": "cora@example.se", "password": "wrong"}})
        """
    )
    env = child_env(DATABASE_URL=database_url(connection.settings_dict), CACHE_URL=redis_url)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    with ON:
        refused = _log_in(Client(), user.email, PASSWORD)
    assert refused.status_code == 200
    assert "Vänta fem minuter" in refused.content.decode()


@ON
def test_inviting_is_limited_per_person(world, as_persona):
    client = as_persona("manager")
    url = reverse("municipalities:invite")
    for _attempt in range(30):
        assert client.post(url, {}).status_code == 200  # an empty form: counted all the same
    refused = client.post(url, {})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    # Someone else may still invite.
    assert as_persona("admin").post(url, {}).status_code == 200


@ON
def test_unsubscribe_links_are_limited_per_address(db):
    client = Client()
    url = reverse("notifications:unsubscribe", kwargs={"token": "not-a-token"})
    for _attempt in range(20):
        assert client.get(url).status_code == 404
    assert client.get(url).status_code == 429


def test_the_embedded_default_is_a_file_cache_under_var(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])",
        ],
        env=child_env(CACHE_URL="", DEBUG="1"),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    backend, location = result.stdout.split()
    assert backend == "django.core.cache.backends.filebased.FileBasedCache"
    assert location.endswith("var/cache")


def test_a_password_reset_for_an_unknown_address_sends_nothing(db, mailoutbox):
    f.UserFactory(email="cora@example.se")
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.se"})
    assert response.status_code == 302  # the same answer as for a known address
    assert mailoutbox == []
    Client().post("/accounts/password/reset/", {"email": "cora@example.se"})
    assert [m.to for m in mailoutbox] == [["cora@example.se"]]


@ON
def test_the_admin_login_is_throttled_like_the_portal_s(world):
    """The admin's own login form is gone: /admin/login/ sends people to the portal's login,
    whose limits then hold for a staff address as for anyone's."""
    client = Client()
    redirect = client.get("/admin/login/?next=/admin/")
    assert redirect.status_code == 302
    assert redirect["Location"].startswith(reverse("account_login"))
    for _attempt in range(5):
        assert _log_in(client, world.admin.email, "wrong").status_code == 200
    refused = _log_in(client, world.admin.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Vänta fem minuter" in refused.content.decode()
