from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_public(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200


def test_open_signup_is_closed(client, db):
    from innocities.accounts.models import User

    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.se",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert response.status_code == 200
    assert "signup_closed" in " ".join(t.name for t in response.templates)
    assert not User.objects.filter(email="new@example.se").exists()


def test_world_builds(world):
    assert world.program.tasks.count() == 1


@pytest.mark.xdist_group("foundation_probe")
def test_xdist_groups_keep_their_tests_on_one_worker(request):
    """`make test` runs with --dist loadgroup so that tests sharing an expensive fixture (the
    seeded demo) run on one worker. pytest-xdist does that by adding the group to the test's
    id; if a pytest or xdist upgrade stops it, the groups are silently split."""
    if not request.config.getvalue("loadgroup"):
        pytest.skip("not running under pytest-xdist with --dist loadgroup")
    assert request.node.nodeid.endswith("@foundation_probe")
