"""``manage.py restore_db FILE --yes``: put a ``backup_db`` file back, replacing what the
configured database holds (its tables are dropped first). Stop the web, worker and beat
processes before, run ``migrate`` after (a backup from an older release), then start them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from innocities.core.management.commands.backup_db import postgres_env


class Command(BaseCommand):
    help = "Restore the database from a backup_db file, replacing its contents."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("backup", help="A file written by backup_db.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that the database's contents go."
        )

    def handle(self, *args: Any, backup: str, yes: bool = False, **options: Any) -> None:
        source = Path(backup)
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        if not yes:
            raise CommandError(
                "Restoring replaces everything in the database. Run again with --yes."
            )
        connection.close()
        if connection.vendor == "postgresql":
            result = subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    str(connection.settings_dict["NAME"]),
                    str(source),
                ],
                env=postgres_env(connection.settings_dict),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        elif connection.vendor == "sqlite":
            shutil.copyfile(source, str(connection.settings_dict["NAME"]))
        else:
            raise CommandError(f"restore_db knows PostgreSQL and SQLite, not {connection.vendor}.")
        self.stdout.write(f"Restored the database from {source}.")
