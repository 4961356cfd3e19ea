"""WCAG 2.1 AA on every page, for every persona, in every language.

The pages are the authorization matrix's (``tests/authz/*.py``): every URL the portal has must
have a rule there (``test_every_url_has_a_rule``), and every page a persona may open (GET 200,
HTML) is loaded here in real Chromium and checked with axe-core's WCAG 2.0/2.1 A and AA rules.
A new page therefore cannot skip the check: it needs a rule, and its rule brings it here.

One test per (persona, language), so xdist spreads them over the workers. A persona's session
is made with ``force_login`` and shared by a test client and the browser: the login form has
its own journeys, and logging in 27 times through it would only slow this down.

Each page is fetched by the test client and its document loaded into one open tab, where
axe-core stays loaded; the styles and scripts come from the live server as on any page. That
checks the same document a navigation would (the journeys navigate for real, under the
Content-Security-Policy) in a third of the time: a navigation per page would render each page
twice and load axe-core's 650 kB each time. Downloads (CSV, PDF, calendar feeds) are not pages
and are left out, and a page whose HTML is byte-for-byte one already checked in the same test
(after the CSRF token) is not checked twice: axe-core's findings depend only on the document.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from tests.authz import PERSONAS
from tests.browser.conftest import axe_violations
from tests.test_authorization_matrix import RULES

pytestmark = pytest.mark.browser

LANGUAGES = [code for code, _name in settings.LANGUAGES]
CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _pages_for(persona: str, world: Any) -> list[tuple[str, str]]:
    """(URL name, path) of every page the persona may open, in the matrix's order."""
    pages = []
    for name, rule in sorted(RULES.items()):
        if rule.get[persona] != 200:
            continue
        kwargs = rule.kwargs(world)
        pages.append((name, reverse(name, kwargs=kwargs) + rule.query))
    return pages


def _sessions(page: Page, live_server: Any, world: Any, persona: str, language: str) -> Client:
    """The browser and a test client, both signed in as ``persona`` and reading ``language``.

    The client looks at each page first (in-process, cheap): downloads are not pages, and a
    page already checked need not be loaded again.
    """
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if persona != "anonymous":
        user = getattr(world, persona)
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {"name": cookie.key, "value": cookie.value, "url": live_server.url}
            for cookie in client.cookies.values()
        ]
    )
    return client


def _describe(found: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): "
        + ", ".join(str(node["target"][0]) for node in v["nodes"][:3])
        for v in found
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_meets_wcag_aa(page: Page, live_server, world, persona, language):
    client = _sessions(page, live_server, world, persona, language)
    seen: set[bytes] = set()
    failures: list[str] = []
    checked = 0
    total_nodes: list[int] = []
    page.goto(live_server.url + "/")
    for name, path in _pages_for(persona, world):
        answer = client.get(path)
        assert answer.status_code == 200, f"{name} ({path}) answered {answer.status_code}"
        if not answer.get("Content-Type", "").startswith("text/html") or answer.streaming:
            continue
        digest = hashlib.sha256(CSRF.sub(b"", answer.content)).digest()
        if digest in seen:
            continue
        seen.add(digest)
        # The document the client got, loaded into the open tab: its styles and scripts
        # come from the live server as on any page, and axe-core, loaded once, stays.
        page.set_content(answer.content.decode())
        assert page.locator("html").get_attribute("lang") == language, path
        found = axe_violations(page)
        checked += 1
        if found:
            total_nodes.append(sum(len(v["nodes"]) for v in found))
            failures.append(f"{name} ({path}): {_describe(found)}")
    report = os.environ.get("AXE_REPORT_DIR")
    if report:  # the figures for a note: how many pages, violations and nodes
        with open(os.path.join(report, f"{persona}-{language}.json"), "w") as out:
            json.dump(
                {"checked": checked, "nodes": sum(total_nodes), "failures": failures}, out, indent=1
            )
    assert checked, "no page was checked"
    assert not failures, f"{len(failures)} of {checked} pages fail:\n" + "\n".join(failures)
