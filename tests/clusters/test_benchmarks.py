"""The benchmark selector: the cluster's figures on known answers, and who is in the result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clusters.permissions import load_roles
from municipalities.assessments.models import Dimension, Framework, Question, RoundStatus
from programs.benchmarks import MIN_GROUP, aggregates_hidden, cluster_benchmark
from tests import factories as f
from tests.clusters.benchmark_helpers import closed_round, member, program_done
from tests.clusters.helpers import new_municipality


def _full(world, cluster=None):
    return cluster_benchmark(
        cluster or world.cluster_a, roles=load_roles(world.manager), full_view=True
    )


def _as(world, persona: str):
    return cluster_benchmark(
        world.cluster_a, roles=load_roles(getattr(world, persona)), full_view=False
    )


def _row(benchmark, code: str):
    (row,) = [row for row in benchmark.dimensions if row.dimension.code == code]
    return row


def _four_in_culture(world):
    """Culture means 1.0 (Ale), 2.0 (Alingsås), 2.5 and 3.0; nothing else answered."""
    c = world.cluster_a
    member(c, "Ale", [{"culture": 1}], municipality=world.ale)
    member(c, "Alingsås", [{"culture": 2}], municipality=world.alingsas)
    member(c, "Borås", [{"culture": 2}, {"culture": 3}])
    member(c, "Härryda", [{"culture": 3}])


# --- the figures -------------------------------------------------------------------------


def test_mean_and_median_of_an_even_group_round_half_up(world):
    _four_in_culture(world)
    culture = _row(_full(world), "culture")
    assert culture.contributors == 4
    assert culture.mean == Decimal("2.1")  # 8.5 / 4 = 2.125
    # (2.0 + 2.5) / 2 = 2.25: half up is 2.3 (float rounding would say 2.2).
    assert culture.median == Decimal("2.3")
    assert culture.hidden is False


def test_mean_and_median_of_an_odd_group(world):
    _four_in_culture(world)
    member(world.cluster_a, "Kungälv", [{"culture": 5}])
    culture = _row(_full(world), "culture")
    assert (culture.contributors, culture.mean, culture.median) == (
        5,
        Decimal("2.7"),  # 13.5 / 5
        Decimal("2.5"),
    )


def test_each_municipality_counts_once_with_its_own_mean(world):
    # Three respondents in one municipality weigh no more than one in another.
    member(world.cluster_a, "Ale", [1, 1, 2], municipality=world.ale)  # 1.3
    member(world.cluster_a, "Alingsås", [5], municipality=world.alingsas)  # 5.0
    member(world.cluster_a, "Borås", [3])  # 3.0
    strategy = _row(_full(world), "strategy")
    assert strategy.mean == Decimal("3.1")  # (1.3 + 5.0 + 3.0) / 3 = 3.1
    assert strategy.median == Decimal("3.0")


def test_a_dimension_nobody_answered_has_no_figures_and_is_not_hidden(world):
    _four_in_culture(world)
    strategy = _row(_full(world), "strategy")
    assert (strategy.contributors, strategy.mean, strategy.median, strategy.hidden) == (
        0,
        None,
        None,
        False,
    )


def test_dimensions_follow_the_active_framework_in_order(world):
    _four_in_culture(world)
    codes = list(
        Dimension.objects.filter(framework__is_active=True)
        .order_by("position", "pk")
        .values_list("code", flat=True)
    )
    assert [row.dimension.code for row in _full(world).dimensions] == codes
    assert codes[:2] == ["strategy", "culture"]


def test_only_the_latest_closed_round_counts(world):
    now = timezone.now()
    closed_round(world.ale, [{"culture": 5}], closed_at=now - dt.timedelta(days=200))
    closed_round(world.ale, [{"culture": 1}], closed_at=now - dt.timedelta(days=10))
    closed_round(world.ale, [{"culture": 4}], status=RoundStatus.OPEN)
    benchmark = _full(world)
    culture = _row(benchmark, "culture")
    assert (culture.contributors, culture.mean) == (1, Decimal("1.0"))
    (ale,) = [m for m in benchmark.members if m.municipality == world.ale]
    assert ale.means == {"culture": Decimal("1.0")}


def test_members_that_left_and_other_clusters_do_not_count(world):
    _four_in_culture(world)
    gone = new_municipality(name="Stenungsund")
    f.ClusterMembershipFactory(
        cluster=world.cluster_a,
        municipality=gone,
        joined_on=timezone.localdate() - dt.timedelta(days=400),
        left_on=timezone.localdate() - dt.timedelta(days=5),
        status="left",
    )
    closed_round(gone, [{"culture": 5}])
    closed_round(world.lerum, [{"culture": 5}])  # cluster B
    benchmark = _full(world)
    culture = _row(benchmark, "culture")
    assert (culture.contributors, culture.mean) == (4, Decimal("2.1"))
    names = {m.municipality.name for m in benchmark.members}
    assert names == {"Ale", "Alingsås", "Borås", "Härryda"}
    assert benchmark.open_members == 4


def test_scores_from_another_framework_version_match_by_dimension_code(world):
    old = Framework.objects.create(name="Innocities (pilot)", version=1)
    for code in ("culture", "retired"):
        dimension = Dimension.objects.create(
            framework=old, code=code, name_sv=code, name_en=code, position=1
        )
        Question.objects.create(dimension=dimension, text_sv="Fråga", text_en="Question")
    closed_round(world.ale, [{"culture": 4, "retired": 1}], framework=old)
    closed_round(world.alingsas, [{"culture": 2}])
    benchmark = _full(world)
    assert _row(benchmark, "culture").mean == Decimal("3.0")
    assert "retired" not in [row.dimension.code for row in benchmark.dimensions]


def test_members_without_a_closed_round_are_listed_but_do_not_contribute(world):
    member(world.cluster_a, "Ale", [4], municipality=world.ale)
    benchmark = _full(world)
    assert benchmark.contributors == 1
    (alingsas,) = [m for m in benchmark.members if m.municipality == world.alingsas]
    assert (alingsas.round, alingsas.means) == (None, {})


def test_progress_is_each_members_current_programme_in_the_cluster(world):
    program_done(world.alingsas, world.cluster_a, 40, overdue=1)
    benchmark = _full(world)
    progress = {row.municipality.name: row.overview for row in benchmark.progress}
    assert progress["Alingsås"].summary.percent_done == 20  # (40 + 0) / 2
    assert progress["Alingsås"].summary.overdue == 1
    assert progress["Ale"].program == world.program


# --- who is in the result ----------------------------------------------------------------


def _sharing_world(world):
    c = world.cluster_a
    member(c, "Ale", [3, 4], municipality=world.ale)  # 3.5, not sharing
    member(c, "Alingsås", [4, 5, 5], municipality=world.alingsas, percent=37)  # 4.7
    member(c, "Borås", [2, 2, 3], share=True, percent=64)  # 2.3, shares
    member(c, "Härryda", [1, 1, 2], percent=12)  # 1.3


def _names(benchmark) -> list[str]:
    return [m.municipality.name for m in benchmark.members]


def test_managers_get_every_member_in_name_order(world):
    _sharing_world(world)
    benchmark = _full(world)
    assert _names(benchmark) == ["Ale", "Alingsås", "Borås", "Härryda"]
    assert [row.municipality.name for row in benchmark.progress] == _names(benchmark)
    assert benchmark.unseen_members == 0


@pytest.mark.parametrize("persona", ["coordinator", "viewer"])
def test_others_get_their_own_first_then_only_the_sharing_members(world, persona):
    _sharing_world(world)
    benchmark = _as(world, persona)
    assert _names(benchmark) == ["Ale", "Borås"]
    assert [m.is_own for m in benchmark.members] == [True, False]
    assert [row.municipality.name for row in benchmark.progress] == ["Ale", "Borås"]
    for row in benchmark.dimensions:
        assert [m.municipality.name for m, _value in row.scores] == ["Ale", "Borås"]
        assert [value for _m, value in row.scores] == [Decimal("3.5"), Decimal("2.3")]
    assert (benchmark.open_members, benchmark.unseen_members) == (4, 2)


def test_a_partner_contact_has_no_own_municipality(world):
    _sharing_world(world)
    benchmark = _as(world, "partner")
    assert _names(benchmark) == ["Borås"]
    assert benchmark.unseen_members == 3


def test_non_managers_get_the_same_cluster_figures_when_enough_are_unseen(world):
    _sharing_world(world)
    full, coordinator = _full(world), _as(world, "coordinator")
    for full_row, row in zip(full.dimensions, coordinator.dimensions, strict=True):
        assert (row.mean, row.median, row.contributors) == (
            full_row.mean,
            full_row.median,
            full_row.contributors,
        )
        assert (row.mean, row.median) == (Decimal("3.0"), Decimal("2.9"))  # 11.8 / 4 = 2.95


def test_the_figures_are_withheld_when_only_one_contributor_is_unseen(world):
    # Ale, Alingsås and Borås on the page and the mean would give Härryda's score away.
    _sharing_world(world)
    world.alingsas.share_benchmarks = True
    world.alingsas.save()
    row = _row(_as(world, "coordinator"), "culture")
    assert (row.hidden, row.mean, row.median, row.contributors) == (True, None, None, 4)
    assert _row(_full(world), "culture").mean == Decimal("3.0")


@pytest.mark.parametrize(
    ("contributors", "unseen", "hidden"),
    [
        (0, 0, False),  # nothing to hide
        (1, 0, True),
        (2, 1, True),  # two members: your own and the mean give the other away
        (MIN_GROUP, 0, False),
        (MIN_GROUP, 1, True),
        (MIN_GROUP, 2, False),
        (10, 1, True),
        (10, 9, False),
    ],
)
def test_aggregates_hidden(contributors, unseen, hidden):
    assert aggregates_hidden(contributors=contributors, unseen=unseen) is hidden


def test_the_minimum_group_is_three():
    assert MIN_GROUP == 3
