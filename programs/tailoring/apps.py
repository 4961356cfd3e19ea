from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TailoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs.tailoring"
    label = "tailoring"
    verbose_name = _("Tailoring")
