"""``make bench`` finds every page: each URL the authorization matrix opens to someone, every
admin changelist (and its search); its verdict flags what the issue bounds.

The bench runs on seeded demo data; here its page finder runs on the test world, with the rows
each matrix rule makes for its URL (an initiative, a benefit, a report…), so a new page, or a
new argument a page takes, cannot escape the benchmark without failing here. No server is
started: tests/test_multi_machine.py runs gunicorn; the bench's own run is ``make bench``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.contrib import admin
from django.utils import timezone

from innocities.demo.bench import RATIO_LIMIT
from innocities.demo.bench.pages import (
    BASELINE,
    admin_lines,
    changelist_names,
    measure_pages,
    unresolved_names,
    url_names,
)
from innocities.demo.bench.report import combine
from innocities.demo.bench.resolvers import NOT_PAGES, RESOLVERS
from innocities.demo.bench.run import small_url_for
from innocities.demo.bench.scan import measure_scan
from innocities.demo.bench.timing import percentile, totp_codes
from innocities.demo.partnership import DEMO_TOTP_SECRET
from innocities.notifications.models import Notification
from innocities.notifications.timing import local_today
from tests import factories as f
from tests.test_authorization_matrix import RULES

# The world's people in the bench's personas' roles.
BENCH_PERSONAS = ("admin", "manager", "coordinator", "viewer", "partner")


def _opened(name: str) -> bool:
    return 200 in RULES[name].get.values()


def test_every_url_with_arguments_has_a_resolver_or_a_reason():
    assert unresolved_names() == []


def test_resolvers_and_reasons_name_existing_urls():
    names = set(url_names())
    stale = sorted((set(RESOLVERS) | set(NOT_PAGES)) - names)
    assert not stale, f"resolvers or reasons for URLs that no longer exist: {stale}"


def test_what_the_bench_leaves_out_is_no_page_for_anyone():
    opened = sorted(name for name in NOT_PAGES if _opened(name))
    assert not opened, f"the matrix answers GET with 200, so the bench must measure: {opened}"


@pytest.fixture
def furnished_world(world):
    """The world with what every matrix rule makes for its URL (each rule's rows are its own:
    an initiative of its own, with its agreement, benefit or lesson)."""
    for rule in RULES.values():
        rule.kwargs(world)
    return world


def test_every_page_the_matrix_opens_is_measured(furnished_world):
    # Each URL name for the first persona that has it (the bench measures it for all of them):
    # the administrator first, who has nearly all, so the test stays fast.
    people = {persona: getattr(furnished_world, persona) for persona in BENCH_PERSONAS}
    result = measure_pages(
        {**people, "anonymous": None}, count_queries=False, admin_pages=False, once=True
    )

    assert result.errors == []
    measured = {page.name for page in result.pages}
    # The admin's pages are the next test's; /healthz/ is the yardstick, not a page.
    portal = [name for name in RULES if not name.startswith("admin:") and name != BASELINE]
    missing = sorted(name for name in portal if _opened(name) and name not in measured)
    assert not missing, f"pages the matrix opens that the bench does not measure: {missing}"
    searched = {page.name for page in result.pages if page.label.endswith(" ?q=")}
    assert {"portal:municipality_list", "lessons:search"} <= searched
    # Downloads are told apart (they are held to constant queries, not to the 10× bound).
    kinds = {page.name: page.kind for page in result.pages}
    assert kinds["programs:export"] == "download"
    assert kinds["programs:detail"] == "html"


def test_every_changelist_is_measured_with_its_search(furnished_world):
    lines = {line.label: line for line in admin_lines()}

    assert "admin:index" in lines
    assert set(changelist_names()) <= set(lines)
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        assert (f"{name} ?q=" in lines) == bool(model_admin.search_fields), name
        if model_admin.search_fields and model._default_manager.exists():
            # A word from the table's first row, not the stand-in for an empty table.
            assert not lines[f"{name} ?q="].path.endswith("?q=a"), name


def test_a_programme_page_is_measured_on_the_biggest_programme_the_persona_reads(
    furnished_world,
):
    bigger = f.ProgramFactory(
        municipality=furnished_world.ale, cluster=furnished_world.cluster_a, title="Bigger"
    )
    f.TaskFactory.create_batch(3, program=bigger)
    result = measure_pages(
        {"viewer": furnished_world.viewer}, only=["programs:detail"], count_queries=False
    )

    (page,) = result.pages
    assert page.path == f"/programmes/{bigger.pk}/"


def _row(**overrides):
    page = {
        "label": "programs:detail",
        "persona": "coordinator",
        "path": "/programmes/1/",
        "kind": "html",
        "queries": 20,
        "size": 2048,
    }
    return {**page, **overrides}


def _timing(p50: float, healthz: float = 2.0, ok: bool = True):
    return {"p50_ms": p50, "p95_ms": p50, "healthz_p50_ms": healthz, "status_ok": ok}


def test_the_verdict_flags_slow_pages_and_query_counts_that_differ():
    big = [
        _row(),
        _row(label="portal:dashboard", path="/"),
        _row(label="programs:export", kind="download"),
        _row(label="lessons:search"),
    ]
    small = [_row(), _row(label="portal:dashboard", queries=19), _row(label="programs:export")]
    timings = {
        "pages": {
            "programs:detail | coordinator": _timing(2.0 * RATIO_LIMIT),  # exactly 10×: fine
            "portal:dashboard | coordinator": _timing(5.0),
            "programs:export | coordinator": _timing(100.0),  # a download: no time bound
            "lessons:search | coordinator": _timing(2.0),
        }
    }

    rows = {row["page"]: row for row in combine(big, small, timings)}

    assert rows["programs:detail"]["problems"] == []
    assert rows["programs:detail"]["ratio"] == RATIO_LIMIT
    assert rows["portal:dashboard"]["problems"] == ["queries differ"]
    assert rows["programs:export"]["problems"] == []
    assert rows["lessons:search"]["problems"] == ["not on the small database"]
    slow = combine([_row()], [_row()], {"pages": {"programs:detail | coordinator": _timing(21)}})
    assert slow[0]["problems"] == [f"> {RATIO_LIMIT}× /healthz/"]


def test_p95_is_the_nearest_rank():
    samples = [float(n) for n in range(1, 16)]  # 15 samples, as the bench takes
    assert percentile(samples, 0.95) == 15.0
    assert percentile(samples, 0.5) == 8.0


def test_the_small_database_is_named_after_the_big_one():
    url = "postgres://postgres@127.0.0.1:5432/innocities_bench"
    assert small_url_for(url) == "postgres://postgres@127.0.0.1:5432/innocities_bench_small"


def test_the_login_code_is_one_the_portal_accepts():
    assert validate_totp_code(DEMO_TOTP_SECRET, totp_codes()[0])


def test_the_scan_is_measured_and_rolled_back(world):
    # A task due in a week: the seeded rules remind its owner today.
    f.TaskFactory(
        program=world.program,
        owner=world.coordinator,
        due_on=local_today(timezone.now()) + dt.timedelta(days=7),
    )
    before = Notification.objects.count()

    measured = measure_scan(runs=2)

    assert measured["created"] > 0
    assert Notification.objects.count() == before
    assert len(measured["runs"]) == 2
    assert measured["queries"] > 0
    assert measured["peak_rss_mb"] > 0
