"""Who may reach an initiative's pilot agreement (programs.agreements).

The initiative is Ale's, in the pilot stage, with cluster A's partner organisation taking part
and a party to its agreement: Ale's coordinator edits it (EDIT), its viewer, cluster A's
manager and the partner contact (whose organisation takes part) read it, the admin does
everything; everyone else gets 404, whether the agreement exists or not. Reading covers the
page, the printable PDF and the signed copy (current and earlier); writing covers the terms,
the parties and the upload. A permitted POST with empty data re-renders the form (200).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from clusters.models import ClusterPartner
from programs.agreements.models import AgreementParty, PilotAgreement
from programs.initiatives.models import Initiative, InitiativePartner
from tests.authz import Rule, statuses

NOT_ALLOWED = 405

READERS = {"coordinator": 200, "viewer": 200, "partner": 200, "manager": 200, "admin": 200}
EDITORS = {"coordinator": 200, "viewer": 403, "partner": 403, "manager": 403, "admin": 200}
REMOVERS = {**EDITORS, "coordinator": 302, "admin": 302}


def _agreement(world, *, signed: int = 0) -> PilotAgreement:
    initiative = Initiative.objects.create(
        municipality=world.ale,
        title="Smarta vattenmätare",
        stage="pilot",
        stage_since=world.program.starts_on,
        lead=world.coordinator,
    )
    organisation = ClusterPartner.objects.get(cluster=world.cluster_a).organisation
    InitiativePartner.objects.create(initiative=initiative, organisation=organisation)
    agreement = PilotAgreement.objects.create(
        initiative=initiative, purpose="Testa smarta vattenmätare i Nödinge"
    )
    AgreementParty.objects.create(
        agreement=agreement, organisation=organisation, contribution="Analys av data"
    )
    for version in range(signed):
        agreement.signed_copy.save(
            "signed.pdf", ContentFile(b"%PDF-1.4\n%% version " + bytes([48 + version])), save=False
        )
        agreement.signed_on = dt.date(2025, 2, 1 + version)
        agreement.save()
    return agreement


def _pk(world) -> dict[str, int]:
    return {"pk": _agreement(world).initiative_id}


def _without_agreement(world) -> dict[str, int]:
    agreement = _agreement(world)
    initiative = agreement.initiative
    agreement.delete()
    return {"pk": initiative.pk}


def _signed(world) -> dict[str, int]:
    return {"pk": _agreement(world, signed=1).initiative_id}


def _earlier(world) -> dict[str, int]:
    agreement = _agreement(world, signed=2)
    first = agreement.history.exclude(signed_copy="").order_by("history_id").first()
    assert first is not None
    return {"pk": agreement.initiative_id, "history_id": first.history_id}


def _party(world) -> dict[str, int]:
    agreement = _agreement(world)
    return {"pk": agreement.initiative_id, "party_pk": agreement.parties.get().pk}


RULES = {
    "agreements:initiative": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_without_agreement
    ),
    "agreements:edit": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_pk
    ),
    "agreements:parties": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_pk
    ),
    "agreements:party_edit": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_party
    ),
    "agreements:party_remove": Rule(
        get=statuses(NOT_ALLOWED), post=statuses(404, **REMOVERS), kwargs=_party
    ),
    "agreements:pdf": Rule(get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_pk),
    "agreements:upload": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_signed
    ),
    "agreements:signed_copy": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_signed
    ),
    "agreements:earlier_signed_copy": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_earlier
    ),
}
