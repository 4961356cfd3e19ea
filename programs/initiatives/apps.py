from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs.initiatives"
    label = "initiatives"
    verbose_name = _("Innovation initiatives")
