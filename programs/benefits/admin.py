from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from innocities.core.admin import RelatedIdSearchMixin
from programs.benefits.models import Benefit, BenefitFollowUp


class FollowUpInline(admin.TabularInline):
    model = BenefitFollowUp
    extra = 0
    fields = ["due_on", "recorded_on", "value", "judgement", "comment", "recorded_by"]
    raw_id_fields = ["recorded_by"]


@admin.register(Benefit)
class BenefitAdmin(SimpleHistoryAdmin):
    list_display = ["title", "initiative", "kind", "owner", "target_on", "ended_on"]
    list_filter = ["kind"]
    search_fields = ["title", "initiative__title", "owner__full_name", "owner__email"]
    list_select_related = ["initiative", "owner"]
    show_full_result_count = False
    raw_id_fields = ["initiative", "owner", "indicator", "created_by"]
    inlines = [FollowUpInline]


@admin.register(BenefitFollowUp)
class BenefitFollowUpAdmin(RelatedIdSearchMixin, SimpleHistoryAdmin):
    list_display = ["benefit", "due_on", "recorded_on", "judgement"]
    list_filter = ["judgement"]
    search_fields = ["benefit__title"]
    search_related_first = ("benefit",)
    list_select_related = ["benefit"]
    # A benefit's follow-ups together, by date, as the unique (benefit, due_on) index reads
    # them; the model's order goes through the benefit's and initiative's titles, a join and a
    # sort of the whole table for each page.
    ordering = ["benefit_id", "due_on", "id"]
    show_full_result_count = False
    raw_id_fields = ["benefit", "recorded_by"]
