"""More than one machine: two web processes and two Celery workers on one PostgreSQL and one Redis.

As ``docker-compose.yml`` runs the portal with replicas: every process here is a real one (two
gunicorn masters, as the image starts them, and two ``celery worker`` processes), all on this
test's PostgreSQL database and this test process's own Redis database. Nothing may live in one
process only: a session made by one web process serves the next request on the other, a change
posted to one is on the other's page, two scans at once insert each reminder once, and two
workers dispatching at once send each reminder once. Timings are printed (``-s`` shows them).
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from innocities.notifications.models import (
    Category,
    Notification,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.services import dispatch_due as dispatch_due_service
from innocities.notifications.services import reminders_release_now, reminders_scan
from innocities.notifications.tasks import dispatch_due, scan_reminders
from programs.models import ItemStatus, Task
from tests import factories as f
from tests.services import ManagedProcess, start_process, wait_for
from tests.workers import received_mail, shared_services_env, start_workers, wait_for_workers

pytestmark = pytest.mark.django_db(transaction=True)

START_TIMEOUT = 60.0
WORK_TIMEOUT = 60.0
PEOPLE = 10
TASKS_EACH = 8  # 80 reminders: enough that two workers' dispatches overlap in time


@pytest.fixture
def shared_env(tmp_path: Path) -> dict[str, str]:
    """What every process of the "machines" gets: the test database, this test process's own
    Redis database as broker and cache (as compose gives each container ``redis``), and one mail
    folder, as if every worker handed its mail to the same SMTP server."""
    return shared_services_env(
        tmp_path,
        needed_by="the multi-machine tests",
        CACHE_URL=settings.CELERY_BROKER_URL,
        ALLOWED_HOSTS="127.0.0.1",
    )


# --- two web processes ------------------------------------------------------------------------


@dataclass
class Web:
    process: ManagedProcess
    url: str

    def requests_logged(self, method: str, path: str, *, expected: int) -> int:
        """How many times gunicorn's access log shows ``method path`` answered, once it shows
        ``expected`` (or after 5 s): gunicorn logs a request just after it has answered."""

        def count() -> int:
            return self.process.log().count(f'"{method} {path} HTTP/1.1"')

        deadline = time.monotonic() + 5
        while count() < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        return count()


def _start_gunicorn(name: str, env: dict[str, str], log_dir: Path) -> ManagedProcess:
    # As the image starts it (Dockerfile, docker-compose.yml): its config module, the access
    # log on stdout. Port 0: the kernel picks a free one, and gunicorn says which.
    return start_process(
        name,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "innocities.wsgi",
            "-c",
            "python:innocities.gunicorn_conf",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
        ],
        env=env,
        log_dir=log_dir,
    )


def _serving(process: ManagedProcess) -> str:
    """The base URL once the process answers its health check."""

    def url() -> str | None:
        assert process.alive(), f"{process.name} exited:\n{process.log_tail()}"
        found = re.search(r"Listening at: (http://[\d.]+:\d+)", process.log())
        if found is None:
            return None
        try:
            answer = httpx.get(found[1] + reverse("core:healthz"), timeout=5)
        except httpx.TransportError:
            return None
        return found[1] if answer.status_code == 200 else None

    try:
        return wait_for(url, timeout=START_TIMEOUT, interval=0.25, what=process.name)
    except TimeoutError as error:
        raise TimeoutError(f"{error}; its log:\n{process.log_tail()}") from None


@pytest.fixture
def two_webs(shared_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Web, Web]]:
    started = [_start_gunicorn(name, shared_env, tmp_path) for name in ("web1", "web2")]
    try:
        web1, web2 = (Web(process, _serving(process)) for process in started)
        yield web1, web2
    finally:
        # Before transactional_db flushes: the processes hold connections to the database.
        for process in started:
            process.stop(timeout=10)


def _csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found[1]


def test_a_session_from_one_web_process_serves_the_other_and_a_change_on_one_shows_on_the_other(
    world, two_webs
):
    web1, web2 = two_webs
    login_path = reverse("account_login")
    dashboard_path = reverse("portal:dashboard")
    program_path = reverse("programs:detail", kwargs={"pk": world.program.pk})
    task = Task.objects.get(program=world.program, title="Map the innovation culture")
    done_path = reverse(
        "programs:task_done", kwargs={"program_pk": world.program.pk, "pk": task.pk}
    )
    # One browser: its cookies go to whichever process the proxy picks (same host, any port).
    with httpx.Client(timeout=10) as browser:
        page = browser.get(web1.url + login_path)
        started = time.monotonic()
        logged_in = browser.post(
            web1.url + login_path,
            data={
                "login": world.coordinator.email,
                "password": f.PASSWORD,
                "csrfmiddlewaretoken": _csrf_token(page.text),
            },
        )
        assert logged_in.status_code == 302, logged_in.text[:2000]
        assert logged_in.headers["Location"] == dashboard_path

        dashboard = browser.get(web2.url + dashboard_path)
        dashboard_seconds = time.monotonic() - started
        assert dashboard.status_code == 200, dashboard.headers.get("Location")
        assert world.coordinator.full_name in unescape(dashboard.text)
        assert world.program.title in unescape(dashboard.text)

        # The change goes to web 1 through the programme page's own form…
        on_web1 = browser.get(web1.url + program_path)
        assert on_web1.status_code == 200
        marked = browser.post(
            web1.url + done_path, data={"csrfmiddlewaretoken": _csrf_token(on_web1.text)}
        )
        assert marked.status_code == 302, marked.text[:2000]
        assert marked.headers["Location"].startswith(program_path)
        # … and its redirect is followed on web 2, which shows the message web 1 left for the
        # next page and the task as done.
        on_web2 = browser.get(web2.url + marked.headers["Location"])
        assert on_web2.status_code == 200
        text = unescape(on_web2.text)
        assert f"“{task.title}” is done." in text
        card = re.search(rf'<li class="item" id="task-{task.pk}">(.*?)</li>', text, re.S)
        assert card, f"no card for task {task.pk} on web 2's programme page"
        assert done_path not in card[1]  # no "Mark as done" any more
        assert "Done" in card[1]

    task.refresh_from_db()
    assert task.status == ItemStatus.DONE
    # Nobody else sees the coordinator's page: without the cookie web 2 asks for a login.
    assert httpx.get(web2.url + dashboard_path, timeout=10).status_code == 302
    # Each request was answered by the process it was sent to, not by one for both.
    assert web1.requests_logged("POST", login_path, expected=1) == 1
    assert web1.requests_logged("POST", done_path, expected=1) == 1
    # With the cookie, then without.
    assert web2.requests_logged("GET", dashboard_path, expected=2) == 2
    assert web2.requests_logged("POST", done_path, expected=0) == 0
    assert web1.requests_logged("GET", dashboard_path, expected=0) == 0
    print(f"\ntwo webs: logged in on web 1, dashboard from web 2 in {dashboard_seconds:.2f} s")


# --- two workers ------------------------------------------------------------------------------


@pytest.fixture
def two_workers(shared_env: dict[str, str], tmp_path: Path) -> Iterator[list[ManagedProcess]]:
    started = start_workers(shared_env, tmp_path, "worker1", "worker2")
    try:
        yield started
    finally:
        # Before transactional_db flushes: PostgreSQL will not drop a database in use.
        for worker in started:
            worker.stop(timeout=10)


def _succeeded(worker: ManagedProcess, task_name: str) -> int:
    return len(re.findall(rf"Task {re.escape(task_name)}\[[^\]]+\] succeeded", worker.log()))


def _due_today(world) -> tuple[ReminderRule, int]:
    """PEOPLE people each owning TASKS_EACH tasks due today, and one rule that fires on the
    day: the only active one, so the count of reminders is known."""
    ReminderRule.objects.update(is_active=False)
    rule = ReminderRule.objects.create(
        code="multi-machine-on-the-day", name="On the day", category=Category.TASK, offset_days=0
    )
    today = timezone.localdate()
    for p in range(PEOPLE):
        person = f.UserFactory(email=f"multi-{p}@example.se")
        for n in range(TASKS_EACH):
            f.TaskFactory(
                program=world.program, owner=person, title=f"Task {n} of {p}", due_on=today
            )
    return rule, PEOPLE * TASKS_EACH


def test_two_workers_scanning_and_dispatching_at_once_send_each_reminder_exactly_once(
    world, two_workers, shared_env
):
    scan_name, dispatch_name = scan_reminders.name, dispatch_due.name
    rule, expected = _due_today(world)

    # Two scans at the same moment, one on each worker (each takes one message at a time).
    started = time.monotonic()
    scan_reminders.delay()
    scan_reminders.delay()
    wait_for_workers(
        two_workers,
        lambda: all(_succeeded(w, scan_name) == 1 for w in two_workers),
        what="a scan on each worker",
        timeout=WORK_TIMEOUT,
    )
    scan_seconds = time.monotonic() - started
    rows = Notification.objects.filter(rule=rule)
    assert rows.count() == expected
    firings = Counter(rows.values_list("content_type", "object_id", "recipient", "occurrence"))
    assert max(firings.values()) == 1
    assert set(rows.values_list("status", flat=True)) == {NotificationStatus.PENDING}

    # The scan schedules each reminder for its recipient's hour; bring them all to now, as
    # `send_reminders --now` does, so dispatch has 80 due rows.
    reminders_release_now()
    assert not rows.filter(send_after__gt=timezone.now()).exists()

    started = time.monotonic()
    for _ in range(6):
        dispatch_due.delay()
    wait_for_workers(
        two_workers,
        lambda: (
            not rows.exclude(status=NotificationStatus.SENT).exists()
            and sum(_succeeded(w, dispatch_name) for w in two_workers) == 6
        ),
        what="every reminder sent and every dispatch finished",
        timeout=WORK_TIMEOUT,
    )
    dispatch_seconds = time.monotonic() - started

    received = received_mail(shared_env)
    duplicated = {key: n for key, n in received.items() if n > 1}
    per_worker = [_succeeded(w, dispatch_name) for w in two_workers]
    print(
        f"\ntwo workers: scans {scan_seconds:.1f} s; {expected} reminders, "
        f"{sum(received.values())} e-mails, {len(duplicated)} duplicated, dispatched in "
        f"{dispatch_seconds:.1f} s; dispatch tasks per worker {per_worker}"
    )
    assert not duplicated, f"{len(duplicated)} sent more than once, e.g. {min(duplicated)}"
    assert sum(received.values()) == expected
    assert {to for to, _subject in received} == {f"multi-{p}@example.se" for p in range(PEOPLE)}
    assert all(n == TASKS_EACH for n in Counter(to for to, _subject in received).values())
    assert rows.filter(status=NotificationStatus.SENT).count() == expected
    assert not rows.filter(sent_at__isnull=True).exists()
    # Both workers took dispatch tasks from the one broker.
    assert all(per_worker), per_worker


def test_a_dispatcher_that_starts_while_another_holds_its_claim_skips_those_rows(world, mailoutbox):
    """The race of the test above, made certain instead of likely: the first dispatcher (a
    thread with its own database connection, as a second worker has) stops right after the
    SELECT that claims its batch; the second runs the whole dispatch meanwhile. The first's
    rows are locked, so the second finds nothing and sends nothing; then the first sends all.
    A claim that read the rows without locking them would have both send everything."""
    _rule, expected = _due_today(world)
    reminders_scan()
    reminders_release_now()
    claimed, go_on = threading.Event(), threading.Event()
    first: list[object] = []

    def stop_after_the_claim(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        rows = execute(sql, params, many, context)
        # The first query of a dispatch is the claim's SELECT.
        if not claimed.is_set() and sql.lstrip().startswith("SELECT"):
            claimed.set()
            go_on.wait(timeout=WORK_TIMEOUT)
        return rows

    def first_worker() -> None:
        try:
            with connection.execute_wrapper(stop_after_the_claim):
                first.append(dispatch_due_service())
        except Exception as error:  # reported by the test thread below
            first.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert claimed.wait(timeout=WORK_TIMEOUT), "the first dispatcher never claimed"
        second = dispatch_due_service()
    finally:
        go_on.set()
        thread.join(timeout=WORK_TIMEOUT)

    assert (second.emails, second.sent) == (0, 0)
    [first_result] = first
    assert not isinstance(first_result, Exception), first_result
    assert (first_result.emails, first_result.sent) == (expected, expected)
    sent = Counter((message.to[0], message.subject) for message in mailoutbox)
    assert len(sent) == expected and max(sent.values()) == 1
