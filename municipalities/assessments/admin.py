from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from municipalities.assessments.models import (
    Answer,
    AssessmentRound,
    Dimension,
    Framework,
    LevelDescription,
    Question,
    Respondent,
)


class DimensionInline(admin.TabularInline):
    model = Dimension
    fields = ("position", "code", "name_sv", "name_en", "name_nb")
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ("name", "version", "is_active", "created_at")
    list_filter = ("is_active",)
    inlines = [DimensionInline]


class QuestionInline(admin.StackedInline):
    model = Question
    fields = ("position", "text_sv", "text_en", "text_nb")
    extra = 0


class LevelDescriptionInline(admin.TabularInline):
    model = LevelDescription
    fields = ("level", "text_sv", "text_en", "text_nb")
    extra = 0
    max_num = 5


@admin.register(Dimension)
class DimensionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_sv", "name_en", "name_nb", "framework", "position")
    list_filter = ("framework",)
    search_fields = ("code", "name_sv", "name_en", "name_nb")
    fields = (
        "framework",
        "code",
        "position",
        ("name_sv", "name_en", "name_nb"),
        "description_sv",
        "description_en",
        "description_nb",
    )
    inlines = [QuestionInline, LevelDescriptionInline]


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "dimension", "position")
    list_filter = ("dimension__framework", "dimension")
    list_select_related = ("dimension",)


class RespondentInline(admin.TabularInline):
    model = Respondent
    fields = ("user", "role", "status", "submitted_at")
    readonly_fields = ("user", "status", "submitted_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(SimpleHistoryAdmin):
    # Read-mostly: rounds are opened and closed in the portal, through the services.
    list_display = ("title", "municipality", "framework", "status", "opened_at", "closed_at")
    list_filter = ("status", "framework")
    list_select_related = ("municipality", "framework")
    search_fields = ("title", "municipality__name")
    readonly_fields = (
        "municipality",
        "framework",
        "opened_by",
        "opened_at",
        "status",
        "closed_at",
    )
    inlines = [RespondentInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("question", "level", "comment")
    readonly_fields = ("question", "level", "comment")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Respondent)
class RespondentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "round", "role", "status", "submitted_at")
    list_filter = ("status", "role")
    list_select_related = ("user", "round")
    # Every respondent of every round of 650 municipalities: no second, unfiltered count.
    show_full_result_count = False
    readonly_fields = ("round", "user", "status", "submitted_at")
    inlines = [AnswerInline]
