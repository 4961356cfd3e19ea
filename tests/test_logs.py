"""Logs without secrets: the tokens that authorise a URL (calendar feeds, unsubscribe links,
password-reset keys) are masked in Django's log lines and in gunicorn's access log."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from innocities.core.logs import mask_secrets
from tests.services import child_env, database_url

SECRET = "s3cr3t-Token_abc"


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (f"GET /calendar/{SECRET}.ics HTTP/1.1", "GET /calendar/***.ics HTTP/1.1"),
        (f"/calendar/clusters/12/{SECRET}.ics", "/calendar/clusters/12/***.ics"),
        (
            f"Not Found: /notifications/unsubscribe/{SECRET}/",
            "Not Found: /notifications/unsubscribe/***/",
        ),
        (f"/accounts/password/reset/key/3-{SECRET}/", "/accounts/password/reset/key/***/"),
        ("/programmes/12/ and /calendar/", "/programmes/12/ and /calendar/"),
    ],
)
def test_secrets_in_paths_are_masked(line, masked):
    assert mask_secrets(line) == masked


def test_django_s_log_lines_go_out_masked():
    """The real logging configuration, in a process of its own: django.request's warning for
    a feed with a wrong token reaches the console without the token."""
    script = (
        "import django, logging; django.setup(); "
        f"logging.getLogger('django.request').warning('Not Found: %s', '/calendar/{SECRET}.ics')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "Not Found: /calendar/***.ics" in result.stderr
    assert SECRET not in result.stderr + result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_s_access_log_is_masked(db):
    """gunicorn as the image runs it (its config module), asked for a feed and an unsubscribe
    link: the access log shows the requests, not the tokens."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "innocities.wsgi", "-c", "python:innocities.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=child_env(
            ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=database_url(connection.settings_dict)
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        for path in (f"/calendar/{SECRET}.ics", f"/notifications/unsubscribe/{SECRET}/"):
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
                except urllib.error.HTTPError:
                    break  # 404: the token is unknown, and the request was logged
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
                    continue
                break
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert '"GET /calendar/***.ics HTTP/1.1" 404' in output, output
    assert '"GET /notifications/unsubscribe/***/ HTTP/1.1" 404' in output, output
    assert SECRET not in output
