"""Writes for pilot agreements: the terms, the parties, the signed copy, and the draft an
adopter starts from. Each write is one transaction, validated, and recorded in the history
(django-simple-history: who, when, and every field as it was).

Terms and parties change only while the initiative prepares or runs its pilot (concept and
pilot stages, not stopped); the signed copy may be put in at any time the agreement exists,
also after the pilot. A replaced signed copy is kept: its file stays in the private storage
and the history row points at it, so an earlier version can still be downloaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocities.accounts.models import User
from innocities.core.services import validated_save
from municipalities.models import Organisation
from programs.agreements.files import check_signed_copy
from programs.agreements.models import (
    TERMS,
    AgreementParty,
    PilotAgreement,
    terms_are_writable,
)
from programs.agreements.selectors import eligible_parties, own_organisation
from programs.initiatives.models import Initiative

# Terms an adopter's copy leaves empty: the test period and the amounts are the adopter's own.
_NOT_COPIED = frozenset({"test_starts_on", "test_ends_on", "total_cost_sek"})
PARTY_FIELDS = ("contribution", "responsibilities", "cost_share_sek")


def _lock_writable(initiative: Initiative) -> Initiative:
    """The initiative, locked, if its agreement's terms may change; else a refusal."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not terms_are_writable(locked):
        raise ValidationError(
            _(
                "The agreement is written in the concept and pilot stages. The initiative is "
                "at “%(stage)s” (%(state)s), so its terms can no longer change; a signed copy "
                "can still be put in."
            )
            % {"stage": locked.get_stage_display(), "state": locked.get_state_display()}
        )
    return locked


def _touch(agreement: PilotAgreement, actor: User | None) -> None:
    agreement.terms_updated_at = timezone.now()
    validated_save(agreement, actor=actor)


@transaction.atomic
def agreement_save(*, initiative: Initiative, actor: User, **terms: Any) -> PilotAgreement:
    """Write the agreement's terms: create it, or change what it says. Only ``TERMS`` are
    taken; the signed copy has its own service."""
    locked = _lock_writable(initiative)
    agreement = PilotAgreement.objects.select_for_update().filter(
        initiative_id=locked.pk
    ).first() or PilotAgreement(initiative=locked, created_by=actor)
    for name in TERMS:
        if name in terms:
            setattr(agreement, name, terms[name])
    _touch(agreement, actor)
    return agreement


@transaction.atomic
def agreement_party_add(
    *,
    agreement: PilotAgreement,
    actor: User,
    organisation: Organisation,
    contribution: str = "",
    responsibilities: str = "",
    cost_share_sek: Decimal | None = None,
) -> AgreementParty:
    """An organisation becomes a party: one of the initiative's partners or the owner's own
    organisations (checked under the initiative's lock)."""
    initiative = _lock_writable(agreement.initiative)
    if not eligible_parties(initiative).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {
                "organisation": _(
                    "“%(name)s” neither takes part in the initiative nor belongs to its "
                    "municipality. Add it as a partner of the initiative first."
                )
                % {"name": organisation.name}
            }
        )
    if agreement.parties.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("This organisation is already a party.")})
    party = validated_save(
        AgreementParty(
            agreement=agreement,
            organisation=organisation,
            contribution=contribution,
            responsibilities=responsibilities,
            cost_share_sek=cost_share_sek,
        ),
        actor=actor,
    )
    _touch(agreement, actor)
    return party


@transaction.atomic
def agreement_party_update(*, party: AgreementParty, actor: User, **fields: Any) -> AgreementParty:
    """Change what a party contributes and answers for."""
    _lock_writable(party.agreement.initiative)
    for name in PARTY_FIELDS:
        if name in fields:
            setattr(party, name, fields[name])
    validated_save(party, actor=actor)
    _touch(party.agreement, actor)
    return party


@transaction.atomic
def agreement_party_remove(*, party: AgreementParty, actor: User) -> None:
    _lock_writable(party.agreement.initiative)
    party._history_user = actor  # type: ignore[attr-defined]
    party.delete()
    _touch(party.agreement, actor)


@transaction.atomic
def agreement_signed_copy_upload(
    *, agreement: PilotAgreement, actor: User, signed_copy: UploadedFile, signed_on: dt.date
) -> PilotAgreement:
    """Put in the signed copy (a PDF) and the date it was signed, replacing an earlier one.

    The earlier file is not deleted: the history row of the agreement names it, and the page
    offers it for download. The file is checked again here, whatever the form did. If the
    transaction rolls back after the file is written, the file stays behind unreferenced in
    the private storage (harmless: nobody can reach it; a clean-up can remove such files).
    """
    check_signed_copy(signed_copy)
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    locked = PilotAgreement.objects.select_for_update().get(pk=agreement.pk)
    # The stored name is made by ``signed_copy_name``: nothing of the uploader's file name.
    locked.signed_copy.save("signed.pdf", signed_copy, save=False)
    locked.signed_on = signed_on
    locked.signed_copy_uploaded_by = actor
    locked.signed_copy_uploaded_at = timezone.now()
    validated_save(locked, actor=actor)
    agreement.refresh_from_db()
    return locked


@transaction.atomic
def agreement_copy_for_adoption(
    *, source: Initiative, target: Initiative, actor: User | None
) -> PilotAgreement | None:
    """A draft agreement for ``target`` made from ``source``'s terms, as a template.

    Nothing of the signing comes along (no signed copy, no date) and the test period is left
    empty, and so is the total cost. The only party is the target municipality's own
    organisation, if it has one, with what the source municipality's own organisation
    contributed; the other parties are the adopter's to choose. None when the source has no
    agreement. A target that already has an agreement keeps it untouched, and that one is
    returned, so a second call changes nothing. The caller checks that ``actor`` may read the
    source and edit the target.
    """
    original = PilotAgreement.objects.filter(initiative_id=source.pk).first()
    if original is None:
        return None
    existing = PilotAgreement.objects.filter(initiative_id=target.pk).first()
    if existing is not None:
        return existing
    copy = PilotAgreement(initiative=target, copied_from=original, created_by=actor)
    for name in TERMS:
        if name not in _NOT_COPIED:
            setattr(copy, name, getattr(original, name))
    copy.terms_updated_at = timezone.now()
    validated_save(copy, actor=actor)
    organisation = own_organisation(target.municipality_id)
    if organisation is not None:
        source_own = own_organisation(source.municipality_id)
        source_party = (
            original.parties.filter(organisation=source_own).first() if source_own else None
        )
        validated_save(
            AgreementParty(
                agreement=copy,
                organisation=organisation,
                contribution=source_party.contribution if source_party else "",
                responsibilities=source_party.responsibilities if source_party else "",
            ),
            actor=actor,
        )
    return copy
