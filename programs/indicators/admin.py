from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programs.indicators.models import Indicator, IndicatorValue


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["period", "value", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "program", "cluster", "unit", "baseline_value", "target_value"]
    list_filter = ["direction", "frequency"]
    search_fields = ["name", "kolada_kpi", "program__title", "cluster__name"]
    list_select_related = ["program", "cluster"]
    raw_id_fields = ["program", "cluster"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [IndicatorValueInline]
