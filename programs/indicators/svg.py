"""A small trend chart drawn on the server as inline SVG: no JavaScript, no library.

The chart shows the baseline (dashed), the target (solid) and the values as a line with dots.
Everything that comes from data is escaped; the numbers are also in the ``<title>`` and
``aria-label`` so a screen reader hears what a sighted reader sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 240
HEIGHT = 64
PAD = 6


def format_number(value: Decimal | float) -> str:
    """``value`` without trailing zeros (never in exponent form), in the active language's
    number format (1,5 in Swedish)."""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return number_format(number)


def trend_svg(
    series: Sequence[tuple[dt.date, Decimal]],
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    label: str,
    unit: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """An ``<svg>`` element for ``series`` (period, value) in period order.

    Returns markup safe to place in a template. With no values it draws only the reference
    lines and says so in its title; one value is a single dot.
    """
    values = [Decimal(value) for _period, value in series]
    references = [v for v in (baseline, target) if v is not None]
    scale = values + [Decimal(v) for v in references]
    low = min(scale) if scale else Decimal(0)
    high = max(scale) if scale else Decimal(1)
    if high == low:
        high, low = high + 1, low - 1
    inner_w = width - 2 * PAD
    inner_h = height - 2 * PAD

    def y(value: Decimal) -> str:
        return f"{PAD + float((high - Decimal(value)) / (high - low)) * inner_h:.1f}"

    def x(index: int) -> str:
        if len(values) <= 1:
            return f"{width / 2:.1f}"
        return f"{PAD + index * inner_w / (len(values) - 1):.1f}"

    parts = []
    unit_suffix = f" {unit}" if unit else ""
    words = [label]
    if baseline is not None:
        words.append(_("baseline %(value)s") % {"value": format_number(baseline) + unit_suffix})
    if target is not None:
        words.append(_("target %(value)s") % {"value": format_number(target) + unit_suffix})
    if values:
        points_text = ", ".join(
            f"{period:%Y-%m-%d}: {format_number(value)}{unit_suffix}" for period, value in series
        )
        words.append(_("values %(values)s") % {"values": points_text})
    else:
        words.append(_("no values yet"))
    description = "; ".join(words)

    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="indicator-trend" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f"aria-label={quoteattr(description)}>"
    )
    parts.append(f"<title>{escape(description)}</title>")
    if baseline is not None:
        parts.append(
            f'<line class="baseline" x1="{PAD}" x2="{width - PAD}" y1="{y(baseline)}" '
            f'y2="{y(baseline)}" stroke="#6c757d" stroke-width="1" stroke-dasharray="4 3"/>'
        )
    if target is not None:
        parts.append(
            f'<line class="target" x1="{PAD}" x2="{width - PAD}" y1="{y(target)}" '
            f'y2="{y(target)}" stroke="#198754" stroke-width="1"/>'
        )
    if len(values) > 1:
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
        parts.append(
            f'<polyline class="values" points="{points}" fill="none" stroke="#0d6efd" '
            f'stroke-width="2"/>'
        )
    for index, value in enumerate(values):
        parts.append(
            f'<circle class="point" cx="{x(index)}" cy="{y(value)}" r="3" fill="#0d6efd"/>'
        )
    parts.append("</svg>")
    # Safe: every string that comes from data went through escape() or quoteattr() above.
    return mark_safe("".join(parts))
