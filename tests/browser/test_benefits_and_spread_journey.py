"""Issue 13's "Done when", in real Chromium under the Content-Security-Policy.

A coordinator of Ale adopts Alingsås's scaled pilot, reads its lessons and opens the adopted
initiative's concept gate, where the pilot agreement copied as a draft holds the agreement
criterion; a benefit owner (a viewer of Ale) records a follow-up through the form and sees
the realised share in the register; an indicator tied to a Kolada key figure is synced from
the recorded answers in ``tests/statistics/recorded`` (through the real client, against a
local HTTP server) and shows its values with their source, the preliminary one flagged.
Every page on the way is checked with axe-core.

The world is built with the services (and the factories where they have none); everything a
person does in the journey is done in the browser.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from innocities.accounts.models import User
from municipalities.models import MunicipalityRole
from programs.agreements.services import agreement_save
from programs.benefits.models import Benefit, BenefitKind, Judgement
from programs.benefits.services import benefit_save, followup_plan
from programs.indicators.models import Direction, Indicator, Source, ValueStatus
from programs.indicators.services import indicator_create, statistics_sync
from programs.initiatives.models import Initiative, Stage, State
from programs.initiatives.services import gate_decide
from programs.lessons.models import Lesson, Visibility
from programs.lessons.services import lesson_create
from tests import factories as f
from tests.adoption.helpers import need, scaled_pilot
from tests.browser.conftest import Login, axe_violations
from tests.conftest import World

pytestmark = pytest.mark.browser

# The answers Kolada gave, kept in the repository for the statistics sync's own tests.
RECORDED = Path(__file__).resolve().parent.parent / "statistics" / "recorded"

PILOT = "Smart water meters"
LESSON = "Start with the largest customers"
AGREEMENT_CRITERION = "A pilot agreement with the partners is written"
BENEFIT = "More renewable energy in the schools"
INDICATOR = "Renewable energy share"


def accessible(page: Page) -> None:
    """axe-core finds no violation ``axe_violations`` counts on the page as it is now."""
    found = axe_violations(page)
    assert not found, f"{page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(node["target"][0] for node in v["nodes"][:3])
        for v in found
    )


# --- the world --------------------------------------------------------------------------------


@dataclass
class Spread:
    pilot: Initiative
    lesson: Lesson
    solar: Initiative  # Ale's initiative in operation whose benefit the viewer owns
    indicator: Indicator
    benefit: Benefit


@pytest.fixture
def spread(world: World) -> Spread:
    """Cluster A: Alingsås's pilot, decided into implementation with its agreement written and
    a lesson shared with the clusters; Ale's need with the same theme; Ale's programme indicator
    tied to Kolada N00945, and a benefit shown by it, owned by Ale's viewer, with a follow-up
    planned three days ago and one next year."""
    today = timezone.localdate()
    owner = cast(User, f.UserFactory(email="olle@alingsas.se", full_name="Olle Samordnare"))
    f.MunicipalityMembershipFactory(
        user=owner, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    # Alingsås's pilot, in the pilot stage with its agreement, then decided into implementation.
    pilot = scaled_pilot(world.alingsas, title=PILOT, stage=Stage.PILOT, lead=owner)
    agreement_save(
        initiative=pilot,
        actor=owner,
        purpose="Test smart water meters in 200 households in Alingsås",
        test_starts_on=today - dt.timedelta(days=200),
        test_ends_on=today - dt.timedelta(days=40),
        results_reuse="Every member municipality may reuse the results freely",
        scale_up_criteria="Leaks are found twice as fast as before",
    )
    gate_decide(
        initiative=pilot,
        actor=owner,
        seen_stage=Stage.PILOT,
        seen_state=State.ACTIVE,
        to_stage=Stage.IMPLEMENTATION,
        decision="go",
        decided_by="Kommunchef Kim Hemlig",
        body="management_group",
        decided_on=today - dt.timedelta(days=30),
        rationale="Leaks were found twice as fast.",
        open_criteria_reason="The board judged the open criteria at its meeting.",
        expected_benefits="Färre vattenläckor",
        risk="Leverantören går i konkurs",
    )
    pilot.refresh_from_db()
    assert pilot.stage == Stage.IMPLEMENTATION
    lesson = lesson_create(
        actor=owner,
        initiative=pilot,
        title=LESSON,
        body="They leak the most, and they answer the phone.",
        theme="Smart water",
        visibility=Visibility.CLUSTERS,
        language="en",
    )
    need(world.ale, "Smart water", title="Fewer water leaks")

    indicator = indicator_create(
        actor=world.coordinator,
        program=world.program,
        name=INDICATOR,
        unit="%",
        frequency="yearly",
        direction=Direction.HIGHER_IS_BETTER,
        baseline_value=Decimal("32.4"),
        baseline_period="2021",
        target_value=Decimal(40),
        target_period="2027",
        source=Source.KOLADA,
        kolada_kpi="N00945",
    )
    solar = Initiative.objects.create(
        municipality=world.ale,
        title="Solar panels on the schools",
        stage=Stage.OPERATION,
        state=State.ACTIVE,
        stage_since=today - dt.timedelta(days=400),
        lead=world.coordinator,
    )
    benefit = benefit_save(
        initiative=solar,
        actor=world.coordinator,
        title=BENEFIT,
        kind=BenefitKind.CLIMATE,
        owner=world.viewer,
        indicator=indicator,
        baseline_value=Decimal("32.4"),
        baseline_on=dt.date(2021, 1, 1),
        target_value=Decimal(40),
        target_on=dt.date(2027, 12, 31),
    )
    followup_plan(
        benefit=benefit,
        actor=world.coordinator,
        dates=[today - dt.timedelta(days=3), today + dt.timedelta(days=365)],
    )
    return Spread(
        pilot=pilot,
        lesson=lesson,
        solar=solar,
        indicator=indicator,
        benefit=benefit,
    )


# --- a local Kolada -----------------------------------------------------------------------------


def _kolada_handler() -> type[BaseHTTPRequestHandler]:
    """Answers ``GET /kolada/v3/data/kpi/<kpi>/municipality/<codes>?page=<n>`` with
    ``recorded/kolada_<kpi>_page<n>.json``, as ``tests/statistics/conftest.py``'s server does."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            split = urlsplit(self.path)
            parts = split.path.strip("/").split("/")
            page = parse_qs(split.query).get("page", ["1"])[0]
            status, body = 404, b'{"title": "Not Found"}'
            if parts[:4] == ["kolada", "v3", "data", "kpi"] and len(parts) >= 7:
                name = RECORDED / f"kolada_{parts[4]}_page{page}.json"
                status = 200
                body = name.read_bytes() if name.exists() else b'{"values": [], "next_url": null}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def kolada(settings: Any) -> Iterator[str]:
    """A local HTTP server answering as Kolada did; ``KOLADA_BASE_URL`` points at it."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _kolada_handler())
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.KOLADA_BASE_URL = f"http://127.0.0.1:{httpd.server_address[1]}/kolada/v3"
    settings.STATISTICS_TIMEOUT_SECONDS = 5.0
    try:
        yield settings.KOLADA_BASE_URL
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --- the journey --------------------------------------------------------------------------------


def test_a_coordinator_adopts_a_neighbours_scaled_pilot_sees_its_lessons_and_starts_its_gate(
    page: Page, live_server: Any, login: Login, world: World, spread: Spread
) -> None:
    login(page, live_server, world.coordinator)

    # The dashboard loads the suggestion after the page (htmx).
    page.goto("/")
    suggestions = page.locator("#pilot-suggestions-section")
    expect(suggestions).to_contain_text(PILOT)
    expect(suggestions).to_contain_text("Fewer water leaks")
    accessible(page)

    # The peer view: what Alingsås tested, its lessons, and that it wrote an agreement.
    suggestions.get_by_role("link", name=PILOT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PILOT)
    expect(page.locator("#lessons")).to_contain_text(LESSON)
    expect(page.locator("#agreement")).to_contain_text("A pilot agreement was written")
    expect(page.locator("#decisions")).to_contain_text("Pilot → Implementation")
    accessible(page)

    page.get_by_role("button", name="Adopt for Ale").click()
    expect(page).to_have_url(re.compile(r"/initiatives/[0-9]+/$"))
    copy = _adopted(spread)
    expect(page).to_have_url(f"{live_server.url}/initiatives/{copy.pk}/")
    assert (copy.municipality, copy.stage, copy.lead) == (
        world.ale,
        Stage.CONCEPT,
        world.coordinator,
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(PILOT)
    expect(page.locator("[aria-current=step]")).to_contain_text("Concept")
    expect(page.locator("#adopted-from")).to_contain_text("Adopted from Alingsås")
    origin = page.locator("#adoption-origin")
    expect(origin).to_contain_text("1 lesson from the original")
    expect(origin.get_by_role("link", name="read the lessons")).to_have_attribute(
        "href", f"/adoption/pilots/{spread.pilot.pk}/#lessons"
    )
    # The agreement came along as a draft to make their own.
    expect(page.locator("#pilot-agreement")).to_contain_text("Draft")
    accessible(page)

    # The lesson itself, from the adopted initiative's page.
    origin.get_by_role("link", name=LESSON).click()
    expect(page).to_have_url(f"{live_server.url}/lessons/{spread.lesson.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON)
    expect(page.locator("main")).to_contain_text("They leak the most")
    accessible(page)
    page.go_back()

    # The concept gate: on to the pilot, with the agreement criterion met by the draft.
    page.get_by_role("link", name="Record the decision on “Pilot”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision on “Pilot”")
    criterion = page.locator("#criteria li").filter(has_text=AGREEMENT_CRITERION)
    expect(criterion).to_have_count(1)
    expect(criterion).to_contain_text("Holds")
    expect(criterion).not_to_contain_text("Does not hold")
    accessible(page)


def _adopted(spread: Spread) -> Initiative:
    return Initiative.objects.select_related("municipality", "lead").get(adopted_from=spread.pilot)


def test_a_benefit_owner_records_a_follow_up(
    page: Page, live_server: Any, login: Login, world: World, spread: Spread
) -> None:
    benefit = spread.benefit
    overdue, next_year = benefit.followups.order_by("due_on")
    login(page, live_server, world.viewer)

    page.goto(reverse("benefits:mine"))
    owed = page.locator(f"#owed #followup-{overdue.pk}")
    expect(owed).to_contain_text(BENEFIT)
    expect(owed).to_contain_text("overdue")
    accessible(page)

    owed.get_by_role("link", name="Record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a follow-up")
    # The planned follow-up it came for is chosen, and dated today.
    expect(page.get_by_label("Follow-up", exact=True)).to_have_value(str(overdue.pk))
    today = timezone.localdate()
    expect(page.get_by_label("Date of the follow-up")).to_have_value(today.isoformat())
    accessible(page)
    page.get_by_label("Realised value").fill("36.2")
    page.get_by_label("On track", exact=True).check()
    page.get_by_label("Comment").fill("Two more schools have panels since the spring.")
    page.get_by_role("button", name="Record", exact=True).click()

    # An owner who only reads the initiative goes back to their own list.
    expect(page).to_have_url(f"{live_server.url}{reverse('benefits:mine')}")
    expect(page.locator("main")).to_contain_text(f"The follow-up of “{BENEFIT}”")
    expect(page.locator(f"#followup-{overdue.pk}")).to_have_count(0)
    expect(page.locator(f"#owed #followup-{next_year.pk}")).to_be_visible()
    owned = page.locator("#owned tr").filter(has_text=BENEFIT)
    expect(owned).to_contain_text("On track")
    expect(owned.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
    accessible(page)

    # The register: the follow-up as recorded, and the share of the way to the target.
    owned.get_by_role("link", name=spread.solar.title).click()
    card = page.locator(f"#benefit-{benefit.pk}")
    row = card.locator(f"#followup-{overdue.pk}")
    expect(row).to_contain_text("36.2")
    expect(row).to_contain_text("On track")
    expect(row).to_contain_text("Two more schools have panels since the spring.")
    expect(row).to_contain_text("Vera Viewer")
    expect(card).to_contain_text("36.2 at the follow-up of")
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
    expect(card).to_contain_text("50 %")
    expect(page.locator("#register-summary")).to_contain_text("1 on track")
    accessible(page)

    recorded = benefit.followups.get(pk=overdue.pk)
    assert (recorded.recorded_on, recorded.value, recorded.judgement, recorded.recorded_by) == (
        today,
        Decimal("36.2"),
        Judgement.ON_TRACK,
        world.viewer,
    )


def test_an_indicator_shows_synced_kolada_values_with_their_source(
    page: Page, live_server: Any, login: Login, world: World, spread: Spread, kolada: str
) -> None:
    login(page, live_server, world.coordinator)

    # Before the sync, the coordinator types in a value of their own for 2022.
    page.goto(reverse("programs:detail", kwargs={"pk": world.program.pk}))
    page.locator("main").get_by_role("link", name="Indicators").click()
    row = page.locator(f"#indicator-{spread.indicator.pk}")
    expect(row).to_contain_text("No values yet")
    row.get_by_role("link", name="Record a value").click()
    page.get_by_label("Period").fill("2022-06-01")
    page.get_by_label("Value").fill("50")
    page.get_by_label("Note").fill("From our own count")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("The value for 2022 was saved.")
    expect(row.locator("td").nth(2)).to_contain_text("50")

    # The nightly job, now, against the recorded answers.
    result = statistics_sync()
    assert (result.failed, result.created, result.kept) == (0, 3, 1)

    # The indicator's latest figure is Kolada's preliminary 2023 value, with its source, and
    # 2024, which Kolada has no figure for, is shown as missing.
    page.reload()
    latest = row.locator("td").nth(2)
    expect(latest).to_contain_text("34.9")
    expect(latest).to_contain_text("Preliminary")
    expect(latest).to_contain_text("Source: Kolada · 2023")
    expect(latest).to_contain_text("Missing for 2024")
    accessible(page)

    # Every value: Kolada's with their source, the one typed in by hand kept.
    row.get_by_role("link", name="Record a value").click()
    values = page.locator("main table tbody")
    expect(values.locator("tr")).to_have_count(4)
    for period, text in (
        ("2024-01-01", "Missing"),
        ("2023-01-01", "34.9"),
        ("2021-01-01", "32.4"),
    ):
        figure = values.locator("tr").filter(has_text=period)
        expect(figure).to_contain_text(text)
        expect(figure).to_contain_text("Source: Kolada")
    expect(values.locator("tr").filter(has_text="2023-01-01")).to_contain_text("Preliminary")
    typed = values.locator("tr").filter(has_text="2022-01-01")
    expect(typed).to_contain_text("50")
    expect(typed).to_contain_text("Typed in by hand: kept by the sync")
    expect(typed).not_to_contain_text("Source:")
    accessible(page)
    statuses = dict(spread.indicator.values.values_list("source_period", "status"))
    assert statuses == {
        "2021": ValueStatus.FINAL,
        "": ValueStatus.FINAL,  # the value typed in: no period as a source names it
        "2023": ValueStatus.PRELIMINARY,
        "2024": ValueStatus.MISSING,
    }

    # The benefit it shows reads the same figure, with its source.
    page.goto(reverse("benefits:register", kwargs={"pk": spread.solar.pk}))
    card = page.locator(f"#benefit-{spread.benefit.pk}")
    expect(card).to_contain_text("Latest value: 34.9 (2023)")
    expect(card).to_contain_text("preliminary")
    expect(card).to_contain_text("Source: Kolada")
    accessible(page)


def test_a_synced_value_reads_kalla_kolada_in_swedish(
    page: Page, live_server: Any, login: Login, world: World, kolada: str
) -> None:
    """The source in the page's language: the coordinator switches to Swedish with the
    language menu on the indicator page."""
    indicator = indicator_create(
        actor=world.coordinator,
        program=world.program,
        name="Andel förnybar energi",
        unit="%",
        frequency="yearly",
        direction=Direction.HIGHER_IS_BETTER,
        baseline_value=Decimal("32.4"),
        target_value=Decimal(40),
        source=Source.KOLADA,
        kolada_kpi="N00945",
    )
    assert statistics_sync().failed == 0
    login(page, live_server, world.coordinator)

    page.goto(reverse("indicators:program_list", kwargs={"pk": world.program.pk}))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("button[name=language][value=sv]").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    latest = page.locator(f"#indicator-{indicator.pk} td").nth(2)
    expect(latest).to_contain_text("34,9")  # in Swedish numbers
    accessible(page)

    expect(latest).to_contain_text("Källa: Kolada · 2023")
