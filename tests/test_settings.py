"""Settings as a deployment sees them: each case runs Django in a fresh process.

The test process has already imported the settings (under pytest, with TESTING on), so what a
production process would do is only visible in a child with its own environment. The child
ignores the developer's ``.env`` file, so the outcome depends only on the variables set here.
"""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.services import BASE_DIR

# Put before every child's code: what manage.py does, minus the read of BASE_DIR/.env.
_BOOTSTRAP = """
import os, sys
import environ
environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innocities.settings")
"""

_MANAGE = """
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[1:]])
"""

_PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "db_engine": db["ENGINE"],
    "db_name": str(db["NAME"]),
    "db_host": db.get("HOST", ""),
    "db_conn_max_age": db.get("CONN_MAX_AGE"),
    "broker_url": settings.CELERY_BROKER_URL,
    "broker_options": getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None),
    "email_backend": settings.EMAIL_BACKEND,
    "email_file_path": str(getattr(settings, "EMAIL_FILE_PATH", "") or ""),
    "email_host": settings.EMAIL_HOST,
    "email_port": settings.EMAIL_PORT,
    "email_use_tls": settings.EMAIL_USE_TLS,
    "debug": settings.DEBUG,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
}))
"""

PRODUCTION_HOST = "portal.example.se"


def _random_secret_key() -> str:
    # Django's own check wants 50+ characters and 5+ distinct ones; secrets makes it real.
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def _clean_env(**variables: str) -> dict[str, str]:
    """A bare environment: only what Python needs, plus ``variables``."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(variables)
    return env


def _run(code: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BOOTSTRAP + code, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings_with(**variables: str) -> dict[str, Any]:
    result = _run(_PRINT_SETTINGS, [], _clean_env(**variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_checks_pass_in_production_with_a_real_secret_key_and_host():
    env = _clean_env(DEBUG="0", SECRET_KEY=_random_secret_key(), ALLOWED_HOSTS=PRODUCTION_HOST)

    result = _run(_MANAGE, ["check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = _clean_env(DEBUG="0", ALLOWED_HOSTS=PRODUCTION_HOST)

    result = _run(_MANAGE, ["check"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]


def test_debug_runs_without_a_secret_key():
    result = _run(_MANAGE, ["check"], _clean_env(DEBUG="1"))

    assert result.returncode == 0, result.stderr


def test_defaults_need_nothing_installed_sqlite_file_broker_and_mail_files():
    var = BASE_DIR / "var"

    seen = _settings_with(DEBUG="1")

    assert seen["db_engine"] == "django.db.backends.sqlite3"
    assert Path(seen["db_name"]) == var / "db.sqlite3"
    assert seen["broker_url"] == "filesystem://"
    assert seen["broker_options"]["data_folder_in"] == str(var / "celery" / "queue")
    assert seen["broker_options"]["data_folder_out"] == str(var / "celery" / "queue")
    assert seen["broker_options"]["control_folder"] == str(var / "celery" / "control")
    assert seen["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"


def test_default_mail_folder_is_var_mail_whatever_the_working_directory():
    seen = _settings_with(DEBUG="1")

    assert Path(seen["email_file_path"]) == BASE_DIR / "var" / "mail"


def test_environment_switches_database_broker_and_mail_backends():
    seen = _settings_with(
        DEBUG="1",
        DATABASE_URL="postgres://portal:secret@db.example.se:5433/innocities",
        CONN_MAX_AGE="30",
        CELERY_BROKER_URL="redis://redis.example.se:6379/2",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.se:587",
    )

    assert seen["db_engine"] == "django.db.backends.postgresql"
    assert seen["db_name"] == "innocities"
    assert seen["db_host"] == "db.example.se"
    assert seen["db_conn_max_age"] == 30
    assert seen["broker_url"] == "redis://redis.example.se:6379/2"
    # The file-system folders belong to the file-system transport only.
    assert seen["broker_options"] is None
    assert seen["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (seen["email_host"], seen["email_port"], seen["email_use_tls"]) == (
        "smtp.example.se",
        587,
        True,
    )


def test_production_is_https_only_by_default():
    seen = _settings_with(DEBUG="0", SECRET_KEY=_random_secret_key())

    assert seen["debug"] is False
    assert seen["ssl_redirect"] is True
    assert seen["session_cookie_secure"] is True
    assert seen["hsts_seconds"] >= 31536000
