"""The innovation process in real Chromium: a coordinator takes an idea from a need through
its first decision, and a programme manager reads the cluster's portfolio. Every page on the
way is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from clusters.models import ClusterPartner
from programs.initiatives.models import (
    Assumption,
    GateDecision,
    Initiative,
    Outcome,
    Stage,
)
from tests import factories as f

pytestmark = pytest.mark.browser


def test_coordinator_takes_an_idea_through_the_concept_gate(
    page: Page, live_server, login, world, assert_accessible
):
    f.NeedFactory(municipality=world.ale, title="Fewer car trips to school")
    login(page, live_server, world.coordinator)

    # From the municipality's page: start an initiative from the need.
    page.goto(f"/municipalities/{world.ale.pk}/")
    page.locator("li", has_text="Fewer car trips to school").get_by_role(
        "link", name="Start an initiative"
    ).click()
    expect(page.get_by_label("The need it answers")).to_have_value(str(world.ale.needs.get().pk))
    assert_accessible(page)
    page.get_by_label("Title").fill("Walking school bus")
    page.get_by_label("Initiative lead").select_option(label="Cora Coordinator")
    page.get_by_label("Portfolio facet").select_option("mission")
    page.get_by_role("button", name="Create the initiative").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Walking school bus")
    expect(page.locator("[aria-current=step]")).to_contain_text("Idea")
    assert_accessible(page)

    # Two assumptions; the critical one is tested and turns out wrong.
    for statement, impact in (("Parents have time to walk", "5"), ("The route is safe", "3")):
        page.get_by_role("link", name="Add an assumption").click()
        page.get_by_label("Assumption").fill(statement)
        page.get_by_label("Kind").select_option("need")
        page.get_by_label("Impact").select_option(impact)
        page.get_by_label("Uncertainty").select_option("4")
        page.get_by_label("How it will be tested").fill("Ask thirty parents")
        assert_accessible(page)
        page.get_by_role("button", name="Save").click()
    expect(page.locator("#assumptions")).to_contain_text("Critical")

    page.locator("tr", has_text="Parents have time to walk").get_by_role(
        "link", name="Outcome"
    ).click()
    page.get_by_label("Invalidated").check()
    page.get_by_label("What was learned").fill("Only a third have time in the morning.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#assumptions")).to_contain_text("Only a third have time")

    # The concept gate: a go with conditions, some criteria judged by the decision-maker.
    page.get_by_role("link", name="Record the decision on “Concept”").click()
    expect(page.locator("#criteria")).to_contain_text("An initiative lead is named")
    assert_accessible(page)
    page.get_by_label("Go, with conditions").check()
    page.get_by_label("Decided by").fill("Anna Berg, head of education")
    page.get_by_label("Decided in").select_option("management_group")
    page.get_by_label("Rationale").fill("Worth a concept with the parents' association.")
    page.get_by_label("Conditions", exact=True).fill("Recruit walking leaders first.")
    page.get_by_label("The idea has been checked against").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("[aria-current=step]")).to_contain_text("Concept")
    expect(page.locator("#decisions")).to_contain_text("Recruit walking leaders first.")

    initiative = Initiative.objects.get(title="Walking school bus")
    assert initiative.stage == Stage.CONCEPT
    decision = GateDecision.objects.get(initiative=initiative)
    assert decision.decision == "go_conditions"
    assert all(holds for _text, holds in decision.criteria_read)
    assert Assumption.objects.get(statement="Parents have time to walk").outcome == (
        Outcome.INVALIDATED
    )

    # The municipality's portfolio has moved: one initiative in the concept stage.
    page.goto(f"/initiatives/municipalities/{world.ale.pk}/")
    expect(page.locator("main")).to_contain_text("Walking school bus")
    expect(page.locator("#funnel")).to_contain_text("Concept")
    assert_accessible(page)


def test_manager_sees_the_cluster_funnel_and_the_helix_warning(
    page: Page, live_server, login, world, assert_accessible
):
    business = f.OrganisationFactory(name="Ale Energi AB", helix="business")
    ClusterPartner.objects.create(
        cluster=world.cluster_a, organisation=business, joined_on=world.program.starts_on
    )
    pilot = Initiative.objects.create(
        municipality=world.ale,
        title="Smart water meters",
        stage=Stage.PILOT,
        stage_since=world.program.starts_on,
    )
    pilot.partners.create(organisation=business, role="Supplier")
    login(page, live_server, world.manager)
    page.goto(f"/clusters/{world.cluster_a.pk}/")
    page.get_by_role("link", name="Innovation portfolio").click()
    expect(page.locator("#funnel")).to_contain_text("Pilot")
    expect(page.locator("main")).to_contain_text("civil society")
    assert_accessible(page)
