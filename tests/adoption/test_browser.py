"""In real Chromium: a coordinator finds a neighbour's scaled pilot on the dashboard (loaded
with htmx), reads its peer view and lessons, adopts it and goes on to its concept gate; the
pilot's owner sees who adopted it; the cluster's portfolio counts it. Every page on the way
is checked with axe-core, under the real Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from municipalities.models import MunicipalityRole
from programs.initiatives.models import Initiative, Stage
from programs.lessons.models import Lesson, Visibility
from tests import factories as f
from tests.adoption.helpers import need, scaled_pilot
from tests.browser.conftest import (  # noqa: F401 (the browser tests' fixtures)
    _browser_tests_are_marked,
    _data_migrations_seeded,
    _no_content_security_policy_violations,
    assert_accessible,
    base_url,
    browser_type_launch_args,
    login,
)

pytestmark = pytest.mark.browser


def test_a_coordinator_adopts_a_neighbours_scaled_pilot_and_starts_its_concept_gate(
    page: Page,
    live_server,
    login,  # noqa: F811
    world,
    assert_accessible,  # noqa: F811
):
    need(world.ale, "Smart water", title="Fewer water leaks")
    pilot = scaled_pilot(world.alingsas, title="Smart water meters")
    Lesson.objects.create(
        municipality=world.alingsas,
        initiative=pilot,
        title="Start with the largest customers",
        body="They leak the most.",
        visibility=Visibility.CLUSTERS,
        language="en",
    )
    world.coordinator.language = "en"
    world.coordinator.save()
    login(page, live_server, world.coordinator)

    # The dashboard loads the suggestions after the page.
    page.goto("/")
    section = page.locator("#pilot-suggestions-section")
    expect(section).to_contain_text("Smart water meters")
    expect(section).to_contain_text("Fewer water leaks")
    assert_accessible(page)
    # The same suggestion on the municipality's portfolio, and every peer's pilot in a list.
    page.goto(f"/initiatives/municipalities/{world.ale.pk}/")
    expect(page.locator("#adoption-suggestions-section")).to_contain_text("Smart water meters")
    assert_accessible(page)
    page.goto("/adoption/pilots/")
    expect(page.locator("#pilots")).to_contain_text("Smart water meters")
    assert_accessible(page)
    page.goto("/")

    # The peer view: what was learned, and the lessons.
    section.get_by_role("link", name="Smart water meters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart water meters")
    expect(page.locator("#assumptions")).to_contain_text("De flesta ville ha sms")
    expect(page.locator("#lessons")).to_contain_text("Start with the largest customers")
    assert_accessible(page)

    page.get_by_role("button", name="Adopt for Ale").click()
    copy = Initiative.objects.get(adopted_from=pilot)
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart water meters")
    expect(page.locator("[aria-current=step]")).to_contain_text("Concept")
    expect(page.locator("#adopted-from")).to_contain_text("Adopted from Alingsås")
    expect(page.locator("#adoption-origin")).to_contain_text("Start with the largest customers")
    assert_accessible(page)
    assert (copy.municipality, copy.stage) == (world.ale, Stage.CONCEPT)

    # On to the next gate, from the adopted initiative's page.
    page.get_by_role("link", name="Record the decision on “Pilot”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision on “Pilot”")
    assert_accessible(page)

    # Back on the peer view: the button is gone, the adoption shows.
    page.goto(f"/adoption/pilots/{pilot.pk}/")
    expect(page.locator("#adopt")).to_contain_text("Ale adopted this pilot on")
    expect(page.locator("#adoptions")).to_contain_text("Ale")
    expect(page.get_by_role("button", name="Adopt for Ale")).to_have_count(0)
    page.goto("/adoption/suggestions/")
    expect(page.locator("#no-suggestions")).to_be_visible()
    assert_accessible(page)


def test_the_owner_and_the_cluster_see_the_adoption(
    page: Page,
    live_server,
    login,  # noqa: F811
    world,
    assert_accessible,  # noqa: F811
):
    owner = f.UserFactory(email="olle@alingsas.se", full_name="Olle Samordnare", language="en")
    f.MunicipalityMembershipFactory(
        user=owner, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    pilot = scaled_pilot(world.alingsas, title="Smart water meters", lead=owner)
    from programs.adoption.services import pilot_adopt

    pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    login(page, live_server, owner)
    page.goto(f"/initiatives/{pilot.pk}/")
    expect(page.locator("#adopted-by")).to_contain_text("Adopted by 1 municipality")
    expect(page.locator("#adoption-origin")).to_contain_text("Ale")
    assert_accessible(page)
    page.goto(f"/initiatives/clusters/{world.cluster_a.pk}/")
    expect(page.locator("#adoptions-count")).to_contain_text("1 adoption between members")
    expect(page.locator("#adopted-pilots")).to_contain_text("Smart water meters")
    assert_accessible(page)
