"""The agreement's pages: writing the terms, the parties, read-only after the pilot, the card
on the initiative page, and query counts that do not grow with the parties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from programs.agreements.models import AgreementParty, PilotAgreement
from tests import factories as f
from tests.agreements.helpers import add_parties, agreement_for, partner_org, pilot, terms, url

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address, **EN).status_code == 200
    return len(captured)


# --- writing the terms ----------------------------------------------------------------------


def test_a_page_without_an_agreement_invites_the_coordinator_to_write_one(world, as_persona):
    initiative = pilot(world, stage="concept")
    page = as_persona("coordinator").get(url("initiative", initiative), **EN).content.decode()
    assert "No pilot agreement yet" in page
    assert url("edit", initiative) in page
    # A reader sees the explanation, not the invitation to write.
    page = as_persona("viewer").get(url("initiative", initiative), **EN).content.decode()
    assert "No pilot agreement yet" in page
    assert url("edit", initiative) not in page


def test_coordinator_writes_the_agreement_in_the_concept_stage(world, as_persona):
    initiative = pilot(world, stage="concept")
    client = as_persona("coordinator")

    response = client.post(url("edit", initiative), terms())

    assert response.status_code == 302
    assert response["Location"] == url("parties", initiative)
    agreement = PilotAgreement.objects.get(initiative=initiative)
    assert agreement.purpose.startswith("Test smart water meters")
    assert (agreement.test_starts_on, agreement.test_ends_on) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 9, 30),
    )
    assert agreement.personal_data is True
    assert agreement.total_cost_sek == Decimal(450000)
    assert agreement.created_by == world.coordinator
    assert agreement.history.get().history_user == world.coordinator
    assert agreement.status == "draft"


def test_editing_the_terms_keeps_the_history(world, as_persona):
    initiative = pilot(world)
    agreement = agreement_for(initiative)
    client = as_persona("coordinator")

    response = client.post(url("edit", initiative), terms(end_criteria="When the budget ends"))

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.end_criteria == "When the budget ends"
    assert agreement.history.count() == 2
    page = client.get(url("initiative", initiative), **EN).content.decode()
    assert "Criteria for ending" in page
    assert "When the budget ends" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"test_ends_on": "2026-02-01"},
            "test_ends_on",
            "The test period ends after it starts.",
        ),
        (
            {"test_ends_on": ""},
            "test_ends_on",
            "Give both the start and the end of the test period, or neither.",
        ),
        (
            {"gdpr_roles": ""},
            "gdpr_roles",
            "Personal data is processed: say who is controller and who is processor.",
        ),
        ({"purpose": ""}, "purpose", "This field is required."),
        ({"total_cost_sek": "-5"}, "total_cost_sek", None),
        ({"purpose": "x" * 5001}, "purpose", None),
    ],
    ids=[
        "end-before-start",
        "half-a-period",
        "personal-data-without-roles",
        "no-purpose",
        "negative-cost",
        "too-long",
    ],
)
def test_bad_terms_are_refused_on_the_form(world, as_persona, overrides, field, message):
    initiative = pilot(world, stage="concept")
    response = as_persona("coordinator").post(url("edit", initiative), terms(**overrides), **EN)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in errors[field]
    assert not PilotAgreement.objects.filter(initiative=initiative).exists()


def test_no_agreement_before_the_concept_stage(world, as_persona):
    initiative = pilot(world, stage="idea")
    client = as_persona("coordinator")

    response = client.post(url("edit", initiative), terms())

    assert response.status_code == 302
    assert response["Location"] == url("initiative", initiative)
    assert not PilotAgreement.objects.filter(initiative=initiative).exists()
    # The initiative page shows no agreement card before the concept stage.
    page = client.get(reverse("initiatives:detail", kwargs={"pk": initiative.pk}), **EN)
    assert 'id="pilot-agreement"' not in page.content.decode()


# --- parties --------------------------------------------------------------------------------


def test_coordinator_adds_a_partner_and_the_municipality_as_parties(world, as_persona):
    initiative = pilot(world)
    agreement = agreement_for(initiative)
    ale_org = f.OrganisationFactory(name="Ale kommun", helix="public", municipality=world.ale)
    client = as_persona("coordinator")

    for organisation, contribution in (
        (partner_org(world), "Data analysis and a researcher at 20 %"),
        (ale_org, "The test site and two technicians"),
    ):
        response = client.post(
            url("parties", initiative),
            {
                "organisation": organisation.pk,
                "contribution": contribution,
                "responsibilities": "",
                "cost_share_sek": "10000",
            },
        )
        assert response.status_code == 302

    parties = {p.organisation.name: p.contribution for p in agreement.parties.all()}
    assert parties == {
        "Chalmers Industriteknik": "Data analysis and a researcher at 20 %",
        "Ale kommun": "The test site and two technicians",
    }
    agreement.refresh_from_db()
    assert agreement.terms_updated_at is not None


def test_an_organisation_that_takes_no_part_cannot_be_a_party(world, as_persona):
    initiative = pilot(world)
    agreement_for(initiative)
    stranger = f.OrganisationFactory(name="Unrelated AB", helix="business")
    lerum_org = f.OrganisationFactory(
        name="Lerums kommun", helix="public", municipality=world.lerum
    )
    client = as_persona("coordinator")

    for organisation in (stranger, lerum_org):
        response = client.post(
            url("parties", initiative),
            {"organisation": organisation.pk, "contribution": "Anything"},
            **EN,
        )
        assert response.status_code == 200
        assert "organisation" in response.context["form"].errors
    assert not AgreementParty.objects.exists()


def test_a_party_is_added_once_and_needs_a_contribution(world, as_persona):
    initiative = pilot(world)
    agreement = agreement_for(initiative)
    client = as_persona("coordinator")
    data = {"organisation": partner_org(world).pk, "contribution": "Analysis"}
    assert client.post(url("parties", initiative), data).status_code == 302

    again = client.post(url("parties", initiative), data, **EN)
    assert "organisation" in again.context["form"].errors
    without = client.post(url("parties", initiative), {**data, "contribution": ""}, **EN)
    assert "contribution" in without.context["form"].errors
    assert agreement.parties.count() == 1


def test_coordinator_changes_and_removes_a_party(world, as_persona):
    initiative = pilot(world)
    agreement = agreement_for(initiative)
    party = AgreementParty.objects.create(
        agreement=agreement, organisation=partner_org(world), contribution="Analysis"
    )
    client = as_persona("coordinator")

    response = client.post(
        url("party_edit", initiative, party_pk=party.pk),
        {"contribution": "Analysis and a report", "responsibilities": "Reports monthly"},
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.contribution, party.responsibilities) == (
        "Analysis and a report",
        "Reports monthly",
    )

    response = client.post(url("party_remove", initiative, party_pk=party.pk))
    assert response.status_code == 302
    assert not agreement.parties.exists()
    page = client.get(url("initiative", initiative), **EN).content.decode()
    assert "party “Chalmers Industriteknik” removed" in page


def test_a_party_of_another_agreement_answers_404(world, as_persona):
    mine = agreement_for(pilot(world))
    other = agreement_for(pilot(world))
    party = AgreementParty.objects.create(
        agreement=other, organisation=partner_org(world), contribution="Analysis"
    )
    client = as_persona("coordinator")
    assert client.get(url("party_edit", mine.initiative, party_pk=party.pk)).status_code == 404
    assert client.post(url("party_remove", mine.initiative, party_pk=party.pk)).status_code == 404
    assert other.parties.count() == 1


# --- read-only after the pilot --------------------------------------------------------------


@pytest.mark.parametrize("stage", ["implementation", "operation"])
def test_after_the_pilot_the_terms_and_parties_are_read_only(world, as_persona, stage):
    initiative = pilot(world, stage=stage)
    agreement = agreement_for(initiative)
    party = AgreementParty.objects.create(
        agreement=agreement, organisation=partner_org(world), contribution="Analysis"
    )
    client = as_persona("coordinator")

    for address, data in (
        (url("edit", initiative), terms(purpose="Changed afterwards")),
        (url("parties", initiative), {"organisation": partner_org(world).pk, "contribution": "x"}),
        (url("party_edit", initiative, party_pk=party.pk), {"contribution": "Changed"}),
        (url("party_remove", initiative, party_pk=party.pk), {}),
    ):
        response = client.post(address, data, **EN)
        assert response.status_code == 302, address
        assert response["Location"] == url("initiative", initiative)
        assert any("cannot change now" in str(m) for m in get_messages(response.wsgi_request))

    agreement.refresh_from_db()
    party.refresh_from_db()
    assert agreement.purpose == "Test smart water meters in Nödinge"
    assert party.contribution == "Analysis"
    assert agreement.parties.count() == 1
    assert agreement.history.count() == 1
    page = client.get(url("initiative", initiative), **EN).content.decode()
    assert url("edit", initiative) not in page
    assert "The terms are read-only" in page
    # The signed copy can still be put in.
    assert url("upload", initiative) in page


def test_a_stopped_pilots_terms_are_read_only(world, as_persona):
    initiative = pilot(world, state="stopped")
    agreement_for(initiative)
    response = as_persona("coordinator").post(url("edit", initiative), terms(purpose="Changed"))
    assert response.status_code == 302
    assert PilotAgreement.objects.get(initiative=initiative).purpose != "Changed"


# --- the card on the initiative page --------------------------------------------------------


def test_the_initiative_page_shows_the_agreements_status(world, as_persona):
    initiative = pilot(world, stage="concept")
    client = as_persona("coordinator")
    detail = reverse("initiatives:detail", kwargs={"pk": initiative.pk})

    page = client.get(detail, **EN).content.decode()
    assert "No pilot agreement yet" in page
    assert url("edit", initiative) in page

    agreement = agreement_for(initiative)
    page = client.get(detail, **EN).content.decode()
    assert "Draft" in page
    assert "Test period" in page
    assert url("initiative", initiative) in page

    agreement.signed_on = dt.date(2026, 2, 20)
    agreement.signed_copy.name = "agreements/known.pdf"
    agreement.save()
    page = client.get(detail, **EN).content.decode()
    assert "Signed" in page
    assert "signed on 02/20/2026" in page


# --- query counts ---------------------------------------------------------------------------


def test_the_agreement_pages_cost_the_same_queries_at_ten_times_the_parties(world, as_persona):
    small = agreement_for(pilot(world))
    large = agreement_for(pilot(world))
    add_parties(small, world, 2)
    add_parties(large, world, 20)
    for agreement in (small, large):  # history of terms too
        agreement.purpose += " (revised)"
        agreement.save()
    client = as_persona("coordinator")
    _queries(client, url("initiative", small.initiative))  # warm the session and caches

    for name in ("initiative", "parties", "edit", "pdf"):
        assert _queries(client, url(name, large.initiative)) == _queries(
            client, url(name, small.initiative)
        ), name
    detail = "initiatives:detail"
    assert _queries(client, reverse(detail, kwargs={"pk": large.initiative_id})) == _queries(
        client, reverse(detail, kwargs={"pk": small.initiative_id})
    )


def test_the_parties_page_costs_the_same_with_no_one_left_to_add(world, as_persona):
    """The form's choices are read once: the page asks as many queries whether organisations
    are left to add or not (the benchmark found one query fewer when none were)."""
    initiative = pilot(world)
    agreement = agreement_for(initiative)
    client = as_persona("coordinator")
    _queries(client, url("parties", initiative))
    with_choices = _queries(client, url("parties", initiative))
    assert "Chalmers Industriteknik" in client.get(url("parties", initiative)).content.decode()

    AgreementParty.objects.create(
        agreement=agreement, organisation=partner_org(world), contribution="Data analysis"
    )
    assert _queries(client, url("parties", initiative)) == with_choices
    with translation.override("en"):
        page = client.get(url("parties", initiative)).content.decode()
    assert "is already a party" in page
