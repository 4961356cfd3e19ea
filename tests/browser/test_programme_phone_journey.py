"""Issue 11 on a phone: the programme page fits 390 px, and marking a task done happens in
place — the card, the progress card and the live region change without a page load."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.models import ItemStatus
from tests import factories as f

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_coordinator_marks_a_task_done_on_a_phone(
    page: Page, live_server, login, world, assert_accessible
):
    today = timezone.localdate()
    program = world.program
    current = program.modules.get()
    f.TaskFactory(
        program=program,
        module=current,
        owner=world.coordinator,
        title="Workshop with business, academia and civil society on the innovation culture",
        description="A long description that must wrap on a small screen " * 4,
        due_on=today + dt.timedelta(days=20),
    )
    f.TaskFactory(program=program, module=current, title="Survey the staff")
    finished = f.ProgramModuleFactory(program=program, title="Kick-off", position=2)
    f.TaskFactory(
        program=program,
        module=finished,
        title="Kick-off with the management team",
        status=ItemStatus.DONE,
        percent=100,
        completed_on=today,
        due_on=today - dt.timedelta(days=30),
    )
    task = program.tasks.get(title="Map the innovation culture")

    page.set_viewport_size(PHONE)
    login(page, live_server, world.coordinator)
    page.get_by_role("link", name="Ale innovates").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ale innovates")
    assert no_horizontal_scroll(page)
    # Set after the page loaded: gone if anything below reloads the page.
    page.evaluate("window.journeyMarker = 'same page'")

    progress = page.locator("#programme-progress")
    expect(progress).to_contain_text("1 of 4 tasks done")
    card = page.locator(f"#task-{task.pk}")
    button = card.get_by_role("button", name="Mark as done “Map the innovation culture”")
    expect(button).to_be_visible()
    # The action sits beside the title, inside the screen.
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    button.click()

    expect(card.get_by_role("button", name="Mark as done")).to_have_count(0)
    expect(card.locator("dd").first).to_have_text("Done")
    expect(progress).to_contain_text("2 of 4 tasks done")
    expect(page.locator("#programme-announcer")).to_have_text(
        "“Map the innovation culture” marked as done. 2 of 4 tasks done."
    )
    expect(page.locator(f"#task-{task.pk}-title")).to_be_focused()
    assert page.evaluate("window.journeyMarker") == "same page"
    task.refresh_from_db()
    assert (task.status, task.percent) == (ItemStatus.DONE, 100)

    # The finished module is collapsed; its tasks load when it is opened from the index.
    old_work = page.locator(f"#module-{finished.pk}").get_by_role(
        "heading", name="Kick-off with the management team"
    )
    expect(old_work).to_have_count(0)
    page.get_by_role("navigation", name="Jump to a module").get_by_role(
        "link", name="2. Kick-off"
    ).click()
    expect(page.locator(f"#module-{finished.pk}")).to_have_attribute("open", "")
    expect(old_work).to_be_visible()
    assert page.evaluate("window.journeyMarker") == "same page"
    assert no_horizontal_scroll(page)
    assert_accessible(page)
