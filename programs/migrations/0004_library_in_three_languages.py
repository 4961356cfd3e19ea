"""The module library in Swedish, English and Norwegian: the English texts stay, in ``_en``."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_titles_no_control_characters"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="activitytemplate", name="activity_template_unique_title"
        ),
        migrations.RenameField("moduletemplate", "name", "name_en"),
        migrations.RenameField("moduletemplate", "description", "description_en"),
        migrations.RenameField("historicalmoduletemplate", "name", "name_en"),
        migrations.RenameField("historicalmoduletemplate", "description", "description_en"),
        migrations.RenameField("activitytemplate", "title", "title_en"),
        migrations.RenameField("activitytemplate", "description", "description_en"),
        migrations.RenameField("programtemplate", "name", "name_en"),
        migrations.RenameField("programtemplate", "description", "description_en"),
        migrations.RenameField("historicalprogramtemplate", "name", "name_en"),
        migrations.RenameField("historicalprogramtemplate", "description", "description_en"),
    ]
