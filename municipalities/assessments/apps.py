from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "municipalities.assessments"
    label = "assessments"
    verbose_name = _("Self-assessment")
    default_auto_field = "django.db.models.BigAutoField"
