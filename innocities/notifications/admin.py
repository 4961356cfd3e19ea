from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from innocities.notifications.models import Notification, NotificationPreference, ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "name_sv",
        "code",
        "category",
        "offset_days",
        "repeat_every_days",
        "max_repeats",
        "escalate",
        "is_active",
    ]
    list_filter = ["category", "is_active", "escalate"]
    search_fields = ["name", "name_sv", "name_nb", "code"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "delivery", "hour", "paused_until"]
    list_filter = ["delivery"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by the scan and the dispatcher only."""

    list_display = ["subject", "recipient", "rule", "status", "send_after", "sent_at", "attempts"]
    list_filter = ["status", "rule", "delivery"]
    search_fields = ["recipient__email", "recipient__full_name", "subject"]
    list_select_related = ["recipient", "rule"]
    date_hierarchy = "send_after"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
