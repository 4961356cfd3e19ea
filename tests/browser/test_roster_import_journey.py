"""The roster import in Chromium: the dry run's table of what would change, refused rows with
their line numbers, is accessible; importing applies it. (The matrix's axe check sees the
import page only in its upload state.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from clusters.models import RosterEntry
from innocities.accounts.models import User

pytestmark = pytest.mark.browser

ROWS = "\r\n".join(
    [
        "e-mail;full name;role;municipality code or organisation;from",
        "new.person@example.se;Nina Ny;Municipal contact;1440;2026-03-01",
        "not-an-address;Nobody;Expert;;2026-03-01",
    ]
)


def test_a_manager_checks_a_file_then_imports_it(
    page: Page, live_server, login, world, assert_accessible, tmp_path
):
    people = tmp_path / "people.csv"
    people.write_text(ROWS + "\r\n", encoding="utf-8")
    login(page, live_server, world.manager)
    page.goto(f"/clusters/{world.cluster_a.pk}/people/import/")

    page.get_by_label("File").set_input_files(str(people))
    page.get_by_role("button", name="Check the file").click()

    dry_run = page.locator("section[aria-labelledby='dry-run-heading']")
    expect(dry_run).to_contain_text("new.person@example.se")
    expect(dry_run).to_contain_text("3")  # the refused row's line number
    assert not User.objects.filter(email="new.person@example.se").exists()
    assert_accessible(page)

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("main")).to_contain_text("Nina Ny")
    assert RosterEntry.objects.filter(
        cluster=world.cluster_a, user__email="new.person@example.se"
    ).exists()
