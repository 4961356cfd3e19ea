"""The draft an adopter starts from: the original's terms, nothing of its signing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from programs.agreements.models import PilotAgreement, Status
from programs.agreements.services import agreement_copy_for_adoption
from tests import factories as f
from tests.agreements.factories import AgreementPartyFactory, PilotAgreementFactory
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def _signed_source(world) -> PilotAgreement:
    source = InitiativeFactory(municipality=world.ale, stage="implementation")
    agreement = PilotAgreementFactory(
        initiative=source,
        purpose="Test smart water meters in Nödinge",
        test_starts_on=dt.date(2025, 3, 1),
        test_ends_on=dt.date(2025, 9, 30),
        data_used="Hourly consumption per meter",
        data_processed_by="The supplier, in Sweden",
        personal_data=True,
        gdpr_roles="Ale is controller, the supplier processor",
        results_ip="Each party keeps what it brought",
        results_publication="Free to publish after review",
        results_reuse="Any member municipality may reuse the results without a fee",
        cost_sharing="Ale pays installation",
        total_cost_sek=Decimal("250000"),
        risk_sharing="Supplier bears hardware failure",
        scale_up_criteria="Leaks found 50 % faster",
        end_criteria="Fewer than 100 households take part",
        signed_on=dt.date(2025, 2, 20),
        signed_copy=ContentFile(b"%PDF-1.4 signed", name="signed.pdf"),
    )
    ale_org = f.OrganisationFactory(name="Ale kommun", helix="public", municipality=world.ale)
    AgreementPartyFactory(
        agreement=agreement, organisation=ale_org, contribution="Test site and staff"
    )
    AgreementPartyFactory(
        agreement=agreement, organisation=f.OrganisationFactory(name="Meter AB", helix="business")
    )
    return agreement


def test_the_copy_takes_the_terms_as_a_draft_without_signature_or_test_period(world):
    original = _signed_source(world)
    lerum_org = f.OrganisationFactory(
        name="Lerums kommun", helix="public", municipality=world.lerum
    )
    f.OrganisationFactory(name="Lerum Energi AB", helix="public", municipality=world.lerum)
    target = InitiativeFactory(municipality=world.lerum, stage="concept")

    copy = agreement_copy_for_adoption(
        source=original.initiative, target=target, actor=world.other_coordinator
    )

    assert copy is not None
    copy.refresh_from_db()
    assert copy.initiative == target
    assert copy.copied_from == original
    assert copy.status == Status.DRAFT
    assert not copy.signed_copy
    assert copy.signed_on is None
    assert copy.signed_copy_uploaded_by is None
    assert (copy.test_starts_on, copy.test_ends_on) == (None, None)
    assert copy.total_cost_sek is None
    for name in (
        "purpose",
        "data_used",
        "data_processed_by",
        "personal_data",
        "gdpr_roles",
        "results_ip",
        "results_publication",
        "results_reuse",
        "cost_sharing",
        "risk_sharing",
        "scale_up_criteria",
        "end_criteria",
    ):
        assert getattr(copy, name) == getattr(original, name), name
    parties = list(copy.parties.all())
    assert [(p.organisation, p.contribution) for p in parties] == [
        (lerum_org, "Test site and staff")
    ]
    assert copy.history.get().history_user == world.other_coordinator
    # The original is untouched.
    original.refresh_from_db()
    assert original.is_signed and original.parties.count() == 2


def test_without_an_own_organisation_the_copy_has_no_parties(world):
    original = _signed_source(world)
    target = InitiativeFactory(municipality=world.lerum, stage="concept")

    copy = agreement_copy_for_adoption(source=original.initiative, target=target, actor=None)

    assert copy is not None
    assert not copy.parties.exists()


def test_a_source_without_an_agreement_gives_none(world):
    source = InitiativeFactory(municipality=world.ale, stage="implementation")
    target = InitiativeFactory(municipality=world.lerum, stage="concept")

    assert agreement_copy_for_adoption(source=source, target=target, actor=None) is None
    assert not PilotAgreement.objects.filter(initiative=target).exists()


def test_a_second_copy_leaves_the_targets_agreement_as_it_is(world):
    original = _signed_source(world)
    target = InitiativeFactory(municipality=world.lerum, stage="concept")
    first = agreement_copy_for_adoption(source=original.initiative, target=target, actor=None)
    assert first is not None
    first.purpose = "Our own words"
    first.save()

    again = agreement_copy_for_adoption(source=original.initiative, target=target, actor=None)

    assert again == first
    again.refresh_from_db()
    assert again.purpose == "Our own words"
    assert PilotAgreement.objects.filter(initiative=target).count() == 1
