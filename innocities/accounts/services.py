"""Writes for people: invitations and profile changes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innocities.accounts.models import User
from innocities.accounts.tasks import send_invitation
from innocities.core.queue import enqueue_on_commit


@transaction.atomic
def user_invite(
    *, email: str, full_name: str, invited_by: User | None, language: str | None = None
) -> tuple[User, bool]:
    """Find or create the person with ``email`` and queue an invitation to set a password.

    The one way into the portal: every page that gives someone a role by e-mail (a
    municipality's people, a cluster's roster, a self-assessment's respondents, the invite
    page) finds or invites them here, then grants the role in the same transaction, so a
    refused role invites nobody.

    Returns (user, created). An existing active account is reused (inviting someone to a new
    role must not reset their password); a new account needs a name, and gets an unusable
    password until the person follows the link in the e-mail.

    A new account gets ``language`` (the invitation is written in it), or the portal's
    default without one; callers inviting for a municipality pass the municipality's
    (``language_for_country``) unless the inviter chose one. An existing account keeps its own.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    inviter_id = invited_by.pk if invited_by else None
    if user is not None:
        if not user.is_active:
            raise ValidationError({"email": _("This account is deactivated.")})
        if not user.has_usable_password() and user.last_login is None:
            # Invited before but never came in (the mail was lost, or the link expired):
            # inviting again sends a fresh link.
            enqueue_on_commit(send_invitation, user.pk, inviter_id)
        return user, False
    if not full_name.strip():
        raise ValidationError(
            {
                "full_name": _(
                    "Nobody has an account with this e-mail address: give a name to invite them."
                )
            }
        )
    user = User(
        email=email, full_name=full_name.strip(), language=language or settings.LANGUAGE_CODE
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    enqueue_on_commit(send_invitation, user.pk, inviter_id)
    return user, True


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, language: str, time_zone: str) -> User:
    user.full_name = full_name.strip()
    user.language = language
    user.time_zone = time_zone
    user.full_clean()
    user.save(update_fields=["full_name", "language", "time_zone"])
    return user
