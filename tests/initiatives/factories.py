from __future__ import annotations

import datetime as dt

import factory

from programs.initiatives.models import Assumption, Initiative, InitiativePartner, Stage


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    municipality = None
    cluster = None
    title = factory.Sequence(lambda n: f"Initiative {n}")
    stage = Stage.IDEA
    stage_since = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))


class AssumptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assumption

    initiative = factory.SubFactory(InitiativeFactory)
    statement = factory.Sequence(lambda n: f"Assumption {n}")
    kind = "need"
    impact = 3
    uncertainty = 3


class InitiativePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativePartner

    initiative = factory.SubFactory(InitiativeFactory)
    role = ""
