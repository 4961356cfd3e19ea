"""A person's language: a Norwegian municipality's people start in Norwegian bokmål, and their
invitation is written in it; anyone else starts in Swedish unless the inviter chose otherwise."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from clusters.models import RosterRole
from clusters.services import roster_add_or_invite_person
from innocities.accounts.models import User
from innocities.accounts.services import user_invite
from innocities.accounts.tasks import send_invitation
from innocities.core.languages import language_for_country
from municipalities.models import Country, Helix
from municipalities.services import municipality_membership_grant_by_email
from tests import factories as f


@pytest.fixture
def bergen(world):
    """A Norwegian member municipality of cluster A (the manager's)."""
    county = f.CountyFactory(country=Country.NORWAY, code="46", name="Vestland")
    municipality = f.MunicipalityFactory(
        country=Country.NORWAY, county=county, code="4601", name="Bergen", skr_group=""
    )
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
    return municipality


def test_the_language_of_a_country(settings):
    assert language_for_country(Country.NORWAY) == "nb"
    assert language_for_country(Country.SWEDEN) == "sv"
    assert language_for_country(None) == settings.LANGUAGE_CODE == "sv"


def test_a_person_invited_to_a_norwegian_municipality_gets_norwegian(world, bergen):
    membership, invited = municipality_membership_grant_by_email(
        municipality=bergen,
        email="kari.nordmann@bergen.kommune.no",
        full_name="Kari Nordmann",
        role="coordinator",
        actor=world.manager,
    )
    assert invited
    assert membership.user.language == "nb"


def test_a_person_invited_to_a_swedish_municipality_gets_swedish(world):
    membership, _ = municipality_membership_grant_by_email(
        municipality=world.ale,
        email="nina.ny@ale.se",
        full_name="Nina Ny",
        role="viewer",
        actor=world.manager,
    )
    assert membership.user.language == "sv"


def test_the_inviters_choice_of_language_wins(world, bergen):
    membership, _ = municipality_membership_grant_by_email(
        municipality=bergen,
        email="ola.nordmann@bergen.kommune.no",
        full_name="Ola Nordmann",
        role="viewer",
        actor=world.manager,
        language="en",
    )
    assert membership.user.language == "en"


def test_an_existing_account_keeps_its_language(world, bergen):
    municipality_membership_grant_by_email(
        municipality=bergen, email=world.outsider.email, full_name="", role="viewer", actor=None
    )
    world.outsider.refresh_from_db()
    assert world.outsider.language == "en"


def test_a_roster_add_for_a_norwegian_municipality_invites_in_norwegian(world, bergen):
    entry, invited = roster_add_or_invite_person(
        cluster=world.cluster_a,
        email="per.hansen@bergen.kommune.no",
        full_name="Per Hansen",
        role=RosterRole.MUNICIPAL_CONTACT,
        started_on=bergen.cluster_memberships.get().joined_on,
        municipality=bergen,
        actor=world.manager,
    )
    assert invited
    assert entry.user.language == "nb"


def test_a_roster_add_for_a_norwegian_municipalitys_organisation_invites_in_norwegian(
    world, bergen
):
    organisation = f.OrganisationFactory(
        name="Bergen Energi AS", helix=Helix.PUBLIC, municipality=bergen
    )
    f.ClusterPartnerFactory(cluster=world.cluster_a, organisation=organisation)
    entry, _ = roster_add_or_invite_person(
        cluster=world.cluster_a,
        email="liv.berg@bergenenergi.no",
        full_name="Liv Berg",
        role=RosterRole.PARTNER_CONTACT,
        started_on=organisation.cluster_partnerships.get().joined_on,
        organisation=organisation,
        actor=world.manager,
    )
    assert entry.user.language == "nb"


def test_the_people_page_of_a_norwegian_municipality_proposes_norwegian(world, bergen, as_persona):
    page = as_persona("manager").get(reverse("municipalities:members", args=[bergen.pk]))
    assert page.context["form"]["language"].value() == "nb"
    page = as_persona("manager").get(reverse("municipalities:members", args=[world.ale.pk]))
    assert page.context["form"]["language"].value() == "sv"


def test_the_invite_page_gives_the_municipalitys_language_unless_one_is_chosen(
    world, bergen, as_persona
):
    manager = as_persona("manager")
    for email, language in (("a@bergen.kommune.no", ""), ("b@bergen.kommune.no", "en")):
        response = manager.post(
            reverse("municipalities:invite"),
            {
                "email": email,
                "full_name": "Ny Person",
                "language": language,
                "municipality": bergen.pk,
                "role": "viewer",
            },
        )
        assert response.status_code == 302, response.content.decode()
    assert User.objects.get(email="a@bergen.kommune.no").language == "nb"
    assert User.objects.get(email="b@bergen.kommune.no").language == "en"
    # Without a municipality the blank choice is the portal's default.
    manager.post(
        reverse("municipalities:invite"),
        {"email": "c@example.no", "full_name": "Ny Person", "language": ""},
    )
    assert User.objects.get(email="c@example.no").language == "sv"


def test_the_invitation_e_mail_is_written_in_norwegian(
    world, bergen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        membership, _ = municipality_membership_grant_by_email(
            municipality=bergen,
            email="kari.nordmann@bergen.kommune.no",
            full_name="Kari Nordmann",
            role="coordinator",
            actor=world.manager,
        )
    send_invitation(membership.user.pk, world.manager.pk)

    (message,) = mail.outbox
    assert '<html lang="nb">' in message.alternatives[0][0]
    english = "You are invited to the Innocities portal"
    with translation.override("sv"):
        swedish = translation.gettext(english)
    with translation.override("nb"):
        norwegian = translation.gettext(english)
    # Needs the nb catalogue: without it Django falls back to Swedish.
    assert norwegian not in (english, swedish)
    assert message.subject == norwegian


def test_a_plain_invitation_without_a_municipality_is_swedish(world):
    user, created = user_invite(
        email="someone@example.se", full_name="Someone", invited_by=world.manager
    )
    assert created and user.language == "sv"
