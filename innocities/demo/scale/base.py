"""What every phase of the seeder builds on: its state, its writing, its people."""

from __future__ import annotations

import datetime as dt
import functools
import json as jsonlib
import random
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.utils import timezone

from clusters.models import Cluster, Meeting, Need
from innocities.accounts.models import User
from innocities.demo.scale.bulk import SetAside, Writer
from innocities.demo.scale.copying import MilestoneRow, TaskRow, _copy_text
from innocities.demo.scale.sizes import BATCH, DOMAIN, STOCKHOLM, ScaleDataError, ScaleResult, Size
from innocities.demo.scale.text import ASCII, NO_FIRST, NO_LAST, SV_FIRST, SV_LAST
from municipalities.models import Country, Municipality, Organisation
from programs.workdays import next_working_day


def _json_columns(fields: list[models.Field]) -> list[tuple[int, Any]]:
    """(place, encoder) of the JSON columns among ``fields``."""
    return [(i, f.encoder) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]


def _instance_values(
    names: list[str], json_columns: list[tuple[int, Any]], obj: models.Model
) -> list[Any]:
    values = [getattr(obj, name) for name in names]
    for i, encoder in json_columns:
        if values[i] is not None:
            values[i] = jsonlib.dumps(values[i], cls=encoder)
    return values


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} {n}"
    taken.add(candidate)
    return candidate


@functools.cache
def _workday(day: dt.date, country: str) -> dt.date:
    return next_working_day(day, country)


def _at(
    day: dt.date, hour: int, minute: int = 0, zone: zoneinfo.ZoneInfo = STOCKHOLM
) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


@dataclass
class _Programme:
    """What the later phases need to know of a programme, kept light."""

    pk: int
    title: str
    municipality_id: int
    country: str
    status: str
    starts_on: dt.date
    horizon: dt.date | None  # the last day it was run (today, its end, its cancellation)
    coordinators: list[int]
    manager: int
    pilot_module: int | None = None


class SeederBase:
    """The state the phases share and the ways they write: ``ScaleSeeder`` (seeder.py) combines
    the phases, each a subclass of this one."""

    def __init__(
        self, *, scale: float, seed: int, result: ScaleResult, writer: Writer, aside: SetAside
    ) -> None:
        self.rng = random.Random(seed)
        self.writer = writer  # the COPYs and other statements whose answer is not needed
        self.aside = aside  # the large tables' keys and indexes, to be made again
        self.scale = scale
        self.result = result
        self.created = result.created
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.password = make_password(None)  # unusable: the scale's people never log in
        self.person_number = 0
        self.users: list[User] = []
        self.size = Size(0, 0, 0, 0, 0)
        self.municipalities: list[Municipality] = []
        self.clusters: list[Cluster] = []
        self.cluster_of: dict[int, Cluster] = {}  # municipality id -> its open cluster
        self.coordinators: dict[int, list[int]] = defaultdict(list)  # municipality -> users
        self.viewers: dict[int, list[int]] = defaultdict(list)
        self.managers: dict[int, list[int]] = defaultdict(list)  # cluster -> current managers
        self.cluster_people: dict[int, list[int]] = defaultdict(list)  # current roster
        self.partners: dict[int, list[Organisation]] = defaultdict(list)  # cluster -> partners
        self.needs: dict[int, Need] = {}  # municipality -> its need
        self.programmes: list[_Programme] = []
        self.tasks: list[TaskRow] = []
        self.milestones: list[MilestoneRow] = []
        self.late_updates: list[tuple[int, dt.date]] = []  # (programme, the 25th it was late)
        self.meetings: list[tuple[Meeting, list[tuple[int, str]]]] = []
        self.admin_id = (
            User.objects.filter(email="admin@demo.innocities.se")
            .values_list("pk", flat=True)
            .first()
        )

    # --- writing -------------------------------------------------------------------------

    def _insert(self, model: type[models.Model], objs: list[Any]) -> list[Any]:
        """Write ``objs``, model instances, and give them their ids, as ``bulk_create`` would
        (its ``auto_now`` stamps included), but by COPY: ``bulk_create``'s preparation of each
        field in Python took longer than the database's work (2 of the results' 7 s at
        ``--scale 1.0``). Unlike ``_copy``, the rows are written when this returns."""
        if not objs:
            return objs
        stamped = [
            f
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        for obj, pk in zip(objs, self._reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
            for f in stamped:
                f.pre_save(obj, True)
        sql, texts = self._copy_texts(model, objs)
        for text in texts:
            self.writer.copy_now(sql, text)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias
        self.created[model._meta.label] += len(objs)
        return objs

    def _copy(self, model: type[models.Model], rows: Sequence[Any]) -> None:
        """Write ``rows`` with PostgreSQL's COPY, ``BATCH`` at a time: model instances, or
        named tuples of the model's columns (``TaskRow``).

        For the tables of tens of thousands of rows and more, where ``bulk_create``'s
        preparation of every field in Python costs several times what the database does.
        Rows carry every value (ids too, when ``_reserve_ids`` gave them); nothing is read
        back. The writer sends them (bulk.py): this returns when the text is made.
        """
        if not rows:
            return
        sql, texts = self._copy_texts(model, rows)
        for text in texts:
            self.writer.copy(sql, text)
        self.created[model._meta.label] += len(rows)

    def _copy_texts(
        self, model: type[models.Model], rows: Sequence[Any]
    ) -> tuple[str, Iterator[str]]:
        """The COPY statement for ``rows`` and its data in COPY's text format, ``BATCH`` rows at
        a time."""
        first = rows[0]
        concrete = model._meta.concrete_fields
        if isinstance(first, tuple):
            names = list(first._fields)
            # Every column in the model's order; only the id may be left to the database.
            if names != [f.attname for f in concrete if not f.primary_key or f.attname in names]:
                raise ScaleDataError(
                    f"{type(first).__name__} does not name {model._meta.label}'s columns."
                )
            values = None  # the tuples are the values
        else:
            fields = [f for f in concrete if not (f.primary_key and first.pk is None)]
            names = [f.attname for f in fields]
            values = functools.partial(_instance_values, names, _json_columns(fields))
        column = {f.attname: f.column for f in concrete}
        qn = connection.ops.quote_name
        sql = (
            f"COPY {qn(model._meta.db_table)} ({', '.join(qn(column[n]) for n in names)}) "
            "FROM STDIN"
        )

        def texts() -> Iterator[str]:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                lines = [
                    "\t".join(map(_copy_text, row))
                    for row in (batch if values is None else map(values, batch))
                ]
                lines.append("")  # the last line's end
                yield "\n".join(lines)

        return sql, texts()

    def _reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        """Ids from the table's own sequence, for rows that later rows point to and that
        ``_copy`` writes (COPY gives no ids back)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],  # type: ignore[union-attr]
            )
            return [pk for (pk,) in cursor.fetchall()]

    def _records(
        self,
        model: type[models.Model],
        changes: Iterable[tuple[Any, dt.datetime, int | None, str, dict[str, Any]]],
    ) -> None:
        """simple-history records for ``changes``: (object, when, who, "+" or "~", the values
        the object had then, where they differ from now)."""
        history = model.history.model  # type: ignore[attr-defined]
        rows = []
        for obj, when, who, kind, then in changes:
            values = {f.attname: getattr(obj, f.attname) for f in history.tracked_fields}
            values.update(then)
            rows.append(
                history(
                    history_date=when,
                    history_user_id=who,
                    history_type=kind,
                    history_change_reason="",
                    **values,
                )
            )
        self._insert(history, rows)

    def _person(self, country: str) -> User:
        norwegian = country == Country.NORWAY
        first = self.rng.choice(NO_FIRST if norwegian else SV_FIRST)
        last = self.rng.choice(NO_LAST if norwegian else SV_LAST)
        self.person_number += 1
        email = f"{first}.{last}.{self.person_number}@{DOMAIN}".lower().translate(ASCII)
        user = User(
            email=email,
            full_name=f"{first} {last}",
            language="nb" if norwegian else "sv",
            time_zone="Europe/Oslo" if norwegian else "Europe/Stockholm",
            password=self.password,
        )
        self.users.append(user)
        return user

    def _days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))
