"""``manage.py backup_db [--output FILE]``: a consistent copy of the database.

PostgreSQL: ``pg_dump --format=custom`` (compressed, restorable with ``restore_db``). SQLite
(the embedded default): SQLite's online backup, safe while the portal runs. Media (reports,
uploads) are files: back up ``MEDIA_ROOT`` beside it (README, "Backups").
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def postgres_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command line)."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


class Command(BaseCommand):
    help = "Back up the database to a file (pg_dump's custom format, or a SQLite copy)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            help="The file to write (default: var/backups/innocities-<time>.dump or .sqlite3).",
        )

    def handle(self, *args: Any, output: str | None = None, **options: Any) -> None:
        vendor = connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise CommandError(f"backup_db knows PostgreSQL and SQLite, not {vendor}.")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        suffix = "dump" if vendor == "postgresql" else "sqlite3"
        target = Path(
            output or Path(settings.BASE_DIR) / "var" / "backups" / f"innocities-{stamp}.{suffix}"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        if vendor == "postgresql":
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(target)],
                env=postgres_env(connection.settings_dict),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            source = sqlite3.connect(str(connection.settings_dict["NAME"]))
            copy = sqlite3.connect(str(target))
            with copy:
                source.backup(copy)
            copy.close()
            source.close()
        self.stdout.write(f"Backed up the database to {target} ({target.stat().st_size} bytes).")
