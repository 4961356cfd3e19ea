from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import normalise_theme
from innocities.core.admin import RelatedIdSearchMixin
from programs.lessons.models import Lesson
from programs.lessons.services import lesson_index


@admin.register(Lesson)
class LessonAdmin(RelatedIdSearchMixin, SimpleHistoryAdmin):
    """Lessons are written in the portal; the admin corrects them, with history, and keeps the
    theme filter and the search vector in step as the services do."""

    list_display = ["title", "municipality", "cluster", "initiative", "visibility", "created_at"]
    list_filter = ["visibility", "language", "stage"]
    # Not the body: reading every lesson's text for each search costs ten times the rest, and
    # the portal's lesson search (full text, stemmed, indexed) is the place to search it.
    search_fields = ["title", "theme", "municipality__name", "cluster__name"]
    search_related_first = ("municipality", "cluster")
    list_select_related = ["municipality", "cluster", "initiative"]
    show_full_result_count = False
    raw_id_fields = [
        "municipality",
        "cluster",
        "initiative",
        "gate_decision",
        "assumption",
        "author",
    ]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        obj.theme_key = normalise_theme(obj.theme)
        super().save_model(request, obj, form, change)
        lesson_index(obj)
