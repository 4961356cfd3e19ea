"""The whole way in: invited → e-mail → the link sets a password → the person logs in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from innocities.accounts.models import User
from innocities.accounts.services import user_invite
from innocities.accounts.tasks import send_invitation

PASSWORD = "a-long-and-unusual-passphrase-42"


def invitation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def invited(world, django_capture_on_commit_callbacks) -> User:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user, created = user_invite(
            email="Nina.Ny@Ale.se", full_name="Nina Ny", invited_by=world.manager, language="sv"
        )
    assert created and len(callbacks) == 1
    # The task, called as the worker would call it (the on_commit callback only enqueues it).
    send_invitation(user.pk, world.manager.pk)
    return user


def test_invitation_e_mail_names_the_inviter_and_carries_the_link(invited, settings):
    (message,) = mail.outbox
    assert message.to == ["nina.ny@ale.se"]
    assert "Maja Manager" in message.body
    assert invitation_link(message) in message.alternatives[0][0]
    assert message.body.count(settings.SITE_URL) >= 1


def test_invited_person_sets_a_password_with_the_link_and_logs_in(invited):
    link = invitation_link(mail.outbox[0])
    browser = Client()

    # The key moves to the session and the page asks for a password, in the portal's layout.
    response = browser.get(link, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nina.ny@ale.se" in page
    assert "navbar" in page and "bootstrap.min.css" in page
    set_password_url = response.redirect_chain[-1][0]

    response = browser.post(set_password_url, {"password1": PASSWORD, "password2": PASSWORD})
    # Logged in straight away (ACCOUNT_LOGIN_ON_PASSWORD_RESET), on to the dashboard.
    assert response.status_code == 302
    assert browser.get(reverse("accounts:profile")).status_code == 200
    invited.refresh_from_db()
    assert invited.has_usable_password()

    browser.post(reverse("account_logout"))
    assert browser.get(reverse("accounts:profile")).status_code == 302

    response = browser.post(
        reverse("account_login"), {"login": "Nina.Ny@ale.se", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert browser.get(reverse("accounts:profile")).status_code == 200


def test_the_invitation_link_works_only_once(invited):
    link = invitation_link(mail.outbox[0])
    browser = Client()
    set_password_url = browser.get(link)["Location"]
    browser.post(set_password_url, {"password1": PASSWORD, "password2": PASSWORD})
    browser.post(reverse("account_logout"))

    response = Client().get(link, follow=True)
    assert response.context["token_fail"]
    assert reverse("account_reset_password") in response.content.decode()


def test_weak_or_mismatched_passwords_are_refused_with_a_message(invited):
    browser = Client()
    set_password_url = browser.get(invitation_link(mail.outbox[0]))["Location"]
    for data in (
        {"password1": "12345678", "password2": "12345678"},
        {"password1": PASSWORD, "password2": PASSWORD + "x"},
        {"password1": "", "password2": ""},
    ):
        response = browser.post(set_password_url, data)
        assert response.status_code == 200
        assert response.context["form"].errors
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_a_person_whose_link_expired_can_ask_for_a_new_one(invited):
    mail.outbox.clear()
    response = Client().post(reverse("account_reset_password"), {"email": "nina.ny@ale.se"})
    assert response.status_code == 302
    (message,) = mail.outbox
    browser = Client()
    set_password_url = browser.get(invitation_link(message))["Location"]
    response = browser.post(set_password_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.has_usable_password()


def test_invitation_for_a_deactivated_account_is_not_sent(world):
    world.outsider.is_active = False
    world.outsider.save()
    send_invitation(world.outsider.pk, None)
    assert mail.outbox == []


def test_wrong_password_does_not_log_in(world):
    browser = Client()
    response = browser.post(
        reverse("account_login"), {"login": world.viewer.email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert browser.get(reverse("accounts:profile")).status_code == 302
