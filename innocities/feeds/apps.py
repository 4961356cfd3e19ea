from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "innocities.feeds"
    label = "feeds"
    verbose_name = _("Calendar feeds")
