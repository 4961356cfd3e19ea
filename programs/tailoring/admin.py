from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import SDG_GOALS
from programs.tailoring.models import RecommendationRule


class RecommendationRuleForm(forms.ModelForm):
    sdg_goals = forms.TypedMultipleChoiceField(
        label=_("SDG goals"),
        choices=lambda: [(number, f"{number}. {name}") for number, name in SDG_GOALS.items()],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RecommendationRule
        fields = [
            "code",
            "kind",
            "module",
            "dimension_code",
            "below",
            "need_themes",
            "sdg_goals",
            "min_priority",
            "is_active",
            "note",
        ]

    def clean_sdg_goals(self) -> list[int]:
        return sorted(self.cleaned_data["sdg_goals"])


@admin.register(RecommendationRule)
class RecommendationRuleAdmin(SimpleHistoryAdmin):
    form = RecommendationRuleForm
    list_display = ("code", "kind", "dimension_code", "below", "need_themes", "module", "is_active")
    list_filter = ("kind", "is_active", "module")
    search_fields = (
        "code",
        "dimension_code",
        "need_themes",
        "note",
        "module__code",
        "module__name_sv",
        "module__name_en",
        "module__name_nb",
    )
    list_select_related = ("module",)
    fieldsets = (
        (None, {"fields": ("code", "kind", "module", "is_active", "note")}),
        (_("Low self-assessment score"), {"fields": ("dimension_code", "below")}),
        (_("Municipal need"), {"fields": ("need_themes", "sdg_goals", "min_priority")}),
    )
