"""Reads for pilot agreements: who may be a party, and the agreement with its parties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from clusters.models import ClusterMembership
from municipalities.models import Helix, Organisation
from programs.agreements.models import AgreementParty, PilotAgreement
from programs.initiatives.models import Initiative, InitiativePartner


def own_organisations(municipality_id: int | None) -> QuerySet[Organisation]:
    """The municipality's own public-sector organisations: the municipality itself first (named
    like it, or "… kommun"/"… kommune"), then its companies (ports, energy) by name."""
    if municipality_id is None:
        return Organisation.objects.none()
    name = F("municipality__name")
    return (
        Organisation.objects.filter(municipality_id=municipality_id, helix=Helix.PUBLIC)
        .annotate(
            likeness=Case(
                When(Q(name__iexact=name), then=Value(0)),
                When(Q(name__istartswith=name, name__icontains="kommun"), then=Value(1)),
                When(Q(name__icontains="kommun"), then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("likeness", "name", "pk")
    )


def own_organisation(municipality_id: int | None) -> Organisation | None:
    """The municipality's own organisation, if the registry has one (one query)."""
    return own_organisations(municipality_id).first()


def eligible_parties(initiative: Initiative) -> QuerySet[Organisation]:
    """Who may sign: the organisations taking part in the initiative, and the owner's own
    (the municipality's; for a joint initiative, those of the cluster's current members)."""
    scope = Q(
        pk__in=InitiativePartner.objects.filter(initiative_id=initiative.pk).values(
            "organisation_id"
        )
    )
    if initiative.municipality_id is not None:
        scope |= Q(municipality_id=initiative.municipality_id, helix=Helix.PUBLIC)
    elif initiative.cluster_id is not None:
        members = (
            ClusterMembership.objects.current()
            .filter(cluster_id=initiative.cluster_id)
            .values("municipality_id")
        )
        scope |= Q(municipality_id__in=members, helix=Helix.PUBLIC)
    return Organisation.objects.filter(scope).order_by("name")


def agreement_of(initiative: Initiative) -> PilotAgreement | None:
    """The initiative's agreement with the people it names (one query)."""
    return (
        PilotAgreement.objects.select_related(
            "signed_copy_uploaded_by", "copied_from__initiative__municipality"
        )
        .filter(initiative_id=initiative.pk)
        .first()
    )


@dataclass(frozen=True)
class AgreementCard:
    """What the initiative page's card shows (one query)."""

    agreement: PilotAgreement | None
    party_count: int


def agreement_card(initiative: Initiative) -> AgreementCard:
    agreement = (
        PilotAgreement.objects.filter(initiative_id=initiative.pk)
        .annotate(party_count=Count("parties"))
        .first()
    )
    return AgreementCard(agreement, getattr(agreement, "party_count", 0))


@dataclass(frozen=True)
class SignedCopyVersion:
    """A signed copy that was put in and later replaced, as the history keeps it."""

    history_id: int
    signed_on: dt.date | None
    uploaded_at: dt.datetime | None
    uploaded_by: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    what: str
    action: str
    changes: list[str]


@dataclass(frozen=True)
class AgreementPage:
    parties: list[AgreementParty]
    total_cost_share: Decimal | None
    earlier_copies: list[SignedCopyVersion]
    history: list[HistoryEntry]


_ACTIONS = {"+": _("added"), "~": _("changed"), "-": _("removed")}
# Bookkeeping columns that change with every save: not what a person changed.
_NOT_SHOWN = frozenset({"id", "updated_at", "terms_updated_at", "created_at"})
_SIGNING = frozenset(
    {"signed_copy", "signed_on", "signed_copy_uploaded_by_id", "signed_copy_uploaded_at"}
)


def _who(user: Any) -> str:
    return user.get_full_name() if user else str(_("the system"))


def _changes(
    model: Any, record: Any, previous: Any | None, *, leave_out: frozenset[str] = frozenset()
) -> list[str]:
    """The names of the fields that differ between two history records, as a reader says them."""
    if previous is None:
        return []
    return [
        str(field.verbose_name)
        for field in model._meta.concrete_fields
        if field.attname not in _NOT_SHOWN | leave_out
        and getattr(record, field.attname) != getattr(previous, field.attname)
    ]


def agreement_page(agreement: PilotAgreement, *, history_limit: int = 40) -> AgreementPage:
    """Everything the agreement's page shows besides the agreement itself, in a fixed number
    of queries: the parties, earlier signed copies, and the history of terms and parties."""
    parties = list(agreement.parties.select_related("organisation"))
    shares = [p.cost_share_sek for p in parties if p.cost_share_sek is not None]
    records = list(
        PilotAgreement.history.filter(id=agreement.pk)
        .select_related("history_user", "signed_copy_uploaded_by")
        .order_by("history_id")
    )
    party_records = list(
        AgreementParty.history.filter(agreement_id=agreement.pk)
        .select_related("history_user", "organisation")
        .order_by("history_id")
    )
    entries: list[HistoryEntry] = []
    earlier: dict[str, SignedCopyVersion] = {}
    previous = None
    for record in records:
        who = _who(record.history_user)
        if record.signed_copy and record.signed_copy != agreement.signed_copy.name:
            earlier.setdefault(
                record.signed_copy,
                SignedCopyVersion(
                    history_id=record.history_id,
                    signed_on=record.signed_on,
                    uploaded_at=record.signed_copy_uploaded_at,
                    uploaded_by=_who(record.signed_copy_uploaded_by),
                ),
            )
        if previous is None or record.history_type != "~":
            entries.append(
                HistoryEntry(
                    record.history_date,
                    who,
                    str(_("agreement")),
                    str(_ACTIONS.get(record.history_type, "")),
                    [],
                )
            )
        else:
            if record.signed_copy != previous.signed_copy:
                what = (
                    _("signed copy replaced") if previous.signed_copy else _("signed copy put in")
                )
                entries.append(HistoryEntry(record.history_date, who, str(what), "", []))
            terms = _changes(PilotAgreement, record, previous, leave_out=_SIGNING)
            if terms:
                entries.append(
                    HistoryEntry(
                        record.history_date, who, str(_("terms")), str(_ACTIONS["~"]), terms
                    )
                )
        previous = record
    last_party: dict[int, Any] = {}
    for record in party_records:
        before = last_party.get(record.id)
        last_party[record.id] = record
        changes = _changes(AgreementParty, record, before) if record.history_type == "~" else []
        if record.history_type == "~" and not changes:
            continue
        entries.append(
            HistoryEntry(
                record.history_date,
                _who(record.history_user),
                str(_("party “%(name)s”") % {"name": record.organisation.name}),
                str(_ACTIONS.get(record.history_type, "")),
                changes,
            )
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return AgreementPage(
        parties=parties,
        total_cost_share=sum(shares, Decimal(0)) if shares else None,
        earlier_copies=sorted(earlier.values(), key=lambda v: v.history_id, reverse=True),
        history=entries[:history_limit],
    )
