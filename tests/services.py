"""Helpers for tests that need a real service or a real process: Redis, PostgreSQL, a worker.

Nothing here starts a server the machine lacks (``.ci/run`` does that); these helpers ask
whether one answers, and start and stop the project's own processes (a Celery worker) with a
bounded wait, so a hung service fails a test instead of hanging the suite.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings

T = TypeVar("T")

BASE_DIR: Path = settings.BASE_DIR


def wait_for(
    probe: Callable[[], T | None], *, timeout: float, interval: float = 0.2, what: str = ""
) -> T:
    """Call ``probe`` until it returns something truthy; give up after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what or probe!r}")
        time.sleep(interval)


def redis_answers(url: str, *, timeout: float = 2.0) -> bool:
    """True when a Redis server at ``url`` answers PING."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


# Redis has 16 databases (0-15) unless its configuration says otherwise.
REDIS_DATABASES = 16
# A claim outlives any test session; a crashed run's claim lapses after this.
REDIS_CLAIM_SECONDS = 3 * 60 * 60
REDIS_CLAIM_PREFIX = "innocities-tests:claim:"
# Set in a database a test process has used: it may be emptied and used again.
REDIS_OWNED_MARKER = "innocities-tests:owned"


@dataclass
class RedisDatabaseClaim:
    """A Redis database that one test process has to itself until :meth:`release`."""

    url: str
    database: int
    _registry: Any = field(repr=False)  # a client on the configured database, holding claims
    _token: str = field(repr=False)

    def _client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url)

    def release(self) -> None:
        """Leave the database empty (but for the marker) and give up the claim."""
        client = self._client()
        try:
            client.flushdb()
            client.set(REDIS_OWNED_MARKER, "1")
        finally:
            client.close()
        key = f"{REDIS_CLAIM_PREFIX}{self.database}"
        if self._registry.get(key) == self._token.encode():
            self._registry.delete(key)
        self._registry.close()


def claim_redis_database(url: str, *, owner: str) -> RedisDatabaseClaim | None:
    """Claim a Redis database other than ``url``'s for this process; None if Redis is down.

    Celery's queues are keys in the database the broker URL names, so Celery workers on
    different databases never take each other's tasks. Concurrent test processes (xdist
    workers, another checkout's run) each take a free one: a ``SET NX`` key in ``url``'s own
    database says who holds which. Only a database that is empty or that a test process used
    before (it carries a marker) is taken, so one a developer uses for something else is left
    alone; a taken database is emptied first, so messages a crashed run left are gone.
    """
    import redis

    parts = urlsplit(url)
    configured = int(parts.path.strip("/") or 0)
    token = f"{owner} {time.time():.3f}"
    registry = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        registry.ping()
    except (redis.RedisError, OSError):
        registry.close()
        return None
    for database in range(REDIS_DATABASES):
        if database == configured:
            continue
        key = f"{REDIS_CLAIM_PREFIX}{database}"
        if not registry.set(key, token, nx=True, ex=REDIS_CLAIM_SECONDS):
            continue
        claimed_url = urlunsplit(parts._replace(path=f"/{database}"))
        client = redis.Redis.from_url(claimed_url)
        try:
            if client.dbsize() and not client.exists(REDIS_OWNED_MARKER):
                registry.delete(key)  # somebody's data: not ours to empty
                continue
            client.flushdb()
            client.set(REDIS_OWNED_MARKER, "1")
        finally:
            client.close()
        return RedisDatabaseClaim(claimed_url, database, registry, token)
    registry.close()
    raise RuntimeError(
        f"no free Redis database for this test process at {url}: all are claimed by other "
        f"test runs or hold other data (claims are keys {REDIS_CLAIM_PREFIX}* in database "
        f"{configured}; they lapse after {REDIS_CLAIM_SECONDS // 3600} hours)"
    )


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """A ``DATABASE_URL`` for the database a Django connection uses (e.g. the test database).

    Another process (a Celery worker) given this URL sees the rows a ``transactional_db``
    test has committed.
    """
    engine = settings_dict["ENGINE"]
    if not engine.endswith("postgresql"):
        raise ValueError(f"only PostgreSQL can be shared with another process, not {engine}")
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    name = quote(settings_dict["NAME"], safe="")
    return f"postgres://{credentials}{host}:{port}/{name}"


def filemail_url(folder: Path) -> str:
    """``EMAIL_URL`` for mail written as files into ``folder``.

    django-environ drops the first slash of the path, so an absolute folder needs four:
    ``filemail:////tmp/mail`` is /tmp/mail, ``filemail:///tmp/mail`` would be ./tmp/mail.
    """
    return f"filemail:///{folder.resolve()}"


@dataclass
class ManagedProcess:
    """A child process with its output in a log file, stopped by :meth:`stop`."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, *, timeout: float = 20.0) -> int:
        """SIGTERM (Celery's warm shutdown), then SIGKILL after ``timeout``; the exit code.

        A process that had to be killed returns ``-9`` so a test can tell the difference.
        """
        try:
            if self.alive():
                self.process.send_signal(signal.SIGTERM)
                try:
                    return self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
                    return -signal.SIGKILL
            return self.process.returncode
        finally:
            self._log.close()


def start_process(
    name: str, args: list[str], *, env: Mapping[str, str], log_dir: Path
) -> ManagedProcess:
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        args,
        cwd=BASE_DIR,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return ManagedProcess(name=name, process=process, log_path=log_path, _log=log)


def child_env(**overrides: str) -> dict[str, str]:
    """The test process's environment for a child process, with ``overrides``.

    The child is not under pytest, so ``TESTING=1`` gives it the test settings, and the test
    process's ``SECRET_KEY`` makes the tokens it signs (password links) valid here too.
    """
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "innocities.settings",
            "TESTING": "1",
            "SECRET_KEY": settings.SECRET_KEY,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def start_celery_worker(
    *, env: Mapping[str, str], log_dir: Path, ready_timeout: float = 60.0
) -> ManagedProcess:
    """Start ``celery -A innocities worker`` on the ``celery`` queue and wait until it is ready.

    One process (``--pool=solo``) and no mingle, gossip or heartbeat: the test wants one
    worker that starts fast and talks to nobody but the broker.
    """
    worker = start_process(
        "celery-worker",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "innocities",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            "celery",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
            "--hostname=pytest-worker@%h",
        ],
        env=env,
        log_dir=log_dir,
    )

    def ready() -> bool:
        if not worker.alive():
            raise RuntimeError(
                f"the Celery worker exited with {worker.process.returncode}:\n{worker.log_tail()}"
            )
        return " ready." in worker.log()

    try:
        wait_for(ready, timeout=ready_timeout, interval=0.25, what="the Celery worker")
    except TimeoutError as error:
        worker.stop(timeout=5)
        raise TimeoutError(f"{error}; its log:\n{worker.log_tail()}") from None
    except BaseException:
        worker.stop(timeout=5)
        raise
    return worker
