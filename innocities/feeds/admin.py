from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from innocities.feeds.models import CalendarToken
from innocities.feeds.services import calendar_token_reset


@admin.register(CalendarToken)
class CalendarTokenAdmin(SimpleHistoryAdmin):
    """Read-only: a token is made by the portal. The secret is never shown here (it would let
    whoever reads the admin follow the person's calendar); staff can only reset it."""

    list_display = ("user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__full_name")
    # One row per person, so as large as the user table: no full count, and no date drill-down
    # (its year list converts every row's time to the local zone, which no index serves).
    show_full_result_count = False
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")
    actions = ["reset_links"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_reset_permission(self, request: HttpRequest) -> bool:
        # Resetting changes the row, though the change form itself is off.
        return request.user.has_perm("feeds.change_calendartoken")

    @admin.action(description=_("Reset the selected calendar links"), permissions=["reset"])
    def reset_links(self, request: HttpRequest, queryset: QuerySet[CalendarToken]) -> None:
        tokens = list(queryset.select_related("user"))
        for token in tokens:
            calendar_token_reset(user=token.user, actor=request.user)
        self.message_user(
            request,
            _("%(count)d calendar links were reset.") % {"count": len(tokens)},
            messages.SUCCESS,
        )
