"""The Django admin is for staff: every registered model's changelist and add page, as every
persona. Staff get the page (an append-only model may refuse the add page with 403); a
signed-in person who is not staff is sent to the admin's login page, and anonymous to the
portal's (LoginRequiredMiddleware answers before the admin does).

The admin's login page is the portal's login (allauth's ``secure_admin_login``, with its rate
limits and second factor): it sends anonymous to the portal's login page and refuses a
signed-in person who is not staff (403) instead of offering the admin's own password form;
tests/accounts/test_mfa.py follows the whole login."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.authz import PERSONAS
from tests.authz.core import ADMIN_RULE
from tests.conftest import client_for

ADMIN_LOGIN = reverse("admin:login")
PORTAL_LOGIN = reverse("account_login")
MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _can_add(world, model) -> bool:
    request = RequestFactory().get("/")
    request.user = world.admin
    return admin.site._registry[model].has_add_permission(request)


def _check(world, url: str, admin_statuses: set[int]) -> None:
    for persona in PERSONAS:
        response = client_for(world, persona).get(url)
        if persona == "admin":
            assert response.status_code in admin_statuses, (url, response.status_code)
        else:
            assert response.status_code == 302, (url, persona, response.status_code)
            login = PORTAL_LOGIN if persona == "anonymous" else ADMIN_LOGIN
            assert response["Location"].startswith(f"{login}?next={url}"), (url, persona)


def test_admin_index_is_for_staff_only(world):
    url = reverse("admin:index")
    for persona in PERSONAS:
        client = client_for(world, persona)
        assert client.get(url).status_code == ADMIN_RULE.get[persona], persona
        assert client_for(world, persona).post(url).status_code == ADMIN_RULE.post[persona]
    manager = client_for(world, "manager")
    assert manager.get(url)["Location"].startswith(ADMIN_LOGIN)
    # ... where no password form awaits them.
    assert manager.get(url, follow=True).status_code == 403
    anonymous = client_for(world, "anonymous").get(ADMIN_LOGIN)
    assert anonymous["Location"].startswith(f"{PORTAL_LOGIN}?next=")


def test_every_admin_model_has_search_fields():
    # Other admins use autocomplete on these: autocomplete needs search_fields.
    missing = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"accounts", "municipalities"} and not model_admin.search_fields
    ]
    assert not missing


@pytest.mark.parametrize("model", MODELS, ids=[model._meta.label for model in MODELS])
def test_admin_changelist_and_add_page_are_for_staff_only(world, model):
    info = (model._meta.app_label, model._meta.model_name)
    _check(world, reverse("admin:{}_{}_changelist".format(*info)), {200})
    _check(
        world,
        reverse("admin:{}_{}_add".format(*info)),
        {200} if _can_add(world, model) else {403},
    )


def test_admin_user_change_page_shows_roles_in_municipalities(world):
    client = client_for(world, "admin")
    response = client.get(reverse("admin:accounts_user_change", args=[world.coordinator.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ale" in page and "municipalitymembership" in page.lower()


def test_admin_creates_a_user_by_e_mail(world):
    from innocities.accounts.models import User

    response = client_for(world, "admin").post(
        reverse("admin:accounts_user_add"),
        {
            "email": "ny@example.se",
            "full_name": "Ny Person",
            "language": "sv",
            "usable_password": "false",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(email="ny@example.se", full_name="Ny Person").exists()


def test_admin_history_of_a_municipality_membership(world):
    membership = world.coordinator.municipality_memberships.get()
    url = reverse("admin:municipalities_municipalitymembership_history", args=[membership.pk])
    assert client_for(world, "admin").get(url).status_code == 200
