"""Phase 4 of the scale: initiatives, decisions, indicators, benefits, lessons."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchVector

from clusters.models import Cluster, normalise_theme
from innocities.demo.partnership import month_start
from innocities.demo.scale.base import SeederBase, _at
from innocities.demo.scale.sizes import INDICATORS_PER_PROGRAMME, INITIATIVES_PER_MUNICIPALITY
from innocities.demo.scale.text import (
    ASSUMPTIONS,
    BENEFITS,
    INDICATORS,
    INITIATIVES,
    LESSONS,
    PARTNER_ROLES,
    RATIONALES,
    SV_FIRST,
    SV_LAST,
)
from municipalities.models import Municipality
from programs.benefits.models import Benefit, BenefitFollowUp, Judgement
from programs.indicators.models import Direction, Frequency, Indicator, IndicatorValue
from programs.initiatives.models import (
    STAGES,
    Assumption,
    Body,
    Decision,
    Effort,
    GateCriterion,
    GateDecision,
    Initiative,
    InitiativePartner,
    Outcome,
    PortfolioTarget,
    Stage,
    State,
)
from programs.lessons.models import SEARCH_CONFIGS, Lesson, Visibility
from programs.models import ProgramStatus


class ResultsPhase(SeederBase):
    """Phase 4: initiatives, decisions, indicators, benefits, lessons."""

    def initiatives_and_results(self) -> None:
        initiatives, walks = self._initiatives()
        decisions = self._gate_decisions(initiatives, walks)
        self._initiative_details(initiatives)
        self._indicators()
        self._benefits(initiatives)
        self._lessons(initiatives, decisions)
        having = set(PortfolioTarget.objects.values_list("municipality_id", flat=True))
        targets = [
            PortfolioTarget(municipality=m, innovation_percent=self.rng.randrange(30, 75, 5))
            for m in self.municipalities
            if self.rng.random() < 0.3 and m.pk not in having  # the demo sets a few
        ]
        self._insert(PortfolioTarget, targets)

    def _walk(self) -> tuple[dt.date, list[tuple[str, str, str, dt.date]], str, str, dt.date]:
        """An initiative's way so far: (started on, its decisions as (decision, from, to, on),
        stage, state, in the stage since)."""
        rng = self.rng
        target = rng.choices(STAGES, (10, 25, 20, 20, 15, 10))[0]
        first = Stage.NEED if rng.random() < 0.3 else Stage.IDEA
        if STAGES.index(target) < STAGES.index(first):
            first = target
        steps = STAGES[STAGES.index(first) : STAGES.index(target) + 1]
        state = State.ACTIVE
        if target != Stage.OPERATION:
            state = rng.choices((State.ACTIVE, State.PARKED, State.STOPPED), (80, 10, 10))[0]
        gaps = [rng.randint(45, 120) for _ in range(len(steps) - 1 + (state != State.ACTIVE))]
        started = self.today - dt.timedelta(days=sum(gaps) + rng.randint(5, 60))
        day, stage, since = started, first, started
        decisions = []
        for gap, to_stage in zip(gaps, steps[1:], strict=False):
            day += dt.timedelta(days=gap)
            decision = Decision.GO_WITH_CONDITIONS if rng.random() < 0.25 else Decision.GO
            decisions.append((decision, stage, to_stage, day))
            stage, since = to_stage, day
        if state != State.ACTIVE:
            day += dt.timedelta(days=gaps[-1])
            decision = Decision.HOLD if state == State.PARKED else Decision.STOP
            decisions.append((decision, stage, STAGES[STAGES.index(stage) + 1], day))
        return started, decisions, stage, state, since

    def _initiatives(self) -> tuple[list[Initiative], list[tuple[dt.date, list[Any]]]]:
        rng = self.rng
        pilots = {}
        for programme in self.programmes:
            if programme.status == ProgramStatus.ACTIVE and programme.pilot_module:
                pilots.setdefault(programme.municipality_id, programme.pilot_module)
        owners: list[tuple[Municipality | None, Cluster | None]] = [
            (m, None) for m in self.municipalities for _ in range(INITIATIVES_PER_MUNICIPALITY)
        ]
        owners += [(None, c) for c in self.clusters]
        initiatives: list[Initiative] = []
        walks = []
        for municipality, cluster in owners:
            started, decisions, stage, state, since = self._walk()
            title, facet = rng.choice(INITIATIVES)
            lead = (
                rng.choice(self.coordinators[municipality.pk])
                if municipality
                else self.managers[cluster.pk][0]  # type: ignore[union-attr]
            )
            cost = Decimal(rng.randrange(50_000, 2_000_000, 10_000))
            following = STAGES.index(stage) + 1 < len(STAGES)
            initiatives.append(
                Initiative(
                    municipality=municipality,
                    cluster=cluster,
                    title=title if municipality else f"Gemensamt: {title.lower()}",
                    description="Idén kom från medarbetarna och prövas tillsammans med partnerna.",
                    need=self.needs.get(municipality.pk)
                    if municipality and rng.random() < 0.6
                    else None,
                    lead_id=lead,
                    module_id=pilots.get(municipality.pk)
                    if municipality and rng.random() < 0.3
                    else None,
                    facet=facet,
                    stage=stage,
                    state=state,
                    stage_since=since,
                    next_gate_due_on=(
                        since + dt.timedelta(days=rng.randint(90, 300))
                        if state == State.ACTIVE and following
                        else None
                    ),
                    expected_benefits="Mer tid för kärnuppdraget och nöjdare invånare.",
                    estimated_cost_sek=cost,
                    risk="Leverantören kan försenas; användarna behöver tid att vänja sig.",
                    benefit_owner="Förvaltningschefen",
                    created_at=_at(started, 10),
                    created_by_id=lead,
                )
            )
            walks.append((started, decisions))
        self._insert(Initiative, initiatives)
        changes = []
        for initiative, (started, decisions) in zip(initiatives, walks, strict=True):
            first = decisions[0][1] if decisions else initiative.stage
            then = {
                "stage": first,
                "state": State.ACTIVE,
                "stage_since": started,
                "next_gate_due_on": None,
            }
            changes.append((initiative, initiative.created_at, initiative.lead_id, "+", dict(then)))
            for decision, _from, to_stage, day in decisions:
                if decision in (Decision.GO, Decision.GO_WITH_CONDITIONS):
                    then.update(stage=to_stage, stage_since=day)
                else:
                    then["state"] = State.PARKED if decision == Decision.HOLD else State.STOPPED
                changes.append((initiative, _at(day, 15, 1), initiative.lead_id, "~", dict(then)))
            changes[-1][4].clear()  # the last record is the initiative as it is now
        self._records(Initiative, changes)
        return initiatives, walks

    def _gate_decisions(
        self, initiatives: list[Initiative], walks: list[tuple[dt.date, list[Any]]]
    ) -> dict[int, GateDecision]:
        criteria: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for criterion in GateCriterion.objects.filter(is_active=True).order_by(
            "stage", "position", "pk"
        ):
            criteria[criterion.stage].append(
                {
                    "text_sv": criterion.text_sv,
                    "text_en": criterion.text_en,
                    "text_nb": criterion.text_nb,
                    "holds": True,
                    "judged": criterion.is_manual,
                }
            )
        rows: list[GateDecision] = []
        last: dict[int, GateDecision] = {}
        for initiative, (_started, decisions) in zip(initiatives, walks, strict=True):
            for decision, from_stage, to_stage, day in decisions:
                if initiative.cluster_id:
                    body = Body.CLUSTER
                elif to_stage in (Stage.IMPLEMENTATION, Stage.OPERATION):
                    body = Body.POLITICAL_COMMITTEE
                else:
                    body = Body.MANAGEMENT_GROUP
                gate = GateDecision(
                    initiative=initiative,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    decision=decision,
                    decided_by=f"{self.rng.choice(SV_FIRST)} {self.rng.choice(SV_LAST)}",
                    body=body,
                    decided_on=day,
                    rationale=RATIONALES[decision],
                    conditions=(
                        "Finansieringen säkras i nästa års budget innan arbetet går vidare."
                        if decision == Decision.GO_WITH_CONDITIONS
                        else ""
                    ),
                    criteria=criteria[to_stage],
                    expected_benefits=initiative.expected_benefits,
                    estimated_cost_sek=initiative.estimated_cost_sek,
                    risk=initiative.risk,
                    recorded_by_id=initiative.lead_id,
                    recorded_at=_at(day, 15),
                )
                rows.append(gate)
                last[initiative.pk] = gate
        self._insert(GateDecision, rows)
        self._records(GateDecision, ((g, g.recorded_at, g.recorded_by_id, "+", {}) for g in rows))
        return last

    def _initiative_details(self, initiatives: list[Initiative]) -> None:
        """Helix partners, assumptions and quarterly effort of the initiatives past the idea."""
        rng = self.rng
        partners: list[InitiativePartner] = []
        assumptions: list[Assumption] = []
        efforts: list[Effort] = []
        quarter = (self.today.year, (self.today.month - 1) // 3 + 1)
        quarters = []
        for _ in range(4):
            year, q = quarter
            quarter = (year, q - 1) if q > 1 else (year - 1, 4)
            quarters.append(quarter)
        for initiative in initiatives:
            step = STAGES.index(initiative.stage)
            if step < STAGES.index(Stage.CONCEPT):
                continue
            cluster = initiative.cluster or self.cluster_of[initiative.municipality_id]  # type: ignore[index]
            for organisation in rng.sample(
                self.partners[cluster.pk], min(2, len(self.partners[cluster.pk]))
            ):
                partners.append(
                    InitiativePartner(
                        initiative=initiative,
                        organisation=organisation,
                        role=rng.choice(PARTNER_ROLES),
                    )
                )
            (tested, tested_kind), (open_one, open_kind) = rng.sample(ASSUMPTIONS, 2)
            resolved_on = initiative.stage_since
            assumptions.append(
                Assumption(
                    initiative=initiative,
                    statement=tested,
                    kind=tested_kind,
                    impact=rng.randint(3, 5),
                    uncertainty=rng.randint(2, 5),
                    test_plan="Prövas med en liten grupp användare under en månad.",
                    test_by=resolved_on,
                    outcome=Outcome.VALIDATED if rng.random() < 0.7 else Outcome.INVALIDATED,
                    learning="Testet gav tydliga svar som vi tar med i nästa steg.",
                    resolved_on=resolved_on,
                    created_at=initiative.created_at,
                )
            )
            assumptions.append(
                Assumption(
                    initiative=initiative,
                    statement=open_one,
                    kind=open_kind,
                    impact=rng.randint(2, 5),
                    uncertainty=rng.randint(2, 5),
                    test_plan="Intervjuer med verksamheten och en enkät till användarna.",
                    test_by=self.today + dt.timedelta(days=rng.randint(-20, 120)),
                    created_at=_at(initiative.stage_since, 11),
                )
            )
            if initiative.state == State.ACTIVE:
                for year, q in quarters:
                    efforts.append(
                        Effort(
                            initiative=initiative,
                            year=year,
                            quarter=q,
                            hours=Decimal(rng.randrange(20, 400, 10)),
                            sek=Decimal(rng.randrange(10_000, 300_000, 5_000))
                            if rng.random() < 0.5
                            else None,
                        )
                    )
        self._insert(InitiativePartner, partners)
        self._insert(Assumption, assumptions)
        self._insert(Effort, efforts)

    def _indicators(self) -> None:
        rng = self.rng
        indicators: list[Indicator] = []
        series: list[tuple[Indicator, list[dt.date], int]] = []
        for programme in self.programmes:
            if programme.horizon is None:
                continue
            for spec in rng.sample(INDICATORS, INDICATORS_PER_PROGRAMME):
                indicator = self._indicator(
                    spec, programme.starts_on, programme.manager, program_id=programme.pk
                )
                indicators.append(indicator)
                series.append(
                    (
                        indicator,
                        self._quarters(programme.starts_on, programme.horizon),
                        programme.coordinators[0],
                    )
                )
        for cluster in self.clusters:
            indicator = self._indicator(
                rng.choice(INDICATORS),
                cluster.starts_on,
                self.managers[cluster.pk][0],
                cluster_id=cluster.pk,
            )
            indicators.append(indicator)
            series.append(
                (
                    indicator,
                    self._quarters(cluster.starts_on, self.today),
                    self.managers[cluster.pk][0],
                )
            )
        self._insert(Indicator, indicators)
        values = []
        for indicator, periods, author in series:
            span = indicator.target_value - indicator.baseline_value
            for index, period in enumerate(periods, start=1):
                share = (
                    Decimal(index) / Decimal(max(len(periods), 8)) * Decimal(rng.uniform(0.6, 1.1))
                )
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        period=period,
                        value=(indicator.baseline_value + span * share).quantize(Decimal("0.1")),
                        recorded_at=min(_at(period + dt.timedelta(days=100), 10), self.now),
                        recorded_by_id=author,
                    )
                )
        self._copy(IndicatorValue, values)
        self.aside.restore(self.writer, IndicatorValue)

    def _indicator(
        self, spec: tuple[str, str, str, int, int], starts_on: dt.date, author: int, **scope: int
    ) -> Indicator:
        name, unit, direction, baseline, target = spec
        return Indicator(
            name=name,
            unit=unit,
            frequency=Frequency.QUARTERLY,
            direction=direction,
            baseline_value=Decimal(baseline),
            baseline_period=str(starts_on.year - 1),
            target_value=Decimal(target),
            target_period=str(starts_on.year + 3),
            created_at=min(_at(starts_on, 11), self.now),
            created_by_id=author,
            **scope,
        )

    def _quarters(self, start: dt.date, until: dt.date) -> list[dt.date]:
        """The first days of the quarters from ``start``'s that ended before ``until``, at
        most the latest twelve."""
        period = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        periods = []
        while month_start(period, 3) <= until:
            periods.append(period)
            period = month_start(period, 3)
        return periods[-12:]

    def _benefits(self, initiatives: list[Initiative]) -> None:
        rng = self.rng
        benefits: list[Benefit] = []
        for initiative in initiatives:
            if STAGES.index(initiative.stage) < STAGES.index(Stage.PILOT):
                continue
            if initiative.municipality_id:
                owners = (
                    self.viewers[initiative.municipality_id]
                    + self.coordinators[initiative.municipality_id]
                )
            else:
                owners = self.managers[initiative.cluster_id]  # type: ignore[index]
            for title, kind, unit, higher, baseline, target in rng.sample(
                BENEFITS, rng.randint(1, 2)
            ):
                baseline_on = initiative.stage_since - dt.timedelta(days=30)
                ended = rng.random() < 0.05
                benefits.append(
                    Benefit(
                        initiative=initiative,
                        title=title,
                        kind=kind,
                        description="Mäts med verksamhetens egna uppgifter varje halvår.",
                        owner_id=rng.choice(owners),
                        unit=unit,
                        direction=Direction.HIGHER_IS_BETTER
                        if higher
                        else Direction.LOWER_IS_BETTER,
                        baseline_value=Decimal(baseline),
                        baseline_on=baseline_on,
                        target_value=Decimal(target),
                        target_on=baseline_on + dt.timedelta(days=rng.randint(365, 730)),
                        ended_on=self._days_ago(10, 100) if ended else None,
                        end_reason="Nyttan följs nu upp i verksamhetens ordinarie mått."
                        if ended
                        else "",
                        created_at=min(_at(baseline_on, 10), self.now),
                        created_by_id=initiative.lead_id,
                    )
                )
        self._insert(Benefit, benefits)
        followups = []
        for benefit in benefits:
            for k in range(1, 7):
                due = benefit.baseline_on + dt.timedelta(days=180 * k)  # type: ignore[operator]
                if due > benefit.target_on + dt.timedelta(days=180):
                    break
                if benefit.ended_on and due > benefit.ended_on:
                    break
                recorded = due < self.today - dt.timedelta(days=7) and rng.random() < 0.85
                followup = BenefitFollowUp(benefit=benefit, due_on=due)
                if recorded:
                    day = min(due + dt.timedelta(days=rng.randint(0, 14)), self.today)
                    share = (
                        Decimal(min(k * 180, 730)) / Decimal(730) * Decimal(rng.uniform(0.5, 1.1))
                    )
                    followup.recorded_on = day
                    followup.recorded_at = _at(day, 14)
                    followup.value = (
                        benefit.baseline_value
                        + (benefit.target_value - benefit.baseline_value) * share  # type: ignore[operator]
                    ).quantize(Decimal("0.1"))
                    followup.judgement = rng.choice(Judgement.values)
                    followup.comment = "Uppföljningen gjordes tillsammans med verksamheten."
                    followup.recorded_by_id = benefit.owner_id
                followups.append(followup)
        self._insert(BenefitFollowUp, followups)

    def _lessons(self, initiatives: list[Initiative], decisions: dict[int, GateDecision]) -> None:
        rng = self.rng
        lessons: list[Lesson] = []
        for initiative in initiatives:
            if (
                STAGES.index(initiative.stage) < STAGES.index(Stage.CONCEPT)
                and initiative.state != State.STOPPED
            ):
                continue
            gate = decisions.get(initiative.pk) if rng.random() < 0.5 else None
            written = gate.decided_on if gate else initiative.stage_since
            lessons.append(
                self._lesson(
                    initiative.municipality,
                    initiative.cluster,
                    initiative,
                    gate,
                    written,
                    initiative.lead_id,
                )
            )
        for municipality in self.municipalities:
            if rng.random() < 0.1:
                lessons.append(
                    self._lesson(
                        municipality,
                        None,
                        None,
                        None,
                        self._days_ago(10, 700),
                        self.coordinators[municipality.pk][0],
                    )
                )
        self._insert(Lesson, lessons)
        # What lesson_index does one lesson at a time, for all of them in one UPDATE.
        config = SEARCH_CONFIGS["sv"]
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons]).update(
            search_vector=SearchVector("title", config=config, weight="A")
            + SearchVector("theme", config=config, weight="B")
            + SearchVector("body", config=config, weight="C")
        )

    def _lesson(
        self,
        municipality: Municipality | None,
        cluster: Cluster | None,
        initiative: Initiative | None,
        gate: GateDecision | None,
        written: dt.date,
        author: int | None,
    ) -> Lesson:
        rng = self.rng
        title, body, theme = rng.choice(LESSONS)
        if municipality:
            visibility = rng.choices(Visibility.values, (10, 50, 40))[0]
        else:
            visibility = rng.choice((Visibility.CLUSTERS, Visibility.PARTNERSHIP))
        at = min(_at(written, 13), self.now)
        return Lesson(
            municipality=municipality,
            cluster=cluster,
            initiative=initiative,
            gate_decision=gate,
            title=title,
            body=body,
            theme=theme,
            theme_key=normalise_theme(theme),
            stage=initiative.stage if initiative else "",
            sdg_goals=sorted(rng.sample(range(1, 18), rng.randint(0, 3))),
            visibility=visibility,
            language="sv",
            author_id=author,
            created_at=at,
            updated_at=at,
        )
