"""After a meeting: the manager invites a municipality's people, records an action item on the
follow-up page, and the coordinator finds it as a task in their programme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clusters.models import Meeting, RosterRole
from programs.followup.models import ActionItem
from tests import factories as f

pytestmark = pytest.mark.browser


def test_an_action_item_of_a_meeting_becomes_the_coordinators_task(
    page: Page, live_server, login, world, browser, assert_accessible
):
    # Ale's coordinator and viewer are Ale's people on the cluster's roster.
    for person in (world.coordinator, world.viewer):
        f.RosterEntryFactory(
            cluster=world.cluster_a,
            user=person,
            role=RosterRole.MUNICIPAL_CONTACT,
            municipality=world.ale,
        )
    now = timezone.localtime()
    starts = (now + dt.timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    due = timezone.localdate() + dt.timedelta(days=21)

    login(page, live_server, world.manager)
    page.goto(f"/clusters/{world.cluster_a.pk}/meetings/new/")
    page.get_by_label("Title").fill("Autumn network meeting")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends at").fill((starts + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    select_all = page.get_by_label("Select all in Ale")
    if select_all.count():
        select_all.check()  # one click for the municipality's people
    else:  # an older form: one box per person
        page.get_by_label("Cora Coordinator").check()
        page.get_by_label("Vera Viewer").check()
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autumn network meeting")
    meeting = Meeting.objects.get(title="Autumn network meeting")
    assert set(meeting.participants.values_list("user_id", flat=True)) == {
        world.coordinator.pk,
        world.viewer.pk,
    }
    # The follow-up opens once the meeting has started.
    expect(page.get_by_role("link", name="Follow-up")).to_have_count(0)

    # The meeting happens.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    page.reload()
    page.get_by_role("link", name="Follow-up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Follow-up")
    page.get_by_role("textbox", name="Action").fill("Share the pilot plan with the cluster")
    page.get_by_label("Owner").select_option(label="Cora Coordinator")
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_role("button", name="Record the action item").click()
    row = page.locator("tr", has_text="Share the pilot plan with the cluster")
    expect(row).to_contain_text("To do")
    expect(row).to_contain_text("Ale innovates")
    assert_accessible(page)
    item = ActionItem.objects.get(meeting=meeting)
    assert item.task.program == world.program

    # The coordinator, in a browser of their own, finds the task in their programme.
    coordinator_page = browser.new_context(base_url=live_server.url).new_page()
    login(coordinator_page, live_server, world.coordinator)
    coordinator_page.get_by_role("link", name="Ale innovates").first.click()
    task = coordinator_page.locator("li.item", has_text="Share the pilot plan with the cluster")
    expect(task).to_contain_text("From the meeting Autumn network meeting")
    task.get_by_role("link", name="Autumn network meeting").click()
    expect(coordinator_page.get_by_role("heading", level=1)).to_contain_text(
        "Autumn network meeting"
    )
    expect(coordinator_page.get_by_role("button", name="Record the action item")).to_have_count(0)
