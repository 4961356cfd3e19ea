from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from innocities.core.languages import localized as _localized
from municipalities.assessments.models import RespondentRole

register = template.Library()


@register.filter
def localized(obj: object, name: str) -> str:
    """``{{ dimension|localized:"name" }}`` → the text in the reader's language."""
    return _localized(obj, name)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key) if mapping else None


def level(value: float) -> str:
    """A mean as the results show it, in the table and in the chart alike: one decimal,
    localized (3,5 on a Swedish page)."""
    return number_format(Decimal(str(value)), decimal_pos=1)


register.filter("level", level)

# The chart's geometry in SVG user units; the SVG scales to its container (viewBox). The
# values stand in a column of their own at the right, so the mean's line never crosses them.
_WIDTH = 330
_LABELS_END = 92  # role names end here, right-aligned
_SCALE_START = 98  # level 0
_UNIT = 40  # one level: level 5 ends at 298
_VALUES_END = 326  # the values' column, right-aligned
_TOP = 26  # room above the bars for the mean's label
_ROW = 26
_BAR = 16


def _x(value: float) -> str:
    return f"{_SCALE_START + value * _UNIT:.1f}"


@register.inclusion_tag("assessments/_chart.html")
def dimension_chart(score: Any) -> dict[str, Any]:
    """A horizontal bar per respondent role on the 1–5 scale, with the mean of all respondents
    marked, for one dimension's ``DimensionScore``. The text alternative (``label``) says
    everything the picture shows; the table beside it has the same numbers."""
    rows = []
    parts = []
    for index, (code, name) in enumerate(RespondentRole.choices):
        mean = score.role_means.get(code)
        y = _TOP + index * _ROW
        rows.append(
            {
                "label": name,
                "mean": None if mean is None else level(mean),
                "y": y,
                "text_y": y + _BAR - 4,
                "width": None if mean is None else f"{mean * _UNIT:.1f}",
                "value_x": _VALUES_END,
            }
        )
        parts.append(
            _("%(role)s %(mean)s") % {"role": name, "mean": level(mean)}
            if mean is not None
            else _("%(role)s no answers") % {"role": name}
        )
    axis_y = _TOP + len(rows) * _ROW
    name = _localized(score.dimension, "name")
    if score.mean is None:
        label = _("%(dimension)s: no submitted answers") % {"dimension": name}
    else:
        label = _(
            "%(dimension)s, mean level per respondent role on the scale 1–5: %(roles)s; "
            "mean of all respondents %(mean)s"
        ) % {"dimension": name, "roles": "; ".join(parts), "mean": level(score.mean)}
    return {
        "score": score,
        "chart_id": f"chart-{score.code}",
        "label": label,
        "rows": rows,
        "width": _WIDTH,
        "height": axis_y + 22,
        "labels_end": _LABELS_END,
        "scale_start": _SCALE_START,
        "scale_end": _x(5),
        "top": _TOP - 6,
        "axis_y": axis_y,
        "tick_label_y": axis_y + 16,
        "ticks": [{"level": n, "x": _x(n)} for n in range(1, 6)],
        "mean": None if score.mean is None else level(score.mean),
        "mean_x": None if score.mean is None else _x(score.mean),
        "mean_label_y": _TOP - 10,
        # Centred on its line, unless that would run past the right edge.
        "mean_anchor": "end" if score.mean is not None and score.mean > 4 else "middle",
        "bar_height": _BAR,
    }
