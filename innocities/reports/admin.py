from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from innocities.reports.models import ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Read-only: a report is a frozen snapshot; the services make and send them."""

    list_display = ("__str__", "kind", "period_start", "period_end", "status", "sent_at")
    list_filter = ("status", "kind", "period_start")
    list_select_related = ("program", "cluster")
    search_fields = ("program__title", "program__municipality__name", "cluster__name")
    date_hierarchy = "period_start"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
