"""The browser harness: Playwright drives Debian's Chromium against pytest-django's live server.

Never ``playwright install`` (it downloads a browser, and this machine reaches no download
site): the browser is ``/usr/bin/chromium`` from Debian. A test that wants a browser uses the
``page`` fixture (pytest-playwright) and ``live_server`` (pytest-django, which brings
``transactional_db``: the server thread must see committed rows), is marked
``@pytest.mark.browser``, and logs in through the real form with ``login``::

    @pytest.mark.browser
    def test_coordinator_sees_their_programme(page, live_server, login, world):
        login(page, live_server, world.coordinator)
        page.goto("/programmes/")  # relative URLs resolve against the live server
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.urls import reverse
from playwright.sync_api import Page

from innocities.accounts.models import User
from municipalities.assessments.models import Framework
from tests.conftest import replay_project_data_migrations, skip_or_fail
from tests.factories import PASSWORD, totp_code

# pytest-playwright's sync API keeps an asyncio loop in the main thread for the whole session,
# and Django refuses ORM calls from a thread with a running loop. The tests are synchronous
# code that happens to share the thread with that loop, so the check is switched off here
# (setdefault: .ci/run sets it too, and an explicit value wins).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # The machine has no internet: without these Chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

Login = Callable[..., None]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options (``--headed``, ``--slowmo``) plus Debian's Chromium."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """``page.goto("/path/")`` goes to the live server."""
    return live_server.url


@pytest.fixture(autouse=True)
def _browser_tests_are_marked(request: pytest.FixtureRequest) -> None:
    # The marker lets `-m "not browser"` skip the slow tests; forgetting it would defeat that.
    if "page" in request.fixturenames and request.node.get_closest_marker("browser") is None:
        pytest.fail("a test that drives the browser is marked @pytest.mark.browser")


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(request: pytest.FixtureRequest) -> Any:
    """Every journey runs under the real Content-Security-Policy: a violation Chromium reports
    (an inline script or style, a resource from elsewhere) fails the test."""
    if "page" not in request.fixturenames:
        yield
        return
    page: Page = request.getfixturevalue("page")
    violations: list[str] = []

    def listen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    yield
    assert not violations, "\n".join(violations)


@pytest.fixture(autouse=True)
def _data_migrations_seeded(request: pytest.FixtureRequest) -> None:
    """What the data migrations seed (the self-assessment framework, reminder rules, gate
    criteria), there for every browser test.

    A live-server test runs with ``transactional_db``, whose flush after each test empties
    those tables too; the next browser test in the same worker would find them gone.
    """
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    if not Framework.objects.exists():
        replay_project_data_migrations(DEFAULT_DB_ALIAS)


def submit_login_form(page: Page, live_server: Any, email: str, password: str) -> None:
    """Open the login page, fill in allauth's ``login`` and ``password``, submit, wait."""
    page.goto(live_server.url + reverse("account_login"))
    form = page.locator("form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()


def log_in(page: Page, live_server: Any, user: User | str, password: str = PASSWORD) -> None:
    """Log ``user`` (a User or an e-mail address) in through the real login form, and, for a
    person with an authenticator app (the world's administrator and managers), the code it
    shows now on the page that asks for it.

    Fails the test, with the page's text, if the login page is still showing afterwards.
    """
    email = user if isinstance(user, str) else user.email
    submit_login_form(page, live_server, email, password)
    code_page = live_server.url + reverse("mfa_authenticate")
    # A code is accepted once: a second login within its 30 seconds uses a neighbouring one.
    for steps in (0, 1, -1):
        if not page.url.startswith(code_page):
            break
        code = totp_code(User.objects.get(email=email), steps=steps)
        form = page.locator("form").filter(has=page.locator("input[name='code']"))
        form.locator("input[name='code']").fill(code)
        with page.expect_navigation():
            form.locator("[type='submit']").first.click()
    if page.url.startswith((live_server.url + reverse("account_login"), code_page)):
        pytest.fail(f"logging in as {email} failed; the page says:\n{page.inner_text('main')}")


@pytest.fixture
def login() -> Login:
    """``login(page, live_server, user, password=PASSWORD)``: log in through the form."""
    return log_in


# axe-core from npm, kept in the repository (tests/browser/axe/README.md says which and how).
AXE_JS = Path(__file__).resolve().parent / "axe" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules outside those tags, or rated below "serious", that the portal holds itself to anyway:
# headings in order (what a screen reader's heading list shows) and one main landmark.
ALSO_REQUIRED = ["heading-order", "landmark-one-main", "page-has-heading-one"]


def axe_violations(page: Page, *, within: str = "html") -> list[dict[str, Any]]:
    """The critical and serious WCAG 2.1 A/AA violations axe-core finds in ``within``, and any
    violation of the rules in ``ALSO_REQUIRED``."""
    # Evaluated through the DevTools protocol: an injected <script> would be inline script,
    # which the portal's Content-Security-Policy refuses (as it should). Once per document.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    # Only violations are wanted: leaving out passes and incomplete results halves the run.
    results = page.evaluate(
        """([selector, tags, also]) => axe.run(selector, {
            runOnly: {type: 'tag', values: tags},
            rules: Object.fromEntries(also.map((id) => [id, {enabled: true}])),
            resultTypes: ['violations']})""",
        [within, WCAG_AA, ALSO_REQUIRED],
    )
    return [
        v
        for v in results["violations"]
        if v["impact"] in ("critical", "serious") or v["id"] in ALSO_REQUIRED
    ]


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    """``assert_accessible(page)``: fail with axe-core's findings if the page (or ``within``)
    has a violation ``axe_violations`` counts."""

    def check(page: Page, within: str = "html") -> None:
        found = axe_violations(page, within=within)
        assert not found, "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in found
        )

    return check
