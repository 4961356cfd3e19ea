"""Two people saving the same thing at once, made deterministic.

A service checks that a row does not exist yet, validates, then inserts it. If someone else
inserts the same row between the check and the insert, only the database's unique constraint
notices, and the insert raises IntegrityError. ``someone_else_inserts_first`` makes that happen
on cue: just before the code under test sends its INSERT into ``table``, the other person's row
is written (through the ORM, on the same connection), so the real constraint of the real
database refuses the second row. Nothing of the code under test is replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def someone_else_inserts_first(table: str, insert: Callable[[], Any]) -> Iterator[list[Any]]:
    """While active, the first INSERT into ``table`` is preceded by ``insert()``.

    Yields a list that holds what ``insert`` returned once it has run, so a test can check the
    race really happened.
    """
    happened: list[Any] = []
    prefix = f'INSERT INTO "{table}"'

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if not happened and sql.lstrip().startswith(prefix):
            happened.append(None)  # before ``insert``: its own INSERT must not trigger it again
            happened[0] = insert()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield happened
