"""Portfolio charts drawn on the server as inline SVG: no JavaScript, no library.

Three charts, in the way of ``clusters.charts``: the funnel (a bar per stage, active and parked
initiatives), the balance (a 0–100 % bar per unit of effort, innovation against operation, with
the target marked) and plain bars (initiatives per OECD facet). They draw only what they are
given: who may see what is decided before (``programs.initiatives.portfolio``).

Everything that comes from data is escaped; the numbers are also in the ``<title>`` and
``aria-label``, so a screen reader hears what a sighted reader sees, and each figure is written
beside its bar, so no meaning rests on colour. The pages show the same numbers in tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from clusters.charts import (
    DOT_COLOUR,
    MEAN_COLOUR,
    MEDIAN_COLOUR,
    NAME_CHARS,
    TRACK_COLOUR,
)

WIDTH = 520
ROW = 26
LABEL = 170
TEXT = 150
TOP = 4

ACTIVE_COLOUR = DOT_COLOUR
PARKED_COLOUR = "#9ec5fe"
OPERATION_COLOUR = MEDIAN_COLOUR
TARGET_COLOUR = "#212529"


def format_amount(value: Decimal | int) -> str:
    """A whole number, rounded half up, grouped in the active language's way (1 200 in
    Swedish): the same figure the tables show with ``floatformat:"0g"``."""
    whole = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return number_format(whole, decimal_pos=0, force_grouping=True)


def _svg_open(css_class: str, width: int, height: int, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class} chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f"aria-label={quoteattr(description)}>"
        f"<title>{escape(description)}</title>"
    )


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def _label(y: int, name: str) -> str:
    return (
        f'<text x="{LABEL - 6}" y="{y}" text-anchor="end" font-size="12" '
        f'fill="{MEAN_COLOUR}">{escape(_short(name))}</text>'
    )


def _figure(x: int, y: int, figure: str) -> str:
    return f'<text x="{x}" y="{y}" font-size="12" fill="{MEAN_COLOUR}">{escape(figure)}</text>'


def _height(rows: int) -> int:
    return max(rows, 1) * ROW + 2 * TOP


# --- the funnel -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelBar:
    name: str  # the stage
    active: int
    parked: int


def _funnel_figure(bar: FunnelBar) -> str:
    return _("%(active)s active, %(parked)s parked") % {
        "active": bar.active,
        "parked": bar.parked,
    }


def funnel_description(label: str, bars: Sequence[FunnelBar], *, stopped: int) -> str:
    words = [label]
    words += [f"{bar.name}: {_funnel_figure(bar)}" for bar in bars]
    words.append(_("%(count)s stopped") % {"count": stopped})
    return "; ".join(words)


def funnel_svg(
    label: str, bars: Sequence[FunnelBar], *, stopped: int, width: int = WIDTH
) -> SafeString:
    """A bar per stage, as long as the initiatives in it: the active ones solid, the parked
    ones lighter after them; the figures in words on the right."""
    track = width - LABEL - TEXT
    most = max((bar.active + bar.parked for bar in bars), default=0) or 1
    parts = [
        _svg_open(
            "portfolio-funnel",
            width,
            _height(len(bars)),
            funnel_description(label, bars, stopped=stopped),
        )
    ]
    for index, bar in enumerate(bars):
        top = TOP + index * ROW
        middle = top + ROW // 2 + 4
        active = round(track * bar.active / most)
        parked = round(track * bar.parked / most)
        figure = _funnel_figure(bar)
        parts.append(
            f'<g class="stage"><title>{escape(f"{bar.name}: {figure}")}</title>'
            + _label(middle, bar.name)
            + f'<rect class="track" x="{LABEL}" y="{top + 4}" width="{track}" '
            f'height="{ROW - 8}" fill="{TRACK_COLOUR}"/>'
            f'<rect class="active" x="{LABEL}" y="{top + 4}" width="{active}" '
            f'height="{ROW - 8}" fill="{ACTIVE_COLOUR}"/>'
            f'<rect class="parked" x="{LABEL + active}" y="{top + 4}" width="{parked}" '
            f'height="{ROW - 8}" fill="{PARKED_COLOUR}"/>'
            + _figure(LABEL + track + 6, middle, figure)
            + "</g>"
        )
    parts.append("</svg>")
    # Safe: every string that comes from data went through escape() or quoteattr() above.
    return mark_safe("".join(parts))


# --- the balance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareBar:
    """One unit of effort (hours, SEK): what went into innovation and into operation."""

    name: str
    innovation: Decimal
    operation: Decimal
    percent: int | None  # innovation's share; None with no effort at all


def _share_figure(bar: ShareBar) -> str:
    if bar.percent is None:
        return _("no effort recorded")
    return _("%(percent)s %% innovation") % {"percent": bar.percent}


def share_description(label: str, bars: Sequence[ShareBar], *, target: int | None) -> str:
    words = [label]
    for bar in bars:
        if bar.percent is None:
            words.append(f"{bar.name}: {_share_figure(bar)}")
            continue
        words.append(
            _("%(name)s: innovation %(innovation)s (%(percent)s %%), in operation %(operation)s")
            % {
                "name": bar.name,
                "innovation": format_amount(bar.innovation),
                "percent": bar.percent,
                "operation": format_amount(bar.operation),
            }
        )
    if target is not None:
        words.append(_("target %(percent)s %% innovation") % {"percent": target})
    else:
        words.append(_("no target set"))
    return "; ".join(words)


def share_svg(
    label: str, bars: Sequence[ShareBar], *, target: int | None, width: int = WIDTH
) -> SafeString:
    """A 0–100 % bar per unit: innovation's share solid from the left, operation's grey after
    it, and the target as a black line across every bar."""
    track = width - LABEL - TEXT
    height = _height(len(bars)) + 14
    parts = [
        _svg_open("portfolio-balance", width, height, share_description(label, bars, target=target))
    ]
    for index, bar in enumerate(bars):
        top = TOP + index * ROW
        middle = top + ROW // 2 + 4
        figure = _share_figure(bar)
        parts.append(
            f'<g class="share"><title>{escape(f"{bar.name}: {figure}")}</title>'
            + _label(middle, bar.name)
        )
        parts.append(
            f'<rect class="track" x="{LABEL}" y="{top + 4}" width="{track}" '
            f'height="{ROW - 8}" fill="{TRACK_COLOUR}"/>'
        )
        if bar.percent is not None:
            innovation = round(track * bar.percent / 100)
            parts.append(
                f'<rect class="innovation" x="{LABEL}" y="{top + 4}" width="{innovation}" '
                f'height="{ROW - 8}" fill="{ACTIVE_COLOUR}"/>'
                f'<rect class="operation" x="{LABEL + innovation}" y="{top + 4}" '
                f'width="{track - innovation}" height="{ROW - 8}" fill="{OPERATION_COLOUR}"/>'
            )
        parts.append(_figure(LABEL + track + 6, middle, figure) + "</g>")
    bottom = TOP + max(len(bars), 1) * ROW
    if target is not None:
        x = LABEL + round(track * min(max(target, 0), 100) / 100)
        target_words = _("target %(percent)s %%") % {"percent": target}
        parts.append(
            f'<g class="target"><line x1="{x}" x2="{x}" y1="{TOP}" y2="{bottom}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{x}" y="{bottom + 12}" text-anchor="middle" font-size="11" '
            f'fill="{TARGET_COLOUR}">{escape(target_words)}</text></g>'
        )
    parts.append("</svg>")
    # Safe: every string that comes from data went through escape() or quoteattr() above.
    return mark_safe("".join(parts))


# --- plain bars -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CountBar:
    name: str
    value: int


def count_description(label: str, bars: Sequence[CountBar]) -> str:
    return "; ".join([label, *(f"{bar.name}: {bar.value}" for bar in bars)])


def count_svg(label: str, bars: Sequence[CountBar], *, width: int = WIDTH) -> SafeString:
    """A bar per item, as long as its count, the count written on the right."""
    track = width - LABEL - TEXT
    most = max((bar.value for bar in bars), default=0) or 1
    parts = [_svg_open("portfolio-bars", width, _height(len(bars)), count_description(label, bars))]
    for index, bar in enumerate(bars):
        top = TOP + index * ROW
        middle = top + ROW // 2 + 4
        filled = round(track * bar.value / most)
        parts.append(
            f'<g class="bar"><title>{escape(f"{bar.name}: {bar.value}")}</title>'
            + _label(middle, bar.name)
            + f'<rect class="track" x="{LABEL}" y="{top + 4}" width="{track}" '
            f'height="{ROW - 8}" fill="{TRACK_COLOUR}"/>'
            f'<rect class="filled" x="{LABEL}" y="{top + 4}" width="{filled}" '
            f'height="{ROW - 8}" fill="{ACTIVE_COLOUR}"/>'
            + _figure(LABEL + track + 6, middle, str(bar.value))
            + "</g>"
        )
    parts.append("</svg>")
    # Safe: every string that comes from data went through escape() or quoteattr() above.
    return mark_safe("".join(parts))
