"""Security headers on every page: a strict Content-Security-Policy, Permissions-Policy, and
markup that needs nothing the policy refuses (no inline script, handler or style)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Mail and PDF are not pages: a mail client or WeasyPrint renders them, without the policy.
NOT_PAGES = ("emails/", "reports/report_pdf.html", "reports/_")
INLINE = [
    (re.compile(r"\sstyle\s*="), "a style attribute"),
    (re.compile(r"<style[\s>]"), "a <style> element"),
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
        "an inline <script>",
    ),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']"), "an inline event handler"),
    (re.compile(r"javascript:"), "a javascript: URL"),
]


def _page_templates() -> list[Path]:
    return [
        path
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not str(path.relative_to(TEMPLATES)).startswith(NOT_PAGES)
    ]


def test_no_page_template_needs_what_the_policy_refuses():
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in _page_templates()
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz/"])
def test_pages_carry_the_strict_policy_and_the_permissions_policy(client, db, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_a_signed_in_page_carries_them_too(as_persona, world):
    response = as_persona("coordinator").get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
