"""``manage.py load_reference_data``: upsert Swedish and Norwegian counties and municipalities."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from municipalities.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Create or update counties and municipalities from municipalities/data/*.csv. "
        "Never deletes: rows no longer in the files are listed and kept."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference_data(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Reference data loaded. Counties: {counties_created} created, "
                "{counties_updated} updated, {counties_unchanged} unchanged, "
                "{counties_missing} kept though not in file. Municipalities: "
                "{municipalities_created} created, {municipalities_updated} updated, "
                "{municipalities_unchanged} unchanged, {municipalities_missing} kept though "
                "not in file.".format(**counts)
            )
        )
