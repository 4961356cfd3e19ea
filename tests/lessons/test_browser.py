"""In real Chromium, under the Content-Security-Policy: a coordinator writes a lesson at a gate
decision from the initiative page, a peer in the cluster finds it by another form of a word,
and every page on the way, with lessons and form errors on it, meets WCAG 2.1 AA (axe-core)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from municipalities.models import MunicipalityRole
from programs.initiatives.models import GateDecision, Outcome
from programs.lessons.models import Lesson
from tests import factories as f
from tests.browser.conftest import (  # noqa: F401  (the browser harness's fixtures)
    _browser_tests_are_marked,
    _data_migrations_seeded,
    _no_content_security_policy_violations,
    axe_violations,
    base_url,
    browser_type_launch_args,
    log_in,
)
from tests.initiatives.factories import AssumptionFactory, InitiativeFactory

pytestmark = pytest.mark.browser


def _accessible(page: Page) -> None:
    found = axe_violations(page)
    assert not found, f"{page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'][0] for n in v['nodes'][:3]]}" for v in found
    )


def test_a_lesson_written_at_a_gate_is_found_by_a_peer(page: Page, live_server, world):
    initiative = InitiativeFactory(
        municipality=world.ale, title="Gående skolbuss", stage="concept", lead=world.coordinator
    )
    gate = GateDecision.objects.create(
        initiative=initiative,
        from_stage="idea",
        to_stage="concept",
        decision="go",
        decided_by="Anna Kommunchef",
        body="management_group",
        decided_on=timezone.localdate(),
        rationale="Behovet är tydligt.",
    )
    AssumptionFactory(
        initiative=initiative,
        statement="Föräldrarna kör mindre bil",
        outcome=Outcome.INVALIDATED,
        learning="De körde ändå när det regnade.",
        resolved_on=timezone.localdate(),
    )
    log_in(page, live_server, world.coordinator)
    page.goto(reverse("initiatives:detail", kwargs={"pk": initiative.pk}))
    _accessible(page)
    page.locator(f"#lessons-to-write a[href*='gate={gate.pk}']").click()
    page.wait_for_url(f"**{reverse('lessons:create')}?initiative={initiative.pk}&gate={gate.pk}")
    page.fill("#id_title", "Föräldrarna behövs från början")
    page.fill("#id_body", "   ")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_body.is-invalid").count() == 1
    assert page.input_value("#id_title") == "Föräldrarna behövs från början"
    _accessible(page)
    page.fill(
        "#id_body", "Skolan ville att eleverna gick. Vi lärde oss att fråga föräldrarna först."
    )
    page.select_option("#id_language", "sv")
    page.check("input[name=visibility][value=clusters]")
    page.locator("main form button[type=submit]").click()
    lesson = Lesson.objects.get()
    page.wait_for_url(f"**{reverse('lessons:detail', kwargs={'pk': lesson.pk})}")
    assert lesson.gate_decision == gate
    _accessible(page)
    page.goto(reverse("initiatives:detail", kwargs={"pk": initiative.pk}))
    assert page.locator(f"#lesson-{lesson.pk}").count() == 1
    assert page.locator(f"#lessons-to-write a[href*='gate={gate.pk}']").count() == 0
    _accessible(page)

    # A coordinator of Alingsås, in the same cluster, finds it with another form of the word.
    peer = f.UserFactory(email="alva@example.se", full_name="Alva Alingsås")
    f.MunicipalityMembershipFactory(
        user=peer, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    page.context.clear_cookies()
    log_in(page, live_server, peer)
    page.goto(reverse("lessons:search"))
    page.fill("#id_q", "skolor")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_url("**q=skolor**")
    results = page.locator("#lesson-results")
    assert "Föräldrarna behövs från början" in results.inner_text()
    assert "Gående skolbuss" in results.inner_text() and "Ale" in results.inner_text()
    _accessible(page)
