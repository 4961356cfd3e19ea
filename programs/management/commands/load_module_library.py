"""``manage.py load_module_library``: create or update the method's modules and templates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.library import LibraryError, load_module_library


class Command(BaseCommand):
    help = (
        "Create or update the module library and programme templates, in Swedish, English "
        "and Norwegian, from programs/data/module_library.json. Updates in place by module "
        "code, activity key and the template's English name; never deletes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = load_module_library(stdout=self.stdout)
        except LibraryError as error:
            raise CommandError(f"The module library was not loaded: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                "Module library loaded. Modules: {modules_created} created, {modules_updated} "
                "updated, {modules_unchanged} unchanged. Activities: {activities_created} "
                "created, {activities_updated} updated, {activities_unchanged} unchanged, "
                "{activities_kept} kept though not in the file. Programme templates: "
                "{templates_created} created, {templates_updated} updated, "
                "{templates_unchanged} unchanged; their modules: {template_modules_created} "
                "created, {template_modules_updated} updated, {template_modules_unchanged} "
                "unchanged, {template_modules_kept} kept though not in the file.".format(**counts)
            )
        )
