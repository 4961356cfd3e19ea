from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from innocities.core.admin import RelatedIdSearchMixin
from innocities.reports.models import ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(RelatedIdSearchMixin, admin.ModelAdmin):
    """Read-only: a report is a frozen snapshot; the services make and send them.

    A large table: one report a month for every programme and cluster (24,000 a year
    nationally). No date_hierarchy (its year list reads every row on every page); the period
    filter narrows by date instead, and the newest first is what the ordering's index reads.
    """

    list_display = ("__str__", "kind", "period_start", "period_end", "status", "sent_at")
    list_filter = ("status", "kind", "period_start")
    list_select_related = ("program", "cluster")
    show_full_result_count = False
    search_fields = ("program__title", "program__municipality__name", "cluster__name")
    search_related_first = ("program", "cluster")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressReport]:
        # The frozen figures and recipient lists are the bulk of a row and no column shows
        # them: a page of 100 would load and decode them all. A report's own page loads them.
        return super().get_queryset(request).defer("figures", "recipients")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
