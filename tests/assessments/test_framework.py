from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from municipalities.assessments.models import Dimension, Framework, localized

CODES = [
    "strategy",
    "culture",
    "balance",
    "uncertainty",
    "helix",
    "pilots",
    "sustainability",
    "data",
]

pytestmark = pytest.mark.django_db


def test_the_default_framework_is_seeded_and_active():
    framework = Framework.objects.get(is_active=True)
    assert (framework.name, framework.version) == ("Innocities", 1)
    codes = list(framework.dimensions.order_by("position").values_list("code", flat=True))
    assert codes == CODES


def test_every_dimension_has_three_to_five_questions_and_five_levels_in_both_languages():
    for dimension in Dimension.objects.filter(framework__is_active=True).prefetch_related(
        "questions", "levels"
    ):
        assert dimension.name_sv and dimension.name_en and dimension.name_sv != dimension.name_en
        assert dimension.description_sv and dimension.description_en
        assert 3 <= len(dimension.questions.all()) <= 5, dimension.code
        assert [level.level for level in dimension.levels.all()] == [1, 2, 3, 4, 5]
        for item in [*dimension.questions.all(), *dimension.levels.all()]:
            assert item.text_sv.strip() and item.text_en.strip()
            assert item.text_sv != item.text_en


def test_localized_follows_the_active_language():
    dimension = Dimension.objects.get(framework__is_active=True, code="culture")
    with translation.override("en"):
        assert localized(dimension, "name") == "Innovation culture and leadership"
    with translation.override("sv"):
        assert localized(dimension, "name") == "Innovationskultur och ledarskap"


def test_only_one_framework_can_be_active():
    second = Framework(name="Innocities", version=2, is_active=True)
    with pytest.raises(ValidationError):
        second.full_clean()
