"""The Django admin for the method library and the programmes.

Programmes, tasks and milestones use SimpleHistoryAdmin so staff can see who changed what.
Progress updates are append-only: the admin shows them but cannot add, change or delete one.

Tasks (200,000 nationally), milestones, progress updates and programme modules are large
tables: no full count beside the filtered one, no date drill-down (its year list scans the
whole table on every page), search on the table's own columns plus the programmes matched
first (``RelatedIdSearchMixin``), and orderings an index serves.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from innocities.core.admin import RelatedIdSearchMixin
from innocities.core.languages import TEXT_LANGUAGES
from programs.models import (
    ActivityTemplate,
    Milestone,
    ModuleTemplate,
    Program,
    ProgramModule,
    ProgramTemplate,
    ProgramTemplateModule,
    ProgressUpdate,
    Task,
)

# --- the method library --------------------------------------------------------------------


class ActivityTemplateInline(admin.StackedInline):
    model = ActivityTemplate
    extra = 0
    # Each text in Swedish, English and Norwegian, side by side.
    fields = [
        ("kind", "key", "offset_days", "duration_days"),
        ("title_sv", "title_en", "title_nb"),
        ("description_sv", "description_en", "description_nb"),
    ]


@admin.register(ModuleTemplate)
class ModuleTemplateAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name_sv",
        "name_en",
        "name_nb",
        "theme",
        "duration_days",
        "activity_count",
        "is_active",
    ]
    list_filter = ["theme", "is_active"]
    search_fields = [
        "code",
        *(f"{field}_{code}" for field in ("name", "description") for code in TEXT_LANGUAGES),
    ]
    fieldsets = [
        (None, {"fields": ["code", "theme", "duration_days", "is_active"]}),
        (_("Name"), {"fields": ["name_sv", "name_en", "name_nb"]}),
        (_("Description"), {"fields": ["description_sv", "description_en", "description_nb"]}),
    ]
    prepopulated_fields = {"code": ["name_en"]}
    inlines = [ActivityTemplateInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(activity_total=Count("activities"))

    @admin.display(description=_("activities"), ordering="activity_total")
    def activity_count(self, obj: ModuleTemplate) -> int:
        return obj.activity_total  # type: ignore[attr-defined]


@admin.register(ActivityTemplate)
class ActivityTemplateAdmin(admin.ModelAdmin):
    list_display = [
        "title_sv",
        "title_en",
        "title_nb",
        "module",
        "kind",
        "offset_days",
        "duration_days",
    ]
    list_filter = ["kind", "module"]
    search_fields = [
        "key",
        "title_sv",
        "title_en",
        "title_nb",
        "module__name_sv",
        "module__name_en",
        "module__name_nb",
    ]
    list_select_related = ["module"]
    fieldsets = [
        (None, {"fields": ["module", "key", "kind", "offset_days", "duration_days"]}),
        (_("Title"), {"fields": ["title_sv", "title_en", "title_nb"]}),
        (_("Description"), {"fields": ["description_sv", "description_en", "description_nb"]}),
    ]


class ProgramTemplateModuleInline(admin.TabularInline):
    model = ProgramTemplateModule
    extra = 0
    fields = ["position", "module", "offset_days"]
    ordering = ["position"]


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name_sv", "name_en", "name_nb", "duration_months", "module_count"]
    search_fields = [
        f"{field}_{code}" for field in ("name", "description") for code in TEXT_LANGUAGES
    ]
    fieldsets = [
        (None, {"fields": ["duration_months"]}),
        (_("Name"), {"fields": ["name_sv", "name_en", "name_nb"]}),
        (_("Description"), {"fields": ["description_sv", "description_en", "description_nb"]}),
    ]
    inlines = [ProgramTemplateModuleInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(module_total=Count("template_modules"))

    @admin.display(description=_("modules"), ordering="module_total")
    def module_count(self, obj: ProgramTemplate) -> int:
        return obj.module_total  # type: ignore[attr-defined]


@admin.register(ProgramTemplateModule)
class ProgramTemplateModuleAdmin(admin.ModelAdmin):
    list_display = ["template", "position", "module", "offset_days"]
    list_filter = ["template"]
    search_fields = [
        "template__name_sv",
        "template__name_en",
        "template__name_nb",
        "module__name_sv",
        "module__name_en",
        "module__name_nb",
        "module__code",
    ]
    list_select_related = ["template", "module"]


# --- programmes ----------------------------------------------------------------------------


class _ProgramChildInline(admin.TabularInline):
    """Inlines of a programme: module choices limited to the programme being edited."""

    extra = 0
    raw_id_fields = ["owner"]

    def get_formset(self, request: HttpRequest, obj: Program | None = None, **kwargs: Any) -> Any:
        request._program_being_edited = obj  # type: ignore[attr-defined]
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "module":
            program = getattr(request, "_program_being_edited", None)
            kwargs["queryset"] = (
                ProgramModule.objects.filter(program=program)
                if program is not None
                else ProgramModule.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProgramModuleInline(admin.TabularInline):
    model = ProgramModule
    extra = 0
    fields = ["position", "title", "module_template", "starts_on", "ends_on", "reason"]
    ordering = ["position"]


class MilestoneInline(_ProgramChildInline):
    model = Milestone
    fields = ["title", "module", "due_on", "status", "owner", "completed_on"]


@admin.register(Program)
class ProgramAdmin(RelatedIdSearchMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "municipality",
        "cluster",
        "status",
        "starts_on",
        "ends_on",
        "tasks_link",
    ]
    list_filter = ["status", "cluster", "template"]
    # Not the goals: long text read four times per search (the count and the date drill-down
    # filter too) for little; the title, municipality or cluster finds a programme.
    search_fields = ["title", "municipality__name", "cluster__name"]
    search_related_first = ("municipality", "cluster")
    list_select_related = ["municipality", "cluster"]
    # The newest programmes first, read from an index. The model's order (by municipality
    # name, across a join) sorts every programme for each page; search or filter finds a
    # municipality's programmes.
    ordering = ["-starts_on", "-id"]
    show_full_result_count = False
    # 2,000 programmes nationally: the year list reads them quickly.
    date_hierarchy = "starts_on"
    raw_id_fields = ["municipality"]
    # Thousands of people: a search box, not a two-pane list of every account.
    autocomplete_fields = ["coordinators"]
    readonly_fields = ["tasks_link", "created_at"]
    fields = [
        "title",
        "municipality",
        "cluster",
        "template",
        ("starts_on", "ends_on"),
        "status",
        "goals",
        "coordinators",
        "tasks_link",
        "created_at",
    ]
    inlines = [ProgramModuleInline, MilestoneInline]

    @admin.display(description=_("tasks"))
    def tasks_link(self, obj: Program) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:programs_task_changelist") + f"?program__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Show the tasks"))


@admin.register(ProgramModule)
class ProgramModuleAdmin(RelatedIdSearchMixin, SimpleHistoryAdmin):
    list_display = ["title", "program", "position", "starts_on", "ends_on"]
    search_fields = ["title", "program__title", "program__municipality__name"]
    search_related_first = ("program",)
    list_select_related = ["program"]
    # A programme's modules together, in the unique (program, position) index's order; the
    # model's ("program", …) sorts by the programme's own order, through two joins.
    ordering = ["program_id", "position"]
    show_full_result_count = False
    raw_id_fields = ["program", "module_template"]


class _ItemAdmin(RelatedIdSearchMixin, SimpleHistoryAdmin):
    list_display = ["title", "program", "module", "owner", "due_on", "status"]
    list_filter = ["status", "program__cluster"]
    # Not the description: long text no index serves; the title finds a task. The programme's
    # fields are matched in the programme table first (RelatedIdSearchMixin).
    search_fields = ["title", "program__title", "program__municipality__name"]
    search_related_first = ("program",)
    list_select_related = ["program", "module", "owner"]
    show_full_result_count = False
    # No date_hierarchy: its year list (SELECT DISTINCT date_trunc('year', due_on)) and the
    # min/max before it read the whole table on every page. The order (due_on, id) has an index.
    raw_id_fields = ["program", "module", "owner"]


@admin.register(Milestone)
class MilestoneAdmin(_ItemAdmin):
    pass


@admin.register(Task)
class TaskAdmin(_ItemAdmin):
    list_display = [*_ItemAdmin.list_display, "percent"]
    # Every partner organisation of the partnership: a search box, not a two-pane list.
    autocomplete_fields = ["organisations"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(RelatedIdSearchMixin, admin.ModelAdmin):
    """Read-only: updates are written through the portal and never changed afterwards."""

    list_display = ["program", "created_at", "author", "status", "proposed_status", "percent_done"]
    list_filter = ["status", "proposed_status", "program__cluster"]
    # By programme (or municipality) and author, each matched in its own table first. Not the
    # long texts: no index serves them, and they are read in the portal.
    search_fields = [
        "program__title",
        "program__municipality__name",
        "author__email",
        "author__full_name",
    ]
    search_related_first = ("program", "author")
    list_select_related = ["program", "author"]
    show_full_result_count = False
    # No date_hierarchy: on a date-time it truncates every row in the local time zone, which no
    # index serves. Newest first, as the ordering's index (-created_at, -id) reads.

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
