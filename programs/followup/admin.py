from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programs.followup.models import ActionItem, ClusterTask


@admin.register(ClusterTask)
class ClusterTaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "cluster", "owner", "due_on", "status"]
    list_filter = ["status", "cluster"]
    search_fields = ["title"]
    list_select_related = ["cluster", "owner"]
    raw_id_fields = ["owner"]


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    """Read-only: action items are recorded on the meeting's follow-up page, whose services
    keep their tasks in step."""

    list_display = ["text", "meeting", "owner", "due_on", "removed_at"]
    list_filter = ["meeting__cluster"]
    search_fields = ["text"]
    list_select_related = ["meeting", "owner"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
