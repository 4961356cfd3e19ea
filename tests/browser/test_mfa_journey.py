"""A programme manager without a second factor sets one up at login, in real Chromium."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import submit_login_form
from tests.factories import PASSWORD, totp_code_for

pytestmark = pytest.mark.browser


def test_manager_sets_up_an_authenticator_app_before_reaching_the_dashboard(
    page: Page, live_server, world, assert_accessible
):
    Authenticator.objects.filter(user=world.manager).delete()
    submit_login_form(page, live_server, world.manager.email, PASSWORD)
    # Sent to set it up; allauth first asks to confirm the password.
    expect(page.locator("main")).to_contain_text("protect their account with a second factor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)
    secret = page.get_by_label("Secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code_for(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_label("Unused codes")).to_be_visible()  # the recovery codes, once
    page.goto(reverse("portal:dashboard"))
    assert page.url == live_server.url + reverse("portal:dashboard")
    assert Authenticator.objects.filter(user=world.manager, type="totp").exists()
