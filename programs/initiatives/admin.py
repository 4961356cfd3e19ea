from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from innocities.core.admin import RelatedIdSearchMixin
from programs.initiatives.models import (
    Assumption,
    Effort,
    GateCriterion,
    GateDecision,
    Initiative,
    InitiativePartner,
    PortfolioTarget,
)


class PartnerInline(admin.TabularInline):
    model = InitiativePartner
    extra = 0
    raw_id_fields = ["organisation"]


class EffortInline(admin.TabularInline):
    model = Effort
    extra = 0


class AssumptionInline(admin.TabularInline):
    model = Assumption
    extra = 0
    fields = ["statement", "kind", "impact", "uncertainty", "test_by", "outcome"]
    show_change_link = True


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "municipality",
        "cluster",
        "stage",
        "state",
        "facet",
        "next_gate_due_on",
    ]
    list_filter = ["stage", "state", "facet"]
    search_fields = ["title", "municipality__name", "cluster__name"]
    list_select_related = ["municipality", "cluster"]
    show_full_result_count = False
    raw_id_fields = [
        "municipality",
        "cluster",
        "need",
        "lead",
        "module",
        "created_by",
        "adopted_from",
    ]
    readonly_fields = ["created_at"]
    inlines = [PartnerInline, EffortInline, AssumptionInline]


@admin.register(GateDecision)
class GateDecisionAdmin(RelatedIdSearchMixin, SimpleHistoryAdmin):
    """Decisions are a record: the admin reads them and corrects a typing error, with history."""

    list_display = ["initiative", "from_stage", "to_stage", "decision", "body", "decided_on"]
    list_filter = ["decision", "body", "to_stage"]
    search_fields = ["initiative__title", "decided_by"]
    search_related_first = ("initiative",)
    list_select_related = ["initiative"]
    show_full_result_count = False
    raw_id_fields = ["initiative", "meeting", "recorded_by"]
    readonly_fields = ["recorded_at", "criteria"]
    # A few thousand decisions nationally, and decided_on has an index: the year list is cheap.
    date_hierarchy = "decided_on"


@admin.register(Assumption)
class AssumptionAdmin(RelatedIdSearchMixin, SimpleHistoryAdmin):
    list_display = [
        "statement",
        "initiative",
        "kind",
        "impact",
        "uncertainty",
        "outcome",
        "test_by",
    ]
    list_filter = ["kind", "outcome"]
    search_fields = ["statement", "initiative__title"]
    search_related_first = ("initiative",)
    list_select_related = ["initiative"]
    show_full_result_count = False
    raw_id_fields = ["initiative", "task"]


@admin.register(GateCriterion)
class GateCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["text_sv", "text_en", "stage", "position", "judged_by", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["stage", "judged_by", "is_active"]


@admin.register(PortfolioTarget)
class PortfolioTargetAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "innovation_percent", "updated_at"]
    list_select_related = ["municipality"]
    raw_id_fields = ["municipality"]
