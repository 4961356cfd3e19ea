"""Realised against expected on the portfolio pages (as the reader may see it), the figures of
``benefit_summary`` for the monthly report, and the query counts of every benefit page at ten
times the data."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from innocities.accounts.models import User
from programs.benefits.models import Judgement
from programs.benefits.selectors import benefit_summary
from programs.indicators.models import IndicatorValue
from programs.initiatives.models import Initiative, State
from tests import factories as f
from tests.benefits.factories import BenefitFactory, FollowUpFactory, recorded
from tests.indicators.factories import IndicatorFactory
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english(world):
    User.objects.update(language="en")


def _section(html: str) -> str:
    match = re.search(r'<section id="benefits"(.*?)</section>', html, re.S)
    assert match, "no benefits section"
    return match.group(1)


def _row(html: str, initiative: Initiative) -> list[str]:
    match = re.search(rf'<tr data-initiative="{initiative.pk}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for {initiative}"
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", match.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


@pytest.fixture
def portfolio(world):
    """Ale: meters (one benefit on track at 50 %, one behind, one not yet followed up), a
    stopped initiative and an ended benefit that do not count. Alingsås (in cluster A, not
    sharing): a benefit at its target. A joint initiative of cluster A: one benefit."""
    meters = InitiativeFactory(municipality=world.ale, title="Smart water meters")
    half = BenefitFactory(initiative=meters, owner=world.viewer, title="Fewer leaks")
    recorded(half, dt.date(2025, 12, 31), value=Decimal(30))
    behind = BenefitFactory(initiative=meters, owner=world.viewer, title="Lower bills")
    recorded(behind, dt.date(2025, 12, 31), value=Decimal(39), judgement=Judgement.PARTLY)
    waiting = BenefitFactory(initiative=meters, owner=world.viewer, title="Happier residents")
    FollowUpFactory(benefit=waiting, due_on=TODAY - dt.timedelta(days=3))
    ended = BenefitFactory(initiative=meters, owner=world.viewer, title="Gone")
    ended.ended_on, ended.end_reason = TODAY, "Merged."
    ended.save()
    stopped = InitiativeFactory(municipality=world.ale, title="Stopped bus", state=State.STOPPED)
    BenefitFactory(initiative=stopped, owner=world.viewer)

    someone = f.UserFactory()
    f.MunicipalityMembershipFactory(user=someone, municipality=world.alingsas)
    bikes = InitiativeFactory(municipality=world.alingsas, title="Shared bikes")
    reached = BenefitFactory(initiative=bikes, owner=someone, title="More cycling")
    recorded(reached, dt.date(2026, 1, 31), value=Decimal(20), judgement=Judgement.REALISED)

    joint = InitiativeFactory(cluster=world.cluster_a, title="Regional data space")
    BenefitFactory(initiative=joint, owner=world.manager, title="Shared data")
    return {"meters": meters, "stopped": stopped, "bikes": bikes, "joint": joint}


def test_the_municipality_portfolio_shows_realised_against_expected(world, as_persona, portfolio):
    html = as_persona("viewer").get(reverse("initiatives:municipality", args=[world.ale.pk]))
    section = _section(html.content.decode())
    assert "3 benefits expected:" in section
    assert "Targets reached: 0 of 3 measured benefits." in section
    # (50 + 5 + nothing) / 2 benefits with a value
    assert "On average 28 % of the way from baseline to target" in section
    assert _row(section, portfolio["meters"])[1:7] == ["3", "1", "1", "1", "0 of 3", "28 %"]
    assert "Stopped bus" not in section
    assert "Shared bikes" not in section


def test_the_cluster_portfolio_counts_every_initiative_but_lists_only_those_one_may_open(
    world, as_persona, portfolio
):
    url = reverse("initiatives:cluster", args=[world.cluster_a.pk])
    section = _section(as_persona("coordinator").get(url).content.decode())
    assert "5 benefits expected:" in section  # Ale's 3, Alingsås' 1, the joint one
    assert "Targets reached: 1 of 5 measured benefits." in section
    assert _row(section, portfolio["meters"])[1] == "Ale"
    assert _row(section, portfolio["joint"])[1] == world.cluster_a.name
    assert "Shared bikes" not in section  # Alingsås' own: Ale's coordinator may not open it
    assert "Alingsås" not in section
    assert "The benefits of 1 more initiative count in the total" in section

    manager = _section(as_persona("manager").get(url).content.decode())
    assert "5 benefits expected:" in manager
    assert _row(manager, portfolio["bikes"])[1:3] == ["Alingsås", "1"]
    assert "more initiative" not in manager


def test_the_summary_for_the_monthly_report_gives_each_initiative_and_the_total(world, portfolio):
    report = benefit_summary(
        Initiative.objects.filter(municipality__in=[world.ale, world.alingsas]),
        today=TODAY,
        since=dt.date(2026, 1, 1),
    )
    by_title = {item.initiative.title: item.summary for item in report.initiatives}
    assert set(by_title) == {"Smart water meters", "Shared bikes"}
    meters = by_title["Smart water meters"]
    assert (meters.benefits, meters.on_track, meters.behind, meters.not_followed_up) == (3, 1, 1, 1)
    assert (meters.overdue, meters.next_due_on) == (1, TODAY - dt.timedelta(days=3))
    assert by_title["Shared bikes"].target_reached == 1
    total = report.total
    assert (total.benefits, total.on_track, total.target_reached, total.mean_share) == (4, 2, 1, 52)
    # Recorded from 2026-01-01 on: the bikes' follow-up only.
    assert [r.followup.benefit.title for r in report.recorded] == ["More cycling"]
    assert report.recorded[0].share == Decimal("100.0")


def test_the_summary_of_nothing_is_zero(world):
    report = benefit_summary(Initiative.objects.none(), today=TODAY)
    assert report.initiatives == []
    assert report.total.benefits == 0
    assert report.total.mean_share is None


# --- query counts -----------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(captured)


def _grow(world, initiatives: dict[str, Initiative], times: int) -> None:
    """``times`` more benefits in every initiative, each with an indicator and its value, a
    recorded follow-up and two planned ones (one overdue), owned by the viewer."""
    for initiative in initiatives.values():
        for _index in range(times):
            indicator = (
                IndicatorFactory(program=world.program)
                if initiative.municipality_id == world.ale.pk
                else None
            )
            if indicator is not None:
                IndicatorValue.objects.create(
                    indicator=indicator, period=dt.date(2025, 1, 1), value=Decimal(25)
                )
            owner = world.viewer if initiative.municipality_id == world.ale.pk else world.manager
            benefit = BenefitFactory(initiative=initiative, owner=owner, indicator=indicator)
            recorded(benefit, dt.date(2025, 12, 31), value=Decimal(30), by=world.coordinator)
            FollowUpFactory(benefit=benefit, due_on=TODAY - dt.timedelta(days=2))
            FollowUpFactory(benefit=benefit, due_on=TODAY + dt.timedelta(days=60))


def test_every_benefit_page_costs_the_same_queries_at_ten_times_the_data(world, as_persona):
    initiatives = {
        "ale": InitiativeFactory(municipality=world.ale, title="Ale's"),
        "alingsas": InitiativeFactory(municipality=world.alingsas, title="Alingsås'"),
        "joint": InitiativeFactory(cluster=world.cluster_a, title="Joint"),
    }
    ale = initiatives["ale"]
    pages = {
        "register": (reverse("benefits:register", args=[ale.pk]), ("coordinator", "viewer")),
        "detail": (reverse("initiatives:detail", args=[ale.pk]), ("coordinator", "viewer")),
        "mine": (reverse("benefits:mine"), ("viewer",)),
        "municipality": (
            reverse("initiatives:municipality", args=[world.ale.pk]),
            ("coordinator", "viewer"),
        ),
        "cluster": (
            reverse("initiatives:cluster", args=[world.cluster_a.pk]),
            ("coordinator", "manager"),
        ),
    }
    clients = {p: as_persona(p) for p in ("coordinator", "viewer", "manager")}
    _grow(world, initiatives, 1)
    for url, personas in pages.values():
        for persona in personas:
            _queries(clients[persona], url)  # warm the sessions and caches
    small = {
        (name, persona): _queries(clients[persona], url)
        for name, (url, personas) in pages.items()
        for persona in personas
    }
    _grow(world, initiatives, 9)
    benefit = ale.benefits.first()
    assert ale.benefits.count() == 10
    large = {
        (name, persona): _queries(clients[persona], url)
        for name, (url, personas) in pages.items()
        for persona in personas
    }
    assert large == small
    # And the record page of one benefit, among ten.
    record = reverse("benefits:record", args=[ale.pk, benefit.pk])
    assert _queries(clients["viewer"], record) < 20
