from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarToken(models.Model):
    """The secret in a person's calendar-feed URLs.

    Whoever knows the secret can read the person's calendar, without logging in: calendar
    programs cannot log in. Resetting it gives a new secret, so the old URLs stop working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("user"),
    )
    secret = models.CharField(_("secret"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created at"))

    # Who reset a link and when, but never the secrets themselves (an old one must stay dead).
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self) -> str:
        return str(self.user)
