"""Indicator pages: the list of a programme's or a cluster's indicators with their trends,
and the forms to create, edit and record values.

Reading needs READ on the parent; writing needs EDIT on a programme (its coordinators,
the cluster's managers, administrators) or MANAGE on a cluster (its managers, administrators).
Indicators are always fetched through their parent.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusters.permissions import get_cluster_for_user
from innocities.core.forms import call_service, posted
from innocities.core.permissions import Level, roles_for
from municipalities.models import BENCHMARK_MIN_GROUP
from programs.indicators.forms import IndicatorForm, IndicatorValueForm
from programs.indicators.models import Indicator, period_label
from programs.indicators.selectors import (
    cluster_comparison,
    indicator_series,
    indicator_status,
    latest_rows,
    latest_values,
)
from programs.indicators.services import indicator_create, indicator_update, indicator_value_record
from programs.indicators.svg import trend_svg
from programs.permissions import get_program_for_user

PROGRAMMES = "programmes"
CLUSTERS = "clusters"


# Who writes a parent's indicators: a programme's coordinators (and above), a cluster's managers.
WRITE_LEVEL = {PROGRAMMES: Level.EDIT, CLUSTERS: Level.MANAGE}


def _parent(request: HttpRequest, scope: str, pk: int, *, write: bool) -> tuple[Model, bool]:
    """The programme or cluster through its getter (404 outside, 403 below), and whether the
    person may write its indicators."""
    if scope not in WRITE_LEVEL:
        raise Http404
    needed = WRITE_LEVEL[scope] if write else Level.READ
    getter = get_program_for_user if scope == PROGRAMMES else get_cluster_for_user
    parent, level = getter(request, pk, level=needed)
    return parent, level >= WRITE_LEVEL[scope]


def _list_url(scope: str, parent: Model) -> str:
    name = "indicators:program_list" if scope == PROGRAMMES else "indicators:cluster_list"
    return reverse(name, kwargs={"pk": parent.pk})


def _indicator(parent: Model, pk: int) -> Indicator:
    return get_object_or_404(parent.indicators, pk=pk)  # type: ignore[attr-defined]


def _rows(indicators: list[Indicator]) -> list[dict[str, object]]:
    """Each indicator with its trend and latest value; four queries for all of them."""
    series = indicator_series(indicators)
    ids = [indicator.pk for indicator in indicators]
    latest = latest_values(ids)
    newest = latest_rows(ids)
    rows = []
    for indicator in indicators:
        values = series[indicator.pk]
        status = indicator_status(indicator, values)
        last = latest.get(indicator.pk)
        newest_row = newest.get(indicator.pk)
        rows.append(
            {
                "indicator": indicator,
                "status": status,
                "latest": last,
                # A newer period the source reports as missing, shown as missing.
                "newest_missing": (
                    newest_row
                    if newest_row is not None
                    and newest_row.value is None
                    and (last is None or newest_row.period > last.period)
                    else None
                ),
                "latest_label": (
                    period_label(indicator.frequency, status.latest_period)
                    if status.latest_period
                    else ""
                ),
                "svg": trend_svg(
                    values,
                    baseline=indicator.baseline_value,
                    target=indicator.target_value,
                    label=indicator.name,
                    unit=indicator.unit,
                ),
            }
        )
    return rows


def _list(request: HttpRequest, scope: str, pk: int) -> HttpResponse:
    parent, can_write = _parent(request, scope, pk, write=False)
    indicators = list(parent.indicators.all())  # type: ignore[attr-defined]
    comparisons = []
    if scope == CLUSTERS:
        # Managers and administrators (who write a cluster's indicators) see every member;
        # the consent rules are applied in the selector, never in the template.
        comparisons = cluster_comparison(
            parent,  # type: ignore[arg-type]
            indicators,
            roles=roles_for(request),
            full_view=can_write,
        )
    return render(
        request,
        "indicators/list.html",
        {
            "scope": scope,
            "parent": parent,
            "rows": _rows(indicators),
            "can_write": can_write,
            "comparisons": comparisons,
            "min_group": BENCHMARK_MIN_GROUP,
        },
    )


@require_GET
def program_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _list(request, PROGRAMMES, pk)


@require_GET
def cluster_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _list(request, CLUSTERS, pk)


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, scope: str, parent_pk: str) -> HttpResponse:
    parent, _can_write = _parent(request, scope, int(parent_pk), write=True)
    form = IndicatorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        where = {"program": parent} if scope == PROGRAMMES else {"cluster": parent}
        indicator = call_service(
            form, indicator_create, actor=request.user, **where, **form.service_kwargs()
        )
        if indicator is not None:
            messages.success(
                request, _("The indicator “%(name)s” was created.") % {"name": indicator.name}
            )
            return redirect(_list_url(scope, parent))
    return render(
        request,
        "indicators/form.html",
        {"scope": scope, "parent": parent, "form": form, "indicator": None},
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, scope: str, parent_pk: str, pk: str) -> HttpResponse:
    parent, _can_write = _parent(request, scope, int(parent_pk), write=True)
    indicator = _indicator(parent, int(pk))
    form = IndicatorForm(posted(request), instance=indicator)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            indicator_update,
            indicator=indicator,
            actor=request.user,
            **form.service_kwargs(),
        )
        if saved is not None:
            messages.success(
                request, _("The indicator “%(name)s” was saved.") % {"name": indicator.name}
            )
            return redirect(_list_url(scope, parent))
    return render(
        request,
        "indicators/form.html",
        {"scope": scope, "parent": parent, "form": form, "indicator": indicator},
    )


@require_http_methods(["GET", "POST"])
def value(request: HttpRequest, scope: str, parent_pk: str, pk: str) -> HttpResponse:
    """Record the value for a period; a second value for the same period replaces the first."""
    parent, _can_write = _parent(request, scope, int(parent_pk), write=True)
    indicator = _indicator(parent, int(pk))
    form = IndicatorValueForm(posted(request))
    if request.method == "POST" and form.is_valid():
        row = call_service(
            form,
            indicator_value_record,
            indicator=indicator,
            actor=request.user,
            **form.cleaned_data,
        )
        if row is not None:
            messages.success(
                request,
                _("The value for %(period)s was saved.")
                % {"period": period_label(indicator.frequency, row.period)},
            )
            return redirect(_list_url(scope, parent))
    return render(
        request,
        "indicators/value_form.html",
        {
            "scope": scope,
            "parent": parent,
            "form": form,
            "indicator": indicator,
            "values": list(indicator.values.order_by("-period")[:24]),
        },
    )
