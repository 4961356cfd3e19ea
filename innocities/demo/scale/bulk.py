"""How the largest tables are written: without their foreign keys and plain indexes while the
rows go in, and by a thread of their own while Python makes the next rows.

Keys and indexes set aside, as PostgreSQL's manual advises for a bulk load ("Populating a
Database"), and made again once the rows are in, in the same transaction. Measured at
``--scale 1.0`` on two cores: the deferred foreign-key checks of the COPYs took 12 s at the
commit (a query per row and key, about 2.4 million; ``SET CONSTRAINTS ALL IMMEDIATE`` only
moves that work into the COPYs), where adding a key back validates it with one anti-join, well
under a second. Maintaining the outbox's indexes row by row took 20 of its COPY's 22 s; built
afterwards they take 10, 7 of them the trigram index. Nothing goes unchecked: each key is
validated over every row when it is added back, before the commit, and a row that breaks one
fails the seeding (the transaction rolls back, and the keys and indexes with it). Unique and
partial indexes, and every constraint but the foreign keys, stay in place throughout. Dropping
a key locks the table it refers to (users, programmes, content types) until the commit: other
sessions on the database wait for the seeding.

The writer: PostgreSQL's work on these tables (COPY, the history's ``INSERT … SELECT``, the
index builds) is about as long as Python's on their rows, and it runs in another process, on
the other core. A thread sends it the statements in order, on the seeding's connection and
inside its transaction, while the seeder goes on. One statement at a time: psycopg2 alone would
let the seeder's query in amid a COPY's data (tried: the COPY broke), so the thread's statements
hold a lock, and so do the seeder's queries, by an execute wrapper; a query of the seeder's goes
before the thread's next statement, and waits only for the one under way. What the seeder reads
(users, rules, its own ids) the writer does not write; the end waits for all of it.
"""

from __future__ import annotations

import io
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from django.db import connection, models

from innocities.demo.scale.sizes import ScaleDataError


@dataclass
class SetAside:
    """What ``set_aside`` dropped, as the statements that make it again, by table: the quick
    ones (B-tree indexes, each a fraction of a second at ``--scale 1.0``, then the foreign keys)
    and the slow (the others: the trigram indexes, 4 to 9 s each for the tasks and the outbox)."""

    quick: dict[str, list[str]] = field(default_factory=dict)
    slow: dict[str, list[str]] = field(default_factory=dict)

    def restore(
        self, writer: Writer, *model_classes: type[models.Model], slow: bool = True
    ) -> None:
        """Have ``writer`` make again what was dropped of these models' tables, whose rows are
        all sent (of every table, if none is named): the quick statements, and the slow ones
        unless ``slow`` is false.

        A statement of the writer's holds the connection until it is done, and the seeder's
        next query waits for it: the slow ones are best sent where the seeder has a stretch of
        Python to do without the database.
        """
        tables = [m._meta.db_table for m in model_classes] or [*self.quick, *self.slow]
        for table in tables:
            for statement in self.quick.pop(table, []):
                writer.execute(statement)
            if slow:
                for statement in self.slow.pop(table, []):
                    writer.execute(statement)


def set_aside(model_classes: Sequence[type[models.Model]]) -> SetAside:
    """Drop the foreign keys and the plain indexes (not unique, not partial, backing no
    constraint) of the models' tables, to be made again by ``SetAside.restore`` before the
    transaction ends, as PostgreSQL states them."""
    if not connection.in_atomic_block:
        # Outside a transaction the drops would be committed at once, and stay if the seeding
        # failed before the restore.
        raise ScaleDataError("set_aside needs a transaction.")
    tables = [model._meta.db_table for model in model_classes]
    aside = SetAside(quick={table: [] for table in tables}, slow={table: [] for table in tables})
    with connection.cursor() as cursor:
        # A table with trigger events pending cannot be altered: rows written earlier in this
        # transaction (the demo's, when a test holds it open) have their keys checked now
        # rather than at the commit. All of the schema's deferrable constraints are initially
        # deferred, so the second statement puts back the state the transaction began with.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, "
            "pg_get_indexdef(i.indexrelid), am.amname = 'btree' "
            "FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique "
            # Partial indexes stay: their condition as PostgreSQL prints it reads back the same
            # in meaning but not in form (the catalogue would differ from the migrations'),
            # and they take only some of the rows (the open items).
            "AND i.indpred IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY i.indrelid, i.indexrelid",
            [tables],
        )
        for table, name, definition, quick in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            (aside.quick if quick else aside.slow)[table].append(definition)
        cursor.execute(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), "
            "pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) "
            "ORDER BY c.conrelid, c.conname",
            [tables],
        )
        for table, name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            aside.quick[table].append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    return aside


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: Sequence[Any] | None = None
    data: str | None = None  # COPY … FROM STDIN's rows
    counted: str = ""  # the label of the model whose rows the statement writes, to count them


class Writer:
    """Runs statements in order in a thread of its own, on the seeding's connection, while the
    seeder goes on (see the module docstring). A context manager: on leaving it with an error
    the statement under way is cancelled and the rest dropped; otherwise it waits for them all
    (``finish``, which may be called before)."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self._connection = connection.connection  # psycopg2's, shared with the seeder
        self._lock = threading.Lock()
        # Enough to keep PostgreSQL busy while the seeder makes more, little enough to hold.
        self._statements: queue.Queue[_Statement | None] = queue.Queue(maxsize=64)
        self._thread = threading.Thread(target=self._work, name="seed_scale writer", daemon=True)
        self._failure: BaseException | None = None
        self._stopping = False
        self.counted: Counter[str] = Counter()  # rows by model label, of counted statements
        self._seeder_waiting = False
        self._wrapping = connection.execute_wrapper(self._one_at_a_time)

    def __enter__(self) -> Writer:
        self._wrapping.__enter__()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            try:
                self.finish()
            finally:
                self._wrapping.__exit__(None, None, None)
            return
        try:
            if self._thread.is_alive():
                self._stopping = True
                self._connection.cancel()  # the statement under way, if there is one
                self._statements.put(None)
                self._thread.join()
        finally:
            self._wrapping.__exit__(exc_type, exc, traceback)
        failure = self._failure
        if exc is not None and failure is not None and exc.__cause__ is not failure:
            # The seeder's error came of the writer's (its statements then find the transaction
            # aborted): name the first.
            raise ScaleDataError(f"Writing the scale failed: {failure}") from failure

    def execute(self, sql: str, params: Sequence[Any] | None = None, *, counted: str = "") -> None:
        self._put(_Statement(sql, params, counted=counted))

    def copy(self, sql: str, data: str) -> None:
        self._put(_Statement(sql, data=data))

    def copy_now(self, sql: str, data: str) -> None:
        """COPY in the seeder's own thread, for rows that must be there when it returns (the
        statement under way in the writer's goes first)."""
        self._raise_failure()
        self._seeder_waiting = True
        with self._lock:
            self._seeder_waiting = False
            with self._connection.cursor() as cursor:
                cursor.copy_expert(sql, io.StringIO(data), size=len(data) + 1)

    def finish(self) -> None:
        """Wait for every statement; raise the error of the first that failed."""
        if self._thread.is_alive():
            self._statements.put(None)
            self._thread.join()
        self._raise_failure()

    def _put(self, statement: _Statement) -> None:
        self._raise_failure()
        if not self._thread.is_alive():
            raise ScaleDataError("The writer is not running: it sends no more statements.")
        self._statements.put(statement)

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise ScaleDataError(f"Writing the scale failed: {self._failure}") from self._failure

    def _one_at_a_time(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        self._seeder_waiting = True
        with self._lock:
            self._seeder_waiting = False
            return execute(sql, params, many, context)

    def _work(self) -> None:
        cursor = self._connection.cursor()
        while (statement := self._statements.get()) is not None:
            if self._failure is not None or self._stopping:
                continue  # after a failure, or the seeder's, the queue is only emptied
            try:
                while self._seeder_waiting:
                    # The seeder's query goes first: it is one, and the seeder waits for it.
                    time.sleep(0.001)
                with self._lock:
                    if statement.data is None:
                        cursor.execute(statement.sql, statement.params)
                    else:
                        cursor.copy_expert(
                            # In one read, not psycopg2's 8 kB ones: each read waits for the
                            # GIL, which the seeder's thread holds for 5 ms at a time.
                            statement.sql,
                            io.StringIO(statement.data),
                            size=len(statement.data) + 1,
                        )
                if statement.counted:
                    self.counted[statement.counted] += cursor.rowcount
            except BaseException as error:  # handed to the seeder's thread
                if not self._stopping:  # not the cancel of the seeder's failure
                    self._failure = error
        cursor.close()
