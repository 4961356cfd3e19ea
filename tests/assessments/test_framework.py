from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from innocities.core.languages import localized, reader_language
from municipalities.assessments.default_framework import (
    DIMENSIONS,
    NAME,
    VERSION,
    fill_norwegian,
)
from municipalities.assessments.models import (
    Dimension,
    Framework,
    LevelDescription,
    Question,
    default_round_title,
)

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


# --- Norwegian bokmål -----------------------------------------------------------------------


def test_the_default_framework_is_complete_in_norwegian():
    dimensions = list(
        Dimension.objects.filter(framework__is_active=True).prefetch_related("questions", "levels")
    )
    assert [d.code for d in dimensions] == CODES
    for dimension in dimensions:
        assert dimension.name_nb.strip() and dimension.description_nb.strip(), dimension.code
        assert dimension.name_nb not in (dimension.name_sv, dimension.name_en), dimension.code
        items = [*dimension.questions.all(), *dimension.levels.all()]
        assert len(items) == len(dimension.questions.all()) + 5
        for item in items:
            assert item.text_nb.strip(), (dimension.code, item)
            assert item.text_nb not in (item.text_sv, item.text_en), (dimension.code, item)


def test_the_shipped_texts_come_in_three_languages():
    for spec in DIMENSIONS:
        for texts in [spec["name"], spec["description"], *spec["questions"], *spec["levels"]]:
            assert len(texts) == 3 and all(text.strip() for text in texts), spec["code"]
            assert len(set(texts)) == 3, texts


@pytest.mark.parametrize("language", ["nb", "no", "nn", "nb-no"])
def test_norwegian_readers_get_the_bokmal_texts(language):
    dimension = Dimension.objects.get(framework__is_active=True, code="culture")
    question = dimension.questions.order_by("position").first()
    level = dimension.levels.get(level=5)
    with translation.override(language):
        assert reader_language() == "nb"
        assert dimension.name == "Innovasjonskultur og ledelse"
        assert str(dimension) == "Innovasjonskultur og ledelse"
        assert question.text == question.text_nb
        assert level.text == "Å prøve, lære og dele er en del av hverdagen og av lederoppdraget."


def test_a_missing_norwegian_text_falls_back_to_swedish_then_english():
    text = SimpleNamespace(name_sv="Svenska", name_en="English", name_nb="")
    with translation.override("nb"):
        assert localized(text, "name") == "Svenska"
        text.name_sv = ""
        assert localized(text, "name") == "English"
    with translation.override("en"):
        assert localized(
            SimpleNamespace(name_sv="Svenska", name_en="", name_nb="Norsk"), "name"
        ) == ("Svenska")
    assert localized(text, "name", language="nb") == "English"


def test_filling_the_norwegian_texts_keeps_what_an_administrator_wrote():
    # As in a database seeded before the Norwegian fields existed.
    framework = Framework.objects.get(name=NAME, version=VERSION)
    Dimension.objects.filter(framework=framework).update(name_nb="", description_nb="")
    Question.objects.filter(dimension__framework=framework).update(text_nb="")
    LevelDescription.objects.filter(dimension__framework=framework).update(text_nb="")
    culture = framework.dimensions.get(code="culture")
    culture.name_nb = "Kultur (skrevet i admin)"
    culture.save()
    edited = culture.questions.order_by("position").first()
    edited.text_sv = "En fråga som administratören har skrivit om"
    edited.save()

    changed = fill_norwegian(Framework, Dimension, Question, LevelDescription)

    assert changed > 60
    culture.refresh_from_db()
    edited.refresh_from_db()
    assert culture.name_nb == "Kultur (skrevet i admin)"
    assert culture.description_nb.startswith("Hvordan ledere og medarbeidere")
    assert edited.text_nb == ""  # not a translation of a question that is no longer there
    missing = Question.objects.filter(dimension__framework=framework, text_nb="").exclude(
        pk=edited.pk
    )
    assert not missing.exists()
    assert not LevelDescription.objects.filter(dimension__framework=framework, text_nb="").exists()
    # A second run changes nothing.
    assert fill_norwegian(Framework, Dimension, Question, LevelDescription) == 0


def test_the_default_round_title_is_in_the_given_language():
    autumn, spring = dt.date(2026, 10, 1), dt.date(2027, 3, 1)
    assert default_round_title("sv", autumn) == "Självskattning hösten 2026"
    assert default_round_title("sv", spring) == "Självskattning våren 2027"
    assert default_round_title("nb", autumn) == "Egenvurdering høsten 2026"
    assert default_round_title("no", spring) == "Egenvurdering våren 2027"
    assert default_round_title("en", autumn) == "Self-assessment autumn 2026"
