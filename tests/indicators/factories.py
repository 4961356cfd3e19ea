from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from programs.indicators.models import Indicator, IndicatorValue
from tests import factories as f


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    program = factory.SubFactory(f.ProgramFactory)
    cluster = None
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    baseline_value = Decimal(10)
    target_value = Decimal(50)


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.Sequence(lambda n: dt.date(2020 + n, 1, 1))
    value = Decimal(20)
