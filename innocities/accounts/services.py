"""Writes for people: invitations and profile changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innocities.accounts.models import User
from innocities.core.queue import enqueue_on_commit

if TYPE_CHECKING:
    from municipalities.models import Municipality, MunicipalityMembership


@transaction.atomic
def user_invite(
    *, email: str, full_name: str, invited_by: User | None, language: str = "sv"
) -> tuple[User, bool]:
    """Find or create the person with ``email`` and queue an invitation to set a password.

    Returns (user, created). An existing active account is reused (inviting someone to a new
    role must not reset their password); a new account gets an unusable password until the
    person follows the link in the e-mail.
    """
    from innocities.accounts.tasks import send_invitation

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
    user = User(email=email, full_name=full_name.strip(), language=language)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    enqueue_on_commit(send_invitation, user.pk, inviter_id)
    return user, True


@transaction.atomic
def user_invite_with_role(
    *,
    email: str,
    full_name: str,
    invited_by: User | None,
    language: str = "sv",
    municipality: Municipality | None = None,
    role: str = "",
) -> tuple[User, bool, MunicipalityMembership | None]:
    """Invite as ``user_invite`` does and, with a municipality, give the person ``role`` there.

    Returns (user, created, membership or None). One transaction: if the role cannot be given
    (e.g. the person already holds it), nobody is invited and no e-mail is queued.
    """
    # Imported here: municipalities' services build on user_invite above.
    from municipalities.services import municipality_membership_grant

    user, created = user_invite(
        email=email, full_name=full_name, invited_by=invited_by, language=language
    )
    membership = None
    if municipality is not None:
        membership = municipality_membership_grant(
            municipality=municipality, user=user, role=role, actor=invited_by
        )
    return user, created, membership


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, language: str, time_zone: str) -> User:
    user.full_name = full_name.strip()
    user.language = language
    user.time_zone = time_zone
    user.full_clean()
    user.save(update_fields=["full_name", "language", "time_zone"])
    return user
