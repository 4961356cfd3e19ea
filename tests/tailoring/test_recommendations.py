"""Recommendations from the seeded rules: which modules, in what order, and why."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from clusters.models import Priority
from clusters.permissions import load_roles
from programs.library import load_module_library
from programs.tailoring.defaults import RulesFileError, seed_default_rules
from programs.tailoring.models import RecommendationRule, RuleKind
from programs.tailoring.selectors import recommend, tailoring_basis
from tests import factories as f
from tests.assessments.helpers import close, make_round, submit_levels

NAMES = {"culture": "Innovation culture", "helix": "Quadruple-helix collaboration"}


def _rules():
    return list(RecommendationRule.objects.select_related("module"))


def test_the_default_rules_cover_every_dimension_and_four_kinds_of_need(library):
    rules = _rules()
    low = {r.dimension_code: r.module.code for r in rules if r.kind == RuleKind.LOW_SCORE}
    assert low == {
        "strategy": "strategy-and-roadmap",
        "culture": "innovation-culture",
        "balance": "operations-and-innovation",
        "uncertainty": "uncertainty-and-foresight",
        "helix": "quadruple-helix",
        "pilots": "pilots-idea-to-operation",
        "sustainability": "sustainability-agenda-2030",
        "data": "data-and-digital-infrastructure",
    }
    assert {r.below for r in rules if r.kind == RuleKind.LOW_SCORE} == {Decimal("2.5")}
    assert len([r for r in rules if r.kind == RuleKind.NEED]) == 4


def test_low_scores_recommend_their_modules_weakest_first_with_the_reason(library):
    with translation.override("en"):
        found = recommend(
            rules=_rules(),
            scores={"culture": 1.8, "helix": 2.4, "strategy": 2.5, "data": 4.0},
            dimension_names=NAMES,
            needs=[],
        )
    assert [r.module.code for r in found] == ["innovation-culture", "quadruple-helix"]
    assert [reason.text for reason in found[0].reasons] == [
        "Innovation culture scored 1.8 of 5, below 2.5."
    ]
    assert found[1].reason_text == "Quadruple-helix collaboration scored 2.4 of 5, below 2.5."
    # 2.5 is not below 2.5: strategy is not recommended.


def test_reasons_use_the_page_language_and_its_numbers(library):
    (found,) = recommend(rules=_rules(), scores={"culture": 1.8}, dimension_names=NAMES, needs=[])
    with translation.override("sv"):
        assert found.reason_text == "Innovation culture fick 1,8 av 5, under 2,5."
    assert found.reason_text_in("sv") == "Innovation culture fick 1,8 av 5, under 2,5."
    assert found.reason_text_in("en") == "Innovation culture scored 1.8 of 5, below 2.5."


def test_a_reason_is_written_when_it_is_read_in_the_reader_s_language(world, library):
    """Reasons keep their facts: the same recommendation reads in each reader's language,
    the dimension's name included (a Dimension gives its name in the active language)."""
    round = make_round(world)
    culture = round.framework.dimensions.get(code="culture")
    need = f.NeedFactory(
        municipality=world.ale, title="Värme", theme="Energi", priority=Priority.HIGH
    )
    with translation.override("en"):
        found = recommend(
            rules=_rules(),
            scores={"culture": 1.8},
            dimension_names={"culture": culture},
            needs=[need],
        )
    by_code = {r.module.code: r for r in found}
    score = by_code["innovation-culture"]
    assert score.reason_text_in("en") == f"{culture.name_en} scored 1.8 of 5, below 2.5."
    assert score.reason_text_in("sv") == f"{culture.name_sv} fick 1,8 av 5, under 2,5."
    energy = by_code["sustainability-agenda-2030"]
    assert energy.reason_text_in("en") == "Need: “Värme” (theme Energi, high priority)."
    with translation.override("sv"):
        swedish = energy.reason_text
    assert swedish != energy.reason_text_in("en")
    assert "Värme" in swedish


def test_needs_recommend_modules_by_theme_goal_and_priority(world, library):
    water = f.NeedFactory(
        municipality=world.ale,
        title="Reliable water supply",
        theme="Vatten",
        priority=Priority.HIGH,
        sdg_goals=[6],
    )
    services = f.NeedFactory(
        municipality=world.ale,
        title="E-services for older residents",
        theme="public services",
        priority=Priority.LOW,
        sdg_goals=[10],
    )
    with translation.override("en"):
        found = recommend(rules=_rules(), scores={}, dimension_names={}, needs=[water, services])
    by_code = {r.module.code: r for r in found}
    assert set(by_code) == {
        "sustainability-agenda-2030",
        "pilots-idea-to-operation",
        "data-and-digital-infrastructure",
    }
    assert by_code["sustainability-agenda-2030"].reason_text == (
        "Need: “Reliable water supply” (theme Vatten, SDG 6, high priority)."
    )
    assert by_code["data-and-digital-infrastructure"].reason_text == (
        "Need: “E-services for older residents” (theme public services, SDG 10, low priority)."
    )
    # Only the high-priority need asks for a pilot.
    assert len(by_code["pilots-idea-to-operation"].reasons) == 1
    # High-priority needs come before low ones.
    assert found[-1].module.code == "data-and-digital-infrastructure"


def test_scores_come_before_needs_and_one_module_collects_all_its_reasons(world, library):
    need = f.NeedFactory(
        municipality=world.ale, title="Partners", theme="", priority=Priority.MEDIUM, sdg_goals=[17]
    )
    with translation.override("en"):
        found = recommend(
            rules=_rules(),
            scores={"helix": 2.0, "culture": 2.2},
            dimension_names=NAMES,
            needs=[need],
        )
    assert [r.module.code for r in found] == ["quadruple-helix", "innovation-culture"]
    assert [reason.text for reason in found[0].reasons] == [
        "Quadruple-helix collaboration scored 2 of 5, below 2.5.",
        "Need: “Partners” (SDG 17, medium priority).",
    ]


def test_a_reason_the_cluster_meets_jointly_is_covered(world, library):
    shared = f.NeedFactory(
        cluster=world.cluster_a, municipality=None, title="Working with partners"
    )
    with translation.override("en"):
        (found,) = recommend(
            rules=_rules(),
            scores={"helix": 2.0},
            dimension_names=NAMES,
            needs=[],
            shared_by_dimension={"helix": shared},
        )
    assert found.covered
    assert found.shared_needs == [shared]


def test_inactive_rules_and_dimensions_nobody_answered_recommend_nothing(library):
    RecommendationRule.objects.filter(code="low-culture").update(is_active=False)
    found = recommend(rules=_rules(), scores={"culture": 1.0}, dimension_names=NAMES, needs=[])
    assert found == []


def test_tailoring_basis_reads_the_latest_closed_round_and_needs(
    world, library, django_assert_max_num_queries
):
    round = make_round(world)
    coordinator, viewer = round.respondents.order_by("pk")
    submit_levels(coordinator, {"culture": 2, "data": 1}, default=4)
    submit_levels(viewer, {"culture": 1, "data": 2}, default=4)
    close(round)
    f.NeedFactory(municipality=world.ale, title="Heat", theme="Energy", sdg_goals=[7])
    roles = load_roles(world.manager)
    with translation.override("en"), django_assert_max_num_queries(12):
        basis = tailoring_basis(municipality=world.ale, roles=roles)
    assert basis.round == round
    codes = [r.module.code for r in basis.recommendations]
    assert codes == [
        "data-and-digital-infrastructure",  # 1.5, and by name before the next
        "innovation-culture",  # 1.5
        "sustainability-agenda-2030",  # the energy need
    ]
    assert basis.recommendations[1].reason_text == (
        "Innovation culture and leadership scored 1.5 of 5, below 2.5."
    )
    assert basis.clusters == [world.cluster_a]
    assert basis.programs == [world.program]


# --- seeding the defaults ------------------------------------------------------------------


def test_seeding_twice_adds_nothing_and_keeps_what_an_administrator_changed(library):
    RecommendationRule.objects.filter(code="low-culture").update(below=Decimal("3.0"))
    result = seed_default_rules()
    assert result.created == []
    assert len(result.kept) == 12
    assert RecommendationRule.objects.get(code="low-culture").below == Decimal("3.0")


def test_seeding_skips_rules_whose_module_is_missing(db):
    result = seed_default_rules()
    assert result.created == []
    assert len(result.skipped) == 12
    assert not RecommendationRule.objects.exists()


def test_a_malformed_rules_file_writes_nothing(library, tmp_path):
    RecommendationRule.objects.all().delete()
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "code": "ok",
                        "kind": "low_score",
                        "dimension": "culture",
                        "below": "2.5",
                        "module": "innovation-culture",
                    },
                    {
                        "code": "bad",
                        "kind": "low_score",
                        "dimension": "culture",
                        "below": "7",
                        "module": "quadruple-helix",
                    },
                ]
            }
        )
    )
    with pytest.raises(RulesFileError, match="bad"):
        seed_default_rules(path)
    assert not RecommendationRule.objects.exists()


def test_a_rule_must_fit_its_kind(library):
    module = library["innovation-culture"]
    with pytest.raises(ValidationError):
        RecommendationRule(code="x", kind=RuleKind.NEED, module=module).full_clean()
    with pytest.raises(ValidationError):
        RecommendationRule(
            code="y", kind=RuleKind.LOW_SCORE, module=module, dimension_code="nope", below=2
        ).full_clean()


def test_the_command_seeds_the_defaults_and_says_what_it_did(db):
    out, err = StringIO(), StringIO()
    call_command("load_recommendation_rules", stdout=out, stderr=err)
    assert "0 created" in out.getvalue()
    assert "run load_module_library first" in err.getvalue()
    load_module_library()
    out = StringIO()
    call_command("load_recommendation_rules", stdout=out, stderr=StringIO())
    assert "12 created, 0 already there" in out.getvalue()
    out = StringIO()
    call_command("load_recommendation_rules", stdout=out)
    assert "0 created, 12 already there" in out.getvalue()
