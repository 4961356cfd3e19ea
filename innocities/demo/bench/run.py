"""One run of ``make bench``: the databases, the static files, the passes in child processes, the
server, and the report."""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import environ

from innocities.demo.bench import BASE_DIR, BENCH_DIR, BenchError
from innocities.demo.bench.report import combine, write_report
from innocities.demo.bench.timing import time_pages


@dataclass
class BenchConfig:
    database_url: str
    small_database_url: str
    scale: float = 1.0
    small_scale: float = 0.1
    requests: int = 15
    warmup: int = 2
    reseed: bool = True
    only: list[str] = field(default_factory=list)
    redis_url: str = "redis://127.0.0.1:6379/9"
    output_dir: Path = BENCH_DIR


def small_url_for(url: str) -> str:
    """The small database's URL: the big one's name with ``_small``."""
    head, _slash, tail = url.rpartition("/")
    name, question, query = tail.partition("?")
    return f"{head}/{name}_small{question}{query}"


def _database_name(url: str) -> str:
    return environ.Env.db_url_config(url)["NAME"]


class Bench:
    """One run of ``make bench`` (``run`` returns the exit status)."""

    def __init__(self, config: BenchConfig, stdout: TextIO) -> None:
        self.config = config
        self.stdout = stdout
        # One key for the whole run: the links the in-process pass resolves (reply and
        # unsubscribe tokens) are signed with it and must open on the server too.
        self.secret_key = secrets.token_urlsafe(50)
        self.started = time.perf_counter()
        self.stages: dict[str, float] = {}

    def say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.say(f"==> {name}")
        started = time.perf_counter()
        yield
        self.stages[name] = round(time.perf_counter() - started, 1)

    # Environment of the child processes.

    def env(self, database_url: str, *, debug: bool, port: int = 8000) -> dict[str, str]:
        name = _database_name(database_url)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "innocities.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "1" if debug else "0",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SITE_URL": f"http://127.0.0.1:{port}",
            # Plain HTTP on the loopback: what a TLS proxy in front would take care of.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CACHE_URL": self.config.redis_url,
            # Rate limits count per address (PERSONA_ADDRESSES): no proxy in front.
            "TRUSTED_PROXY_COUNT": "0",
            # Nothing is sent and nothing queued for long: a GET page enqueues nothing, and the
            # seed's mail would otherwise pile up in a queue nobody reads.
            "CELERY_BROKER_URL": "memory://",
            "EMAIL_URL": "dummymail://",
            "MEDIA_ROOT": str(self.config.output_dir / "media" / name),
            "PRIVATE_MEDIA_ROOT": str(self.config.output_dir / "private" / name),
        }
        env.pop("TESTING", None)
        return env

    def manage(self, env: Mapping[str, str], *args: str, log: Path) -> None:
        """``manage.py`` in a child process, its output appended to ``log``."""
        command = [sys.executable, str(BASE_DIR / "manage.py"), *args]
        with log.open("a") as handle:
            handle.write(f"$ manage.py {' '.join(args)}\n")
            handle.flush()
            done = subprocess.run(
                command, env=env, cwd=BASE_DIR, stdout=handle, stderr=subprocess.STDOUT
            )
        if done.returncode != 0:
            tail = "".join(log.read_text().splitlines(keepends=True)[-40:])
            raise BenchError(
                f"manage.py {' '.join(args)} failed (exit {done.returncode}); the end of "
                f"{log}:\n{tail}"
            )

    # Databases.

    def prepare(self) -> None:
        """Both databases seeded anew (or, with ``reseed`` off, only migrated), side by side:
        they are independent, and the machine has two cores."""
        sizes = [
            (self.config.database_url, self.config.scale),
            (self.config.small_database_url, self.config.small_scale),
        ]
        if not self.config.reseed:
            for url, _scale in sizes:
                if not _database_exists(url):
                    raise BenchError(
                        f"{_database_name(url)} does not exist: run once with BENCH_RESEED=1"
                    )
        what = "seed" if self.config.reseed else "migrate (BENCH_RESEED=0: the data is kept)"
        with self.stage(f"databases: {what}"), ThreadPoolExecutor(max_workers=2) as pool:
            for done in [pool.submit(self._prepare_one, url, scale) for url, scale in sizes]:
                done.result()

    def _prepare_one(self, url: str, scale: float) -> None:
        name = _database_name(url)
        env = self.env(url, debug=True)
        log = self.config.output_dir / f"seed-{name}.log"
        started = time.perf_counter()
        if not self.config.reseed:
            self.manage(env, "migrate", "--noinput", "-v0", log=log)
            self.say(f"    {name}: migrated in {time.perf_counter() - started:.0f} s")
            return
        _recreate_database(url)
        for folder in ("media", "private"):
            shutil.rmtree(self.config.output_dir / folder / name, ignore_errors=True)
        log.unlink(missing_ok=True)
        for args in (
            ("migrate", "--noinput", "-v0"),
            ("load_reference_data",),
            ("load_module_library",),
            ("load_recommendation_rules",),
        ):
            self.manage(env, *args, log=log)
        if _has_command("seed_scale"):
            self.manage(env, "seed_scale", "--scale", str(scale), log=log)
            seeded = f"seed_scale --scale {scale}"
        else:
            self.manage(env, "seed_demo", log=log)
            seeded = "seed_demo (seed_scale is not there: the demo's size only)"
        took = time.perf_counter() - started
        self.say(f"    {name}: {seeded} in {took:.0f} s (log: {log})")

    def collect_static(self) -> None:
        with self.stage("collectstatic (whitenoise's manifest, as the Dockerfile does)"):
            env = self.env(self.config.database_url, debug=False)
            log = self.config.output_dir / "collectstatic.log"
            log.unlink(missing_ok=True)
            self.manage(env, "collectstatic", "--noinput", "-v0", log=log)

    # The in-process passes, each in a child process on its own database.

    def phase(self, phase: str, url: str) -> dict[str, Any]:
        name = _database_name(url)
        output = self.config.output_dir / f"{phase}-{name}.json"
        log = self.config.output_dir / f"{phase}-{name}.log"
        log.unlink(missing_ok=True)
        args = ["bench", "--phase", phase, "--output", str(output)]
        for part in self.config.only:
            args += ["--only", part]
        self.manage(self.env(url, debug=False), *args, log=log)
        result = json.loads(output.read_text())
        if phase == "pages":
            counts: dict[str, int] = {}
            for page in result["pages"]:
                counts[page["persona"]] = counts.get(page["persona"], 0) + 1
            shown = ", ".join(f"{persona} {count}" for persona, count in counts.items())
            self.say(f"    {name}: {len(result['pages'])} pages ({shown}); log: {log.name}")
        return result

    # The server.

    @contextmanager
    def server(self) -> Iterator[str]:
        port = _free_port()
        env = self.env(self.config.database_url, debug=False, port=port)
        log = self.config.output_dir / "gunicorn.log"
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "innocities.wsgi",
            "-c",
            "python:innocities.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ]
        with log.open("w") as handle:
            process = subprocess.Popen(
                command, env=env, cwd=BASE_DIR, stdout=handle, stderr=subprocess.STDOUT
            )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, process, log)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def run(self) -> int:
        # httpx logs every request at INFO, and the portal's settings send INFO to the console.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self.config.output_dir.mkdir(parents=True, exist_ok=True)
        _claim_redis(self.config.redis_url)
        self.prepare()
        self.collect_static()
        big, small = self.config.database_url, self.config.small_database_url
        # Counting queries does not mind the other's load: both databases at once.
        with self.stage("pages and query counts, both databases"), ThreadPoolExecutor(2) as pool:
            big_job, small_job = (pool.submit(self.phase, "pages", url) for url in (big, small))
            big_pages, small_pages = big_job.result(), small_job.result()
        # The scan is timed: one database after the other.
        with self.stage("reminder scan, both databases"):
            scans = {"big": self.phase("scan", big), "small": self.phase("scan", small)}
        timing = f"timing under gunicorn, {self.config.requests} requests a page"
        with self.stage(timing), self.server() as base:
            timings = time_pages(
                base,
                big_pages["pages"],
                requests=self.config.requests,
                warmup=self.config.warmup,
                say=self.say,
            )
        rows = combine(big_pages["pages"], small_pages["pages"], timings)
        report = {
            "databases": {"big": _database_name(big), "small": _database_name(small)},
            "scale": {"big": self.config.scale, "small": self.config.small_scale},
            "requests": self.config.requests,
            "healthz_p50_ms": timings["healthz_p50_ms"],
            "rows": rows,
            "scan": scans,
            "unmeasured": big_pages["unmeasured"],
            "unresolved": big_pages["unresolved"],
            "errors": big_pages["errors"] + small_pages["errors"] + timings["errors"],
            "stages_seconds": self.stages,
            "total_seconds": round(time.perf_counter() - self.started, 1),
        }
        return write_report(report, self.config.output_dir, self.say)


def _has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def _maintenance_connection(url: str) -> Any:
    import psycopg2

    config = environ.Env.db_url_config(url)
    handle = psycopg2.connect(
        dbname="postgres",
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
    )
    handle.autocommit = True
    return handle


def _database_exists(url: str) -> bool:
    handle = _maintenance_connection(url)
    try:
        with handle.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_database_name(url)])
            return cursor.fetchone() is not None
    finally:
        handle.close()


def _recreate_database(url: str) -> None:
    from psycopg2 import sql

    name = sql.Identifier(_database_name(url))
    handle = _maintenance_connection(url)
    try:
        with handle.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    finally:
        handle.close()


# Test runs claim a Redis database that is empty (tests/services.py): a key in ours keeps them
# from taking it while a bench uses it as the server's cache.
REDIS_IN_USE_KEY = "innocities-bench:in-use"


def _claim_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.set(REDIS_IN_USE_KEY, "make bench uses this database as the portal's cache")
    except (redis.RedisError, OSError) as error:
        raise BenchError(f"Redis at {url} does not answer: {error}") from error
    finally:
        client.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(base: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn stopped (exit {process.returncode}); see {log}")
        try:
            if httpx.get(f"{base}/healthz/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise BenchError(f"gunicorn did not answer /healthz/ within {timeout:.0f} s; see {log}")
