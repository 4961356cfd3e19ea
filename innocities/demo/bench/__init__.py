"""``make bench``: every page of the portal measured at national scale (issue 14).

Two PostgreSQL databases are seeded with ``seed_scale`` (1.0, and 0.1 as the small one). The big
one is served by gunicorn as production runs it (two workers, ``DEBUG=0``, whitenoise with
collected static files, Redis as the cache); each demo persona logs in through the real form
(with the second factor where they need one) and every page is timed against ``/healthz/``,
one request of each in turn, so both see the same load. Query counts are counted in-process with
Django's test client against each database (the server runs without ``DEBUG``), and the
reminder scan is timed and weighed on each, rolled back so a rerun finds the same outbox.

The pages are found, not listed: every URL name of the URLconf is tried for every persona with
arguments taken from the seeded data (``RESOLVERS``: for a programme, the biggest the persona
can read), and whatever answers 200 is measured; as the administrator, the admin's index and
every registered changelist, with a search where it has one. A URL name that needs arguments
has a resolver or a reason in ``NOT_PAGES``; tests/test_bench.py keeps it so.

The parts: ``resolvers`` (which arguments, for whom), ``pages`` (finding and counting, run per
database in a child process), ``scan`` (likewise), ``timing`` (the server's side), ``report``
(the table) and ``run`` (``Bench``: seeds, serves, times and reports).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

# The personas measured, as seeded by seed_demo (and kept by seed_scale); anonymous reads the
# public pages (log in, password reset, the accessibility statement, reply and unsubscribe links).
PERSONAS: dict[str, str | None] = {
    "admin": "admin@demo.innocities.se",
    "manager": "manager@demo.innocities.se",
    "coordinator": "coordinator@demo.innocities.se",
    "viewer": "viewer@demo.innocities.se",
    "partner": "partner@demo.innocities.se",
    "anonymous": None,
}
# Each persona asks from an address of its own on the loopback, as people do from their own
# machines: the portal's per-address rate limits (reply and unsubscribe links, 20 a minute)
# then count each persona's requests, not every persona's together; and the in-process pass
# (CLIENT_ADDRESSES) does not use up the server's allowance, as both count in the same Redis.
PERSONA_ADDRESSES = {persona: f"127.0.0.{11 + index}" for index, persona in enumerate(PERSONAS)}
CLIENT_ADDRESSES = {persona: f"127.0.1.{11 + index}" for index, persona in enumerate(PERSONAS)}
RATIO_LIMIT = 10  # the bound: every page at most 10× /healthz/ at p50
CANDIDATES = 5  # objects tried per URL name and persona before it is "not this persona's page"
BASE_DIR = Path(settings.BASE_DIR)
BENCH_DIR = BASE_DIR / "var" / "bench"


class BenchError(Exception):
    """The bench cannot go on (a database, the server or a login is not as it should be)."""
