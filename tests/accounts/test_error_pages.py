"""With DEBUG off, errors show the portal's own pages and never a traceback."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False


def test_unknown_page_shows_the_portal_404(world, as_persona):
    response = as_persona("coordinator").get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "404.html" in [t.name for t in response.templates]
    assert 'class="navbar' in page and "Page not found" in page
    assert world.coordinator.full_name in page  # the portal's menu, for a signed-in person


def test_object_outside_scope_shows_the_portal_404(world, as_persona):
    response = as_persona("admin").get(reverse("portal:municipality_detail", kwargs={"pk": 999999}))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_forbidden_action_shows_the_portal_403(world, as_persona):
    response = as_persona("coordinator").get(
        reverse("municipalities:members", kwargs={"pk": world.ale.pk})
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "403.html" in [t.name for t in response.templates]
    assert "You are not allowed to do this" in page and 'class="navbar' in page


@pytest.mark.urls("tests.accounts.urls_500")
def test_server_error_shows_the_portal_500_without_a_traceback(db, caplog):
    client = Client(raise_request_exception=False, headers={"accept-language": "en"})
    with caplog.at_level(logging.CRITICAL, logger="django.request"):
        response = client.get("/test-500/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "bootstrap.min.css" in page
    for leak in ("Traceback", "RuntimeError", "secret-internal-detail", "explode"):
        assert leak not in page


def test_bad_request_shows_the_portal_400(db, settings):
    # A Host header not in ALLOWED_HOSTS is a SuspiciousOperation: Django answers 400.
    response = Client(raise_request_exception=False).get(
        reverse("account_login"), headers={"host": "evil.example", "accept-language": "en"}
    )
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
