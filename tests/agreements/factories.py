from __future__ import annotations

import factory

from programs.agreements.models import AgreementParty, PilotAgreement
from tests.initiatives.factories import InitiativeFactory


class PilotAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotAgreement

    initiative = factory.SubFactory(InitiativeFactory, stage="pilot")
    purpose = factory.Sequence(lambda n: f"Test smart water meters in district {n}")


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(PilotAgreementFactory)
    contribution = factory.Sequence(lambda n: f"Contribution {n}")
