"""Writing progress updates: the proposal, overriding it, and who may write."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.forms import TEXT_MAX
from programs.models import ItemStatus, ProgressStatus, ProgressUpdate
from tests import factories as f


def url(program) -> str:
    return reverse("programs:update_create", kwargs={"pk": program.pk})


def test_form_preselects_the_proposed_status_and_says_why(world, as_persona):
    f.TaskFactory(program=world.program, status=ItemStatus.BLOCKED)
    response = as_persona("coordinator").get(url(world.program))
    assert response.status_code == 200
    assert response.context["form"].initial["status"] == ProgressStatus.AT_RISK
    content = response.content.decode()
    assert re.search(r'value="at_risk"[^>]*checked', content)
    assert not re.search(r'value="on_track"[^>]*checked', content)
    assert re.search(r"Blocked items: <strong>1</strong>", content)


def test_following_the_proposal_appends_an_update(world, as_persona):
    response = as_persona("coordinator").post(
        url(world.program),
        {"status": "on_track", "achieved": "Kick-off held.", "next_steps": "Workshops."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#updates")
    update = ProgressUpdate.objects.get()
    assert (update.author, update.status, update.proposed_status) == (
        world.coordinator,
        ProgressStatus.ON_TRACK,
        ProgressStatus.ON_TRACK,
    )


def test_another_status_with_a_reason_is_kept_with_the_reason(world, as_persona):
    as_persona("manager").post(
        url(world.program),
        {"status": "at_risk", "achieved": "Little.", "override_reason": "Key person on leave."},
    )
    update = ProgressUpdate.objects.get()
    assert (update.status, update.proposed_status, update.override_reason) == (
        ProgressStatus.AT_RISK,
        ProgressStatus.ON_TRACK,
        "Key person on leave.",
    )


def test_the_programme_shows_the_written_status_with_the_proposal_as_a_hint(world, as_persona):
    client = as_persona("coordinator")
    detail = reverse("programs:detail", kwargs={"pk": world.program.pk})
    before = client.get(detail).content.decode()
    assert "<strong>No report yet</strong>" in before
    client.post(
        url(world.program),
        {"status": "at_risk", "achieved": "Little.", "override_reason": "Key person on leave."},
    )
    after = client.get(detail).content.decode()
    assert '<span class="programme-status status-at_risk">' in after
    assert "<strong>At risk</strong>" in after
    assert "Proposed from the tasks: On track" in after
    assert "No report yet" not in after
    assert "status-on_track" not in after.split('id="updates"')[0]


def test_another_status_without_a_reason_re_renders_keeping_what_was_typed(world, as_persona):
    response = as_persona("coordinator").post(
        url(world.program),
        {"status": "off_track", "achieved": "We wrote a long report.", "blockers": "Budget"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["override_reason"]
    content = response.content.decode()
    assert "We wrote a long report." in content
    assert "Budget" in content
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": "on_track", "achieved": ""},
        {"status": "sideways", "achieved": "Something."},
        {"status": "on_track", "achieved": "x" * (TEXT_MAX + 1)},
    ],
)
def test_bad_input_re_renders_and_saves_nothing(world, as_persona, data):
    response = as_persona("coordinator").post(url(world.program), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_proposal_is_off_track_with_an_overdue_milestone(world, as_persona):
    f.MilestoneFactory(program=world.program, due_on=timezone.localdate() - dt.timedelta(days=1))
    response = as_persona("coordinator").get(url(world.program))
    assert response.context["summary"].proposed_status == ProgressStatus.OFF_TRACK


def test_viewer_may_not_write_an_update(world, as_persona):
    client = as_persona("viewer")
    assert client.get(url(world.program)).status_code == 403
    response = client.post(url(world.program), {"status": "on_track", "achieved": "Hi"})
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "partner", "other_manager"])
def test_people_outside_the_programme_get_404(world, as_persona, persona):
    assert as_persona(persona).get(url(world.program)).status_code == 404


def test_update_form_refuses_other_methods(world, as_persona):
    assert as_persona("coordinator").put(url(world.program)).status_code == 405


def test_there_is_no_url_to_change_or_delete_an_update():
    from programs.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    assert not {name for name in names if name.startswith("update_")} - {"update_create"}
