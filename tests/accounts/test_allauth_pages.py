"""allauth's pages render inside the portal's layout, styled with Bootstrap."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from innocities.accounts.models import User

PORTAL_MARKERS = ('class="navbar', "vendor/bootstrap/bootstrap.min.css", 'id="main"')


def assert_in_portal_layout(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    for marker in PORTAL_MARKERS:
        assert marker in page, marker
    assert "base.html" in [t.name for t in response.templates]
    return page


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key_done",
        "account_inactive",
    ],
)
def test_entrance_pages_render_in_the_portal_layout(db, name):
    assert_in_portal_layout(Client().get(reverse(name)))


@pytest.mark.parametrize(
    "name", ["account_logout", "account_change_password", "account_reauthenticate"]
)
def test_pages_for_a_logged_in_person_render_in_the_portal_layout(world, as_persona, name):
    page = assert_in_portal_layout(as_persona("coordinator").get(reverse(name)))
    assert world.coordinator.full_name in page  # the user menu


def test_login_page_is_swedish_by_default(db):
    page = assert_in_portal_layout(Client().get(reverse("account_login")))
    assert '<html lang="sv">' in page
    assert "Logga in" in page


def test_login_page_says_there_is_no_open_sign_up(db):
    english = Client(headers={"accept-language": "en"})
    page = assert_in_portal_layout(english.get(reverse("account_login")))
    assert "no open sign-up" in page
    assert "invited by their programme manager" in page
    assert "form-control" in page
    assert reverse("account_reset_password") in page
    assert reverse("account_signup") not in page


def test_sign_up_is_closed_and_says_how_to_get_in(db):
    response = Client(headers={"accept-language": "en"}).post(
        reverse("account_signup"),
        {"email": "new@example.se", "password1": "x-long-pass-1", "password2": "x-long-pass-1"},
    )
    page = assert_in_portal_layout(response)
    assert "programme manager" in page
    assert not User.objects.filter(email="new@example.se").exists()


def test_an_invalid_reset_link_says_so_in_the_portal_layout(db):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    response = Client().get(url)
    page = assert_in_portal_layout(response)
    assert response.context["token_fail"]
    assert reverse("account_reset_password") in page


def test_password_change_works_and_bad_input_shows_messages(world, as_persona):
    from tests.factories import PASSWORD

    client = as_persona("viewer")
    url = reverse("account_change_password")
    response = client.post(
        url, {"oldpassword": "wrong", "password1": "new-pass-9876", "password2": "new-pass-9876"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"]
    response = client.post(
        url,
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-passphrase-9876",
            "password2": "a-new-passphrase-9876",
        },
    )
    assert response.status_code == 302
    world.viewer.refresh_from_db()
    assert world.viewer.check_password("a-new-passphrase-9876")


def test_logout_ends_the_session(world, as_persona):
    client = as_persona("viewer")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_email_address_cannot_be_changed_without_an_administrator(world, as_persona):
    client = as_persona("coordinator")
    response = client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    response = client.post(reverse("account_email"), {"email": "new@example.se", "action_add": ""})
    assert response.status_code == 405
    world.coordinator.refresh_from_db()
    assert world.coordinator.email == "coordinator@example.se"
    assert not world.coordinator.emailaddress_set.filter(email="new@example.se").exists()
