"""Reaching benefits: always through their initiative (``get_initiative_for_user``).

- reading the register needs READ on the initiative;
- adding, editing, ending, removing benefits and planning their follow-ups needs EDIT;
- recording a follow-up is for the initiative's editors, and for the benefit's owner on their
  own benefit even if they only read the initiative (``may_record_followup``).
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from innocities.core.permissions import Level
from programs.benefits.models import Benefit
from programs.initiatives.models import Initiative
from programs.initiatives.permissions import get_initiative_for_user


def may_record_followup(*, level: Level, benefit: Benefit, user_id: int | None) -> bool:
    """Whether a person with ``level`` on the benefit's initiative may record its follow-up.

    The initiative's editors may (coordinators; for a joint one the cluster's managers;
    administrators), and so may the benefit's owner, who answers for it, even when they only
    read the initiative (a viewer, a unit head). An owner who can no longer reach the
    initiative at all (``Level.NONE``: they left the municipality or the cluster) may not.
    """
    if level >= Level.EDIT:
        return True
    return level >= Level.READ and user_id is not None and benefit.owner_id == user_id


class BenefitAccess(NamedTuple):
    """A benefit a person reached, its initiative, and what they may do with it."""

    initiative: Initiative
    benefit: Benefit
    level: Level
    can_record: bool

    @property
    def can_edit(self) -> bool:
        return self.level >= Level.EDIT


def get_benefit_for_user(
    request: HttpRequest, pk: int, benefit_pk: int, *, level: Level = Level.READ
) -> BenefitAccess:
    """The benefit ``benefit_pk`` of initiative ``pk``: 404 when the initiative is outside the
    person's scope or the benefit is not one of its own; 403 below ``level`` (EDIT to change
    it). ``can_record`` answers ``may_record_followup``."""
    initiative, granted = get_initiative_for_user(request, pk, level=Level.READ)
    benefit = get_object_or_404(
        Benefit.objects.select_related("owner", "indicator").filter(initiative=initiative),
        pk=benefit_pk,
    )
    benefit.initiative = initiative  # the one already fetched, with its owner
    if granted < level:
        raise PermissionDenied
    user_id = request.user.pk if request.user.is_authenticated else None
    return BenefitAccess(
        initiative=initiative,
        benefit=benefit,
        level=granted,
        can_record=may_record_followup(level=granted, benefit=benefit, user_id=user_id),
    )


def get_benefit_to_record(request: HttpRequest, pk: int, benefit_pk: int) -> BenefitAccess:
    """As ``get_benefit_for_user``, for recording a follow-up: 403 unless
    ``may_record_followup``."""
    access = get_benefit_for_user(request, pk, benefit_pk)
    if not access.can_record:
        raise PermissionDenied
    return access
