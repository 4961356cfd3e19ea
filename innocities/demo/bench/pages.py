"""Every page of the portal for every persona, found by walking the URLconf, with its query count
(in-process, Django's test client), and the admin's changelists."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import FieldError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from innocities.accounts.models import User
from innocities.demo.bench import CANDIDATES, CLIENT_ADDRESSES, PERSONAS
from innocities.demo.bench.resolvers import NOT_PAGES, RESOLVERS, SEARCHES, Ctx, first_word

# The yardstick every page is measured against, not a page of its own.
BASELINE = "core:healthz"


def url_names() -> list[str]:
    """Every named URL of the portal outside the Django admin, once each, in URLconf order."""

    def walk(resolver: URLResolver, namespace: str) -> Iterator[str]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if inner != "admin:":
                    yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    return list(dict.fromkeys(walk(get_resolver(), "")))


def needs_arguments(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return True
    return False


def unresolved_names() -> list[str]:
    """URL names with arguments that neither a resolver nor ``NOT_PAGES`` accounts for."""
    return [
        name
        for name in url_names()
        if needs_arguments(name) and name not in RESOLVERS and name not in NOT_PAGES
    ]


def changelist_names() -> list[str]:
    return sorted(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model in admin.site._registry
    )


def admin_search_word(model_admin: admin.ModelAdmin) -> str | None:
    """A word that exists in the first searched field of the model's first row: its start for
    a ``^`` field, the whole value for a ``=`` field, else its first word."""
    model = model_admin.model
    for search_field in model_admin.search_fields:
        exact = search_field.startswith("=")
        parts = search_field.lstrip("^=@").split("__")
        # An explicit lookup ("email__iexact") is not a column: try without it.
        for path in ("__".join(parts), "__".join(parts[:-1])):
            if not path:
                continue
            try:
                value = (
                    model._default_manager.exclude(**{f"{path}__isnull": True})
                    .order_by("pk")
                    .values_list(path, flat=True)
                    .first()
                )
            except FieldError:
                continue
            if value in (None, ""):
                break
            text = str(value)
            if exact:
                word: str | None = text
            elif search_field.startswith("^"):
                word = text[:4]
            else:
                word = first_word(text)
            if word:
                return word
            break
    return None


@dataclass
class Page:
    """One measured line: a URL as one persona sees it."""

    persona: str
    name: str  # the URL name (an admin changelist's too)
    label: str  # the name, and "?q=" for a search: the same in both databases
    path: str
    kind: str  # "html" or "download"
    queries: int
    size: int  # bytes of the body


@dataclass
class PagesResult:
    pages: list[Page] = field(default_factory=list)
    # URL name -> why no persona's page: the statuses the candidates answered.
    unmeasured: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


def _get(client: Client, path: str) -> tuple[int, str, int]:
    """Status, content type and body size of a GET, the body read in full (a download's
    queries may run while it streams). The client closes the response itself: closing it again
    would fire ``request_finished`` and drop the connection of a test's transaction."""
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response.get("Content-Type", ""), len(body)


def _measure(
    client: Client, persona: str, name: str, label: str, path: str, *, count: bool
) -> tuple[Page | None, int]:
    """The page if it answers 200, else None; and the status. Its queries are counted on a
    second request, so what the first did once (a calendar link made, caches filled) is not."""
    status, content_type, size = _get(client, path)
    if status != 200:
        return None, status
    if count:
        with CaptureQueriesContext(connection) as captured:
            status, content_type, size = _get(client, path)
        queries = len(captured.captured_queries)
    else:
        queries = -1
    kind = "html" if content_type.startswith("text/html") else "download"
    return Page(persona, name, label, path, kind, queries, size), status


@dataclass(frozen=True)
class Line:
    """A URL to measure as it is: its name, its label in the table, its path."""

    name: str
    label: str
    path: str


def _wanted(name: str, only: Sequence[str]) -> bool:
    return not only or any(part in name for part in only)


def measure_pages(
    people: Mapping[str, User | None],
    *,
    only: Sequence[str] = (),
    count_queries: bool = True,
    admin_pages: bool = True,
    once: bool = False,
    stdout: TextIO | None = None,
) -> PagesResult:
    """Resolve every page for every persona in ``people`` and count its queries.

    ``people`` maps a persona to its user (None: not logged in). Each URL name is tried with
    up to ``CANDIDATES`` argument sets, in the resolver's order, until one answers 200; a 500
    is an error (the test client raises it). As a staff persona: the admin's index and every
    changelist, with a search where the admin has search fields (``admin_pages``). ``once``
    measures each URL name for the first persona that has it (enough to show it is found).
    """
    result = PagesResult(unresolved=unresolved_names())
    statuses: dict[str, dict[str, int | str]] = {}
    for persona, user in people.items():
        client = Client(REMOTE_ADDR=CLIENT_ADDRESSES.get(persona, "127.0.0.1"))
        if user is not None:
            client.force_login(user)
        ctx = Ctx(persona, user)
        measured = {page.name for page in result.pages} if once else set()
        for name in url_names():
            skip = (
                name in NOT_PAGES
                or name in result.unresolved
                or name in measured
                or name == BASELINE
            )
            if skip or not _wanted(name, only):
                continue
            status = _measure_name(client, ctx, name, result, count_queries)
            statuses.setdefault(name, {})[persona] = status
        if admin_pages and user is not None and user.is_staff:
            for line in admin_lines():
                if _wanted(line.label, only):
                    _measure_line(client, persona, line, result, count_queries)
        if stdout is not None:
            count = sum(1 for page in result.pages if page.persona == persona)
            stdout.write(f"  {persona}: {count} pages\n")
            stdout.flush()
    measured_names = {page.name for page in result.pages}
    for name, by_persona in statuses.items():
        if name not in measured_names:
            result.unmeasured[name] = ", ".join(f"{p} {s}" for p, s in by_persona.items())
    return result


def _measure_name(
    client: Client, ctx: Ctx, name: str, result: PagesResult, count_queries: bool
) -> int | str:
    """Measure the URL name's page for the persona, with the first argument set that answers
    200 (and its search, if it has one); the last status, or why there was nothing to try."""
    try:
        kwargs_list = RESOLVERS[name](ctx) if name in RESOLVERS else [{}]
        candidates = [reverse(name, kwargs=kwargs) for kwargs in kwargs_list]
    except NoReverseMatch as error:
        result.errors.append(f"{name} as {ctx.persona}: {error}")
        return "no URL"
    status: int | str = "nothing to show"
    for path in candidates[:CANDIDATES]:
        line = Line(name, name, path)
        page, status = _measure_line(client, ctx.persona, line, result, count_queries, quiet=True)
        if page is not None:
            search = SEARCHES.get(name)
            word = search(ctx) if search is not None and page.kind == "html" else None
            if word is not None:
                searched = Line(name, f"{name} ?q=", f"{path}?{urlencode({'q': word})}")
                _measure_line(client, ctx.persona, searched, result, count_queries)
            break
    return status


def admin_lines() -> list[Line]:
    """The admin's index and every registered model's changelist, and its search where the
    model admin has search fields (with a word from the model's first row)."""
    lines = [Line("admin:index", "admin:index", reverse("admin:index"))]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        path = reverse(name)
        lines.append(Line(name, name, path))
        if model_admin.search_fields:
            word = admin_search_word(model_admin) or "a"
            lines.append(Line(name, f"{name} ?q=", f"{path}?{urlencode({'q': word})}"))
    return sorted(lines, key=lambda line: line.label)


def _measure_line(
    client: Client,
    persona: str,
    line: Line,
    result: PagesResult,
    count_queries: bool,
    *,
    quiet: bool = False,
) -> tuple[Page | None, int | str]:
    """Measure one URL; an exception (and, unless ``quiet``, a status other than 200) is an
    error of the run."""
    try:
        page, status = _measure(
            client, persona, line.name, line.label, line.path, count=count_queries
        )
    except Exception as error:  # a page that fails (the client re-raises a 500) is a finding
        result.errors.append(f"{line.label} as {persona} ({line.path}): {error!r}")
        return None, "error"
    if page is not None:
        result.pages.append(page)
    elif not quiet:
        result.errors.append(f"{line.label} as {persona} ({line.path}): {status}")
    return page, status


def demo_people() -> dict[str, User | None]:
    users = {user.email: user for user in User.objects.filter(email__in=PERSONAS.values())}
    missing = [email for email in PERSONAS.values() if email and email not in users]
    if missing:
        raise LookupError(f"the demo personas are not in this database: {missing}")
    return {persona: users[email] if email else None for persona, email in PERSONAS.items()}


def page_dicts(result: PagesResult) -> dict[str, Any]:
    return {
        "pages": [asdict(page) for page in result.pages],
        "unmeasured": result.unmeasured,
        "errors": result.errors,
        "unresolved": result.unresolved,
    }
