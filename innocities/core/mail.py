"""The one helper every e-mail goes through: subject, text and HTML from templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def build_email(
    name: str,
    *,
    to: list[str],
    context: dict[str, Any],
    language: str = "sv",
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Render ``templates/emails/<name>-subject.txt|-body.txt|-body.html`` in ``language``."""
    # The HTML bodies' lang attribute: no request here, so no i18n context processor.
    context = {"SITE_URL": settings.SITE_URL, "LANGUAGE_CODE": language, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message
