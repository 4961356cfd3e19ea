"""The printable agreement: an A4 PDF with the initiative, every term, the parties with what
they contribute and a signature block each, in the reader's language, as a download."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from programs.agreements.models import AgreementParty
from tests import factories as f
from tests.agreements.helpers import agreement_for, partner_org, pilot, url

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
    ),
]


def _pdf(world, client, tmp_path: Path, **headers: str) -> tuple[str, str]:
    """(the PDF's text, pdfinfo's report)."""
    initiative = pilot(world, title="Smarta vattenmätare i Nödinge")
    agreement = agreement_for(
        initiative,
        data_used="Timvärden per mätare",
        data_processed_by="Chalmers Industriteknik i Sverige",
        personal_data=True,
        gdpr_roles="Ale kommun är personuppgiftsansvarig",
        results_ip="Resultaten ägs gemensamt",
        results_publication="Får publiceras efter granskning",
        results_reuse="Alla kommuner i partnerskapet får återanvända resultaten",
        cost_sharing="Ale betalar mätarna",
        total_cost_sek=450000,
        risk_sharing="Var part bär risken för sin utrustning",
        scale_up_criteria="Läckor hittas dubbelt så snabbt",
        end_criteria="Färre än 100 hushåll deltar",
    )
    ale_org = f.OrganisationFactory(name="Ale kommun", helix="public", municipality=world.ale)
    AgreementParty.objects.create(
        agreement=agreement,
        organisation=partner_org(world),
        contribution="Dataanalys och en forskare på 20 %",
        responsibilities="Rapporterar varje månad",
    )
    AgreementParty.objects.create(
        agreement=agreement, organisation=ale_org, contribution="Testplats och två tekniker"
    )
    response = client.get(url("pdf", initiative), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="pilot-agreement-{initiative.pk}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "agreement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return " ".join(text.split()), info


def test_the_pdf_has_the_initiative_every_term_and_the_parties(world, as_persona, tmp_path):
    text, info = _pdf(world, as_persona("coordinator"), tmp_path)

    assert "Smarta vattenmätare i Nödinge" in text
    assert "Ale" in text
    for term in (
        "Test smart water meters in Nödinge",
        "Timvärden per mätare",
        "Chalmers Industriteknik i Sverige",
        "Ale kommun är personuppgiftsansvarig",
        "Resultaten ägs gemensamt",
        "Får publiceras efter granskning",
        "Alla kommuner i partnerskapet får återanvända resultaten",
        "Ale betalar mätarna",
        "450",
        "Var part bär risken för sin utrustning",
        "Läckor hittas dubbelt så snabbt",
        "Färre än 100 hushåll deltar",
        "Dataanalys och en forskare på 20 %",
        "Rapporterar varje månad",
        "Testplats och två tekniker",
    ):
        assert term in text, term
    # A signature block per party.
    assert text.count("Chalmers Industriteknik") >= 2
    if info:  # pdfinfo ships with pdftotext (poppler-utils)
        assert "A4" in info


def test_the_pdf_is_in_the_readers_language(world, as_persona, tmp_path):
    text, _info = _pdf(world, as_persona("partner"), tmp_path, HTTP_ACCEPT_LANGUAGE="en")

    for heading in (
        "Pilot agreement",
        "Parties and what they contribute",
        "Purpose and scope",
        "Test period",
        "Use of data",
        "Rights to results",
        "Reuse by other municipalities",
        "Costs and risks",
        "Criteria for scaling up",
        "Criteria for ending",
        "Signatures",
        "For Chalmers Industriteknik",
        "For Ale kommun",
        "Place and date",
        "Signature",
        "Draft",
    ):
        assert heading in text, heading


def test_another_municipalitys_coordinator_gets_no_pdf(world, as_persona):
    agreement = agreement_for(pilot(world))
    assert as_persona("other_coordinator").get(url("pdf", agreement.initiative)).status_code == 404


def test_no_pdf_without_an_agreement(world, as_persona):
    initiative = pilot(world)
    assert as_persona("coordinator").get(url("pdf", initiative)).status_code == 404


def test_a_swedish_reader_gets_it_in_swedish(world, as_persona, tmp_path):
    world.partner.language = "sv"
    world.partner.save()
    text, _info = _pdf(world, as_persona("partner"), tmp_path)

    # "Draft" and "Contribution" are translated already; the new strings follow.
    assert "Utkast" in text
    assert "Bidrag" in text
    assert "Draft" not in text
