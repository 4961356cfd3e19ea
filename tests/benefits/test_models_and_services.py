"""The benefit register's invariants (in the database and in the services) and its writes:
who may own a benefit, which indicator may show it, baseline and target, follow-up dates,
recording, ending and removing; each with its history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from programs.benefits.models import Benefit, BenefitFollowUp, BenefitKind, Judgement
from programs.benefits.services import (
    MAX_FOLLOWUPS,
    add_months,
    benefit_end,
    benefit_remove,
    benefit_reopen,
    benefit_save,
    followup_dates,
    followup_plan,
    followup_record,
    followup_unplan,
)
from programs.indicators.models import Direction
from tests import factories as f
from tests.benefits.factories import BenefitFactory, FollowUpFactory, recorded
from tests.indicators.factories import IndicatorFactory
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    """The messages are compared in English (the default language is Swedish)."""
    with translation.override("en"):
        yield


def _violates(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def _fields(world, **overrides):
    fields = {
        "title": "Fewer water leaks",
        "kind": BenefitKind.ECONOMY,
        "description": "Leaks found by the meters before they flood a cellar.",
        "owner": world.viewer,
        "indicator": None,
        "unit": "leaks a year",
        "direction": Direction.LOWER_IS_BETTER,
        "baseline_value": Decimal(40),
        "baseline_on": dt.date(2025, 1, 1),
        "target_value": Decimal(20),
        "target_on": dt.date(2027, 12, 31),
    }
    fields.update(overrides)
    return fields


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- the database keeps the invariants ---------------------------------------------------------


def test_baseline_and_target_values_go_together_in_the_database():
    _violates(lambda: BenefitFactory(target_value=None))


def test_the_target_date_comes_after_the_baseline_date_in_the_database():
    _violates(lambda: BenefitFactory(target_on=dt.date(2024, 12, 31)))


def test_the_target_lies_on_the_better_side_in_the_database():
    _violates(lambda: BenefitFactory(direction=Direction.LOWER_IS_BETTER, target_value=50))
    _violates(lambda: BenefitFactory(direction=Direction.HIGHER_IS_BETTER, target_value=20))
    _violates(lambda: BenefitFactory(direction=Direction.HIGHER_IS_BETTER, target_value=40))


def test_a_benefit_without_direction_needs_an_indicator_in_the_database():
    _violates(lambda: BenefitFactory(direction=""))


def test_a_follow_up_is_planned_once_per_date_and_recorded_whole():
    followup = FollowUpFactory()
    _violates(
        lambda: BenefitFollowUp.objects.create(benefit=followup.benefit, due_on=followup.due_on)
    )
    # A judgement without a recording date, or a recording without a judgement: refused.
    _violates(
        lambda: BenefitFollowUp.objects.create(
            benefit=followup.benefit, due_on=dt.date(2026, 1, 1), judgement=Judgement.ON_TRACK
        )
    )
    _violates(
        lambda: BenefitFollowUp.objects.create(
            benefit=followup.benefit,
            due_on=dt.date(2026, 2, 1),
            recorded_on=dt.date(2026, 2, 1),
            recorded_at=timezone.now(),
        )
    )
    # A value on a follow-up not yet recorded: refused.
    _violates(
        lambda: BenefitFollowUp.objects.create(
            benefit=followup.benefit, due_on=dt.date(2026, 3, 1), value=5
        )
    )


def test_values_are_bounded_as_indicator_values_are():
    benefit = BenefitFactory(baseline_value=Decimal("99999999999.999"), target_value=0)
    assert benefit.baseline_value == Decimal("99999999999.999")
    with pytest.raises(ValidationError):
        BenefitFactory.build(
            initiative=benefit.initiative,
            owner=benefit.owner,
            baseline_value=Decimal("100000000000"),
            target_value=0,
        ).full_clean()


# --- saving a benefit ---------------------------------------------------------------------------


def test_a_coordinator_adds_a_benefit_owned_by_a_viewer_with_history(world):
    initiative = InitiativeFactory(municipality=world.ale)
    benefit = benefit_save(initiative=initiative, actor=world.coordinator, **_fields(world))
    assert (benefit.owner, benefit.created_by) == (world.viewer, world.coordinator)
    assert benefit.history.get().history_user == world.coordinator
    benefit_save(initiative=initiative, actor=world.coordinator, benefit=benefit, title="Renamed")
    assert benefit.history.count() == 2
    assert Benefit.objects.get(pk=benefit.pk).title == "Renamed"


def test_the_owner_must_be_one_of_the_municipality_s_people(world):
    initiative = InitiativeFactory(municipality=world.ale)
    errors = _errors(
        lambda: benefit_save(
            initiative=initiative, actor=world.coordinator, **_fields(world, owner=world.manager)
        )
    )
    assert errors["owner"] == ["The benefit owner must be one of the municipality's people."]
    assert not Benefit.objects.exists()


def test_a_joint_initiative_s_benefit_owner_is_on_the_cluster_s_roster(world):
    from clusters.models import ClusterPartner
    from programs.initiatives.models import InitiativePartner

    joint = InitiativeFactory(cluster=world.cluster_a)
    roster_message = [
        "The benefit owner must be on the cluster's roster (a partner contact only if their "
        "organisation takes part in the initiative)."
    ]
    assert (
        _errors(
            lambda: benefit_save(
                initiative=joint, actor=world.manager, **_fields(world, owner=world.viewer)
            )
        )["owner"]
        == roster_message
    )
    # A partner contact can open the joint initiative only when their organisation takes part.
    assert (
        _errors(
            lambda: benefit_save(
                initiative=joint, actor=world.manager, **_fields(world, owner=world.partner)
            )
        )["owner"]
        == roster_message
    )
    InitiativePartner.objects.create(
        initiative=joint,
        organisation=ClusterPartner.objects.get(cluster=world.cluster_a).organisation,
    )
    benefit = benefit_save(
        initiative=joint, actor=world.manager, **_fields(world, owner=world.partner)
    )
    assert benefit.owner == world.partner
    other = benefit_save(
        initiative=joint, actor=world.manager, **_fields(world, owner=world.manager, title="B")
    )
    assert other.owner == world.manager


def test_an_owner_who_left_stays_when_the_benefit_is_edited(world):
    from municipalities.models import MunicipalityMembership

    initiative = InitiativeFactory(municipality=world.ale)
    benefit = benefit_save(initiative=initiative, actor=world.coordinator, **_fields(world))
    MunicipalityMembership.objects.filter(user=world.viewer).delete()
    benefit_save(initiative=initiative, actor=world.coordinator, benefit=benefit, title="Kept")
    assert Benefit.objects.get(pk=benefit.pk).owner == world.viewer


def test_the_indicator_belongs_to_the_municipality_s_programmes_or_the_joint_cluster(world):
    initiative = InitiativeFactory(municipality=world.ale)
    own = IndicatorFactory(program=world.program, name="Leaks", unit="leaks")
    lerum = IndicatorFactory(program=world.other_program)
    of_cluster = IndicatorFactory(program=None, cluster=world.cluster_a)
    assert _errors(
        lambda: benefit_save(
            initiative=initiative, actor=world.coordinator, **_fields(world, indicator=lerum)
        )
    )["indicator"] == ["Choose an indicator of one of the municipality's programmes."]
    assert _errors(
        lambda: benefit_save(
            initiative=initiative, actor=world.coordinator, **_fields(world, indicator=of_cluster)
        )
    )["indicator"] == ["Choose an indicator of one of the municipality's programmes."]
    benefit = benefit_save(
        initiative=initiative, actor=world.coordinator, **_fields(world, indicator=own)
    )
    assert benefit.indicator == own
    joint = InitiativeFactory(cluster=world.cluster_a)
    assert _errors(
        lambda: benefit_save(
            initiative=joint,
            actor=world.manager,
            **_fields(world, owner=world.partner, indicator=own),
        )
    )["indicator"] == ["Choose an indicator of the cluster."]


def test_without_a_direction_the_benefit_follows_its_indicator(world):
    initiative = InitiativeFactory(municipality=world.ale)
    indicator = IndicatorFactory(
        program=world.program,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        baseline_value=10,
        target_value=50,
    )
    benefit = benefit_save(
        initiative=initiative,
        actor=world.coordinator,
        **_fields(
            world,
            indicator=indicator,
            direction="",
            unit="",
            baseline_value=Decimal(10),
            target_value=Decimal(30),
        ),
    )
    assert (benefit.effective_direction, benefit.effective_unit) == (
        Direction.HIGHER_IS_BETTER,
        "%",
    )
    # The indicator says higher is better: a lower target is on the wrong side.
    errors = _errors(
        lambda: benefit_save(
            initiative=initiative,
            actor=world.coordinator,
            **_fields(world, indicator=indicator, direction="", target_value=Decimal(5)),
        )
    )
    assert errors["target_value"] == [
        "When higher is better, the target must be above the baseline."
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"direction": Direction.LOWER_IS_BETTER, "target_value": Decimal(60)},
            "target_value",
            "When lower is better, the target must be below the baseline.",
        ),
        (
            {"direction": Direction.HIGHER_IS_BETTER},
            "target_value",
            "When higher is better, the target must be above the baseline.",
        ),
        (
            {"target_on": dt.date(2025, 1, 1)},
            "target_on",
            "The target date comes after the baseline date.",
        ),
        (
            {"direction": ""},
            "direction",
            "Say whether higher or lower is better, or choose an indicator.",
        ),
        (
            {"target_value": None},
            "target_value",
            "Give both a baseline and a target value, or neither for a benefit judged "
            "without a figure.",
        ),
        ({"baseline_on": None}, "baseline_on", "Say when the baseline was measured."),
    ],
    ids=[
        "lower-target-above",
        "higher-target-below",
        "target-date-not-after",
        "no-direction",
        "target-missing",
        "baseline-undated",
    ],
)
def test_a_benefit_that_does_not_add_up_is_refused_with_a_message(world, overrides, field, message):
    initiative = InitiativeFactory(municipality=world.ale)
    errors = _errors(
        lambda: benefit_save(
            initiative=initiative, actor=world.coordinator, **_fields(world, **overrides)
        )
    )
    assert errors[field] == [message]
    assert not Benefit.objects.exists()


def test_a_benefit_judged_without_a_figure_needs_only_a_target_date(world):
    initiative = InitiativeFactory(municipality=world.ale)
    benefit = benefit_save(
        initiative=initiative,
        actor=world.coordinator,
        **_fields(
            world,
            kind=BenefitKind.WORKING_ENVIRONMENT,
            unit="",
            baseline_value=None,
            baseline_on=None,
            target_value=None,
        ),
    )
    assert not benefit.is_measured
    assert benefit.share_of(Decimal(3)) is None


def test_the_share_runs_from_baseline_to_target_in_both_directions():
    lower = BenefitFactory.build(baseline_value=Decimal(40), target_value=Decimal(20))
    assert lower.share_of(Decimal(30)) == Decimal("50.0")
    assert lower.share_of(Decimal(45)) == Decimal("-25.0")
    assert lower.share_of(Decimal(10)) == Decimal("150.0")
    higher = BenefitFactory.build(
        direction=Direction.HIGHER_IS_BETTER, baseline_value=Decimal(10), target_value=Decimal(50)
    )
    assert higher.share_of(Decimal(20)) == Decimal("25.0")
    assert higher.share_of(None) is None


# --- follow-up dates --------------------------------------------------------------------------


def test_follow_up_dates_repeat_until_the_last_date():
    assert followup_dates(dt.date(2026, 1, 31), every_months=3, until=dt.date(2026, 12, 31)) == [
        dt.date(2026, 1, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 7, 31),
        dt.date(2026, 10, 31),
    ]
    assert followup_dates(dt.date(2026, 1, 1), every_months=None, until=None) == [
        dt.date(2026, 1, 1)
    ]
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert len(followup_dates(dt.date(2000, 1, 1), every_months=1, until=dt.date(2100, 1, 1))) == (
        MAX_FOLLOWUPS
    )


def test_planning_adds_new_dates_and_names_those_already_planned(world):
    benefit = BenefitFactory(
        initiative=InitiativeFactory(municipality=world.ale), owner=world.viewer
    )
    first = followup_plan(
        benefit=benefit,
        actor=world.coordinator,
        dates=[dt.date(2026, 6, 30), dt.date(2026, 12, 31)],
    )
    assert [f.due_on for f in first.added] == [dt.date(2026, 6, 30), dt.date(2026, 12, 31)]
    again = followup_plan(
        benefit=benefit,
        actor=world.coordinator,
        dates=[dt.date(2026, 12, 31), dt.date(2027, 6, 30)],
    )
    assert [f.due_on for f in again.added] == [dt.date(2027, 6, 30)]
    assert again.already == [dt.date(2026, 12, 31)]
    assert benefit.followups.count() == 3
    assert BenefitFollowUp.history.filter(history_user=world.coordinator).count() == 3


def test_a_follow_up_comes_after_the_baseline_date(world):
    benefit = BenefitFactory()
    errors = _errors(
        lambda: followup_plan(benefit=benefit, actor=world.coordinator, dates=[dt.date(2024, 6, 1)])
    )
    assert errors["first"] == ["A follow-up comes after the baseline date (2025-01-01)."]


def test_a_planned_date_can_be_removed_but_a_recorded_one_is_kept(world):
    benefit = BenefitFactory()
    planned = FollowUpFactory(benefit=benefit, due_on=dt.date(2026, 6, 30))
    done = recorded(benefit, dt.date(2025, 12, 31), value=Decimal(35))
    followup_unplan(followup=planned, actor=world.coordinator)
    assert not BenefitFollowUp.objects.filter(pk=planned.pk).exists()
    with pytest.raises(ValidationError, match=r"This follow-up is recorded: it is kept\."):
        followup_unplan(followup=done, actor=world.coordinator)
    assert BenefitFollowUp.objects.filter(pk=done.pk).exists()


# --- recording ----------------------------------------------------------------------------------


def test_recording_a_planned_follow_up_keeps_who_when_and_what(world):
    benefit = BenefitFactory(owner=world.viewer)
    planned = FollowUpFactory(benefit=benefit, due_on=TODAY - dt.timedelta(days=3))
    saved = followup_record(
        benefit=benefit,
        actor=world.viewer,
        followup=planned,
        recorded_on=TODAY,
        value=Decimal(30),
        judgement=Judgement.ON_TRACK,
        comment="  Half-way there.  ",
    )
    assert saved.pk == planned.pk
    assert (saved.recorded_on, saved.value, saved.judgement, saved.comment) == (
        TODAY,
        Decimal(30),
        Judgement.ON_TRACK,
        "Half-way there.",
    )
    assert saved.recorded_by == world.viewer
    assert saved.history.latest().history_user == world.viewer


def test_recording_without_a_planned_date_adds_a_follow_up_on_that_day(world):
    benefit = BenefitFactory()
    saved = followup_record(
        benefit=benefit, actor=world.coordinator, recorded_on=TODAY, judgement=Judgement.PARTLY
    )
    assert saved.due_on == TODAY
    assert saved.value is None  # a judgement alone is enough
    errors = _errors(
        lambda: followup_record(
            benefit=benefit,
            actor=world.coordinator,
            recorded_on=TODAY,
            judgement=Judgement.ON_TRACK,
        )
    )
    assert errors["followup"] == [
        f"A follow-up dated {TODAY.isoformat()} is already recorded: choose it to correct it."
    ]


def test_a_recorded_follow_up_is_corrected_in_place(world):
    benefit = BenefitFactory()
    done = recorded(benefit, dt.date(2025, 12, 31), value=Decimal(35))
    followup_record(
        benefit=benefit,
        actor=world.coordinator,
        followup=done,
        recorded_on=dt.date(2026, 1, 5),
        value=Decimal(33),
        judgement=Judgement.PARTLY,
    )
    done.refresh_from_db()
    assert (done.due_on, done.value, done.judgement) == (
        dt.date(2025, 12, 31),
        Decimal(33),
        "partly",
    )
    assert done.history.count() == 2


def test_a_follow_up_cannot_be_recorded_in_the_future_or_on_another_benefit(world):
    benefit = BenefitFactory()
    other = FollowUpFactory()
    assert _errors(
        lambda: followup_record(
            benefit=benefit,
            actor=world.coordinator,
            recorded_on=TODAY + dt.timedelta(days=1),
            judgement=Judgement.ON_TRACK,
        )
    )["recorded_on"] == ["The date cannot be in the future."]
    assert _errors(
        lambda: followup_record(
            benefit=benefit,
            actor=world.coordinator,
            followup=other,
            recorded_on=TODAY,
            judgement=Judgement.ON_TRACK,
        )
    )["followup"] == ["Choose a follow-up of this benefit."]
    assert not other.__class__.objects.filter(pk=other.pk, recorded_on__isnull=False).exists()


# --- ending and removing --------------------------------------------------------------------


def test_ending_a_benefit_keeps_what_was_recorded_and_drops_the_planned_dates(world):
    benefit = BenefitFactory()
    done = recorded(benefit, dt.date(2025, 12, 31), value=Decimal(35))
    FollowUpFactory(benefit=benefit, due_on=dt.date(2026, 12, 31))
    assert _errors(
        lambda: benefit_end(benefit=benefit, actor=world.coordinator, ended_on=TODAY, reason=" ")
    )["reason"] == ["Say why the benefit is no longer followed up."]
    benefit_end(
        benefit=benefit, actor=world.coordinator, ended_on=TODAY, reason="Merged into another."
    )
    benefit.refresh_from_db()
    assert (benefit.ended_on, benefit.end_reason) == (TODAY, "Merged into another.")
    assert list(benefit.followups.all()) == [done]
    with pytest.raises(ValidationError, match=r"An ended benefit is no longer followed up\."):
        followup_plan(benefit=benefit, actor=world.coordinator, dates=[dt.date(2027, 1, 1)])
    benefit_reopen(benefit=benefit, actor=world.coordinator)
    benefit.refresh_from_db()
    assert benefit.ended_on is None


def test_a_benefit_with_recorded_follow_ups_is_ended_not_removed(world):
    benefit = BenefitFactory()
    recorded(benefit, dt.date(2025, 12, 31), value=Decimal(35))
    with pytest.raises(ValidationError) as caught:
        benefit_remove(benefit=benefit, actor=world.coordinator)
    assert caught.value.messages == [
        "This benefit has recorded follow-ups: end it instead, so that they are kept."
    ]
    mistake = BenefitFactory()
    FollowUpFactory(benefit=mistake)
    pk = mistake.pk
    benefit_remove(benefit=mistake, actor=world.coordinator)
    assert not Benefit.objects.filter(pk=pk).exists()
    assert Benefit.history.filter(id=pk, history_type="-").get().history_user == (world.coordinator)


def test_someone_from_elsewhere_is_not_offered_as_owner(world):
    from programs.benefits.selectors import eligible_owners

    inactive = f.UserFactory(is_active=False)
    f.MunicipalityMembershipFactory(user=inactive, municipality=world.ale, role="viewer")
    people = set(eligible_owners(InitiativeFactory(municipality=world.ale)))
    assert people == {world.coordinator, world.viewer}
