"""`make run` migrates on SQLite: the search vector's column and GIN index must work there too.

SQLite takes any column type, and its schema editor leaves an index's access method out, so
the GIN index becomes a plain one. The test suite runs on PostgreSQL; this builds the lessons
table in an in-memory SQLite database beside it with Django's SQLite schema editor, as a
migration would, and rebuilds it as a later migration changing any field of it would."""

from __future__ import annotations

from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.models import CharField

from programs.lessons.models import Lesson

SQLITE = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": ":memory:",
    "OPTIONS": {},
    "TIME_ZONE": None,
    "CONN_MAX_AGE": 0,
    "CONN_HEALTH_CHECKS": False,
    "AUTOCOMMIT": True,
    "ATOMIC_REQUESTS": False,
    "USER": "",
    "PASSWORD": "",
    "HOST": "",
    "PORT": "",
    "TEST": {},
}


def _schema(wrapper: DatabaseWrapper) -> dict[str, str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'lessons_lesson'")
        return dict(cursor.fetchall())


def test_the_search_index_is_a_plain_index_on_sqlite_and_survives_a_table_rebuild(
    django_db_blocker,
):
    wrapper = DatabaseWrapper(dict(SQLITE), alias="lessons-sqlite")
    try:
        with django_db_blocker.unblock():
            with wrapper.schema_editor(atomic=False) as editor:
                editor.create_model(Lesson)
            schema = _schema(wrapper)
            assert schema["lesson_search_vector"] == (
                'CREATE INDEX "lesson_search_vector" ON "lessons_lesson" ("search_vector")'
            )
            assert '"search_vector" tsvector NULL' in schema["lessons_lesson"]
            # A later migration that changes any field rebuilds the table on SQLite, with all
            # its indexes.
            old = Lesson._meta.get_field("theme")
            new = CharField(max_length=250, blank=True)
            new.set_attributes_from_name("theme")
            new.model = Lesson
            with wrapper.schema_editor(atomic=False) as editor:
                editor.alter_field(Lesson, old, new)
            schema = _schema(wrapper)
            assert "lesson_search_vector" in schema
            assert '"theme" varchar(250)' in schema["lessons_lesson"]
    finally:
        wrapper.close()
