"""Writes for municipalities: who is a coordinator or a viewer of which municipality, and the
municipality's own settings.

A membership row is the role. Revoking deletes the row; simple-history keeps the record of who
held which role and who granted or revoked it, and of who changed a setting.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innocities.accounts.models import User
from innocities.accounts.services import user_invite
from innocities.core.languages import language_for_country
from innocities.core.services import validated_save
from municipalities.models import Municipality, MunicipalityMembership, MunicipalityRole


@transaction.atomic
def municipality_membership_grant(
    *, municipality: Municipality, user: User, role: str, actor: User | None
) -> MunicipalityMembership:
    """Give ``user`` the ``role`` in ``municipality``.

    A person holds one role per municipality: granting another role changes it (the change is
    in the history). Granting the role they already hold raises ValidationError, as does an
    inactive account.
    """
    if role not in MunicipalityRole.values:
        raise ValidationError({"role": _("Choose coordinator or viewer.")})
    if not user.is_active:
        raise ValidationError({"email": _("This account is deactivated.")})
    membership = (
        MunicipalityMembership.objects.select_for_update()
        .filter(municipality=municipality, user=user)
        .first()
    )
    if membership is None:
        membership = MunicipalityMembership(municipality=municipality, user=user, role=role)
    elif membership.role == role:
        raise ValidationError(
            _("%(person)s is already %(role)s of %(municipality)s.")
            % {
                "person": user,
                "role": membership.get_role_display().lower(),
                "municipality": municipality.name,
            }
        )
    else:
        membership.role = role
    return validated_save(membership, actor=actor)


@transaction.atomic
def municipality_membership_grant_by_email(
    *,
    municipality: Municipality,
    email: str,
    full_name: str,
    role: str,
    actor: User | None,
    language: str | None = None,
) -> tuple[MunicipalityMembership, bool]:
    """Grant a role to the person with ``email``, inviting them first if they have no account.

    Returns (membership, invited). Inviting needs a name; without one ValidationError says so.
    The invitation e-mail is queued only if the whole grant commits.
    """
    user, invited = user_invite(
        email=email,
        full_name=full_name,
        invited_by=actor,
        language=language or language_for_country(municipality.country),
    )
    membership = municipality_membership_grant(
        municipality=municipality, user=user, role=role, actor=actor
    )
    return membership, invited


@transaction.atomic
def municipality_membership_revoke(
    *, membership: MunicipalityMembership, actor: User | None
) -> None:
    """Take the role away. The history row records who revoked it and when."""
    locked = MunicipalityMembership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise ValidationError(_("This role has already been removed."))
    if actor is not None:
        locked._history_user = actor  # type: ignore[attr-defined]
    locked.delete()


@transaction.atomic
def municipality_share_benchmarks(
    *, municipality: Municipality, share: bool, actor: User | None
) -> bool:
    """Turn benchmark sharing on or off; return whether anything changed.

    While it is on, the other members of the municipality's clusters see its name, its
    self-assessment means and its programme progress on the cluster's benchmark page; while it
    is off they see it only inside the cluster's mean and median. The history row records
    ``actor`` and the time. Setting the value it already has writes nothing, so the history
    holds only real changes.
    """
    locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if locked.share_benchmarks == share:
        municipality.share_benchmarks = share
        return False
    locked.share_benchmarks = share
    validated_save(locked, actor=actor)
    municipality.share_benchmarks = share
    return True
