"""Adopting a peer's pilot: the adopter's own initiative, started from the pilot's challenge,
its assumptions as untested, and its agreement as a template; the pilot's owner is told."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import ClusterMembership, Need, normalise_theme
from innocities.accounts.models import User
from innocities.core.queue import enqueue_on_commit
from innocities.core.services import validated_save
from municipalities.models import Municipality, MunicipalityMembership, MunicipalityRole
from programs.adoption.permissions import is_scaled
from programs.adoption.tasks import send_pilot_adopted_mail
from programs.agreements.services import agreement_copy_for_adoption
from programs.initiatives.models import Assumption, Initiative, Outcome, Stage, State


def matching_need(*, source: Initiative, municipality: Municipality) -> Need | None:
    """The adopter's own need with the theme of the pilot's need (the newest, if several)."""
    if source.need is None or not source.need.theme.strip():
        return None
    theme = normalise_theme(source.need.theme)
    for need in (
        Need.objects.filter(municipality=municipality)
        .exclude(theme="")
        .order_by("-created_at", "-pk")
    ):
        if normalise_theme(need.theme) == theme:
            return need
    return None


def _shares_a_cluster(first_id: int, second_id: int) -> bool:
    clusters = ClusterMembership.objects.current().filter(municipality_id=first_id)
    return (
        ClusterMembership.objects.current()
        .filter(municipality_id=second_id, cluster_id__in=clusters.values("cluster_id"))
        .exists()
    )


def pilot_adopted_recipients(source: Initiative) -> list[int]:
    """Who hears that ``source`` was adopted: its lead and its municipality's coordinators
    (active accounts), by id."""
    if source.municipality_id is None:
        return []
    ids = set(
        MunicipalityMembership.objects.filter(
            municipality_id=source.municipality_id,
            role=MunicipalityRole.COORDINATOR,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    if source.lead is not None and source.lead.is_active:
        ids.add(source.lead.pk)
    return sorted(ids)


@transaction.atomic
def pilot_adopt(*, source: Initiative, municipality: Municipality, actor: User) -> Initiative:
    """Adopt ``source`` (a peer's scaled pilot) in ``municipality``: a new initiative of the
    municipality at the concept stage, pointing back to the pilot.

    It takes the pilot's title, description, facet, expected benefits and risks as a starting
    point; the municipality's own need with the same theme, if it has one; the actor as the
    lead if they are one of the municipality's people; each assumption as untested (open, no
    learning, no test date, no task); and the pilot agreement's terms as a draft
    (``programs.agreements``). The cost, the benefit owner, partners and effort are the
    adopter's own to find. Once committed, the pilot's lead and coordinators are e-mailed.

    Refused: a pilot not (or no longer) past the implementation gate, the pilot's own
    municipality, a municipality that shares no current cluster with it, and a second adoption
    of the same pilot by the same municipality. The check runs with the pilot's row locked, so
    two people adopting at once make one copy. The caller checks that ``actor`` may adopt for
    ``municipality`` (``permissions.adopters_for``).
    """
    locked = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("municipality", "need", "lead")
        .get(pk=source.pk)
    )
    if not is_scaled(locked):
        raise ValidationError(
            _("Only a pilot that has passed the gate into implementation can be adopted.")
        )
    if locked.municipality_id == municipality.pk:
        raise ValidationError(_("A municipality cannot adopt its own pilot."))
    if not _shares_a_cluster(locked.municipality_id, municipality.pk):  # type: ignore[arg-type]
        raise ValidationError(
            _("%(name)s shares no cluster with the pilot's municipality.")
            % {"name": municipality.name}
        )
    earlier = Initiative.objects.filter(municipality=municipality, adopted_from=locked).first()
    if earlier is not None:
        raise ValidationError(
            _("%(name)s has already adopted this pilot: “%(title)s”.")
            % {"name": municipality.name, "title": earlier.title}
        )
    lead = (
        actor
        if MunicipalityMembership.objects.filter(user=actor, municipality=municipality).exists()
        else None
    )
    copy = Initiative(
        municipality=municipality,
        title=locked.title,
        description=locked.description,
        need=matching_need(source=locked, municipality=municipality),
        lead=lead,
        facet=locked.facet,
        stage=Stage.CONCEPT,
        state=State.ACTIVE,
        stage_since=timezone.localdate(),
        expected_benefits=locked.expected_benefits,
        risk=locked.risk,
        adopted_from=locked,
        created_by=actor,
    )
    # The history entry says where it came from (simple-history's change reason).
    copy._change_reason = _("Adopted from %(municipality)s: %(title)s") % {  # type: ignore[attr-defined]
        "municipality": locked.owner_name,
        "title": locked.title,
    }
    validated_save(copy, actor=actor)
    for assumption in locked.assumptions.order_by("pk"):
        validated_save(
            Assumption(
                initiative=copy,
                statement=assumption.statement,
                kind=assumption.kind,
                impact=assumption.impact,
                uncertainty=assumption.uncertainty,
                test_plan=assumption.test_plan,
                outcome=Outcome.OPEN,
            ),
            actor=actor,
        )
    agreement_copy_for_adoption(source=locked, target=copy, actor=actor)
    for user_id in pilot_adopted_recipients(locked):
        enqueue_on_commit(send_pilot_adopted_mail, copy.pk, user_id)
    return copy
