"""The meeting form's invitee picker in Chromium, under the Content-Security-Policy: a
group's "select all" box ticks and clears its group (static/js/invitees.js)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from clusters.models import RosterRole
from tests import factories as f

pytestmark = pytest.mark.browser


def test_select_all_ticks_the_group_and_a_cleared_person_clears_it(
    page: Page, live_server, login, world
):
    for email, name in (("cora2@ale.se", "Olle Ale"), ("cora3@ale.se", "Signe Ale")):
        f.RosterEntryFactory(
            cluster=world.cluster_a,
            user=f.UserFactory(email=email, full_name=name),
            role=RosterRole.MUNICIPAL_CONTACT,
            municipality=world.ale,
        )
    login(page, live_server, world.manager)
    page.goto(
        live_server.url + reverse("clusters:meeting_create", kwargs={"pk": world.cluster_a.pk})
    )
    group = page.locator(f"#id_invite_group_m{world.ale.pk}")
    members = page.locator(f'input[data-group-member="m{world.ale.pk}"]')
    expect(members).to_have_count(2)
    group.check()
    for index in range(2):
        expect(members.nth(index)).to_be_checked()
    expect(page.get_by_label("Per Partner", exact=False)).not_to_be_checked()
    members.nth(0).uncheck()
    expect(group).not_to_be_checked()
    assert group.evaluate("box => box.indeterminate") is True
    members.nth(0).check()
    expect(group).to_be_checked()
