from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import translation

from programs.indicators.svg import trend_svg

NS = "{http://www.w3.org/2000/svg}"


def _series(*values: int) -> list[tuple[dt.date, Decimal]]:
    return [(dt.date(2020 + i, 1, 1), Decimal(v)) for i, v in enumerate(values)]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_trend_is_valid_svg_with_a_point_per_value_and_both_reference_lines():
    root = _parse(
        trend_svg(_series(10, 20, 15, 30), baseline=Decimal(10), target=Decimal(40), label="x")
    )
    assert root.tag == f"{NS}svg"
    assert len(root.findall(f"{NS}circle")) == 4
    points = root.find(f"{NS}polyline").get("points").split()
    assert len(points) == 4
    lines = {line.get("class"): line for line in root.findall(f"{NS}line")}
    assert set(lines) == {"baseline", "target"}
    assert lines["baseline"].get("stroke-dasharray")


def test_higher_values_are_drawn_higher_up():
    root = _parse(trend_svg(_series(10, 30), baseline=None, target=None, label="x"))
    low, high = root.findall(f"{NS}circle")
    assert float(high.get("cy")) < float(low.get("cy"))


def test_trend_with_one_value_is_a_single_dot_without_a_line():
    root = _parse(trend_svg(_series(12), baseline=Decimal(10), target=Decimal(40), label="x"))
    assert len(root.findall(f"{NS}circle")) == 1
    assert root.find(f"{NS}polyline") is None


def test_trend_without_values_draws_the_reference_lines_and_says_so():
    with translation.override("en"):
        root = _parse(trend_svg([], baseline=Decimal(10), target=Decimal(40), label="Energy"))
    assert root.findall(f"{NS}circle") == []
    assert len(root.findall(f"{NS}line")) == 2
    assert "no values yet" in root.find(f"{NS}title").text


def test_trend_with_equal_values_and_no_references_does_not_divide_by_zero():
    root = _parse(trend_svg(_series(5, 5), baseline=None, target=None, label="x"))
    assert len(root.findall(f"{NS}circle")) == 2


def test_trend_names_the_numbers_for_screen_readers():
    with translation.override("en"):
        svg = trend_svg(
            _series(12, 15), baseline=Decimal(10), target=Decimal(40), label="Energy", unit="%"
        )
    root = _parse(svg)
    text = root.get("aria-label")
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == text
    for part in ("Energy", "baseline 10 %", "target 40 %", "2021-01-01: 15 %"):
        assert part in text


def test_trend_uses_the_swedish_decimal_comma():
    with translation.override("sv"):
        svg = trend_svg(_series(1), baseline=Decimal("1.5"), target=None, label="x")
    assert "1,5" in _parse(svg).get("aria-label")


def test_trend_escapes_the_label_and_unit():
    label = '<script>alert("x")</script> & "quotes"'
    svg = trend_svg(_series(1, 2), baseline=None, target=None, label=label, unit="<b>")
    root = _parse(svg)
    assert "<script>" not in svg
    assert root.find(f"{NS}title").text.startswith(label)
    assert root.find(f"{NS}script") is None
