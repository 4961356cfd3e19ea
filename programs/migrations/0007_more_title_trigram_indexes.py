# Written by hand: trigram indexes like 0006's, for the other tables the admin searches by
# their own title or text (icontains: UPPER(column) LIKE UPPER('%word%')). At national scale
# the milestones' search read all 20,000 rows twice a page (13 ms each time).

from django.db import migrations

TRIGRAM_INDEXES = [
    ("programs_milestone", "milestone_title_trgm", "title"),
    ("programs_programmodule", "program_module_title_trgm", "title"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("programs", "0006_indexes_for_large_tables")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
