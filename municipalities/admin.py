from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from innocities.accounts.admin import UserAdmin
from innocities.accounts.models import User
from municipalities.models import County, Municipality, MunicipalityMembership, Organisation


class MunicipalityMembershipInline(admin.TabularInline):
    model = MunicipalityMembership
    extra = 0
    autocomplete_fields = ["municipality"]
    fields = ["municipality", "role", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = _("role in a municipality")
    verbose_name_plural = _("roles in municipalities")


# The user admin lives in accounts, which knows nothing of municipalities: a person's roles in
# municipalities are added to it here, where the membership model is.
admin.site.unregister(User)


@admin.register(User)
class UserWithRolesAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MunicipalityMembershipInline]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country")
    list_filter = ("country",)
    search_fields = ("name", "code")


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    # SimpleHistoryAdmin: the history page shows who turned benchmark sharing on or off, also
    # when it was done here rather than on the municipality's settings page.
    list_display = (
        "code",
        "name",
        "county",
        "skr_group",
        "population",
        "population_year",
        "share_benchmarks",
    )
    list_filter = ("country", "county", "skr_group", "share_benchmarks")
    list_select_related = ("county",)
    search_fields = ("name", "code")
    autocomplete_fields = ("county",)
    ordering = ("country", "code")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "helix", "municipality")
    list_filter = ("helix",)
    list_select_related = ("municipality",)
    search_fields = ("name",)
    autocomplete_fields = ("municipality",)
    # Django 6 assumes https for a URL typed without a scheme; say so now (and silence 5.2's
    # deprecation warning, an error in the tests).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(MunicipalityMembership)
class MunicipalityMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "municipality", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "municipality")
    search_fields = ("user__email", "user__full_name", "municipality__name", "municipality__code")
    autocomplete_fields = ("user", "municipality")
    readonly_fields = ("created_at",)
    # A role for every coordinator and viewer of 650 municipalities: no second, unfiltered count.
    show_full_result_count = False
