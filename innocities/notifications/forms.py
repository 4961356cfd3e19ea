from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innocities.core.forms import DateInput
from innocities.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    hour = forms.TypedChoiceField(
        label=_("Hour"),
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        help_text=_("The hour of the day to receive e-mail, in your time zone."),
    )

    class Meta:
        model = NotificationPreference
        fields = [
            "tasks",
            "milestones",
            "meetings",
            "progress_updates",
            "gates",
            "assumptions",
            "benefits",
            "statistics",
            "delivery",
            "hour",
            "paused_until",
        ]
        widgets = {"paused_until": DateInput()}
