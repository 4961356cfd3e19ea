from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from programs.benefits.models import Benefit, BenefitFollowUp, BenefitKind
from programs.indicators.models import Direction
from tests import factories as f
from tests.initiatives.factories import InitiativeFactory


class BenefitFactory(factory.django.DjangoModelFactory):
    """A measured benefit: 40 → 20 (lower is better) from 2025-01-01 to 2027-12-31."""

    class Meta:
        model = Benefit

    initiative = factory.SubFactory(
        InitiativeFactory, municipality=factory.SubFactory(f.MunicipalityFactory)
    )
    title = factory.Sequence(lambda n: f"Benefit {n}")
    kind = BenefitKind.ECONOMY
    owner = factory.SubFactory(f.UserFactory)
    unit = "leaks a year"
    direction = Direction.LOWER_IS_BETTER
    baseline_value = Decimal(40)
    baseline_on = dt.date(2025, 1, 1)
    target_value = Decimal(20)
    target_on = dt.date(2027, 12, 31)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitFollowUp

    benefit = factory.SubFactory(BenefitFactory)
    due_on = factory.Sequence(lambda n: dt.date(2025, 6, 1) + dt.timedelta(days=n))


def recorded(benefit: Benefit, due_on: dt.date, *, value=None, judgement="on_track", by=None):
    """A follow-up recorded on its due date."""
    import datetime

    return BenefitFollowUp.objects.create(
        benefit=benefit,
        due_on=due_on,
        recorded_on=due_on,
        recorded_at=datetime.datetime.combine(due_on, datetime.time(12), tzinfo=datetime.UTC),
        value=value,
        judgement=judgement,
        recorded_by=by,
    )
