"""``manage.py load_recommendation_rules``: seed the default recommendation rules."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.tailoring.defaults import RulesFileError, seed_default_rules


class Command(BaseCommand):
    help = (
        "Create the default recommendation rules (programs/data/recommendation_rules.json) "
        "that do not exist yet. Never changes an existing rule. Run after load_module_library."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = seed_default_rules()
        except RulesFileError as error:
            raise CommandError(f"No rules were loaded: {error}") from error
        if result.skipped:
            self.stderr.write(
                "Skipped (their module is not in the library; run load_module_library "
                f"first): {', '.join(result.skipped)}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Recommendation rules: {len(result.created)} created, {len(result.kept)} "
                "already there and left as they are."
            )
        )
