"""The second factor (allauth's MFA): required for administrators and programme managers,
optional for everyone else, asked for at login (also the Django admin's), and cheap to check.

The world's administrator and managers have an authenticator app with recovery codes; a test
about someone without one deletes theirs. Logging in goes through the real forms: the password
to allauth's login page, then the code to the page it sends on to. Setting up, viewing or
removing a factor asks for the password again first (allauth: only a confirmation counts, not
the login itself), which ``confirm_password`` does.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innocities.accounts.models import User
from tests import factories as f
from tests.accounts.test_allauth_pages import assert_in_portal_layout
from tests.factories import PASSWORD

ACTIVATE = reverse("mfa_activate_totp")
AUTHENTICATE = reverse("mfa_authenticate")
DASHBOARD = reverse("portal:dashboard")
LOGIN = reverse("account_login")
ADMIN = reverse("admin:index")
MIDDLEWARE = "innocities.accounts.middleware.RequireSecondFactorMiddleware"
SETUP_MESSAGE = "Administrators and programme managers protect their account with a second factor"
INCORRECT = "Incorrect code."


def without_second_factor(user: User) -> None:
    Authenticator.objects.filter(user=user).delete()


def new_authenticator_app(user: User) -> None:
    """A new secret: allauth accepts a code once (it remembers used codes in the cache, which
    outlives a test), so a test that logs in with a code uses codes of its own."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    f.totp_authenticator(user)


def english() -> Client:
    # Before logging in, the page's language comes from the browser (Swedish by default).
    return Client(headers={"accept-language": "en"})


def log_in(client: Client, user: User, **extra: str):
    """Post the password to allauth's login form, as the browser does."""
    return client.post(LOGIN, {"login": user.email, "password": PASSWORD, **extra})


def confirm_password(client: Client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def unused_recovery_codes(user: User) -> list[str]:
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(codes).get_unused_codes()


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06}"


# --- required for administrators and programme managers ---------------------------------


@pytest.mark.parametrize("persona", ["manager", "admin"])
@pytest.mark.parametrize("url", [DASHBOARD, ADMIN, reverse("programs:list")])
def test_administrator_or_manager_without_a_second_factor_is_sent_to_set_one_up(
    world, as_persona, persona, url
):
    without_second_factor(getattr(world, persona))
    client = as_persona(persona)

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    # Setting one up asks for the password first (the test client's login is not recent);
    # that page is open to them, and says why they are there.
    response = client.get(url, follow=True)
    assert [hop for hop, _ in response.redirect_chain][:2] == [
        ACTIVATE,
        f"{reverse('account_reauthenticate')}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F",
    ]
    assert SETUP_MESSAGE in assert_in_portal_layout(response)


def test_posting_is_refused_too_until_a_second_factor_is_set_up(world, as_persona):
    without_second_factor(world.manager)
    response = as_persona("manager").post(reverse("accounts:profile"), {"full_name": "X"})
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    world.manager.refresh_from_db()
    assert world.manager.full_name == "Maja Manager"


def test_what_setting_one_up_needs_stays_open(world, as_persona):
    without_second_factor(world.manager)
    client = as_persona("manager")
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("core:healthz")).status_code == 200
    language = client.post(reverse("set_language"), {"language": "en", "next": ACTIVATE})
    assert language["Location"] == ACTIVATE
    assert client.post(reverse("account_logout"))["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_loads_the_setup_page_whole(world, as_persona):
    without_second_factor(world.manager)
    response = as_persona("manager").get(DASHBOARD, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == ACTIVATE


def test_manager_sets_up_an_authenticator_app_and_then_reaches_the_dashboard(world):
    without_second_factor(world.manager)
    client = english()
    assert log_in(client, world.manager)["Location"] == DASHBOARD
    assert client.get(DASHBOARD)["Location"] == ACTIVATE
    assert client.get(ACTIVATE)["Location"].startswith(reverse("account_reauthenticate"))
    confirm_password(client)

    response = client.get(ACTIVATE)
    page = assert_in_portal_layout(response)
    secret = response.context["form"].secret
    assert f'value="{secret}"' in page  # the secret as text beside the QR code
    assert 'alt="QR code for your authenticator app' in page
    assert '<label class="form-label" for="authenticator_secret">' in page
    wrong_code = client.post(ACTIVATE, {"code": wrong(f.totp_code_for(secret))})
    assert wrong_code.status_code == 200 and INCORRECT in wrong_code.content.decode()
    response = client.post(ACTIVATE, {"code": f.totp_code_for(secret)})

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=world.manager).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert client.get(DASHBOARD).status_code == 200
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert unused_recovery_codes(world.manager)[0] in codes


def test_a_security_key_is_enough(world, as_persona):
    without_second_factor(world.admin)
    Authenticator.objects.create(
        user=world.admin, type=Authenticator.Type.WEBAUTHN, data={"name": "YubiKey"}
    )
    assert as_persona("admin").get(ADMIN).status_code == 200


def test_recovery_codes_alone_are_not_enough(world, as_persona):
    Authenticator.objects.filter(user=world.manager, type=Authenticator.Type.TOTP).delete()
    assert as_persona("manager").get(DASHBOARD)["Location"] == ACTIVATE


# --- optional for everyone else ---------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner", "outsider"])
def test_others_are_not_forced_and_find_it_on_their_profile(as_persona, persona):
    client = as_persona(persona)
    assert client.get(DASHBOARD).status_code == 200
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in profile
    assert "Two-factor authentication" in profile


def test_a_coordinator_may_set_one_up_and_is_then_asked_for_it(world):
    client = Client()
    log_in(client, world.coordinator)
    confirm_password(client)
    secret = client.get(ACTIVATE).context["form"].secret
    client.post(ACTIVATE, {"code": f.totp_code_for(secret)})
    client.post(reverse("account_logout"))

    assert log_in(client, world.coordinator)["Location"] == AUTHENTICATE


# --- the login asks for the code ----------------------------------------------------------


def test_login_asks_for_the_code_after_the_password(world):
    new_authenticator_app(world.manager)
    client = english()

    assert log_in(client, world.manager)["Location"] == AUTHENTICATE
    assert client.get(DASHBOARD)["Location"].startswith(LOGIN)  # not logged in yet
    page = assert_in_portal_layout(client.get(AUTHENTICATE))
    assert 'autocomplete="one-time-code"' in page
    refused = client.post(AUTHENTICATE, {"code": wrong(f.totp_code(world.manager))})
    assert refused.status_code == 200 and INCORRECT in refused.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(AUTHENTICATE, {"code": f.totp_code(world.manager)})
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_code_logs_in_only_once(world):
    new_authenticator_app(world.manager)
    code = f.totp_code(world.manager)
    first, second = english(), english()
    log_in(first, world.manager)
    log_in(second, world.manager)

    assert first.post(AUTHENTICATE, {"code": code})["Location"] == DASHBOARD
    replayed = second.post(AUTHENTICATE, {"code": code})
    assert replayed.status_code == 200 and INCORRECT in replayed.content.decode()


def test_a_recovery_code_logs_in_once(world):
    codes = unused_recovery_codes(world.manager)
    first, second = english(), english()
    log_in(first, world.manager)
    log_in(second, world.manager)

    assert first.post(AUTHENTICATE, {"code": codes[0]})["Location"] == DASHBOARD
    again = second.post(AUTHENTICATE, {"code": codes[0]})
    assert again.status_code == 200 and INCORRECT in again.content.decode()
    assert second.post(AUTHENTICATE, {"code": codes[1]})["Location"] == DASHBOARD
    assert unused_recovery_codes(world.manager) == codes[2:]


# --- the Django admin's login is the portal's -------------------------------------------


def test_admin_login_page_sends_to_the_portal_login_and_back_after_the_code(world):
    new_authenticator_app(world.admin)
    client = Client()

    response = client.get(f"{reverse('admin:login')}?next={ADMIN}")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    # The admin's own form is gone: a password posted to it logs nobody in.
    posted = client.post(
        reverse("admin:login"), {"username": world.admin.email, "password": PASSWORD}
    )
    assert posted.status_code == 302 and posted["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session

    assert log_in(client, world.admin, next=ADMIN)["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"code": f.totp_code(world.admin)})
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_admin_login_page_refuses_a_signed_in_person_who_is_not_staff(as_persona):
    assert as_persona("manager").get(reverse("admin:login")).status_code == 403
    assert as_persona("coordinator").get(reverse("admin:login")).status_code == 403


def test_admin_login_page_sends_signed_in_staff_on_to_the_admin(as_persona):
    response = as_persona("admin").get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"] == ADMIN


# --- the pages, in the portal's layout ----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "mfa_index",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "mfa_reauthenticate",
    ],
)
def test_second_factor_pages_render_in_the_portal_layout(world, name):
    client = Client()
    log_in(client, world.coordinator)
    f.totp_authenticator(world.coordinator)
    confirm_password(client)
    page = assert_in_portal_layout(client.get(reverse(name)))
    assert world.coordinator.full_name in page  # the user menu


def test_security_key_form_names_itself_for_its_button(world):
    # allauth's script finds the form of "Use a security key" by its id.
    new_authenticator_app(world.manager)
    client = Client()
    log_in(client, world.manager)
    page = client.get(AUTHENTICATE).content.decode()
    assert '<form method="post" id="webauthn_form"' in page
    assert 'form="webauthn_form"' in page


def test_another_person_s_security_key_is_not_found(world):
    key = Authenticator.objects.create(
        user=world.manager, type=Authenticator.Type.WEBAUTHN, data={"name": "YubiKey"}
    )
    client = Client()
    log_in(client, world.coordinator)
    confirm_password(client)
    for name in ("mfa_edit_webauthn", "mfa_remove_webauthn"):
        assert client.get(reverse(name, kwargs={"pk": key.pk})).status_code == 404


# --- what the check costs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, extra",
    [
        ("coordinator", 0),
        ("viewer", 0),
        ("partner", 0),
        ("outsider", 0),
        ("manager", 1),
        ("admin", 1),
    ],
)
def test_the_check_costs_no_query_but_one_for_administrators_and_managers(
    as_persona, settings, django_assert_num_queries, persona, extra
):
    # The same page with and without the middleware, each in a session past its first request.
    client = as_persona(persona)
    assert client.get(DASHBOARD).status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert client.get(DASHBOARD).status_code == 200
    # Copied now: the context reads Django's query log, which the next request empties.
    with_check = [query["sql"] for query in context.captured_queries]
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    client = as_persona(persona)  # a client builds its middleware on its first request
    assert client.get(DASHBOARD).status_code == 200
    with django_assert_num_queries(len(with_check) - extra):
        assert client.get(DASHBOARD).status_code == 200
    assert len([sql for sql in with_check if "mfa_authenticator" in sql]) == extra
