"""Writes for the benefit register: benefits, their follow-up dates, and recorded follow-ups.

Every write validates against the initiative's owner, so an owner or an indicator from
elsewhere is refused with a message on the form, never saved. Each change is one transaction
with its author in the history (django-simple-history).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocities.accounts.models import User
from innocities.core.services import validated_save
from programs.benefits.models import Benefit, BenefitFollowUp
from programs.benefits.selectors import eligible_indicators, eligible_owners
from programs.initiatives.models import Initiative
from programs.initiatives.selectors import Owner

# The fields of a benefit a person edits.
EDITABLE = (
    "title",
    "kind",
    "description",
    "owner",
    "indicator",
    "unit",
    "direction",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
)

# Far more than a benefit followed up monthly for five years: a larger plan is a mistake.
MAX_FOLLOWUPS = 120


def _check_links(benefit: Benefit, *, owner_changed: bool, indicator_changed: bool) -> None:
    """A newly chosen owner or indicator must belong to the initiative's owner. One kept as
    it was (an owner who has since left) stays: editing the title must not fail on it."""
    owner = Owner.of(benefit.initiative)
    errors: dict[str, str] = {}
    if (
        owner_changed
        and benefit.owner_id is not None
        and not eligible_owners(benefit.initiative).filter(pk=benefit.owner_id).exists()
    ):
        errors["owner"] = (
            _("The benefit owner must be one of the municipality's people.")
            if owner.municipality_id
            else _(
                "The benefit owner must be on the cluster's roster (a partner contact only if "
                "their organisation takes part in the initiative)."
            )
        )
    if (
        indicator_changed
        and benefit.indicator_id is not None
        and not eligible_indicators(owner).filter(pk=benefit.indicator_id).exists()
    ):
        errors["indicator"] = (
            _("Choose an indicator of one of the municipality's programmes.")
            if owner.municipality_id
            else _("Choose an indicator of the cluster.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def benefit_save(
    *, initiative: Initiative, actor: User, benefit: Benefit | None = None, **fields: Any
) -> Benefit:
    """Add a benefit to the initiative's register, or change what it says.

    The owner is a person of the initiative's municipality (any role) or, for a joint
    initiative, on the cluster's roster; the indicator one of the municipality's programmes'
    or the cluster's. Without a direction of its own the benefit follows its indicator's.
    The target lies on the better side of the baseline, and its date after the baseline's.
    """
    if benefit is None:
        benefit = Benefit(initiative=initiative, created_by=actor)
    elif benefit.initiative_id != initiative.pk:
        raise ValidationError(_("This benefit belongs to another initiative."))
    benefit.initiative = initiative
    before = (benefit.owner_id, benefit.indicator_id) if benefit.pk else (None, None)
    for name in EDITABLE:
        if name in fields:
            setattr(benefit, name, fields[name])
    _check_links(
        benefit,
        owner_changed=benefit.owner_id != before[0],
        indicator_changed=benefit.indicator_id != before[1],
    )
    return validated_save(benefit, actor=actor)


@transaction.atomic
def benefit_end(*, benefit: Benefit, actor: User, ended_on: dt.date, reason: str) -> Benefit:
    """Stop following a benefit up (it no longer applies, or was merged into another). What
    was recorded stays; the follow-up dates not yet recorded are removed, so nobody is
    reminded of them."""
    if benefit.is_ended:
        raise ValidationError(_("This benefit is already ended."))
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the benefit is no longer followed up.")})
    for followup in benefit.followups.filter(recorded_on__isnull=True):
        followup._history_user = actor  # type: ignore[attr-defined]
        followup.delete()
    benefit.ended_on, benefit.end_reason = ended_on, reason.strip()
    return validated_save(benefit, actor=actor)


@transaction.atomic
def benefit_reopen(*, benefit: Benefit, actor: User) -> Benefit:
    """Follow an ended benefit up again (its follow-up dates are planned anew)."""
    benefit.ended_on, benefit.end_reason = None, ""
    return validated_save(benefit, actor=actor)


@transaction.atomic
def benefit_remove(*, benefit: Benefit, actor: User) -> None:
    """Remove a benefit added by mistake. One with recorded follow-ups is ended instead, so
    that what was realised is never lost."""
    if benefit.followups.filter(recorded_on__isnull=False).exists():
        raise ValidationError(
            _("This benefit has recorded follow-ups: end it instead, so that they are kept.")
        )
    for followup in benefit.followups.all():
        followup._history_user = actor  # type: ignore[attr-defined]
        followup.delete()
    benefit._history_user = actor  # type: ignore[attr-defined]
    benefit.delete()


# --- follow-up dates ------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def followup_dates(
    first: dt.date, *, every_months: int | None, until: dt.date | None
) -> list[dt.date]:
    """``first``, and with ``every_months`` every so many months after it up to ``until``
    (at most ``MAX_FOLLOWUPS`` dates)."""
    dates = [first]
    if every_months and until is not None:
        step = 1
        while len(dates) < MAX_FOLLOWUPS:
            day = add_months(first, every_months * step)
            if day > until:
                break
            dates.append(day)
            step += 1
    return dates


@dataclass(frozen=True)
class Planned:
    added: list[BenefitFollowUp]
    already: list[dt.date]  # dates that were planned before


@transaction.atomic
def followup_plan(*, benefit: Benefit, actor: User, dates: Iterable[dt.date]) -> Planned:
    """Plan follow-ups of a benefit on ``dates``; the benefit owner is reminded before each.
    Dates already planned are left as they are (and named in the answer). The benefit is
    locked so two people planning at once cannot pass the limit."""
    locked = Benefit.objects.select_for_update().get(pk=benefit.pk)
    if locked.is_ended:
        raise ValidationError(_("An ended benefit is no longer followed up."))
    wanted = sorted(set(dates))
    if locked.baseline_on is not None and any(day <= locked.baseline_on for day in wanted):
        raise ValidationError(
            {
                "first": _("A follow-up comes after the baseline date (%(day)s).")
                % {"day": locked.baseline_on.isoformat()}
            }
        )
    existing = set(locked.followups.values_list("due_on", flat=True))
    new = [day for day in wanted if day not in existing]
    if len(existing) + len(new) > MAX_FOLLOWUPS:
        raise ValidationError(
            _("A benefit has at most %(max)s follow-ups: plan fewer dates.")
            % {"max": MAX_FOLLOWUPS}
        )
    added = [
        validated_save(BenefitFollowUp(benefit=locked, due_on=day), actor=actor) for day in new
    ]
    return Planned(added=added, already=[day for day in wanted if day in existing])


@transaction.atomic
def followup_unplan(*, followup: BenefitFollowUp, actor: User) -> None:
    """Remove a planned follow-up date; a recorded follow-up is kept."""
    locked = BenefitFollowUp.objects.select_for_update().filter(pk=followup.pk).first()
    if locked is None:
        return
    if locked.is_recorded:
        raise ValidationError(_("This follow-up is recorded: it is kept."))
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.delete()


@transaction.atomic
def followup_record(
    *,
    benefit: Benefit,
    actor: User,
    followup: BenefitFollowUp | None = None,
    recorded_on: dt.date,
    judgement: str,
    value: Decimal | None = None,
    comment: str = "",
) -> BenefitFollowUp:
    """Record how far the benefit has come: a value where it is measured, and a judgement.

    ``followup`` is the planned follow-up this answers (a recorded one is corrected); without
    it, a follow-up dated ``recorded_on`` is recorded (the one planned for that day if there
    is one). Recording retires its reminders: the next scan cancels them.
    """
    if benefit.is_ended:
        raise ValidationError(_("An ended benefit is no longer followed up."))
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("The date cannot be in the future.")})
    if benefit.baseline_on is not None and recorded_on < benefit.baseline_on:
        raise ValidationError(
            {"recorded_on": _("A follow-up cannot come before the baseline date.")}
        )
    if value is not None and not benefit.is_measured and not benefit.effective_unit:
        # A figure with nothing to compare it to says nothing: ask for a unit or a baseline.
        raise ValidationError(
            {"value": _("This benefit has no baseline, target or unit: leave the value empty.")}
        )
    if followup is None:
        followup = (
            BenefitFollowUp.objects.select_for_update()
            .filter(benefit=benefit, due_on=recorded_on)
            .first()
        )
        if followup is not None and followup.is_recorded:
            raise ValidationError(
                {
                    "followup": _(
                        "A follow-up dated %(day)s is already recorded: choose it to correct it."
                    )
                    % {"day": recorded_on.isoformat()}
                }
            )
        followup = followup or BenefitFollowUp(benefit=benefit, due_on=recorded_on)
    else:
        followup = BenefitFollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.benefit_id != benefit.pk:
            raise ValidationError({"followup": _("Choose a follow-up of this benefit.")})
    followup.benefit = benefit
    followup.recorded_on = recorded_on
    followup.value = value
    followup.judgement = judgement
    followup.comment = comment.strip()
    followup.recorded_by = actor
    followup.recorded_at = timezone.now()
    return validated_save(followup, actor=actor)
