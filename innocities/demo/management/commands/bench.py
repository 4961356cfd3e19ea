"""``manage.py bench`` (``make bench``): every page measured at national scale.

See innocities/demo/bench/ for what it does. The ``--phase`` options are the passes the bench
runs in child processes, one per database; a person runs the command without them.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from innocities.demo.bench.pages import demo_people, measure_pages, page_dicts
from innocities.demo.bench.run import Bench, BenchConfig, BenchError, small_url_for
from innocities.demo.bench.scan import measure_scan

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/innocities_bench"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() not in ("0", "false", "no", "")


class Command(BaseCommand):
    help = (
        "Seed two PostgreSQL databases at national scale (seed_scale 1.0 and 0.1), serve the "
        "big one with gunicorn (2 workers, DEBUG=0), log in as each demo persona and time every "
        "page against /healthz/; count each page's queries on both databases and time the "
        "reminder scan. Prints a table, writes var/bench/, and exits 1 when a page is over 10× "
        "/healthz/ or its query count differs between the two sizes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-url",
            default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            help="The big database (BENCH_DATABASE_URL); the small one is its name + _small.",
        )
        parser.add_argument(
            "--small-database-url",
            default=os.environ.get("BENCH_SMALL_DATABASE_URL"),
            help="The small database (BENCH_SMALL_DATABASE_URL; default: the big one's + _small).",
        )
        parser.add_argument("--scale", type=float, default=1.0, help="seed_scale's, big (1.0)")
        parser.add_argument(
            "--small-scale", type=float, default=0.1, help="seed_scale's, small (0.1)"
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=int(os.environ.get("BENCH_REQUESTS", "15")),
            help="Timed requests per page (BENCH_REQUESTS, default 15), after 2 to warm up.",
        )
        parser.add_argument(
            "--no-reseed",
            dest="reseed",
            action="store_false",
            default=_env_bool("BENCH_RESEED", True),
            help="Keep both databases as they are (BENCH_RESEED=0): migrate and measure only.",
        )
        parser.add_argument(
            "--only",
            action="append",
            default=[p for p in os.environ.get("BENCH_ONLY", "").split(",") if p],
            help="Measure only pages whose URL name contains this (repeatable; BENCH_ONLY=a,b).",
        )
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
            help="The server's cache (BENCH_REDIS_URL; default redis://127.0.0.1:6379/9).",
        )
        # The passes the bench runs in child processes, one per database; not for people.
        parser.add_argument("--phase", choices=("pages", "scan"), help=argparse.SUPPRESS)
        parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["phase"]:
            self._phase(options["phase"], options["output"], options["only"])
            return
        url = options["database_url"]
        config = BenchConfig(
            database_url=url,
            small_database_url=options["small_database_url"] or small_url_for(url),
            scale=options["scale"],
            small_scale=options["small_scale"],
            requests=options["requests"],
            reseed=options["reseed"],
            only=options["only"],
            redis_url=options["redis_url"],
        )
        try:
            status = Bench(config, self.stdout).run()
        except BenchError as error:
            raise CommandError(str(error)) from error
        if status:
            raise CommandError("Some pages are out of bounds (✗ above).", returncode=status)

    def _phase(self, phase: str, output: Path | None, only: list[str]) -> None:
        if output is None:
            raise CommandError("--phase needs --output")
        if phase == "pages":
            result = page_dicts(measure_pages(demo_people(), only=only, stdout=self.stdout))
        else:
            result = measure_scan()
        output.write_text(json.dumps(result, ensure_ascii=False))
