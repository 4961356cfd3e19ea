"""Issue 4's journeys in real Chromium: from a self-assessment round to a tailored programme,
and from a cluster's proposal to a shared need with a joint workshop."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from clusters.models import Meeting
from municipalities.assessments.models import (
    AssessmentRound,
    Dimension,
    Question,
    RoundStatus,
)
from programs.library import load_module_library
from programs.models import Program
from programs.tailoring.defaults import seed_default_rules
from programs.workdays import is_working_day
from tests.assessments.helpers import closed_round

pytestmark = pytest.mark.browser

# Ale's people answer every question of a dimension alike: culture and helix are low.
COORDINATOR_LEVELS = {"culture": 2, "helix": 2}
VIEWER_LEVELS = {"culture": 1, "helix": 3}
DEFAULT_LEVEL = 4


def answer_everything(page: Page, levels: dict[str, int]) -> None:
    for question in Question.objects.filter(dimension__framework__is_active=True).select_related(
        "dimension"
    ):
        level = levels.get(question.dimension.code, DEFAULT_LEVEL)
        page.locator(f"input[name='q{question.pk}'][value='{level}']").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".alert-success")).to_contain_text("your answers are submitted")


def test_a_round_from_opening_to_a_tailored_programme(
    page: Page, live_server, login, world, browser
):
    # The framework (a data migration) is there: tests/browser/conftest.py puts back what an
    # earlier live-server test's flush took. The library and the rules are loaded by commands.
    load_module_library()
    seed_default_rules()

    # The coordinator opens a round and names two respondents: herself and the viewer.
    login(page, live_server, world.coordinator)
    page.goto(f"/municipalities/{world.ale.pk}/")
    page.get_by_role("link", name="Self-assessment").click()
    page.get_by_role("link", name="Open a round").click()
    page.get_by_label("Title").fill("Spring 2027")
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator(".alert-success")).to_contain_text("now add respondents")
    for person, role in ((world.coordinator, "Management"), (world.viewer, "Staff")):
        page.get_by_label("Person in the municipality").select_option(label=person.full_name)
        page.get_by_label("Respondent role").select_option(label=role)
        page.get_by_role("button", name="Add").click()
        expect(page.locator(".alert-success")).to_contain_text("was added as a respondent")
    round = AssessmentRound.objects.get(municipality=world.ale, title="Spring 2027")

    # Both answer in the portal; the viewer in a browser of her own.
    page.goto(f"/assessments/rounds/{round.pk}/answer/")
    answer_everything(page, COORDINATOR_LEVELS)
    viewer_page = browser.new_context(base_url=live_server.url).new_page()
    login(viewer_page, live_server, world.viewer)
    viewer_page.goto(f"/assessments/rounds/{round.pk}/")
    viewer_page.get_by_role("link", name="Answer the questionnaire").click()
    answer_everything(viewer_page, VIEWER_LEVELS)
    viewer_page.context.close()

    # The coordinator closes the round; the results are final.
    page.goto(f"/assessments/rounds/{round.pk}/")
    expect(page.locator("#respondents-heading")).to_contain_text("2/2")
    page.get_by_role("button", name="Close the round").click()
    expect(page.locator(".alert-success")).to_contain_text("The round is closed")
    round.refresh_from_db()
    assert round.status == RoundStatus.CLOSED
    culture_row = page.locator("tr", has_text="Innovation culture and leadership")
    expect(culture_row).to_contain_text("1.5")

    # The manager sees the recommendations with their reasons and creates the programme.
    manager_page = browser.new_context(base_url=live_server.url).new_page()
    login(manager_page, live_server, world.manager)
    manager_page.goto(f"/assessments/rounds/{round.pk}/")
    manager_page.get_by_role("link", name="Tailor a programme").click()
    expect(manager_page.get_by_role("heading", level=1)).to_contain_text(
        "Tailor a programme for Ale"
    )
    culture = manager_page.locator("tr.module-row[data-module='innovation-culture']")
    expect(culture).to_contain_text("Recommended")
    expect(culture).to_contain_text("Innovation culture and leadership scored 1.5 of 5, below 2.5.")
    expect(culture.get_by_role("checkbox")).to_be_checked()
    helix = manager_page.locator("tr.module-row[data-module='quadruple-helix']")
    expect(helix.get_by_role("checkbox")).not_to_be_checked()  # 2.5 is not below 2.5
    # Ale has one programme: it is preselected; this time the manager wants a new one.
    expect(manager_page.get_by_label("Add to “Ale innovates” (active)")).to_be_checked()
    manager_page.get_by_label("A new programme").check()
    # Ale's only coordinator and the only cluster are preselected and shown as text.
    expect(manager_page.locator("#programme")).to_contain_text("Cora Coordinator")
    expect(manager_page.locator("input[name='coordinators'][type='checkbox']")).to_have_count(0)
    expect(manager_page.locator("select[name='cluster']")).to_have_count(0)

    # Every change previews the schedule in place, in the live region beside the controls:
    # no new page, no jump.
    region = manager_page.locator("#schedule-region")
    expect(region).to_have_attribute("aria-live", "polite")
    manager_page.evaluate("window.samePage = true")
    manager_page.get_by_label("Start date").fill("2027-06-21")
    helix.get_by_role("checkbox").check()
    scrolled = manager_page.evaluate("window.scrollY")
    expect(region).to_contain_text("Quadruple-helix collaboration")
    expect(region).to_contain_text("2 modules, from")
    assert manager_page.evaluate("window.samePage") is True
    assert manager_page.evaluate("window.scrollY") == scrolled
    # Add the module first in the order; the preview follows.
    helix.locator("input[type='number']").fill("1")
    culture.locator("input[type='number']").fill("2")
    culture.locator("input[type='number']").blur()
    expect(region.locator("tbody tr").first).to_contain_text("Quadruple-helix collaboration")
    helix.locator("textarea").fill("The council wants partners on board from the start.")
    manager_page.get_by_label("Title", exact=True).fill("Ale – tailored 2027")
    manager_page.get_by_role("button", name="Preview the schedule").click()
    expect(region).to_contain_text("The council wants partners on board from the start.")
    expect(region).to_contain_text("Innovation culture")
    assert manager_page.evaluate("window.samePage") is True
    manager_page.get_by_role("button", name="Save the programme").click()
    expect(manager_page.locator(".alert-success")).to_contain_text(
        re.compile(r"“Ale – tailored 2027” was created with 2 modules")
    )
    program = Program.objects.get(title="Ale – tailored 2027")
    # The suggested reason, left as it was, is kept in Ale's language (Swedish); what the
    # manager wrote, as written.
    culture_name = Dimension.objects.get(framework__is_active=True, code="culture").name_sv
    with translation.override("sv"):
        suggested = gettext("%(dimension)s scored %(score)s of 5, below %(threshold)s.") % {
            "dimension": culture_name,
            "score": "1,5",
            "threshold": "2,5",
        }
    assert [(m.module_template.code, m.reason) for m in program.modules.order_by("position")] == [
        ("quadruple-helix", "The council wants partners on board from the start."),
        ("innovation-culture", suggested),
    ]
    assert program.modules.get(position=1).title == "Samverkan i fyrfaldig helix"
    due = [*program.tasks.values_list("due_on", flat=True)]
    due += [*program.milestones.values_list("due_on", flat=True)]
    assert due and all(is_working_day(day, "SE") for day in due)
    expect(manager_page.get_by_role("heading", level=1)).to_contain_text("Ale – tailored 2027")
    manager_page.context.close()

    # Without JavaScript the preview button still works: the page comes back with the schedule.
    plain_page = browser.new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    login(plain_page, live_server, world.manager)
    plain_page.goto(f"/tailoring/{world.ale.pk}/")
    plain_page.get_by_role("button", name="Preview the schedule").click()
    expect(plain_page).to_have_url(re.compile(r"/preview/#schedule$"))
    expect(plain_page.locator("#schedule-region")).to_contain_text("Innovation culture")
    plain_page.context.close()


def test_a_manager_accepts_a_shared_need_and_plans_a_joint_workshop(
    page: Page, live_server, login, world
):
    # Both members of cluster A score low in quadruple-helix collaboration (K = 2).
    closed_round(world, world.ale, {"helix": 2})
    closed_round(world, world.alingsas, {"helix": 1})

    login(page, live_server, world.manager)
    page.goto(f"/clusters/{world.cluster_a.pk}/")
    page.get_by_role("link", name="Proposals and joint activities").click()
    proposal = page.locator(".proposal", has_text="Quadruple-helix collaboration")
    expect(proposal).to_contain_text("Alingsås 1.0")
    proposal.get_by_text("Accept as a shared need").click()  # opens the form
    proposal.get_by_label("Title").fill("Partners from all four helices")
    proposal.get_by_role("button", name="Accept").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "“Partners from all four helices” is now a shared need"
    )
    need = world.cluster_a.needs.get(proposal_key="dimension:helix")

    page.locator(f"#need-{need.pk}").get_by_role("link", name="Plan a joint activity").click()
    expect(page.get_by_label("Shared need")).to_have_value(str(need.pk))
    page.get_by_label("Type").select_option(label="Workshop")
    page.get_by_label("Title").fill("Helix workshop")
    page.get_by_label("Starts at").fill("2027-03-02T09:00")
    page.get_by_label("Ends at").fill("2027-03-02T12:00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Partners from all four helices")
    assert Meeting.objects.get(title="Helix workshop").need == need

    page.goto(f"/clusters/{world.cluster_a.pk}/shared-needs/")
    expect(page.locator(f"#need-{need.pk}")).to_contain_text("Helix workshop")
