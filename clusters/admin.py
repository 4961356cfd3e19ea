"""Admin for clusters, their rosters, meetings and needs.

The roster models use SimpleHistoryAdmin so their history pages show every change, also the
ones made in the portal. Roster rows end with a date and are never deleted, so the admin
offers no delete for them either.

Memberships, roster entries, meetings and their participants grow with the partnership: their
changelists show no full count beside the filtered one. Date drill-downs stay where the table
is a few thousand rows (memberships, meetings), where reading it for the year list is cheap.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clusters.forms import NeedAdminForm
from clusters.models import (
    Cluster,
    ClusterMembership,
    ClusterPartner,
    DismissedProposal,
    Meeting,
    MeetingParticipant,
    Need,
    RosterEntry,
)
from innocities.core.admin import RelatedIdSearchMixin


class NoDeleteMixin:
    """Roster history is never deleted: rows are ended with a date instead."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClusterMembershipInline(NoDeleteMixin, admin.TabularInline):
    model = ClusterMembership
    fields = ("municipality", "status", "joined_on", "left_on", "note")
    autocomplete_fields = ("municipality",)
    extra = 0


class ClusterPartnerInline(NoDeleteMixin, admin.TabularInline):
    model = ClusterPartner
    fields = ("organisation", "contribution", "joined_on", "left_on")
    autocomplete_fields = ("organisation",)
    extra = 0


class RosterEntryInline(NoDeleteMixin, admin.TabularInline):
    model = RosterEntry
    fields = ("user", "role", "organisation", "municipality", "started_on", "ended_on")
    autocomplete_fields = ("user", "organisation", "municipality")
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(SimpleHistoryAdmin):
    list_display = ("name", "theme", "status", "starts_on", "ends_on")
    list_filter = ("status",)
    search_fields = ("name", "theme")
    fieldsets = (
        (None, {"fields": ("name", "theme", "description", "status", "starts_on", "ends_on")}),
        (_("Shared-need proposals"), {"fields": ("shared_need_below", "shared_need_min_members")}),
    )
    date_hierarchy = "starts_on"
    inlines = (ClusterMembershipInline, ClusterPartnerInline, RosterEntryInline)


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("municipality", "cluster", "status", "joined_on", "left_on")
    list_filter = ("status", "cluster", ("left_on", admin.EmptyFieldListFilter))
    list_select_related = ("municipality", "cluster")
    search_fields = ("municipality__name", "municipality__code", "cluster__name")
    autocomplete_fields = ("cluster", "municipality")
    show_full_result_count = False
    # About one row per municipality and cluster (1,000 nationally): the year list is cheap.
    date_hierarchy = "joined_on"


@admin.register(ClusterPartner)
class ClusterPartnerAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("organisation", "cluster", "joined_on", "left_on")
    list_filter = ("cluster", "organisation__helix", ("left_on", admin.EmptyFieldListFilter))
    list_select_related = ("organisation", "cluster")
    search_fields = ("organisation__name", "cluster__name", "contribution")
    autocomplete_fields = ("cluster", "organisation")


@admin.register(RosterEntry)
class RosterEntryAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = (
        "user",
        "role",
        "cluster",
        "organisation",
        "municipality",
        "started_on",
        "ended_on",
    )
    list_filter = ("role", "cluster", ("ended_on", admin.EmptyFieldListFilter))
    list_select_related = ("user", "cluster", "organisation", "municipality")
    search_fields = (
        "user__email",
        "user__full_name",
        "cluster__name",
        "organisation__name",
        "municipality__name",
    )
    autocomplete_fields = ("cluster", "user", "organisation", "municipality")
    show_full_result_count = False


class MeetingParticipantInline(admin.TabularInline):
    model = MeetingParticipant
    fields = ("user", "reply", "replied_at", "attendance")
    readonly_fields = ("replied_at",)
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "cluster", "kind", "starts_at", "status")
    list_filter = ("kind", "status", "cluster")
    list_select_related = ("cluster",)
    search_fields = ("title", "cluster__name", "location", "agenda")
    autocomplete_fields = ("cluster", "need")
    readonly_fields = ("created_by",)
    show_full_result_count = False
    # 1,500 meetings a year nationally: the year list reads them quickly.
    date_hierarchy = "starts_at"
    inlines = (MeetingParticipantInline,)
    # A link typed without a scheme means https (Django 6's default; silences its warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(MeetingParticipant)
class MeetingParticipantAdmin(RelatedIdSearchMixin, admin.ModelAdmin):
    """Replies and attendance across meetings, e.g. to find who has not answered.

    A large table (every invitee of every meeting): the people and meetings searched for are
    found in their own tables first (RelatedIdSearchMixin).
    """

    list_display = ("user", "meeting", "reply", "attendance", "replied_at")
    list_filter = ("reply", "attendance", "meeting__cluster")
    list_select_related = ("user", "meeting", "meeting__cluster")
    search_fields = ("user__email", "user__full_name", "meeting__title")
    search_related_first = ("user", "meeting")
    # The latest meetings' invitees first, in the order of the unique (meeting, user) index;
    # the model's order (by name, across the join to people) sorts the whole table per page.
    ordering = ("-meeting_id", "-user_id")
    show_full_result_count = False
    autocomplete_fields = ("user", "meeting")
    readonly_fields = ("replied_at",)


@admin.register(Need)
class NeedAdmin(SimpleHistoryAdmin):
    form = NeedAdminForm  # the 17 SDG goals as checkboxes, not raw JSON
    list_display = ("title", "owner", "priority", "theme", "created_at")
    list_filter = ("priority", "cluster")
    list_select_related = ("cluster", "municipality")
    search_fields = ("title", "description", "theme", "cluster__name", "municipality__name")
    autocomplete_fields = ("cluster", "municipality", "based_on")
    readonly_fields = ("created_at", "created_by", "proposal_key")

    @admin.display(description=_("cluster or municipality"))
    def owner(self, obj: Need) -> str:
        return str(obj.cluster or obj.municipality or "")


@admin.register(DismissedProposal)
class DismissedProposalAdmin(admin.ModelAdmin):
    list_display = ("cluster", "key", "dismissed_by", "dismissed_at")
    list_filter = ("cluster",)
    list_select_related = ("cluster", "dismissed_by")
    readonly_fields = ("dismissed_at",)
    # Not a select listing every person of the partnership.
    raw_id_fields = ("dismissed_by",)
