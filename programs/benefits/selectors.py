"""Reads for the benefit register, set-based so every page and report costs a fixed number of
queries however many benefits and follow-ups there are.

Contracts other parts call:
- ``benefit_summary(initiatives, *, today, since=None)``: per initiative and in total, the
  benefits expected against those realised, and the follow-ups recorded since a day (the
  monthly report); the portfolio pages use it too. One query (two with ``since``).
- ``initiative_summary(initiative, *, today)``: the figures of one initiative (its page).
- ``register(initiative, *, today)``: one initiative's register page, three queries.
- ``owed_followups(user, roles, *, today)``: the follow-ups a benefit owner owes.

What counts: a benefit that has not ended, of an initiative that is not stopped (a stopped
initiative's benefits will not come, and are neither reminded nor counted as expected).
A benefit's *status* is the judgement of its latest recorded follow-up: on track (realised or
on track), behind (partly or not realised), or not yet followed up. Its *share* is how far the
latest recorded value has come from the baseline to the target, in percent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from clusters.models import RosterEntry, RosterRole
from innocities.accounts.models import User
from innocities.core.permissions import Roles
from programs.benefits.models import (
    BEHIND_JUDGEMENTS,
    ON_TRACK_JUDGEMENTS,
    Benefit,
    BenefitFollowUp,
    Judgement,
)
from programs.indicators.models import Indicator, IndicatorValue, period_label
from programs.indicators.selectors import latest_values
from programs.initiatives.models import Initiative, InitiativePartner, State
from programs.initiatives.permissions import visible_initiatives
from programs.initiatives.selectors import Owner, eligible_leads

ON_TRACK = "on_track"
BEHIND = "behind"
NOT_FOLLOWED_UP = "not_followed_up"

STATUS_LABELS = {
    ON_TRACK: _("On track"),
    BEHIND: _("Behind"),
    NOT_FOLLOWED_UP: _("Not yet followed up"),
}


# --- what a benefit may be linked to ----------------------------------------------------------


def eligible_owners(initiative: Initiative) -> QuerySet[User]:
    """Who may own a benefit (active accounts): the people of the initiative's municipality
    (any role); for a joint initiative, the people on the cluster's current roster who can
    open the initiative: a partner contact only when their organisation takes part."""
    owner = Owner.of(initiative)
    if owner.municipality_id is not None:
        return eligible_leads(owner)
    partners = InitiativePartner.objects.filter(initiative_id=initiative.pk).values(
        "organisation_id"
    )
    people = (
        RosterEntry.objects.current()
        .filter(Q(cluster_id=owner.cluster_id))
        .filter(~Q(role=RosterRole.PARTNER_CONTACT) | Q(organisation_id__in=partners))
        .values("user_id")
    )
    return User.objects.filter(is_active=True, pk__in=people).order_by("full_name", "email")


def eligible_indicators(owner: Owner) -> QuerySet[Indicator]:
    """The indicators that may show a benefit: those of the municipality's programmes, or of
    the joint initiative's cluster."""
    if owner.municipality_id is not None:
        scope = Q(program__municipality_id=owner.municipality_id)
    else:
        scope = Q(cluster_id=owner.cluster_id)
    return Indicator.objects.filter(scope).select_related("program", "cluster").order_by("name")


# --- one benefit's progress -------------------------------------------------------------------


def with_progress(benefits: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """Each benefit with its latest recorded follow-up (judgement and date), the latest value
    recorded, and the next follow-up still to record; in the same query."""
    followups = BenefitFollowUp.objects.filter(benefit=OuterRef("pk"))
    recorded = followups.filter(recorded_on__isnull=False).order_by("-due_on", "-pk")
    measured = recorded.filter(value__isnull=False)
    planned = followups.filter(recorded_on__isnull=True).order_by("due_on")
    return benefits.annotate(
        latest_judgement=Subquery(recorded.values("judgement")[:1]),
        latest_followup_on=Subquery(recorded.values("due_on")[:1]),
        realised_value=Subquery(measured.values("value")[:1]),
        realised_on=Subquery(measured.values("due_on")[:1]),
        next_due_on=Subquery(planned.values("due_on")[:1]),
    )


def _clamp(share: Decimal | None) -> int | None:
    if share is None:
        return None
    return int(max(Decimal(0), min(Decimal(100), share)).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class BenefitRow:
    """A benefit (annotated by ``with_progress``) and where it stands on ``today``."""

    benefit: Benefit
    today: dt.date

    @property
    def judgement(self) -> str:
        return getattr(self.benefit, "latest_judgement", None) or ""

    @property
    def judgement_label(self) -> str:
        return str(Judgement(self.judgement).label) if self.judgement else ""

    @property
    def latest_followup_on(self) -> dt.date | None:
        return getattr(self.benefit, "latest_followup_on", None)

    @property
    def realised_value(self) -> Decimal | None:
        return getattr(self.benefit, "realised_value", None)

    @property
    def realised_on(self) -> dt.date | None:
        return getattr(self.benefit, "realised_on", None)

    @property
    def next_due_on(self) -> dt.date | None:
        return getattr(self.benefit, "next_due_on", None)

    @property
    def share(self) -> Decimal | None:
        """Percent of the way from baseline to target the latest value has come."""
        return self.benefit.share_of(self.realised_value)

    @property
    def share_clamped(self) -> int | None:
        """The share between 0 and 100, for a bar."""
        return _clamp(self.share)

    @property
    def target_reached(self) -> bool:
        share = self.share
        return share is not None and share >= 100

    @property
    def status(self) -> str:
        if self.judgement in ON_TRACK_JUDGEMENTS:
            return ON_TRACK
        if self.judgement in BEHIND_JUDGEMENTS:
            return BEHIND
        return NOT_FOLLOWED_UP

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def overdue(self) -> bool:
        return self.next_due_on is not None and self.next_due_on < self.today


@dataclass(frozen=True)
class BenefitSummary:
    """Benefits expected against realised, over some benefits (those still counted)."""

    benefits: int = 0
    on_track: int = 0
    behind: int = 0
    not_followed_up: int = 0
    measured: int = 0  # with a baseline and a target figure
    with_value: int = 0  # measured, and a value recorded
    target_reached: int = 0
    share_sum: int = 0  # sum of the clamped shares of those with a value
    overdue: int = 0  # benefits with a follow-up past its date, not recorded
    next_due_on: dt.date | None = None

    @property
    def mean_share(self) -> int | None:
        """The mean share of the way to target of the measured benefits with a value (each
        counted between 0 and 100), in percent."""
        if not self.with_value:
            return None
        return int((Decimal(self.share_sum) / self.with_value).quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def followed_up(self) -> int:
        return self.on_track + self.behind


def summarise(rows: Iterable[BenefitRow]) -> BenefitSummary:
    benefits = on_track = behind = not_followed = measured = with_value = 0
    reached = share_sum = overdue = 0
    next_due: dt.date | None = None
    for row in rows:
        benefits += 1
        status = row.status
        on_track += status == ON_TRACK
        behind += status == BEHIND
        not_followed += status == NOT_FOLLOWED_UP
        if row.benefit.is_measured:
            measured += 1
            clamped = row.share_clamped
            if clamped is not None:
                with_value += 1
                share_sum += clamped
                reached += row.target_reached
        overdue += row.overdue
        if row.next_due_on is not None and (next_due is None or row.next_due_on < next_due):
            next_due = row.next_due_on
    return BenefitSummary(
        benefits=benefits,
        on_track=on_track,
        behind=behind,
        not_followed_up=not_followed,
        measured=measured,
        with_value=with_value,
        target_reached=reached,
        share_sum=share_sum,
        overdue=overdue,
        next_due_on=next_due,
    )


def counted(benefits: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """The benefits that are still expected: not ended, of an initiative not stopped."""
    return benefits.filter(ended_on__isnull=True).exclude(initiative__state=State.STOPPED)


# --- one initiative -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeBenefitSummary:
    summary: BenefitSummary  # the benefits still expected (none while the initiative is stopped)
    benefits: int  # every benefit in the register, ended ones too
    ended: int  # no longer followed up
    stopped: bool


def initiative_summary(initiative: Initiative, *, today: dt.date) -> InitiativeBenefitSummary:
    """The figures of one initiative's benefits (its page): one query."""
    rows = [
        BenefitRow(b, today)
        for b in with_progress(Benefit.objects.filter(initiative=initiative)).order_by()
    ]
    live = [row for row in rows if not row.benefit.is_ended]
    stopped = initiative.state == State.STOPPED
    return InitiativeBenefitSummary(
        summary=summarise([] if stopped else live),
        benefits=len(rows),
        ended=len(rows) - len(live),
        stopped=stopped,
    )


@dataclass(frozen=True)
class IndicatorReading:
    """An indicator's latest value, with where it came from when the value says so."""

    value: IndicatorValue
    period: str  # 2026, 2026 Q1 or 2026-03
    source: str  # "Kolada", "SSB", …; empty for a value a person typed in
    preliminary: bool


# The open-statistics sync marks each value's origin; a typed-in value names no source.
_TYPED_IN = ("", "manual")


def _reading(value: IndicatorValue | None, indicator: Indicator) -> IndicatorReading | None:
    if value is None:
        return None
    # ``source`` and ``status`` came with the open-statistics sync: read them where present.
    raw_source = str(getattr(value, "source", "") or "")
    source = ""
    if raw_source not in _TYPED_IN:
        display = getattr(value, "get_source_display", None)
        source = str(display()) if callable(display) else raw_source
    status = str(getattr(value, "status", "") or "")
    return IndicatorReading(
        value=value,
        period=period_label(indicator.frequency, value.period),
        source=source,
        preliminary=status == "preliminary",
    )


@dataclass(frozen=True)
class RegisterRow(BenefitRow):
    followups: list[BenefitFollowUp] = field(default_factory=list)
    reading: IndicatorReading | None = None


@dataclass(frozen=True)
class Register:
    rows: list[RegisterRow]
    summary: BenefitSummary
    stopped: bool

    @property
    def ended(self) -> int:
        return sum(1 for row in self.rows if row.benefit.is_ended)


def register(initiative: Initiative, *, today: dt.date) -> Register:
    """One initiative's benefits, each with its follow-ups and its indicator's latest value:
    three queries (benefits, follow-ups, indicator values)."""
    benefits = list(
        with_progress(initiative.benefits.select_related("owner", "indicator")).order_by(
            "ended_on", "title", "pk"
        )
    )
    by_benefit: dict[int, list[BenefitFollowUp]] = {b.pk: [] for b in benefits}
    for followup in (
        BenefitFollowUp.objects.filter(benefit__initiative=initiative)
        .select_related("recorded_by")
        .order_by("due_on", "pk")
    ):
        by_benefit[followup.benefit_id].append(followup)
    values = latest_values({b.indicator_id for b in benefits if b.indicator_id})
    rows = []
    for benefit in benefits:
        benefit.initiative = initiative
        rows.append(
            RegisterRow(
                benefit=benefit,
                today=today,
                followups=by_benefit[benefit.pk],
                reading=_reading(values.get(benefit.indicator_id), benefit.indicator)  # type: ignore[arg-type]
                if benefit.indicator is not None
                else None,
            )
        )
    stopped = initiative.state == State.STOPPED
    return Register(
        rows=rows,
        summary=summarise([] if stopped else [r for r in rows if not r.benefit.is_ended]),
        stopped=stopped,
    )


# --- many initiatives: portfolios and the monthly report ----------------------------------------


@dataclass(frozen=True)
class InitiativeBenefits:
    """One initiative's counted benefits, summed."""

    initiative: Initiative
    rows: list[BenefitRow]
    summary: BenefitSummary


@dataclass(frozen=True)
class RecordedFollowUp:
    followup: BenefitFollowUp
    share: Decimal | None


@dataclass(frozen=True)
class BenefitReport:
    """``benefit_summary``'s answer: per initiative with counted benefits (by title), the
    total, and the follow-ups recorded from ``since`` to ``today`` (newest first; empty when
    ``since`` is None)."""

    today: dt.date
    initiatives: list[InitiativeBenefits]
    total: BenefitSummary
    since: dt.date | None = None
    recorded: list[RecordedFollowUp] = field(default_factory=list)


def benefit_summary(
    initiatives: QuerySet[Initiative], *, today: dt.date, since: dt.date | None = None
) -> BenefitReport:
    """Benefits expected against realised for ``initiatives``, per initiative and in total;
    with ``since``, the follow-ups recorded from that day to ``today`` as well. One query (two
    with ``since``), however many initiatives, benefits and follow-ups."""
    benefits = with_progress(
        counted(Benefit.objects.filter(initiative__in=initiatives)).select_related(
            "initiative", "initiative__municipality", "initiative__cluster", "owner"
        )
    ).order_by("initiative__title", "initiative_id", "title", "pk")
    grouped: dict[int, list[BenefitRow]] = {}
    owners: dict[int, Initiative] = {}
    for benefit in benefits:
        grouped.setdefault(benefit.initiative_id, []).append(BenefitRow(benefit, today))
        owners[benefit.initiative_id] = benefit.initiative
    per_initiative = [
        InitiativeBenefits(initiative=owners[pk], rows=rows, summary=summarise(rows))
        for pk, rows in grouped.items()
    ]
    recorded: list[RecordedFollowUp] = []
    if since is not None:
        recorded = [
            RecordedFollowUp(followup=f, share=f.benefit.share_of(f.value))
            for f in BenefitFollowUp.objects.filter(
                benefit__initiative__in=initiatives,
                recorded_on__gte=since,
                recorded_on__lte=today,
            )
            .select_related(
                "benefit",
                "benefit__initiative",
                "benefit__initiative__municipality",
                "benefit__initiative__cluster",
                "recorded_by",
            )
            .order_by("-recorded_on", "-pk")
        ]
    return BenefitReport(
        today=today,
        initiatives=per_initiative,
        total=summarise(row for item in per_initiative for row in item.rows),
        since=since,
        recorded=recorded,
    )


@dataclass(frozen=True)
class PortfolioBenefitRow:
    """An initiative the reader may open, its owner's name as the portfolio shows it."""

    initiative: Initiative
    owner: str | None
    summary: BenefitSummary


@dataclass(frozen=True)
class PortfolioBenefits:
    listed: list[PortfolioBenefitRow]
    unlisted_initiatives: int  # with counted benefits, counted in the total, not listed
    total: BenefitSummary


def portfolio_benefits(
    initiatives: QuerySet[Initiative],
    *,
    today: dt.date,
    listed: dict[int, str | None] | None = None,
) -> PortfolioBenefits:
    """The benefits of a portfolio's initiatives. ``listed`` maps the initiatives the reader
    may open to the owner name to show (as ``programs.initiatives.portfolio`` decided);
    None lists every one. The total counts every initiative in scope, as the portfolio's
    other figures do. One query."""
    report = benefit_summary(initiatives, today=today)
    rows = []
    unlisted = 0
    for item in report.initiatives:
        initiative = item.initiative
        if listed is None:
            rows.append(PortfolioBenefitRow(initiative, initiative.owner_name, item.summary))
        elif initiative.pk in listed:
            rows.append(PortfolioBenefitRow(initiative, listed[initiative.pk], item.summary))
        else:
            unlisted += 1
    return PortfolioBenefits(listed=rows, unlisted_initiatives=unlisted, total=report.total)


# --- a benefit owner's follow-ups ---------------------------------------------------------------


@dataclass(frozen=True)
class OwnedBenefits:
    today: dt.date
    owed: list[BenefitFollowUp]  # follow-ups to record, the earliest first
    benefits: list[BenefitRow]  # the person's benefits still followed up

    @property
    def overdue(self) -> int:
        return sum(1 for f in self.owed if f.is_overdue(self.today))


def owed_followups(user: Any, roles: Roles, *, today: dt.date) -> OwnedBenefits:
    """The follow-ups ``user`` owes as a benefit owner, and their benefits: those still
    followed up, on initiatives they may open and that are not stopped. Two queries (and the
    person's cluster memberships on first use)."""
    mine = counted(
        Benefit.objects.filter(owner_id=user.pk, initiative__in=visible_initiatives(roles))
    )
    benefits = [
        BenefitRow(b, today)
        for b in with_progress(
            mine.select_related("initiative", "initiative__municipality", "initiative__cluster")
        ).order_by("initiative__title", "title", "pk")
    ]
    owed = list(
        BenefitFollowUp.objects.filter(benefit__in=mine, recorded_on__isnull=True)
        .select_related("benefit", "benefit__initiative")
        .order_by("due_on", "pk")
    )
    return OwnedBenefits(today=today, owed=owed, benefits=benefits)
