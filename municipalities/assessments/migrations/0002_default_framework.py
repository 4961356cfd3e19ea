"""Seed the default Innocities framework, version 1 (eight dimensions, sv + en)."""

from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor) -> None:
    from municipalities.assessments.default_framework import load_default_framework

    load_default_framework(
        apps.get_model("assessments", "Framework"),
        apps.get_model("assessments", "Dimension"),
        apps.get_model("assessments", "Question"),
        apps.get_model("assessments", "LevelDescription"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
