"""``manage.py seed_scale``: the partnership at national size, to measure the portal on (issue 14).

A generator of benchmark data, as the demo is a generator of demo data: the demo partnership
first (``seed_demo``, so its logins are among the people), then around it every municipality
of the reference data (a proportional subset below ``--scale 1.0``) in 50 regional clusters
with rosters, partners and roster history; 2,000 programmes laid out from the module library
with 200,000 tasks, milestones and monthly progress updates; 1,500 meetings with invitees;
initiatives with gate decisions, indicators with values, benefits with follow-ups and lessons;
and an outbox of 300,000 reminders sent, cancelled, failed or waiting over the last years.
Per cluster, municipality and programme the sizes stay the same at every scale; only the
number of clusters, municipalities, programmes, meetings and reminders grows, so a page's
query count at ``--scale 0.1`` compares with the one at ``--scale 1.0``.

Not through the services: rows are built in memory and written in bulk, without
``full_clean`` and without the services' audit entries, or it would take hours. Everything
goes through PostgreSQL's COPY, 5,000 rows at a time, not ``bulk_create``, whose preparation
of every field in Python cost several times the database's own work (measured: the outbox
alone took longer than a minute that way). Tables of thousands of rows as model instances,
their ids taken from the table's sequence first (``SeederBase._insert``); the few of tens of
thousands and more (tasks, milestones, progress updates, invitees, indicator values, the
outbox) as named tuples (``SeederBase._copy``), without their foreign keys and plain indexes,
which are made again (and the keys validated) before the commit, and sent by a thread of their
own while Python makes the next rows: bulk.py says how, and what that saves. The rows are made
to satisfy every constraint and ``clean()``; tests/test_seed_scale.py checks them. The history
the pages read ("Recent changes" on a programme, a cluster's roster history, an initiative's
history) is written alongside; the tasks' and milestones' by one ``INSERT … SELECT`` each, the
records ``bulk_history_create`` would write, without the round trip. PostgreSQL only, as the
benchmark is.

Deterministic for a given ``--seed`` and day: ``random.Random(seed)``, dates relative to today.
Text a person reads is Swedish; task titles come from the module library.

Idempotent by refusal: the scale's people have e-mail addresses at ``DOMAIN``; if any exists,
nothing is done (not even the demo), so a second run is harmless and quick. Another size
needs a fresh database.

The demo accounts share a published password: never run this against a production database
(the command refuses unless DEBUG is on or ``--force`` is given, as ``seed_demo`` does).

The package, by what each module holds: ``sizes`` (the sizes at ``--scale 1.0``, the result,
the error), ``text`` (names and texts a person reads), ``copying`` (the large tables' rows as
tuples, COPY's text format), ``bulk`` (the large tables' keys and indexes set aside, the thread
that writes them), ``base`` (the seeder's state and its ways of writing), one module
per phase (``people``, ``programmes``, ``meetings``, ``results``, ``outbox``), and ``seeder``,
whose ``ScaleSeeder`` runs them in that order.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from django.db import connection, models, transaction

from clusters.models import MeetingParticipant, Need
from innocities.accounts.models import User
from innocities.demo.scale.bulk import Writer, set_aside
from innocities.demo.scale.programmes import PROGRAMME_TABLES
from innocities.demo.scale.seeder import ScaleSeeder
from innocities.demo.scale.sizes import (
    BATCH,
    DEFAULT_SEED,
    DOMAIN,
    FULL_CLUSTERS,
    FULL_MEETINGS,
    FULL_NOTIFICATIONS,
    FULL_PROGRAMMES,
    INDICATORS_PER_PROGRAMME,
    INITIATIVES_PER_MUNICIPALITY,
    MEMBERS_PER_CLUSTER,
    MILESTONES_PER_PROGRAMME,
    TASKS_PER_PROGRAMME,
    ScaleDataError,
    ScaleResult,
    Size,
)
from innocities.demo.seed import seed_demo
from innocities.notifications.models import Notification
from programs.benefits.models import Benefit
from programs.indicators.models import Indicator, IndicatorValue
from programs.initiatives.models import Assumption, GateDecision, Initiative
from programs.lessons.models import Lesson
from programs.models import Program

# What the command, the tests and the bench use, and the sizes a report may quote.
__all__ = [
    "BATCH",
    "DEFAULT_SEED",
    "DOMAIN",
    "FULL_CLUSTERS",
    "FULL_MEETINGS",
    "FULL_NOTIFICATIONS",
    "FULL_PROGRAMMES",
    "INDICATORS_PER_PROGRAMME",
    "INITIATIVES_PER_MUNICIPALITY",
    "LOADED",
    "MEMBERS_PER_CLUSTER",
    "MILESTONES_PER_PROGRAMME",
    "STAMPED",
    "TASKS_PER_PROGRAMME",
    "ScaleDataError",
    "ScaleResult",
    "ScaleSeeder",
    "Size",
    "scale_people",
    "seed_scale",
    "stated_timestamps",
]


def scale_people() -> int:
    return User.objects.filter(email__endswith=f"@{DOMAIN}").count()


def seed_scale(
    *, scale: float = 1.0, seed: int = DEFAULT_SEED, stdout: TextIO | None = None
) -> ScaleResult:
    """The demo partnership, then the national-scale data around it; see the module docstring.

    Raises ``DemoDataError`` (or ``ScaleDataError``) when the database lacks what it needs.
    """
    if connection.vendor != "postgresql":
        raise ScaleDataError("seed_scale needs PostgreSQL (the benchmarks run on it).")
    if scale <= 0:
        raise ScaleDataError("The scale must be above 0.")
    found = scale_people()
    if found:
        return ScaleResult(already_there=found)
    result = ScaleResult()
    started = time.monotonic()
    result.demo = seed_demo(stdout=stdout)
    result.phases["demo (seed_demo)"] = time.monotonic() - started
    with transaction.atomic(), stated_timestamps(*STAMPED):
        aside = set_aside(LOADED)
        with Writer() as writer:
            seeder = ScaleSeeder(scale=scale, seed=seed, result=result, writer=writer, aside=aside)
            seeder.run()
            started = time.monotonic()
            aside.restore(writer)  # what no phase restored (each restores its own tables)
            writer.finish()
        # The phases' times are the seeder's own; what the writer had still to do (the last
        # indexes, the outbox's trigram index above all) is waited for here.
        result.phases["the writer's backlog"] = time.monotonic() - started
        result.created.update(writer.counted)
        committing = time.monotonic()
    # The other tables' foreign keys are checked here (Django's are deferred to the commit).
    result.phases["commit"] = time.monotonic() - committing
    started = time.monotonic()
    refresh_statistics()
    result.phases["vacuum and analyze"] = time.monotonic() - started
    result.size = seeder.size
    return result


def refresh_statistics() -> None:
    """What a bulk load leaves to do: ANALYZE, from whose statistics PostgreSQL chooses its
    plans, and VACUUM, which marks the pages visible so that an index can answer alone.

    Autovacuum would do both in time, but it may be off (it was, on the machine the benchmarks
    were first run on) and a fresh million rows planned as if the tables were empty made the
    lessons' search 90 ms instead of 40. VACUUM cannot run inside a transaction (a test's):
    there only ANALYZE runs.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


# The tables of tens of thousands of rows and more, loaded without their foreign keys and plain
# indexes, which are made again (and the keys validated) before the commit: see bulk.py.
LOADED: tuple[type[models.Model], ...] = (
    *PROGRAMME_TABLES,
    MeetingParticipant,
    IndicatorValue,
    Notification,
)


# --- the timestamps of the past --------------------------------------------------------------

# Models whose auto_now/auto_now_add timestamps the scale gives itself: their rows have a past.
# (``SeederBase._insert`` stamps the others as ``bulk_create`` would; ``_copy``, for the largest
# tables, writes the values given.)
STAMPED: tuple[type[models.Model], ...] = (
    Program,
    Need,
    Initiative,
    GateDecision,
    Assumption,
    Indicator,
    Benefit,
    Lesson,
)


@contextmanager
def stated_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``SeederBase._insert`` keep the timestamps the rows are given.

    ``auto_now`` and ``auto_now_add`` stamp each row with the moment of the insert, but these
    rows have a past (updates written monthly, reminders sent over years). The flags are off
    while the block runs and back on after it; the command runs alone in its process.
    """
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]  # type: ignore[attr-defined]
    for f in fields:
        f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]
