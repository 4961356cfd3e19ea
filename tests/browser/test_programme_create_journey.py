"""Creating a programme as an administrator in real Chromium: the coordinators come with the
chosen municipality (htmx swaps them in), and the programme is created with the one ticked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from programs.models import Program
from tests import factories as f

pytestmark = pytest.mark.browser


def test_the_chosen_municipalitys_coordinators_appear_and_are_saved(
    page: Page, live_server, login, world
):
    template = f.starter_year_template()

    login(page, live_server, world.admin)
    page.goto("/programmes/new/")
    coordinators = page.locator("#div_id_coordinators")
    expect(coordinators).to_contain_text("Choose the municipality first")
    expect(coordinators.get_by_role("checkbox")).to_have_count(0)

    page.get_by_label("Municipality").select_option(label="Ale")
    # htmx asks the page again with ?municipality= and swaps in its coordinators.
    cora = page.get_by_role("checkbox", name="Cora Coordinator (Ale)")
    expect(cora).to_be_visible()
    cora.check()
    page.get_by_label("Cluster").select_option(label="Västra Götaland smart")
    page.get_by_label("Programme template").select_option(label="Starter year")
    page.get_by_label("Starts on").fill("2027-01-11")
    page.get_by_role("button", name="Create the programme").click()

    expect(page.locator(".alert-success")).to_contain_text("was created")
    program = Program.objects.get(municipality=world.ale, template=template)
    assert list(program.coordinators.all()) == [world.coordinator]
