"""The harness works end to end: Chromium, the live server, the login form, the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from tests import factories as f
from tests.browser.conftest import Login, submit_login_form

pytestmark = pytest.mark.browser

WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."


def test_login_page_renders_its_form(page: Page):
    # A relative URL: the harness points Playwright's base_url at the live server.
    response = page.goto(reverse("account_login"))

    assert response is not None and response.status == 200
    expect(page.locator("input[name='login']")).to_be_visible()
    expect(page.locator("input[name='password']")).to_be_visible()


def test_person_logs_in_and_reaches_the_dashboard(page: Page, live_server, login: Login):
    person = f.UserFactory(email="cora@example.se", full_name="Cora Coordinator")

    login(page, live_server, person)

    assert page.url == live_server.url + reverse("portal:dashboard")
    expect(page.get_by_role("navigation")).to_contain_text("Cora Coordinator")


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(page: Page, live_server):
    f.UserFactory(email="cora@example.se")

    submit_login_form(page, live_server, "cora@example.se", "not-the-password")

    assert page.url.startswith(live_server.url + reverse("account_login"))
    # The page speaks whichever language the browser asked for: accept allauth's message in any.
    messages = set()
    for code in ("sv", "en"):
        with translation.override(code):
            messages.add(translation.gettext(WRONG_CREDENTIALS))
    text = page.inner_text("body")
    assert any(message in text for message in messages), text
