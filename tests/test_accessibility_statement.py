"""The accessibility statement the DOS law asks for: public, linked from every page."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import client_for


def test_statement_is_public_and_names_contact_and_supervisor(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@example.se"

    page = client.get(reverse("portal:accessibility")).content.decode()

    assert "Tillgänglighetsredogörelse" in page
    assert 'href="mailto:tillganglighet@example.se"' in page
    assert "https://www.digg.se/tdosanmalan" in page
    assert "WCAG 2.1" in page


def test_every_page_links_to_the_statement(client, world):
    statement = f'href="{reverse("portal:accessibility")}"'

    assert statement in client.get(reverse("account_login")).content.decode()
    assert statement in client_for(world, "coordinator").get("/").content.decode()
