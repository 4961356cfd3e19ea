"""The user journeys the foundation promises, in real Chromium against the live server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clusters.models import ClusterMembership
from programs.models import ItemStatus, ProgressUpdate

pytestmark = pytest.mark.browser


def test_coordinator_marks_a_task_done_and_reports_progress(page: Page, live_server, login, world):
    login(page, live_server, world.coordinator)

    page.get_by_role("link", name="Ale innovates").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ale innovates")

    row = page.locator("li.item", has_text="Map the innovation culture")
    row.get_by_role("button", name="Mark as done").click()
    # htmx swaps the card in place: the button goes, the status says done.
    expect(row.get_by_role("button", name="Mark as done")).to_have_count(0)
    expect(row).to_contain_text("Done")
    task = world.program.tasks.get(title="Map the innovation culture")
    assert (task.status, task.percent) == (ItemStatus.DONE, 100)

    page.get_by_role("link", name="Write a progress update").first.click()
    page.get_by_label("What was achieved").fill("Mapped the innovation culture with 40 staff.")
    page.get_by_label("What comes next").fill("Workshop with business and academia in March.")
    page.get_by_role("button", name="Save the update").click()

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("main")).to_contain_text("Mapped the innovation culture with 40 staff.")
    update = ProgressUpdate.objects.get(program=world.program)
    assert update.author == world.coordinator


def test_manager_edits_the_roster_and_the_admin_sees_the_history(
    page: Page, live_server, login, world, browser
):
    today = timezone.localdate()
    login(page, live_server, world.manager)
    page.goto(f"/clusters/{world.cluster_a.pk}/")

    page.get_by_role("link", name="Add a municipality").click()
    # The picker searches as you type and offers only municipalities not yet members.
    page.get_by_label("Find a municipality").fill("Lerum")
    page.get_by_role("radio", name="Lerum").check()
    page.get_by_label("Joined on").fill(today.isoformat())
    page.get_by_role("button", name="Add member").click()
    members = page.locator("#members")
    expect(members).to_contain_text("Lerum")

    members.locator("tr", has_text="Alingsås").get_by_role("link", name="End").click()
    page.get_by_label("Leave date").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="End membership").click()
    current, former = page.locator("#members table").nth(0), page.locator("#members table").nth(1)
    expect(current).not_to_contain_text("Alingsås")
    expect(former.locator("tr", has_text="Alingsås")).to_have_count(1)
    ended = ClusterMembership.objects.get(cluster=world.cluster_a, municipality=world.alingsas)
    assert ended.left_on == today - dt.timedelta(days=1)
    assert ClusterMembership.objects.filter(
        cluster=world.cluster_a, municipality=world.lerum, left_on__isnull=True
    ).exists()

    # The administrator, in their own browser session, finds both changes in the admin history.
    admin_page = browser.new_context(base_url=live_server.url).new_page()
    login(admin_page, live_server, world.admin)
    for membership, change in (
        (
            ClusterMembership.objects.get(cluster=world.cluster_a, municipality=world.lerum),
            "Created",
        ),
        (ended, "Changed"),
    ):
        admin_page.goto(f"/admin/clusters/clustermembership/{membership.pk}/history/")
        history = admin_page.locator("#change-history")
        expect(history).to_contain_text(world.manager.full_name)
        expect(history).to_contain_text(change)
    admin_page.context.close()
