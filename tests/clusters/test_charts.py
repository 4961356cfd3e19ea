"""The benchmark charts: valid SVG, the numbers in words, escaped data, no decimals in the
geometry (so a score can only appear in the markup where it is meant to)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from clusters.charts import (
    SCALE_PAD,
    SCALE_WIDTH,
    ProgressBar,
    ScorePoint,
    format_score,
    progress_svg,
    scale_svg,
)

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _scale(**kwargs) -> ET.Element:
    defaults = {
        "mean": Decimal("3.0"),
        "median": Decimal("2.5"),
        "contributors": 4,
        "points": [
            ScorePoint("Ale", Decimal("3.5"), is_own=True),
            ScorePoint("Borås", Decimal("2.3")),
        ],
    }
    return ET.fromstring(scale_svg("Culture", **{**defaults, **kwargs}))


def _line(root: ET.Element, css_class: str) -> ET.Element | None:
    return next((e for e in root.findall(f"{NS}line") if e.get("class") == css_class), None)


def test_scale_is_an_image_whose_title_and_label_say_every_number():
    root = _scale()
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    label = root.get("aria-label")
    assert root.find(f"{NS}title").text == label
    assert label == (
        "Culture; cluster mean 3.0, median 2.5 (4 municipalities); "
        "Ale (your municipality): 3.5; Borås: 2.3"
    )


def test_scale_draws_mean_median_and_one_mark_per_municipality():
    root = _scale()
    assert _line(root, "mean") is not None
    assert _line(root, "median").get("stroke-dasharray")
    assert len(root.findall(f"{NS}circle")) == 1  # Borås
    (own,) = root.findall(f"{NS}polygon")
    assert own.get("class") == "point own"
    assert own.find(f"{NS}title").text == "Ale (your municipality): 3.5"


def test_scale_places_values_on_a_one_to_five_axis():
    root = _scale(
        mean=Decimal(1),
        median=Decimal(5),
        points=[ScorePoint("Low", Decimal("1.0")), ScorePoint("High", Decimal("5.0"))],
    )
    assert _line(root, "mean").get("x1") == str(SCALE_PAD)
    assert _line(root, "median").get("x1") == str(SCALE_WIDTH - SCALE_PAD)
    low, high = root.findall(f"{NS}circle")
    assert int(low.get("cx")) < int(high.get("cx"))
    assert int(high.get("cx")) == SCALE_WIDTH - SCALE_PAD


def test_scale_stacks_equal_scores_instead_of_hiding_one_behind_the_other():
    root = _scale(points=[ScorePoint("A", Decimal("2.0")), ScorePoint("B", Decimal("2.0"))])
    first, second = root.findall(f"{NS}circle")
    assert first.get("cx") == second.get("cx")
    assert first.get("cy") != second.get("cy")


def test_scale_without_figures_draws_no_lines_and_says_why():
    root = _scale(mean=None, median=None, withheld="mean and median not shown")
    assert _line(root, "mean") is None
    assert _line(root, "median") is None
    assert "Culture; mean and median not shown; Ale" in root.get("aria-label")


def test_scale_with_nothing_says_so():
    root = _scale(mean=None, median=None, points=[])
    assert root.get("aria-label") == "Culture; no scores yet"


def test_one_contributor_is_said_in_the_singular():
    assert "(1 municipality)" in _scale(contributors=1).get("aria-label")


def test_scale_escapes_names_and_labels():
    nasty = '<script>alert("x")</script> & "Ale"'
    svg = scale_svg(
        nasty,
        mean=Decimal(3),
        median=Decimal(3),
        contributors=3,
        points=[ScorePoint(nasty, Decimal(2)), ScorePoint(nasty, Decimal(4), is_own=True)],
    )
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f".//{NS}script") is None
    assert root.get("aria-label").startswith(nasty)
    assert root.find(f"{NS}circle/{NS}title").text == f"{nasty}: 2.0"


def test_scores_use_the_swedish_decimal_comma():
    with translation.override("sv"):
        assert format_score(Decimal("3.5")) == "3,5"
        root = _scale()
    assert "3,5" in root.get("aria-label")
    assert format_score(Decimal(4)) == "4.0"


def test_geometry_has_no_decimals():
    svg = scale_svg(
        "x",
        mean=Decimal("2.95"),
        median=Decimal("3.33"),
        contributors=3,
        points=[ScorePoint("A", Decimal("4.7")), ScorePoint("B", Decimal("1.3"), is_own=True)],
    ) + progress_svg("y", [ProgressBar("A", 37, 1), ProgressBar("B", 64, 0, is_own=True)])
    attributes = re.findall(r'(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height|points)="([^"]*)"', svg)
    assert attributes
    assert not [value for value in attributes if "." in value]


def test_progress_draws_a_bar_per_programme_in_proportion():
    root = ET.fromstring(
        progress_svg(
            "Programme progress",
            [ProgressBar("Ale", 50, 0, is_own=True), ProgressBar("Borås", 100, 2)],
        )
    )
    assert root.get("role") == "img"
    assert root.get("aria-label") == (
        "Programme progress; Ale (your municipality): 50 % done, 0 overdue; "
        "Borås: 100 % done, 2 overdue"
    )
    assert root.find(f"{NS}title").text == root.get("aria-label")
    bars = root.findall(f"{NS}g")
    assert [bar.get("class") for bar in bars] == ["bar own", "bar"]
    tracks = [int(bar.find(f"{NS}rect[@class='track']").get("width")) for bar in bars]
    done = [int(bar.find(f"{NS}rect[@class='done']").get("width")) for bar in bars]
    assert done == [tracks[0] // 2, tracks[1]]
    assert bars[1].findall(f"{NS}text")[1].text == "100 % · 2 overdue"


def test_progress_clamps_out_of_range_figures():
    root = ET.fromstring(progress_svg("p", [ProgressBar("A", 140, 0), ProgressBar("B", -5, 0)]))
    over, under = root.findall(f"{NS}g")
    track = int(over.find(f"{NS}rect[@class='track']").get("width"))
    assert int(over.find(f"{NS}rect[@class='done']").get("width")) == track
    assert int(under.find(f"{NS}rect[@class='done']").get("width")) == 0


def test_progress_shortens_long_names_in_the_drawing_only():
    name = "Upplands-Bro kommuns innovationsavdelning"
    root = ET.fromstring(progress_svg("p", [ProgressBar(name, 10, 0)]))
    (bar,) = root.findall(f"{NS}g")
    drawn = bar.find(f"{NS}text").text
    assert drawn.endswith("…") and len(drawn) < len(name)
    assert name in bar.find(f"{NS}title").text
    assert name in root.get("aria-label")


def test_progress_escapes_names():
    nasty = "<b>Ale</b> & co"
    svg = progress_svg("<i>p</i>", [ProgressBar(nasty, 10, 0)])
    assert "<b>" not in svg and "<i>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{NS}g/{NS}text").text == nasty


def test_progress_without_programmes_says_so():
    root = ET.fromstring(progress_svg("p", []))
    assert root.get("aria-label") == "p; no programmes"
    assert root.findall(f"{NS}g") == []
