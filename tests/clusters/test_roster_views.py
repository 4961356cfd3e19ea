"""Roster editing and shared needs: only the cluster's managers and administrators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import ClusterMembership, ClusterPartner, Need, RosterEntry, RosterRole
from innocities.accounts.models import User
from municipalities.models import Helix, Organisation
from tests import factories as f
from tests.clusters.helpers import new_municipality
from tests.concurrency import someone_else_inserts_first

TODAY = timezone.localdate


def url(name: str, world, **kwargs) -> str:
    return reverse(f"clusters:{name}", kwargs={"pk": world.cluster_a.pk, **kwargs})


def errors_of(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- access ------------------------------------------------------------------------------


ADD_PAGES = ["member_add", "partner_add", "person_add", "need_add"]


@pytest.mark.parametrize("name", ADD_PAGES)
@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_managers_and_admins_get_the_add_forms(world, as_persona, name, persona):
    assert as_persona(persona).get(url(name, world)).status_code == 200


@pytest.mark.parametrize("name", ADD_PAGES)
@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner"])
def test_readers_of_the_cluster_may_not_edit_its_roster(world, as_persona, name, persona):
    assert as_persona(persona).get(url(name, world)).status_code == 403
    assert as_persona(persona).post(url(name, world), {}).status_code == 403


@pytest.mark.parametrize("name", ADD_PAGES)
@pytest.mark.parametrize("persona", ["outsider", "other_manager", "other_coordinator"])
def test_the_roster_is_404_outside_the_cluster(world, as_persona, name, persona):
    assert as_persona(persona).get(url(name, world)).status_code == 404


@pytest.mark.parametrize("name", ADD_PAGES)
def test_roster_forms_answer_405_to_other_methods(world, as_persona, name):
    assert as_persona("manager").put(url(name, world)).status_code == 405
    assert as_persona("manager").delete(url(name, world)).status_code == 405


# --- member municipalities -----------------------------------------------------------------


def test_manager_adds_a_municipality_and_sees_it_in_the_history(world, as_persona):
    client = as_persona("manager")
    response = client.post(
        url("member_add", world),
        {"municipality": world.lerum.pk, "joined_on": "2025-01-15", "status": "observer"},
    )
    assert response.status_code == 302
    membership = world.cluster_a.memberships.get(municipality=world.lerum)
    assert (membership.joined_on, membership.status) == (dt.date(2025, 1, 15), "observer")
    assert membership.history.get().history_user == world.manager
    page = client.get(reverse("portal:cluster_detail", kwargs={"pk": world.cluster_a.pk}))
    change = page.context["history"][0]
    assert (change.subject, change.action, change.who) == ("Lerum", "added", world.manager)
    assert "Maja Manager" in page.content.decode()


def test_adding_a_municipality_without_a_join_date_saves_nothing(world, as_persona):
    response = as_persona("manager").post(
        url("member_add", world), {"municipality": world.lerum.pk, "status": "active"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["joined_on"]
    assert not world.cluster_a.memberships.filter(municipality=world.lerum).exists()


def test_adding_a_municipality_that_is_already_a_member_shows_a_message(world, as_persona):
    response = as_persona("manager").post(
        url("member_add", world),
        {"municipality": world.ale.pk, "joined_on": "2025-01-15", "status": "active"},
    )
    assert response.status_code == 200
    assert "Ale is already a member of this cluster." in errors_of(response)
    assert world.cluster_a.memberships.filter(municipality=world.ale).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "left"}, "status"),  # a membership cannot start as "left"
        ({"municipality": 999999}, "municipality"),
        ({"note": "x" * 501}, "note"),
        ({"joined_on": "not a date"}, "joined_on"),
    ],
)
def test_bad_membership_input_re_renders_and_saves_nothing(world, as_persona, data, field):
    before = ClusterMembership.objects.count()
    posted = {"municipality": world.lerum.pk, "joined_on": "2025-01-15", "status": "active"}
    response = as_persona("manager").post(url("member_add", world), {**posted, **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ClusterMembership.objects.count() == before


def test_manager_ends_a_membership_and_the_row_stays(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    response = as_persona("manager").post(
        url("member_end", world, membership_pk=membership.pk),
        {"ended_on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == TODAY()
    assert membership.status == "left"


def test_the_end_form_offers_today(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    response = as_persona("manager").get(url("member_end", world, membership_pk=membership.pk))
    assert f'value="{TODAY().isoformat()}"' in response.content.decode()


def test_a_leave_date_before_the_join_date_is_a_form_error(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    before_join = membership.joined_on - dt.timedelta(days=1)
    response = as_persona("manager").post(
        url("member_end", world, membership_pk=membership.pk),
        {"ended_on": before_join.isoformat()},
    )
    assert response.status_code == 200
    assert "cannot be before the start date" in errors_of(response)
    membership.refresh_from_db()
    assert membership.left_on is None


def test_a_membership_of_another_cluster_is_404_through_this_cluster(world, as_persona):
    other = world.cluster_b.memberships.get()
    response = as_persona("manager").post(
        url("member_end", world, membership_pk=other.pk), {"ended_on": TODAY().isoformat()}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.left_on is None


def test_an_ended_membership_cannot_be_ended_again(world, as_persona):
    membership = f.ClusterMembershipFactory(
        cluster=world.cluster_a, municipality=new_municipality(), left_on=TODAY(), status="left"
    )
    response = as_persona("manager").get(url("member_end", world, membership_pk=membership.pk))
    assert response.status_code == 404


# --- partners ------------------------------------------------------------------------------


def test_manager_adds_an_existing_organisation_as_partner(world, as_persona):
    organisation = f.OrganisationFactory(name="Volvo Cars")
    response = as_persona("manager").post(
        url("partner_add", world),
        {"organisation": organisation.pk, "contribution": "Vehicles", "joined_on": "2025-02-01"},
    )
    assert response.status_code == 302
    partner = world.cluster_a.partners.get(organisation=organisation)
    assert partner.contribution == "Vehicles"


def test_manager_creates_a_new_partner_organisation_inline(world, as_persona):
    response = as_persona("admin").post(
        url("partner_add", world),
        {
            "new_name": "Ale Energi AB",
            "new_helix": Helix.PUBLIC,
            "new_municipality": world.ale.pk,
            "joined_on": "2025-02-01",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Ale Energi AB")
    assert organisation.municipality == world.ale
    assert world.cluster_a.partners.filter(organisation=organisation).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an existing organisation or name a new one."),
        ({"new_name": "Chalmers Industriteknik", "new_helix": "academia"}, "exists already"),
        ({"new_name": "New Co"}, "helix"),
        (
            {"new_name": "New Co", "new_helix": "business", "new_municipality": "ALE"},
            "Select a valid choice",
        ),
        ({"new_name": "N" * 201, "new_helix": "business"}, "at most 200"),
    ],
)
def test_bad_partner_input_re_renders_and_saves_nothing(world, as_persona, data, message):
    organisations, partners = Organisation.objects.count(), ClusterPartner.objects.count()
    response = as_persona("manager").post(
        url("partner_add", world), {"joined_on": "2025-02-01", **data}
    )
    assert response.status_code == 200
    assert message in errors_of(response)
    assert (Organisation.objects.count(), ClusterPartner.objects.count()) == (
        organisations,
        partners,
    )


def test_a_new_business_organisation_cannot_belong_to_a_municipality(world, as_persona):
    response = as_persona("manager").post(
        url("partner_add", world),
        {
            "new_name": "New Co",
            "new_helix": "business",
            "new_municipality": world.ale.pk,
            "joined_on": "2025-02-01",
        },
    )
    assert response.status_code == 200
    assert "Only a public-sector organisation" in errors_of(response)
    assert not Organisation.objects.filter(name="New Co").exists()


def test_existing_and_new_organisation_together_is_refused(world, as_persona):
    organisation = f.OrganisationFactory()
    response = as_persona("manager").post(
        url("partner_add", world),
        {
            "organisation": organisation.pk,
            "new_name": "New Co",
            "new_helix": "business",
            "joined_on": "2025-02-01",
        },
    )
    assert response.status_code == 200
    assert "not both" in errors_of(response)


def test_an_open_partner_cannot_be_added_twice(world, as_persona):
    organisation = world.cluster_a.partners.get().organisation
    response = as_persona("manager").post(
        url("partner_add", world), {"organisation": organisation.pk, "joined_on": "2025-02-01"}
    )
    assert response.status_code == 200
    assert "already a partner" in errors_of(response)


def test_manager_ends_a_partnership(world, as_persona):
    partner = world.cluster_a.partners.get()
    response = as_persona("manager").post(
        url("partner_end", world, partner_pk=partner.pk), {"ended_on": TODAY().isoformat()}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.left_on == TODAY()


def test_a_partnership_end_before_its_start_is_a_form_error(world, as_persona):
    partner = world.cluster_a.partners.get()
    response = as_persona("manager").post(
        url("partner_end", world, partner_pk=partner.pk),
        {"ended_on": (partner.joined_on - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.left_on is None


# --- people --------------------------------------------------------------------------------


def test_manager_puts_an_existing_person_on_the_roster_by_email(world, as_persona):
    organisation = world.cluster_a.partners.get().organisation
    response = as_persona("manager").post(
        url("person_add", world),
        {
            "email": "Outsider@Example.se",
            "role": RosterRole.EXPERT,
            "organisation": organisation.pk,
            "started_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    entry = world.cluster_a.roster.get(user=world.outsider)
    assert (entry.role, entry.organisation) == (RosterRole.EXPERT, organisation)
    assert entry.history.get().history_user == world.manager


def test_manager_invites_a_new_person_onto_the_roster(
    world, as_persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_persona("manager").post(
            url("person_add", world),
            {
                "email": "kim@ale.se",
                "full_name": "Kim Kontakt",
                "role": RosterRole.MUNICIPAL_CONTACT,
                "municipality": world.ale.pk,
                "started_on": "2025-03-01",
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email="kim@ale.se")
    assert world.cluster_a.roster.filter(user=person, municipality=world.ale).exists()
    assert len(callbacks) == 1


def test_inviting_a_new_person_needs_their_name(world, as_persona):
    response = as_persona("manager").post(
        url("person_add", world),
        {"email": "kim@ale.se", "role": RosterRole.EXPERT, "started_on": "2025-03-01"},
    )
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not User.objects.filter(email="kim@ale.se").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"municipality": "lerum"}, "municipality"),  # Lerum is not a member of cluster A
        ({"organisation": "outside"}, "organisation"),  # not a partner of cluster A
        ({"role": "king"}, "role"),
        ({"email": "not-an-email"}, "email"),
        ({"started_on": ""}, "started_on"),
    ],
)
def test_bad_person_input_re_renders_and_saves_nothing(world, as_persona, extra, field):
    outside = f.OrganisationFactory()
    values = {"lerum": world.lerum.pk, "outside": outside.pk}
    extra = {key: values.get(value, value) for key, value in extra.items()}
    before = RosterEntry.objects.count()
    response = as_persona("manager").post(
        url("person_add", world),
        {
            "email": world.outsider.email,
            "role": RosterRole.EXPERT,
            "started_on": "2025-03-01",
            **extra,
        },
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert RosterEntry.objects.count() == before


def test_a_person_linked_to_both_organisation_and_municipality_is_refused(world, as_persona):
    response = as_persona("manager").post(
        url("person_add", world),
        {
            "email": world.outsider.email,
            "role": RosterRole.EXPERT,
            "organisation": world.cluster_a.partners.get().organisation.pk,
            "municipality": world.ale.pk,
            "started_on": "2025-03-01",
        },
    )
    assert response.status_code == 200
    assert "not both" in errors_of(response)


def test_the_same_open_role_twice_is_a_form_error(world, as_persona):
    response = as_persona("admin").post(
        url("person_add", world),
        {
            "email": world.partner.email,
            "role": RosterRole.PARTNER_CONTACT,
            "started_on": "2025-03-01",
        },
    )
    assert response.status_code == 200
    assert "already has that role" in errors_of(response)


def test_manager_ends_a_roster_entry_and_the_person_loses_access(world, as_persona):
    entry = world.cluster_a.roster.get(user=world.partner)
    response = as_persona("manager").post(
        url("person_end", world, entry_pk=entry.pk), {"ended_on": TODAY().isoformat()}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.ended_on == TODAY()
    assert (
        as_persona("partner")
        .get(reverse("portal:cluster_detail", kwargs={"pk": world.cluster_a.pk}))
        .status_code
        == 404
    )


def test_a_roster_end_before_the_start_is_a_form_error(world, as_persona):
    entry = world.cluster_a.roster.get(user=world.partner)
    response = as_persona("manager").post(
        url("person_end", world, entry_pk=entry.pk),
        {"ended_on": (entry.started_on - dt.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.ended_on is None


def test_a_roster_entry_of_another_cluster_is_404(world, as_persona):
    entry = world.cluster_b.roster.get()
    response = as_persona("manager").post(
        url("person_end", world, entry_pk=entry.pk), {"ended_on": TODAY().isoformat()}
    )
    assert response.status_code == 404


# --- shared needs ----------------------------------------------------------------------------


def test_manager_adds_a_shared_need(world, as_persona):
    response = as_persona("manager").post(
        url("need_add", world),
        {"title": "Shared charging", "description": "", "theme": "Mobility", "priority": "high"},
    )
    assert response.status_code == 302
    need = world.cluster_a.needs.get()
    assert (need.title, need.priority, need.created_by) == (
        "Shared charging",
        "high",
        world.manager,
    )


def test_the_detail_page_offers_managers_the_need_form(world, as_persona):
    response = as_persona("manager").get(
        reverse("portal:cluster_detail", kwargs={"pk": world.cluster_a.pk})
    )
    assert url("need_add", world) in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"priority": "urgent"}, "priority"),
    ],
)
def test_bad_need_input_re_renders_and_saves_nothing(world, as_persona, data, field):
    response = as_persona("manager").post(
        url("need_add", world), {"title": "Shared charging", "priority": "low", **data}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Need.objects.exists()


# --- two people at once -------------------------------------------------------------------

SAME_MOMENT = "Someone else changed this at the same moment. Reload the page and try again."


def test_a_member_added_by_someone_else_at_the_same_moment_is_a_form_error(world, as_persona):
    def admin_adds() -> ClusterMembership:
        return ClusterMembership.objects.create(
            cluster=world.cluster_a, municipality=world.lerum, joined_on=dt.date(2025, 1, 1)
        )

    with someone_else_inserts_first("clusters_clustermembership", admin_adds) as race:
        response = as_persona("manager").post(
            url("member_add", world),
            {"municipality": world.lerum.pk, "joined_on": "2025-01-15", "status": "observer"},
        )
    assert race, "the other addition did not happen: the test proves nothing"
    assert response.status_code == 200
    assert SAME_MOMENT in errors_of(response)
    assert response.context["form"]["joined_on"].value() == "2025-01-15"
    assert not world.cluster_a.memberships.filter(municipality=world.lerum).exists()


def test_a_person_put_on_the_roster_by_someone_else_at_the_same_moment_is_a_form_error(
    world, as_persona
):
    def admin_adds() -> RosterEntry:
        return RosterEntry.objects.create(
            cluster=world.cluster_a,
            user=world.outsider,
            role=RosterRole.EXPERT,
            started_on=dt.date(2025, 1, 1),
        )

    with someone_else_inserts_first("clusters_rosterentry", admin_adds) as race:
        response = as_persona("manager").post(
            url("person_add", world),
            {"email": world.outsider.email, "role": RosterRole.EXPERT, "started_on": "2025-03-01"},
        )
    assert race, "the other addition did not happen: the test proves nothing"
    assert response.status_code == 200
    assert SAME_MOMENT in errors_of(response)
    assert response.context["form"]["email"].value() == world.outsider.email
    assert not world.cluster_a.roster.filter(user=world.outsider).exists()
