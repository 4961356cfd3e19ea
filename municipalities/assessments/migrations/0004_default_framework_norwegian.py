"""Fill in the default framework's Norwegian (bokmål) texts, in new and existing databases.

Texts already written in the admin are kept; reversing leaves the texts in place (the fields
go away with 0003 when that is reversed too).
"""

from __future__ import annotations

from django.db import migrations


def fill(apps, schema_editor) -> None:
    from municipalities.assessments.default_framework import fill_norwegian

    fill_norwegian(
        apps.get_model("assessments", "Framework"),
        apps.get_model("assessments", "Dimension"),
        apps.get_model("assessments", "Question"),
        apps.get_model("assessments", "LevelDescription"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_norwegian_texts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
