from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from innocities.accounts.models import User
from innocities.notifications.models import Notification, NotificationPreference, ReminderRule

# Up to this many people matching a search word are passed to the outbox's query as a list of
# ids (which its recipient index serves); a word matching more (a domain, say) is nearly
# everyone, and a subquery does.
SEARCH_PEOPLE_AS_LIST = 1000


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
    """Read-only: the outbox is written by the scan and the dispatcher only.

    Set up for a table of millions of rows: the page comes from the newest-first index
    (``notification_newest_idx``), the filters cost no query over the outbox (a date filter
    instead of a date drill-down, which reads every row's date; no facet counts), the rows are
    counted once, not twice, and the search filters the outbox on its own indexed columns.
    """

    list_display = ["subject", "recipient", "rule", "status", "send_after", "sent_at", "attempts"]
    list_filter = ["status", ("send_after", admin.DateFieldListFilter), "rule", "delivery"]
    search_fields = ["recipient__email", "recipient__full_name", "subject"]
    search_help_text = _("Words in the recipient's e-mail address or name, or in the subject.")
    list_select_related = ["recipient", "rule"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Notification], search_term: str
    ) -> tuple[QuerySet[Notification], bool]:
        """Each word in the recipient's e-mail or name, or in the subject, as the admin's own
        search over ``search_fields`` does; but the people are looked up first (the user table
        is small), so the outbox is filtered on its own columns, where PostgreSQL combines the
        recipient index with the subject's trigram index, instead of joining every row of the
        outbox to its recipient before filtering."""
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            people = (
                User.objects.filter(Q(email__icontains=word) | Q(full_name__icontains=word))
                .order_by()
                .values("pk")
            )
            ids = [row["pk"] for row in people[: SEARCH_PEOPLE_AS_LIST + 1]]
            recipients = (
                Q(recipient_id__in=ids)
                if len(ids) <= SEARCH_PEOPLE_AS_LIST
                else Q(recipient__in=people)
            )
            queryset = queryset.filter(recipients | Q(subject__icontains=word))
        return queryset, False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
