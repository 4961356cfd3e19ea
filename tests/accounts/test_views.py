"""The portal's own account pages: the profile and the invitation page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from innocities.accounts.models import User
from municipalities.models import MunicipalityMembership, MunicipalityRole

PROFILE = reverse("accounts:profile")
INVITE = reverse("municipalities:invite")


# --- profile -----------------------------------------------------------------------------


def test_profile_shows_the_person_their_own_settings(world, as_persona):
    response = as_persona("viewer").get(PROFILE)
    assert response.status_code == 200
    assert response.context["form"].initial["full_name"] == "Vera Viewer"
    assert world.viewer.email in response.content.decode()


def test_profile_sends_anonymous_to_login(client, world):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_rejects_other_methods(world, as_persona):
    assert as_persona("viewer").delete(PROFILE).status_code == 405


def test_profile_saves_name_language_and_time_zone(world, as_persona):
    response = as_persona("viewer").post(
        PROFILE, {"full_name": "  Vera Visare ", "language": "sv", "time_zone": "Europe/Oslo"}
    )
    assert response.status_code == 302
    world.viewer.refresh_from_db()
    assert (world.viewer.full_name, world.viewer.language, world.viewer.time_zone) == (
        "Vera Visare",
        "sv",
        "Europe/Oslo",
    )


def test_saving_the_language_switches_the_interface_on_the_next_page(world, as_persona):
    client = as_persona("viewer")  # the viewer reads the portal in English
    assert client.get(PROFILE).headers["Content-Language"] == "en"
    response = client.post(
        PROFILE,
        {"full_name": "Vera Viewer", "language": "sv", "time_zone": "Europe/Stockholm"},
        follow=True,
    )
    assert response.headers["Content-Language"] == "sv"
    assert '<html lang="sv">' in response.content.decode()
    # The cookie keeps the choice for the login page after logging out.
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    # And back again.
    response = client.post(
        PROFILE,
        {"full_name": "Vera Viewer", "language": "en", "time_zone": "Europe/Stockholm"},
        follow=True,
    )
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"full_name": "x" * 151, "language": "sv", "time_zone": "Europe/Stockholm"}, "full_name"),
        ({"full_name": "Vera", "language": "klingon", "time_zone": "Europe/Stockholm"}, "language"),
        ({"full_name": "Vera", "language": "sv", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"full_name": "Vera", "language": "sv"}, "time_zone"),
    ],
)
def test_profile_bad_input_re_renders_and_saves_nothing(world, as_persona, data, field):
    response = as_persona("viewer").post(PROFILE, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    world.viewer.refresh_from_db()
    assert (world.viewer.full_name, world.viewer.language) == ("Vera Viewer", "en")
    # The menu still shows the saved name, not the rejected input.
    assert response.context["user"].full_name == "Vera Viewer"


# --- invite ------------------------------------------------------------------------------


def invite_data(**overrides: object) -> dict[str, object]:
    data = {"email": "nina.ny@ale.se", "full_name": "Nina Ny", "language": "sv"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["manager", "other_manager", "admin"])
def test_invite_page_is_for_managers_and_admins(world, as_persona, persona):
    assert as_persona(persona).get(INVITE).status_code == 200


@pytest.mark.parametrize(
    "persona", ["outsider", "coordinator", "other_coordinator", "viewer", "partner"]
)
def test_invite_is_forbidden_below_manager(world, as_persona, persona):
    client = as_persona(persona)
    assert client.get(INVITE).status_code == 403
    assert client.post(INVITE, invite_data()).status_code == 403
    assert not User.objects.filter(email="nina.ny@ale.se").exists()


def test_invite_rejects_other_methods(world, as_persona):
    assert as_persona("manager").put(INVITE).status_code == 405


def test_invite_creates_the_account_and_queues_the_e_mail(
    world, as_persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = as_persona("manager").post(INVITE, invite_data(email="Nina.Ny@Ale.se"))
    assert response.status_code == 302
    user = User.objects.get(email="nina.ny@ale.se")
    assert not user.has_usable_password()
    assert not user.municipality_memberships.exists()
    assert len(callbacks) == 1


def test_invite_can_give_a_role_in_a_managed_municipality(
    world, as_persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = as_persona("manager").post(
            INVITE, invite_data(municipality=world.alingsas.pk, role="viewer"), follow=True
        )
    user = User.objects.get(email="nina.ny@ale.se")
    membership = user.municipality_memberships.get()
    assert (membership.municipality, membership.role) == (world.alingsas, MunicipalityRole.VIEWER)
    assert membership.history.get().history_user == world.manager
    assert len(callbacks) == 1
    assert "is now viewer of Alingsås" in response.content.decode()


def test_invite_offers_only_municipalities_the_inviter_may_manage(world, as_persona):
    form = as_persona("manager").get(INVITE).context["form"]
    assert list(form.fields["municipality"].queryset) == [world.ale, world.alingsas]


def test_invite_gives_an_existing_person_the_role_without_a_new_invitation(
    world, as_persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = as_persona("admin").post(
            INVITE,
            invite_data(email=world.outsider.email, municipality=world.lerum.pk, role="viewer"),
        )
    assert response.status_code == 302
    assert world.outsider.municipality_memberships.get().municipality == world.lerum
    assert callbacks == []


def test_invite_of_an_existing_person_without_a_role_says_so(world, as_persona):
    response = as_persona("manager").post(
        INVITE, invite_data(email=world.outsider.email), follow=True
    )
    assert "already has an account" in response.content.decode()
    assert not world.outsider.municipality_memberships.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"email": ""}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 151}, "full_name"),
        ({"language": "xx"}, "language"),
        ({"role": "viewer"}, "municipality"),
        ({"municipality": "{ale}"}, "role"),
        ({"municipality": "{ale}", "role": "mayor"}, "role"),
        # Lerum is in cluster B: not the manager's to staff.
        ({"municipality": "{lerum}", "role": "viewer"}, "municipality"),
        ({"municipality": "999999", "role": "viewer"}, "municipality"),
    ],
)
def test_invite_bad_input_re_renders_and_saves_nothing(world, as_persona, overrides, field):
    ids = {"{ale}": world.ale.pk, "{lerum}": world.lerum.pk}
    data = invite_data(**{k: ids.get(v, v) for k, v in overrides.items()})
    users, memberships = User.objects.count(), MunicipalityMembership.objects.count()
    response = as_persona("manager").post(INVITE, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert (User.objects.count(), MunicipalityMembership.objects.count()) == (users, memberships)


def test_invite_giving_a_role_already_held_shows_an_error_and_invites_nobody(world, as_persona):
    response = as_persona("manager").post(
        INVITE, invite_data(email=world.viewer.email, municipality=world.ale.pk, role="viewer")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert world.viewer.municipality_memberships.get().history.count() == 1


def test_invite_of_a_deactivated_account_shows_an_error(world, as_persona):
    User.objects.filter(pk=world.outsider.pk).update(is_active=False)
    response = as_persona("manager").post(INVITE, invite_data(email=world.outsider.email))
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_manager_without_member_municipalities_invites_without_role_fields(world, as_persona):
    from django.utils import timezone

    world.cluster_b.memberships.update(left_on=timezone.localdate(), status="left")
    form = as_persona("other_manager").get(INVITE).context["form"]
    assert "municipality" not in form.fields and "role" not in form.fields
