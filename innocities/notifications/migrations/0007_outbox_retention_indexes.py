"""Indexes for an outbox at national scale: the retention job's old sent rows, the admin's
newest-first list, and (PostgreSQL only) a trigram index for the admin's search in subjects.

On PostgreSQL each index is built with CREATE INDEX CONCURRENTLY, so the dispatcher and the scan
keep writing while a large outbox is indexed; that needs a migration outside a transaction
(``atomic = False``). A concurrent build that fails leaves an INVALID index behind: drop it
(``DROP INDEX CONCURRENTLY <name>``) and migrate again.
"""

from __future__ import annotations

from django.db import migrations, models
from django.db.migrations.operations.base import Operation

# The admin searches with ``subject__icontains``, which Django writes as
# ``UPPER("subject"::text) LIKE UPPER('%…%')``: the index is on that expression, or the planner
# cannot use it.
SUBJECT_INDEX = "notification_subject_trgm"
CREATE_SUBJECT_INDEX = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {SUBJECT_INDEX} ON notifications_notification "
    "USING gin ((UPPER(subject::text)) gin_trgm_ops)"
)


class AddIndexConcurrently(migrations.AddIndex):
    """``AddIndex``, built without blocking writes on PostgreSQL; a plain index elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


class AddSubjectTrigramIndex(Operation):
    """The trigram index on ``UPPER(subject)``, on PostgreSQL only: SQLite has no GIN indexes,
    so it is not in the model's state either (a table SQLite rebuilds would try to build it).

    pg_trgm ships with PostgreSQL and is a trusted extension, so the database's owner may
    create it. Going back drops the index but leaves the extension: something else may use it.
    """

    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(CREATE_SUBJECT_INDEX)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {SUBJECT_INDEX}")

    def describe(self):
        return f"Create index {SUBJECT_INDEX} on UPPER(subject) (PostgreSQL only)"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("notifications", "0006_benefit_and_statistics_rules")]

    operations = [
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(fields=["status", "sent_at"], name="notification_sent_idx"),
        ),
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(fields=["-send_after", "-id"], name="notification_newest_idx"),
        ),
        AddSubjectTrigramIndex(),
    ]
