"""The benefit register's pages: the register itself, adding and editing a benefit (with the
refusals a person gets for bad input), planning follow-ups, recording one as the benefit's
owner, ending and removing, and a benefit owner's own list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from innocities.accounts.models import User
from programs.benefits.models import Benefit, BenefitKind, Judgement
from programs.indicators.models import Direction, IndicatorValue
from programs.initiatives.models import Initiative, State
from tests.benefits.factories import BenefitFactory, FollowUpFactory, recorded
from tests.indicators.factories import IndicatorFactory
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english(world):
    """Everyone reads English: the texts are compared as written."""
    User.objects.update(language="en")


def _url(name: str, **kwargs: int) -> str:
    return reverse(f"benefits:{name}", kwargs=kwargs)


def _register(initiative: Initiative) -> str:
    return _url("register", pk=initiative.pk)


def _benefit_url(name: str, benefit: Benefit, **kwargs: int) -> str:
    return _url(name, pk=benefit.initiative_id, benefit_pk=benefit.pk, **kwargs)


def _has_value_source() -> bool:
    return any(field.name == "source" for field in IndicatorValue._meta.concrete_fields)


@pytest.fixture
def meters(world):
    """Ale's water meters in operation, with a benefit measured by a programme indicator and
    owned by the viewer: half-way to its target, its next follow-up a week overdue."""
    initiative = InitiativeFactory(
        municipality=world.ale, title="Smart water meters", stage="operation"
    )
    indicator = IndicatorFactory(
        program=world.program,
        name="Water leaks reported",
        unit="leaks a year",
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=40,
        target_value=20,
        kolada_kpi="N00945",
    )
    value = {"indicator": indicator, "period": dt.date(2025, 1, 1), "value": Decimal(31)}
    if _has_value_source():
        value.update(source="kolada", status="preliminary")
    IndicatorValue.objects.create(**value)
    benefit = BenefitFactory(
        initiative=initiative,
        title="Fewer water leaks",
        owner=world.viewer,
        indicator=indicator,
        direction="",
        unit="",
    )
    recorded(benefit, dt.date(2025, 12, 31), value=Decimal(30), by=world.viewer)
    overdue = FollowUpFactory(benefit=benefit, due_on=TODAY - dt.timedelta(days=7))
    FollowUpFactory(benefit=benefit, due_on=TODAY + dt.timedelta(days=180))
    judged = BenefitFactory(
        initiative=initiative,
        title="Calmer work for the plumbers",
        kind=BenefitKind.WORKING_ENVIRONMENT,
        owner=world.coordinator,
        direction=Direction.HIGHER_IS_BETTER,
        unit="",
        baseline_value=None,
        baseline_on=None,
        target_value=None,
    )
    return initiative, benefit, overdue, judged


# --- the register -------------------------------------------------------------------------


def test_the_register_shows_owner_indicator_baseline_target_and_progress(world, as_persona, meters):
    initiative, benefit, overdue, judged = meters
    page = as_persona("viewer").get(_register(initiative))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fewer water leaks" in html
    assert "Vera Viewer" in html  # the owner
    assert "Water leaks reported" in html
    assert "Latest value: 31 (2025)" in html
    if _has_value_source():
        assert "Source: Kolada" in html
        assert "preliminary" in html
    assert "40 (" in html and "→ 20 by" in html  # baseline → target
    assert "leaks a year" in html  # the indicator's unit
    assert "lower is better" in html  # the indicator's direction
    assert "30 at the follow-up of" in html
    assert 'aria-valuenow="50"' in html  # half-way from 40 to 20
    assert f'id="followup-{overdue.pk}"' in html
    assert "overdue" in html
    assert "Judged without a figure" in html
    # The viewer owns the first benefit: they may record it, not the coordinator's.
    record = _benefit_url("record", benefit)
    assert f'href="{record}"' in html
    assert _benefit_url("record", judged) not in html
    assert _benefit_url("edit", benefit) not in html


def test_an_editor_sees_every_action_and_a_stopped_initiative_is_marked(world, as_persona, meters):
    initiative, benefit, _overdue, judged = meters
    client = as_persona("coordinator")
    html = client.get(_register(initiative)).content.decode()
    for name in ("record", "edit", "plan", "end"):
        assert _benefit_url(name, benefit) in html
        assert _benefit_url(name, judged) in html
    Initiative.objects.filter(pk=initiative.pk).update(state=State.STOPPED)
    html = client.get(_register(initiative)).content.decode()
    assert "The initiative is stopped: its benefits are no longer followed up" in html


def test_the_initiative_page_summarises_the_benefits_and_links_the_register(
    world, as_persona, meters
):
    initiative, *_ = meters
    html = as_persona("manager").get(reverse("initiatives:detail", args=[initiative.pk])).content
    html = html.decode()
    assert 'id="benefits"' in html
    assert "2 benefits expected:" in html
    assert "1 on track" in html
    assert "1 not yet followed up" in html
    assert "Targets reached: 0 of 1 measured benefits." in html
    assert "On average 50 % of the way from baseline to target" in html
    assert "1 follow-up overdue" in html
    assert f'href="{_register(initiative)}"' in html
    assert _url("create", pk=initiative.pk) not in html  # the manager only reads


def test_an_initiative_without_benefits_invites_the_editor_to_add_one(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    html = as_persona("coordinator").get(reverse("initiatives:detail", args=[initiative.pk]))
    assert "No benefits in the register yet" in html.content.decode()
    assert _url("create", pk=initiative.pk) in html.content.decode()


# --- adding and editing --------------------------------------------------------------------


def _form(world, **overrides) -> dict[str, str]:
    data = {
        "title": "Shorter queues at the service centre",
        "kind": BenefitKind.QUALITY,
        "description": "Residents get answers by phone the first time.",
        "owner": str(world.viewer.pk),
        "indicator": "",
        "unit": "minutes",
        "direction": Direction.LOWER_IS_BETTER,
        "baseline_value": "12",
        "baseline_on": "2025-01-01",
        "target_value": "5",
        "target_on": "2027-06-30",
    }
    data.update(overrides)
    return data


def test_a_coordinator_adds_a_benefit_and_lands_on_it_in_the_register(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    indicator = IndicatorFactory(program=world.program, name="Answered first time")
    client = as_persona("coordinator")
    form = client.get(_url("create", pk=initiative.pk)).content.decode()
    assert "Answered first time" in form
    assert "Vera Viewer" in form
    response = client.post(_url("create", pk=initiative.pk), _form(world))
    benefit = Benefit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_register(initiative)}#benefit-{benefit.pk}"
    assert (benefit.owner, benefit.target_value, benefit.created_by) == (
        world.viewer,
        Decimal(5),
        world.coordinator,
    )
    response = client.post(
        _benefit_url("edit", benefit), _form(world, indicator=str(indicator.pk), title="Renamed")
    )
    assert response.status_code == 302
    benefit.refresh_from_db()
    assert (benefit.title, benefit.indicator) == ("Renamed", indicator)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target_value": "20"}, "target_value", "When lower is better, the target must be below"),
        (
            {"target_on": "2024-12-31"},
            "target_on",
            "The target date comes after the baseline date.",
        ),
        ({"direction": ""}, "direction", "Say whether higher or lower is better"),
        ({"baseline_on": ""}, "baseline_on", "Say when the baseline was measured."),
        ({"target_value": ""}, "target_value", "Give both a baseline and a target value"),
        ({"baseline_value": "1e20"}, "baseline_value", ""),
        ({"title": "Two\nlines"}, "title", "Remove the line breaks"),
    ],
    ids=[
        "target-wrong-side",
        "target-date-early",
        "no-direction",
        "baseline-undated",
        "target-missing",
        "value-too-large",
        "title-control-characters",
    ],
)
def test_a_benefit_that_does_not_add_up_stays_on_the_form_with_its_message(
    world, as_persona, overrides, field, message
):
    initiative = InitiativeFactory(municipality=world.ale)
    response = as_persona("coordinator").post(
        _url("create", pk=initiative.pk), _form(world, **overrides)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Benefit.objects.exists()
    # What the person wrote is still there.
    assert "Residents get answers by phone the first time." in response.content.decode()


def test_an_owner_or_indicator_from_elsewhere_is_an_invalid_choice(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    lerum = IndicatorFactory(program=world.other_program)
    response = as_persona("coordinator").post(
        _url("create", pk=initiative.pk),
        _form(world, owner=str(world.other_coordinator.pk), indicator=str(lerum.pk)),
    )
    errors = response.context["form"].errors
    assert {"owner", "indicator"} <= set(errors)
    assert not Benefit.objects.exists()


def test_a_benefit_of_another_initiative_answers_404(world, as_persona, meters):
    _initiative, benefit, *_ = meters
    other = InitiativeFactory(municipality=world.ale)
    url = _url("edit", pk=other.pk, benefit_pk=benefit.pk)
    assert as_persona("coordinator").get(url).status_code == 404


# --- planning and recording -------------------------------------------------------------


def test_a_coordinator_plans_follow_ups_every_six_months_up_to_the_target(world, as_persona):
    benefit = BenefitFactory(
        initiative=InitiativeFactory(municipality=world.ale),
        owner=world.viewer,
        target_on=dt.date(2027, 12, 31),
    )
    client = as_persona("coordinator")
    response = client.post(
        _benefit_url("plan", benefit), {"first": "2026-06-30", "every": "6", "until": ""}
    )
    assert response.status_code == 302
    assert list(benefit.followups.values_list("due_on", flat=True)) == [
        dt.date(2026, 6, 30),
        dt.date(2026, 12, 30),
        dt.date(2027, 6, 30),
        dt.date(2027, 12, 30),
    ]
    page = client.get(_benefit_url("plan", benefit)).content.decode()
    first = benefit.followups.first()
    assert _benefit_url("unplan", benefit, followup_pk=first.pk) in page
    assert client.post(_benefit_url("unplan", benefit, followup_pk=first.pk)).status_code == 302
    assert benefit.followups.count() == 3
    # A date before the baseline: refused on the form.
    response = client.post(_benefit_url("plan", benefit), {"first": "2024-01-01", "every": ""})
    assert "first" in response.context["form"].errors


def test_the_owner_records_a_follow_up_as_a_viewer_and_lands_on_their_list(
    world, as_persona, meters
):
    initiative, benefit, overdue, _judged = meters
    client = as_persona("viewer")
    url = _benefit_url("record", benefit) + f"?followup={overdue.pk}"
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["followup"] == overdue
    response = client.post(
        url,
        {
            "followup": str(overdue.pk),
            "recorded_on": TODAY.isoformat(),
            "value": "25",
            "judgement": Judgement.ON_TRACK,
            "comment": "The meters found most leaks early.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("benefits:mine")
    overdue.refresh_from_db()
    assert (overdue.value, overdue.recorded_by, overdue.recorded_on) == (
        Decimal(25),
        world.viewer,
        TODAY,
    )
    html = client.get(_register(initiative)).content.decode()
    assert 'aria-valuenow="75"' in html  # 40 → 25 of 40 → 20
    # Editing the benefit stays the editors' business.
    assert client.get(_benefit_url("edit", benefit)).status_code == 403
    assert client.post(_benefit_url("plan", benefit), {"first": "2028-01-01"}).status_code == 403


def test_a_viewer_who_does_not_own_the_benefit_may_not_record_it(world, as_persona, meters):
    _initiative, _benefit, _overdue, judged = meters  # owned by the coordinator
    client = as_persona("viewer")
    assert client.get(_benefit_url("record", judged)).status_code == 403
    response = client.post(
        _benefit_url("record", judged),
        {"recorded_on": TODAY.isoformat(), "judgement": Judgement.ON_TRACK},
    )
    assert response.status_code == 403
    assert not judged.followups.exists()


def test_an_owner_who_left_the_municipality_can_no_longer_reach_the_benefit(
    world, as_persona, meters
):
    from municipalities.models import MunicipalityMembership

    _initiative, benefit, *_ = meters
    MunicipalityMembership.objects.filter(user=world.viewer).delete()
    assert as_persona("viewer").get(_benefit_url("record", benefit)).status_code == 404


def test_a_follow_up_without_a_judgement_or_dated_ahead_stays_on_the_form(
    world, as_persona, meters
):
    _initiative, benefit, overdue, _judged = meters
    client = as_persona("coordinator")
    response = client.post(_benefit_url("record", benefit), {"recorded_on": TODAY.isoformat()})
    assert "judgement" in response.context["form"].errors
    response = client.post(
        _benefit_url("record", benefit),
        {
            "followup": str(overdue.pk),
            "recorded_on": (TODAY + dt.timedelta(days=2)).isoformat(),
            "judgement": Judgement.PARTLY,
            "comment": "Written ahead of time.",
        },
    )
    assert response.context["form"].errors["recorded_on"] == ["The date cannot be in the future."]
    assert "Written ahead of time." in response.content.decode()
    overdue.refresh_from_db()
    assert not overdue.is_recorded


def test_a_coordinator_ends_and_reopens_a_benefit(world, as_persona, meters):
    initiative, benefit, *_ = meters
    client = as_persona("coordinator")
    response = client.post(_benefit_url("end", benefit), {"ended_on": "", "reason": ""})
    assert {"ended_on", "reason"} <= set(response.context["form"].errors)
    response = client.post(
        _benefit_url("end", benefit),
        {"ended_on": TODAY.isoformat(), "reason": "Measured by the new leak model instead."},
    )
    assert response.status_code == 302
    benefit.refresh_from_db()
    assert benefit.is_ended
    assert not benefit.followups.filter(recorded_on__isnull=True).exists()
    html = client.get(_register(initiative)).content.decode()
    assert "Measured by the new leak model instead." in html
    assert client.post(_benefit_url("end", benefit)).status_code == 302
    benefit.refresh_from_db()
    assert not benefit.is_ended


def test_removing_a_benefit_with_recorded_follow_ups_is_refused_with_a_message(
    world, as_persona, meters
):
    initiative, benefit, _overdue, judged = meters
    client = as_persona("coordinator")
    response = client.post(_benefit_url("remove", benefit), follow=True)
    assert "end it instead" in response.content.decode()
    assert Benefit.objects.filter(pk=benefit.pk).exists()
    response = client.post(_benefit_url("remove", judged))
    assert response["Location"] == _register(initiative)
    assert not Benefit.objects.filter(pk=judged.pk).exists()


# --- my benefits ---------------------------------------------------------------------------------


def test_my_benefits_lists_the_follow_ups_the_owner_owes(world, as_persona, meters):
    _initiative, benefit, overdue, _judged = meters
    stopped = InitiativeFactory(municipality=world.ale, state=State.STOPPED, title="Stopped one")
    FollowUpFactory(benefit=BenefitFactory(initiative=stopped, owner=world.viewer))
    html = as_persona("viewer").get(reverse("benefits:mine")).content.decode()
    assert f'id="followup-{overdue.pk}"' in html
    assert _benefit_url("record", benefit) + f"?followup={overdue.pk}" in html
    assert "Fewer water leaks" in html
    assert "Calmer work for the plumbers" not in html  # the coordinator's
    assert "Stopped one" not in html
    assert "1 is overdue." in html
    empty = as_persona("outsider").get(reverse("benefits:mine")).content.decode()
    assert "No follow-ups to record." in empty
