"""Backups that restore: ``backup_db`` on the test database, a fresh database restored from
the file with ``restore_db`` (as after losing the first), and the portal, started on it in
another process, serves the same programme to the same person."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import skip_or_fail
from tests.services import child_env, database_url


def _admin_connection(settings_dict):
    conn = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
    )
    conn.autocommit = True
    return conn


def test_a_backup_restores_into_an_empty_database_that_serves_the_same_data(
    transactional_db, world, tmp_path: Path
):
    if connection.vendor != "postgresql":
        skip_or_fail("the round trip is of PostgreSQL's backup (DATABASE_URL=postgres://…)")
    backup = tmp_path / "innocities.dump"
    call_command("backup_db", output=str(backup))
    assert backup.stat().st_size > 0

    settings_dict = dict(connection.settings_dict)
    restored = f"{settings_dict['NAME']}_restored"
    admin = _admin_connection(settings_dict)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
            cursor.execute(f'CREATE DATABASE "{restored}"')
        env = child_env(DATABASE_URL=database_url({**settings_dict, "NAME": restored}))
        manage = [sys.executable, "manage.py"]
        done = subprocess.run(
            [*manage, "restore_db", str(backup), "--yes"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        serve = textwrap.dedent(
            f"""
            import django
            django.setup()
            from django.conf import settings
            from django.test import Client
            from innocities.accounts.models import User
            settings.ALLOWED_HOSTS = ["testserver"]
            client = Client()
            client.force_login(User.objects.get(email="{world.coordinator.email}"))
            page = client.get("/programmes/{world.program.pk}/")
            print(page.status_code, "{world.program.title}" in page.content.decode())
            """
        )
        served = subprocess.run(
            [sys.executable, "-c", serve], env=env, capture_output=True, text=True, timeout=120
        )
        assert served.stdout.split() == ["200", "True"], served.stderr
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.close()


def test_restore_refuses_without_yes(db, tmp_path: Path):
    from django.core.management.base import CommandError

    backup = tmp_path / "x.dump"
    backup.write_bytes(b"not used")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_db", str(backup))
