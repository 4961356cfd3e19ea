"""Shared builders for the pilot agreement tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from municipalities.models import Organisation
from programs.agreements.models import AgreementParty, PilotAgreement
from programs.initiatives.models import Initiative, InitiativePartner
from tests import factories as f
from tests.initiatives.factories import InitiativeFactory

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def url(name: str, initiative: Initiative, **kwargs: int) -> str:
    return reverse(f"agreements:{name}", kwargs={"pk": initiative.pk, **kwargs})


def pilot(world, *, stage: str = "pilot", **fields: Any) -> Initiative:
    """Ale's initiative with cluster A's partner taking part."""
    initiative = InitiativeFactory(
        municipality=world.ale, stage=stage, lead=world.coordinator, **fields
    )
    InitiativePartner.objects.create(initiative=initiative, organisation=partner_org(world))
    return initiative


def partner_org(world) -> Organisation:
    return Organisation.objects.get(name="Chalmers Industriteknik")


def terms(**overrides: Any) -> dict[str, Any]:
    data = {
        "purpose": "Test smart water meters in 200 households in Nödinge",
        "test_starts_on": "2026-03-01",
        "test_ends_on": "2026-09-30",
        "data_used": "Hourly consumption per meter",
        "data_processed_by": "Chalmers Industriteknik, on servers in Sweden",
        "personal_data": "on",
        "gdpr_roles": "Ale kommun is controller; Chalmers Industriteknik is processor",
        "results_ip": "Each party keeps what it brought; results are owned jointly",
        "results_publication": "Results may be published after four weeks' review",
        "results_reuse": "Every municipality in the partnership may reuse the results freely",
        "cost_sharing": "Ale pays the meters, Chalmers the analysis",
        "total_cost_sek": "450000",
        "risk_sharing": "Each party bears the risk of its own equipment",
        "scale_up_criteria": "Leaks are found twice as fast as today",
        "end_criteria": "Fewer than 100 households take part by June",
    }
    data.update(overrides)
    return data


def agreement_for(initiative: Initiative, **fields: Any) -> PilotAgreement:
    values = {
        "purpose": "Test smart water meters in Nödinge",
        "test_starts_on": dt.date(2026, 3, 1),
        "test_ends_on": dt.date(2026, 9, 30),
        "results_reuse": "Free reuse by every member municipality",
    }
    values.update(fields)
    return PilotAgreement.objects.create(initiative=initiative, **values)


def add_parties(agreement: PilotAgreement, world, count: int) -> list[AgreementParty]:
    parties = []
    for n in range(count):
        organisation = f.OrganisationFactory(name=f"Party {agreement.pk}-{n}", helix="business")
        InitiativePartner.objects.create(initiative=agreement.initiative, organisation=organisation)
        parties.append(
            AgreementParty.objects.create(
                agreement=agreement,
                organisation=organisation,
                contribution=f"Contribution {agreement.pk}-{n}",
                cost_share_sek=1000 * (n + 1),
            )
        )
    return parties
