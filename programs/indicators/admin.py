from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programs.indicators.models import (
    Indicator,
    IndicatorValue,
    ReferenceValue,
    StatisticsFailure,
    StatisticsSyncRun,
)


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = [
        "period",
        "value",
        "status",
        "source",
        "source_period",
        "fetched_at",
        "note",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = ["source", "source_period", "fetched_at", "recorded_by", "recorded_at"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "program",
        "cluster",
        "source",
        "unit",
        "baseline_value",
        "target_value",
    ]
    list_filter = ["source", "direction", "frequency"]
    search_fields = ["name", "kolada_kpi", "ssb_table", "program__title", "cluster__name"]
    list_select_related = ["program", "cluster"]
    show_full_result_count = False
    raw_id_fields = ["program", "cluster"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [IndicatorValueInline]


@admin.register(ReferenceValue)
class ReferenceValueAdmin(admin.ModelAdmin):
    list_display = ["source", "key", "area_code", "source_period", "value", "status", "fetched_at"]
    list_filter = ["source", "status"]
    search_fields = ["key", "area_code"]
    # Every fetched key figure for every municipality and year: no second, unfiltered count.
    show_full_result_count = False


@admin.register(StatisticsSyncRun)
class StatisticsSyncRunAdmin(admin.ModelAdmin):
    # A run every night, kept: no second, unfiltered count.
    show_full_result_count = False
    list_display = [
        "started_at",
        "finished_at",
        "indicators",
        "fetched",
        "created",
        "updated",
        "kept",
        "failed",
    ]


@admin.register(StatisticsFailure)
class StatisticsFailureAdmin(admin.ModelAdmin):
    list_display = [
        "indicator",
        "source",
        "failed_on",
        "last_failed_at",
        "failure_count",
        "resolved_at",
        "error",
    ]
    list_filter = ["source", "resolved_at"]
    list_select_related = ["indicator"]
    raw_id_fields = ["indicator", "last_run"]
