"""Benchmark charts drawn on the server as inline SVG: no JavaScript, no library.

Two charts: a 1–5 scale for one self-assessment dimension (the cluster's mean and median as
lines, each municipality as a dot, the person's own as a larger diamond) and horizontal bars
for programme progress. They draw only what they are given: who may see which municipality is
decided before (``programs.benchmarks``).

Everything that comes from data is escaped; the numbers are also in the ``<title>`` and
``aria-label``, so a screen reader hears what a sighted reader sees. Coordinates are whole
numbers: finer is invisible, and the markup stays small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SCALE_LOW = 1
SCALE_HIGH = 5
SCALE_WIDTH = 320
SCALE_HEIGHT = 64
SCALE_PAD = 16
AXIS_Y = 40
STACK_STEP = 7  # dots with the same score are stacked upwards by this much
STACK_MAX = 3

BAR_WIDTH = 480
BAR_ROW = 24
BAR_LABEL = 160
BAR_TEXT = 120
NAME_CHARS = 22

MEAN_COLOUR = "#212529"
MEDIAN_COLOUR = "#6c757d"
DOT_COLOUR = "#0d6efd"
OWN_COLOUR = "#fd7e14"
TRACK_COLOUR = "#e9ecef"
OVERDUE_COLOUR = "#dc3545"


def format_score(value: Decimal | float) -> str:
    """A score with one decimal in the active language's format (3,5 in Swedish)."""
    return number_format(Decimal(value), decimal_pos=1)


@dataclass(frozen=True)
class ScorePoint:
    name: str
    value: Decimal
    is_own: bool = False


@dataclass(frozen=True)
class ProgressBar:
    name: str
    percent: int
    overdue: int
    is_own: bool = False


def _svg_open(css_class: str, width: int, height: int, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class} chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f"aria-label={quoteattr(description)}>"
        f"<title>{escape(description)}</title>"
    )


def _own_suffix(point_is_own: bool) -> str:
    return " " + _("(your municipality)") if point_is_own else ""


def scale_description(
    label: str,
    *,
    mean: Decimal | None,
    median: Decimal | None,
    contributors: int,
    points: Sequence[ScorePoint],
    withheld: str = "",
) -> str:
    """The chart's numbers in words, for ``<title>`` and ``aria-label``."""
    words = [label]
    if mean is not None and median is not None:
        words.append(
            ngettext(
                "cluster mean %(mean)s, median %(median)s (%(count)s municipality)",
                "cluster mean %(mean)s, median %(median)s (%(count)s municipalities)",
                contributors,
            )
            % {"mean": format_score(mean), "median": format_score(median), "count": contributors}
        )
    elif withheld:
        words.append(withheld)
    for point in points:
        words.append(f"{point.name}{_own_suffix(point.is_own)}: {format_score(point.value)}")
    if len(words) == 1:
        words.append(_("no scores yet"))
    return "; ".join(words)


def scale_svg(
    label: str,
    *,
    mean: Decimal | None,
    median: Decimal | None,
    contributors: int,
    points: Sequence[ScorePoint],
    withheld: str = "",
    width: int = SCALE_WIDTH,
) -> SafeString:
    """An ``<svg>`` with a 1–5 axis, the mean (solid line) and median (dashed) if given, and
    a dot per point; ``withheld`` says in words why the mean and median are missing."""
    inner = width - 2 * SCALE_PAD

    def x(value: Decimal | int) -> int:
        share = (Decimal(value) - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW)
        return round(SCALE_PAD + min(max(share, Decimal(0)), Decimal(1)) * inner)

    description = scale_description(
        label,
        mean=mean,
        median=median,
        contributors=contributors,
        points=points,
        withheld=withheld,
    )
    parts = [_svg_open("benchmark-scale", width, SCALE_HEIGHT, description)]
    parts.append(
        f'<line class="axis" x1="{x(SCALE_LOW)}" x2="{x(SCALE_HIGH)}" y1="{AXIS_Y}" '
        f'y2="{AXIS_Y}" stroke="{MEDIAN_COLOUR}" stroke-width="1"/>'
    )
    for tick in range(SCALE_LOW, SCALE_HIGH + 1):
        parts.append(
            f'<line class="tick" x1="{x(tick)}" x2="{x(tick)}" y1="{AXIS_Y}" y2="{AXIS_Y + 4}" '
            f'stroke="{MEDIAN_COLOUR}" stroke-width="1"/>'
            f'<text x="{x(tick)}" y="{AXIS_Y + 16}" text-anchor="middle" font-size="11" '
            f'fill="{MEDIAN_COLOUR}" aria-hidden="true">{tick}</text>'
        )
    if median is not None:
        parts.append(
            f'<line class="median" x1="{x(median)}" x2="{x(median)}" y1="6" y2="{AXIS_Y + 6}" '
            f'stroke="{MEDIAN_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
    if mean is not None:
        parts.append(
            f'<line class="mean" x1="{x(mean)}" x2="{x(mean)}" y1="6" y2="{AXIS_Y + 6}" '
            f'stroke="{MEAN_COLOUR}" stroke-width="2"/>'
        )
    # Own municipalities last, so they are drawn on top of the others.
    stacked: dict[int, int] = {}
    for point in sorted(points, key=lambda p: p.is_own):
        cx = x(point.value)
        level = min(stacked.get(cx, 0), STACK_MAX)
        stacked[cx] = stacked.get(cx, 0) + 1
        cy = AXIS_Y - 8 - level * STACK_STEP
        tip = f"<title>{escape(point.name + _own_suffix(point.is_own))}: {format_score(point.value)}</title>"
        if point.is_own:
            parts.append(
                f'<polygon class="point own" points="{cx},{cy - 7} {cx + 7},{cy} {cx},{cy + 7} '
                f'{cx - 7},{cy}" fill="{OWN_COLOUR}" stroke="{MEAN_COLOUR}" stroke-width="1">'
                f"{tip}</polygon>"
            )
        else:
            parts.append(
                f'<circle class="point" cx="{cx}" cy="{cy}" r="4" fill="{DOT_COLOUR}" '
                f'stroke="#ffffff" stroke-width="1">{tip}</circle>'
            )
    parts.append("</svg>")
    # Safe: every string that comes from data went through escape() or quoteattr() above.
    return mark_safe("".join(parts))


def _overdue(count: int) -> str:
    return ngettext("%(count)s overdue", "%(count)s overdue", count) % {"count": count}


def progress_description(label: str, bars: Sequence[ProgressBar]) -> str:
    words = [label]
    for bar in bars:
        words.append(
            _("%(name)s: %(percent)s %% done, %(overdue)s")
            % {
                "name": bar.name + _own_suffix(bar.is_own),
                "percent": bar.percent,
                "overdue": _overdue(bar.overdue),
            }
        )
    if not bars:
        words.append(_("no programmes"))
    return "; ".join(words)


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def progress_svg(label: str, bars: Sequence[ProgressBar], *, width: int = BAR_WIDTH) -> SafeString:
    """One horizontal 0–100 % bar per programme, the name on the left and the figure on the
    right (red when something is overdue); long names are shortened in the drawing only."""
    height = max(len(bars), 1) * BAR_ROW + 8
    track = width - BAR_LABEL - BAR_TEXT
    parts = [_svg_open("benchmark-progress", width, height, progress_description(label, bars))]
    for index, bar in enumerate(bars):
        top = 4 + index * BAR_ROW
        middle = top + BAR_ROW // 2
        percent = min(max(bar.percent, 0), 100)
        filled = round(track * percent / 100)
        colour = OWN_COLOUR if bar.is_own else DOT_COLOUR
        weight = ' font-weight="bold"' if bar.is_own else ""
        figure = f"{percent} %"
        if bar.overdue:
            figure += " · " + _overdue(bar.overdue)
        tip = f"{bar.name}{_own_suffix(bar.is_own)}: {figure}"
        parts.append(
            f'<g class="bar{" own" if bar.is_own else ""}">'
            f"<title>{escape(tip)}</title>"
            f'<text x="{BAR_LABEL - 6}" y="{middle + 4}" text-anchor="end" font-size="12"'
            f"{weight}>{escape(_short(bar.name))}</text>"
            f'<rect class="track" x="{BAR_LABEL}" y="{top + 4}" width="{track}" '
            f'height="{BAR_ROW - 8}" fill="{TRACK_COLOUR}"/>'
            f'<rect class="done" x="{BAR_LABEL}" y="{top + 4}" width="{filled}" '
            f'height="{BAR_ROW - 8}" fill="{colour}"/>'
            f'<text x="{BAR_LABEL + track + 6}" y="{middle + 4}" font-size="12" '
            f'fill="{OVERDUE_COLOUR if bar.overdue else MEAN_COLOUR}">{escape(figure)}</text>'
            "</g>"
        )
    parts.append("</svg>")
    # Safe: every string that comes from data went through escape() or quoteattr() above.
    return mark_safe("".join(parts))
