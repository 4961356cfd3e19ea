"""Phase 2 of the scale: programmes, modules, tasks, milestones, updates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from innocities.demo.partnership import GREEN_TWO_YEARS, STARTER_YEAR, THREE_YEARS, month_start
from innocities.demo.scale.base import SeederBase, _at, _Programme, _workday
from innocities.demo.scale.copying import (
    MilestoneRow,
    ProgressUpdateRow,
    TaskOrganisationRow,
    TaskRow,
)
from innocities.demo.scale.sizes import (
    BATCH,
    HELIX_MODULES,
    MILESTONES_PER_PROGRAMME,
    OSLO,
    STOCKHOLM,
    TASKS_PER_PROGRAMME,
    ScaleDataError,
)
from innocities.demo.scale.text import (
    ACHIEVED,
    BLOCKERS,
    GOALS,
    NEXT_STEPS,
    OVERRIDE_REASONS,
    STEPS,
)
from municipalities.models import Country, Municipality
from programs.models import (
    ActivityKind,
    ItemStatus,
    Milestone,
    Program,
    ProgramModule,
    ProgramStatus,
    ProgramTemplate,
    ProgressStatus,
    ProgressUpdate,
    Task,
)

_DAYS = [dt.timedelta(days=n) for n in range(6)]


# This phase's large tables, loaded with their keys and plain indexes set aside (bulk.py).
PROGRAMME_TABLES: tuple[type[models.Model], ...] = (
    Task,
    Task.history.model,
    Task.organisations.through,
    Milestone,
    Milestone.history.model,
    ProgressUpdate,
)


@dataclass(frozen=True)
class _Activity:
    title: str
    offset_days: int
    duration_days: int


@dataclass(frozen=True)
class _ModulePlan:
    template_id: int
    title: str
    code: str
    position: int
    offset_days: int
    duration_days: int
    tasks: tuple[_Activity, ...]
    milestones: tuple[_Activity, ...]


@dataclass(frozen=True)
class _Plan:
    template: ProgramTemplate
    months: int
    modules: tuple[_ModulePlan, ...]


class ProgrammesPhase(SeederBase):
    """Phase 2: programmes, modules, tasks, milestones, updates."""

    def _plans(self) -> dict[str, _Plan]:
        wanted = (THREE_YEARS, STARTER_YEAR, GREEN_TWO_YEARS)
        templates = {
            t.name_en: t
            for t in ProgramTemplate.objects.filter(name_en__in=wanted).prefetch_related(
                "template_modules__module__activities"
            )
        }
        missing = [name for name in wanted if name not in templates]
        if missing:
            raise ScaleDataError(
                f"The module library lacks {', '.join(missing)}: run manage.py load_module_library."
            )
        plans = {}
        for name, template in templates.items():
            modules = []
            for tm in template.template_modules.all():
                activities = sorted(tm.module.activities.all(), key=lambda a: (a.offset_days, a.pk))
                modules.append(
                    _ModulePlan(
                        template_id=tm.module.pk,
                        title=tm.module.name_sv or tm.module.name,
                        code=tm.module.code,
                        position=tm.position,
                        offset_days=tm.offset_days,
                        duration_days=tm.module.duration_days,
                        tasks=tuple(
                            _Activity(a.title_sv or a.title, a.offset_days, a.duration_days)
                            for a in activities
                            if a.kind == ActivityKind.TASK
                        ),
                        milestones=tuple(
                            _Activity(a.title_sv or a.title, a.offset_days, 0)
                            for a in activities
                            if a.kind == ActivityKind.MILESTONE
                        ),
                    )
                )
            plans[name] = _Plan(template, template.duration_months, tuple(modules))
        return plans

    def _programme_kind(self, slot: int) -> tuple[str, str, int]:
        """A municipality's programme number ``slot``: (template, status, how many months ago
        it started; negative: it starts ahead). The first runs, the second is an earlier
        starter year, the third a green transition, any more a recent three-year one."""
        rng = self.rng
        if slot == 0:
            months = rng.randint(12, 34)
            status = rng.choices(
                (ProgramStatus.ACTIVE, ProgramStatus.PAUSED, ProgramStatus.CANCELLED), (85, 8, 7)
            )[0]
            return THREE_YEARS, status, months
        if slot == 1:
            months = rng.randint(24, 36)
            status = ProgramStatus.COMPLETED if rng.random() < 0.9 else ProgramStatus.CANCELLED
            return STARTER_YEAR, status, months
        name, months = (
            (GREEN_TWO_YEARS, rng.randint(-2, 24))
            if slot == 2
            else (THREE_YEARS, rng.randint(-2, 12))
        )
        return name, ProgramStatus.DRAFT if months < 1 else ProgramStatus.ACTIVE, months

    def programmes_and_items(self) -> None:
        plans = self._plans()
        municipalities = list(self.municipalities)
        per = [self.size.programmes // len(municipalities)] * len(municipalities)
        for index in self.rng.sample(
            range(len(municipalities)), self.size.programmes % len(municipalities)
        ):
            per[index] += 1
        programmes: list[Program] = []
        kinds: list[tuple[_Plan, Municipality, dt.date | None]] = []
        labels = {
            THREE_YEARS: "innovationsprogram",
            STARTER_YEAR: "startår",
            GREEN_TWO_YEARS: "grön omställning",
        }
        for municipality, count in zip(municipalities, per, strict=True):
            for slot in range(count):
                name, status, months = self._programme_kind(slot)
                plan = plans[name]
                starts_on = month_start(self.today, -months)
                ends_on = month_start(starts_on, plan.months) - dt.timedelta(days=1)
                if status == ProgramStatus.COMPLETED and ends_on >= self.today:
                    status = ProgramStatus.ACTIVE
                horizon: dt.date | None
                if status == ProgramStatus.DRAFT:
                    horizon = None
                elif status == ProgramStatus.COMPLETED:
                    horizon = ends_on
                elif status == ProgramStatus.CANCELLED:
                    run = (min(ends_on, self.today) - starts_on).days
                    horizon = starts_on + dt.timedelta(
                        days=max(30, run * self.rng.randint(30, 80) // 100)
                    )
                    horizon = min(horizon, self.today)
                else:
                    horizon = self.today
                years = (
                    str(starts_on.year)
                    if starts_on.year == ends_on.year
                    else f"{starts_on.year}–{ends_on.year}"
                )
                programmes.append(
                    Program(
                        municipality=municipality,
                        cluster=self.cluster_of[municipality.pk],
                        template=plan.template,
                        title=f"{municipality.name} – {labels[name]} {years}",
                        starts_on=starts_on,
                        ends_on=ends_on,
                        status=status,
                        goals=self.rng.choice(GOALS),
                        created_at=min(_at(starts_on - dt.timedelta(days=21), 9), self.now),
                    )
                )
                kinds.append((plan, municipality, horizon))
        self._insert(Program, programmes)
        through = Program.coordinators.through
        self._insert(
            through,
            [
                through(program_id=p.pk, user_id=user_id)
                for p in programmes
                for user_id in self.coordinators[p.municipality_id]
            ],
        )
        modules = self._modules(programmes, kinds)
        self._items(programmes, kinds, modules)
        self._progress_updates()
        self._item_history(
            Task, {"status": "'todo'", "percent": "0", "completed_on": "NULL", "owner_id": "NULL"}
        )
        self._item_history(
            Milestone, {"status": "'todo'", "completed_on": "NULL", "owner_id": "NULL"}
        )
        # This phase's tables are written: their indexes and keys are made while the next
        # phases work; the trigram indexes wait for the outbox's stretch of Python (bulk.py).
        self.aside.restore(self.writer, *PROGRAMME_TABLES, slow=False)

    def _modules(
        self, programmes: list[Program], kinds: list[tuple[_Plan, Municipality, dt.date | None]]
    ) -> dict[int, list[tuple[_ModulePlan, ProgramModule]]]:
        rows: list[ProgramModule] = []
        pairs: dict[int, list[tuple[_ModulePlan, ProgramModule]]] = defaultdict(list)
        for program, (plan, municipality, _horizon) in zip(programmes, kinds, strict=True):
            for spec in plan.modules:
                starts_on = _workday(
                    program.starts_on + dt.timedelta(days=spec.offset_days), municipality.country
                )
                module = ProgramModule(
                    program=program,
                    module_template_id=spec.template_id,
                    title=spec.title,
                    position=spec.position,
                    starts_on=starts_on,
                    ends_on=starts_on + dt.timedelta(days=spec.duration_days),
                )
                rows.append(module)
                pairs[program.pk].append((spec, module))
        self._insert(ProgramModule, rows)
        return pairs

    def _state(
        self, starts: dt.date | None, due: dt.date, program_status: str, horizon: dt.date | None
    ) -> tuple[str, int, dt.date | None]:
        """(status, percent, completed on) of an item as its programme has come."""
        rng = self.rng
        if horizon is None:
            return ItemStatus.TODO, 0, None
        if program_status == ProgramStatus.COMPLETED:
            if rng.random() < 0.03:
                return ItemStatus.CANCELLED, 0, None
            return ItemStatus.DONE, 100, self._completed_on(starts, due, horizon)
        if due < horizon:
            chance = rng.random()
            if chance < 0.86:
                return ItemStatus.DONE, 100, self._completed_on(starts, due, horizon)
            if chance < 0.88:
                return ItemStatus.CANCELLED, 0, None
            if chance < 0.95:
                return ItemStatus.IN_PROGRESS, rng.randrange(30, 100, 10), None
            if chance < 0.97:
                return ItemStatus.BLOCKED, rng.randrange(20, 70, 10), None
            return ItemStatus.TODO, 0, None
        if starts is not None and starts <= horizon and rng.random() < 0.7:
            length = max((due - starts).days, 1)
            percent = min(max(round((horizon - starts).days / length * 10) * 10, 10), 90)
            return ItemStatus.IN_PROGRESS, percent, None
        return ItemStatus.TODO, 0, None

    def _completed_on(self, starts: dt.date | None, due: dt.date, horizon: dt.date) -> dt.date:
        # 0 to 5 days early; random() rather than randint(), whose checks cost more than the
        # rest of this, for each of a couple of hundred thousand items.
        day = due - _DAYS[int(self.rng.random() * 6)]
        return min(max(day, starts or day), horizon, self.today)

    def _items(
        self,
        programmes: list[Program],
        kinds: list[tuple[_Plan, Municipality, dt.date | None]],
        modules: dict[int, list[tuple[_ModulePlan, ProgramModule]]],
    ) -> None:
        # Every programme gets TASKS_PER_PROGRAMME tasks: their ids in one query, not per batch.
        task_ids = iter(self._reserve_ids(Task, len(programmes) * TASKS_PER_PROGRAMME))
        tasks: list[TaskRow] = []
        sent = 0  # tasks handed to the writer, which copies them while the rest are made
        milestones: list[MilestoneRow] = []
        organised: list[TaskOrganisationRow] = []
        for program, (_plan, municipality, horizon) in zip(programmes, kinds, strict=True):
            cluster = self.cluster_of[municipality.pk]
            coordinators = self.coordinators[municipality.pk]
            pilot = next(
                (
                    m.pk
                    for spec, m in modules[program.pk]
                    if spec.code == "pilots-idea-to-operation"
                ),
                None,
            )
            self.programmes.append(
                _Programme(
                    pk=program.pk,
                    title=program.title,
                    municipality_id=municipality.pk,
                    country=municipality.country,
                    status=program.status,
                    starts_on=program.starts_on,
                    horizon=horizon,
                    coordinators=coordinators,
                    manager=self.managers[cluster.pk][0],
                    pilot_module=pilot,
                )
            )
            partners = [o.pk for o in self.partners[cluster.pk]]
            for task, code in self._tasks(
                program, modules[program.pk], municipality.country, horizon, coordinators, task_ids
            ):
                # Partners take part in the helix and pilot modules' tasks.
                if partners and code in HELIX_MODULES and self.rng.random() < 0.3:
                    partner = self.rng.choice(partners)
                    organised.append(TaskOrganisationRow(task.id, partner))  # type: ignore[arg-type]
                tasks.append(task)
            milestones.extend(
                self._milestones(
                    program, modules[program.pk], municipality.country, horizon, coordinators
                )
            )
            if len(tasks) - sent >= BATCH:
                self._copy(Task, tasks[sent:])
                sent = len(tasks)
        if next(task_ids, None) is not None:
            raise ScaleDataError(f"A programme got fewer than {TASKS_PER_PROGRAMME} tasks.")
        self._copy(Task, tasks[sent:])
        self._copy(Task.organisations.through, organised)
        self.tasks = tasks
        ids = self._reserve_ids(Milestone, len(milestones))
        self.milestones = [m._replace(id=pk) for m, pk in zip(milestones, ids, strict=True)]
        self._copy(Milestone, self.milestones)

    def _owner(self, status: str, coordinators: list[int]) -> int | None:
        chance = 0.8 if status != ItemStatus.TODO else 0.25
        return self.rng.choice(coordinators) if self.rng.random() < chance else None

    def _tasks(
        self,
        program: Program,
        modules: list[tuple[_ModulePlan, ProgramModule]],
        country: str,
        horizon: dt.date | None,
        coordinators: list[int],
        ids: Iterator[int],
    ) -> Iterator[tuple[TaskRow, str]]:
        """The library's tasks of each module, split into parts (preparation, the work, its
        follow-up, …) until the programme has ``TASKS_PER_PROGRAMME``; each with its module's
        code."""
        activities = [(spec, module, a) for spec, module in modules for a in spec.tasks]
        parts = -(-TASKS_PER_PROGRAMME // len(activities))
        made = 0
        for part in range(parts):
            for spec, module, activity in activities:
                if made == TASKS_PER_PROGRAMME:
                    return
                begins = module.starts_on + dt.timedelta(days=activity.offset_days)
                starts_on = _workday(
                    begins + dt.timedelta(days=activity.duration_days * part // parts), country
                )
                due_on = _workday(
                    begins + dt.timedelta(days=activity.duration_days * (part + 1) // parts),
                    country,
                )
                due_on = max(due_on, starts_on)
                status, percent, completed_on = self._state(
                    starts_on, due_on, program.status, horizon
                )
                task = TaskRow(
                    id=next(ids),
                    program_id=program.pk,
                    module_id=module.pk,
                    title=activity.title
                    if part == 0
                    else f"{activity.title} – {STEPS[part % len(STEPS)]}",
                    description="",
                    owner_id=self._owner(status, coordinators),
                    starts_on=starts_on,
                    due_on=due_on,
                    status=status,
                    percent=percent,
                    completed_on=completed_on,
                )
                made += 1
                yield task, spec.code

    def _milestones(
        self,
        program: Program,
        modules: list[tuple[_ModulePlan, ProgramModule]],
        country: str,
        horizon: dt.date | None,
        coordinators: list[int],
    ) -> Iterator[MilestoneRow]:
        every = sorted(
            (
                (module.starts_on + dt.timedelta(days=m.offset_days), m.title, module)
                for spec, module in modules
                for m in spec.milestones
            ),
            key=lambda item: (item[0], item[1]),
        )
        step = max(len(every) / MILESTONES_PER_PROGRAMME, 1)
        picked = [every[int(i * step)] for i in range(min(MILESTONES_PER_PROGRAMME, len(every)))]
        for day, title, module in picked:
            due_on = _workday(day, country)
            status, _percent, completed_on = self._state(None, due_on, program.status, horizon)
            yield MilestoneRow(
                id=None,
                program_id=program.pk,
                module_id=module.pk,
                title=title,
                description="",
                due_on=due_on,
                status=status,
                owner_id=self._owner(status, coordinators),
                completed_on=completed_on,
            )

    def _progress_updates(self) -> None:
        """Monthly, from the month it started (the update is due on the 25th of each month the
        programme runs) to its last day."""
        rng = self.rng
        rows: list[ProgressUpdateRow] = []
        for programme in self.programmes:
            if programme.horizon is None:
                continue
            months = (programme.horizon.year - programme.starts_on.year) * 12 + (
                programme.horizon.month - programme.starts_on.month
            )
            zone = OSLO if programme.country == Country.NORWAY else STOCKHOLM
            author = programme.coordinators[0]
            for month in range(months + 1):
                first = month_start(programme.starts_on, month)
                day = first + dt.timedelta(days=rng.randint(14, 27))
                written = _at(day, rng.randint(9, 16), rng.randint(0, 59), zone)
                if day > programme.horizon or written > self.now:
                    break
                if day.day > 25:
                    self.late_updates.append((programme.pk, first.replace(day=25)))
                status = rng.choices(
                    (ProgressStatus.ON_TRACK, ProgressStatus.AT_RISK, ProgressStatus.OFF_TRACK),
                    (80, 15, 5),
                )[0]
                proposed = status
                if rng.random() < 0.1:  # the coordinator judged otherwise than the portal
                    proposed = rng.choice([s for s in ProgressStatus.values if s != status])
                rows.append(
                    ProgressUpdateRow(
                        program_id=programme.pk,
                        author_id=author,
                        created_at=written,
                        status=status,
                        proposed_status=proposed,
                        override_reason=rng.choice(OVERRIDE_REASONS) if proposed != status else "",
                        achieved=rng.choice(ACHIEVED),
                        next_steps=rng.choice(NEXT_STEPS),
                        blockers=rng.choice(BLOCKERS) if status != ProgressStatus.ON_TRACK else "",
                        percent_done=min(
                            100, round(100 * month / max(months, 1) * rng.uniform(0.7, 1.0))
                        ),
                    )
                )
        self._copy(ProgressUpdate, rows)

    def _item_history(
        self, model: type[Task] | type[Milestone], as_laid_out: dict[str, str]
    ) -> None:
        """The items' history in two statements: each item as the manager laid it out ("+",
        when the programme was created), and for every item worked on since, its present
        state ("~", by its owner or else a coordinator, on the day it was done or started)."""
        history = model.history.model  # type: ignore[attr-defined]
        qn = connection.ops.quote_name
        columns = [f.column for f in history.tracked_fields]
        programmes = ", ".join(["(%s, %s, %s)"] * len(self.programmes))
        laid_out_by = [
            value for p in self.programmes for value in (p.pk, p.manager, p.coordinators[0])
        ]
        starts = "COALESCE(t.starts_on, t.due_on - 14)" if model is Task else "(t.due_on - 14)"
        for kind, when, who, where in (
            ("+", "p.created_at", "lo.manager_id", "TRUE"),
            (
                "~",
                "CASE WHEN t.completed_on IS NOT NULL "
                "THEN (t.completed_on + TIME '15:00') AT TIME ZONE 'Europe/Stockholm' "
                f"ELSE (GREATEST(LEAST({starts}, %s::date), p.created_at::date + 1) + TIME '10:00') "
                "AT TIME ZONE 'Europe/Stockholm' END",
                "COALESCE(t.owner_id, lo.coordinator_id)",
                "(t.status <> 'todo' OR t.owner_id IS NOT NULL)",
            ),
        ):
            selected = ", ".join(
                as_laid_out[c] if kind == "+" and c in as_laid_out else f"t.{qn(c)}"
                for c in columns
            )
            sql = (
                f"WITH lo (program_id, manager_id, coordinator_id) AS (VALUES {programmes}) "
                f"INSERT INTO {qn(history._meta.db_table)} "
                f"({', '.join(qn(c) for c in columns)}, history_date, history_type, history_user_id, "
                "history_change_reason) "
                f"SELECT {selected}, {when}, %s, {who}, '' "
                f"FROM {qn(model._meta.db_table)} t "
                "JOIN lo ON lo.program_id = t.program_id "
                "JOIN programs_program p ON p.id = t.program_id "
                f"WHERE {where}"
            )
            params: list[Any] = list(laid_out_by)
            if kind == "~":
                params.append(self.today)
            params.append(kind)
            # After the items' COPY, by the writer that sends it (bulk.py), which counts the rows.
            self.writer.execute(sql, params, counted=history._meta.label)
