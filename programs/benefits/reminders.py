"""What of the benefit register is due, for the reminder scan (``innocities.notifications``).

A follow-up reminds while it is planned and not yet recorded, its benefit is still followed up
(not ended), and its initiative is not stopped: follow-ups go on after the initiative reaches
operation, when most benefits are realised. Recording it (or removing the date, ending the
benefit, stopping the initiative) retires its pending reminders at the next scan.

Who hears of it: the benefit's owner, who lands on their own list (``benefits:mine``). An
owner whose account is closed, or who is no longer one of the initiative's people (left the
municipality, off the cluster's roster), cannot act on it: the reminder goes instead to the
municipality's coordinators (for a joint initiative, the cluster's programme managers), who
land on the register. Escalations go to those coordinators (or managers) too. Each function
runs a fixed number of queries, however many follow-ups are due.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import reverse

from clusters.models import RosterEntry, RosterRole
from clusters.selectors import cluster_managers
from innocities.core.reminders import Due
from municipalities.models import MunicipalityMembership, MunicipalityRole
from programs.benefits.models import BenefitFollowUp
from programs.initiatives.models import InitiativePartner, State

_FIELDS = (
    "id",
    "due_on",
    "benefit_id",
    "benefit__title",
    "benefit__owner_id",
    "benefit__owner__is_active",
    "benefit__initiative_id",
    "benefit__initiative__title",
    "benefit__initiative__municipality_id",
    "benefit__initiative__municipality__name",
    "benefit__initiative__cluster_id",
    "benefit__initiative__cluster__name",
)


def _reminding_followups() -> QuerySet[BenefitFollowUp]:
    """Follow-ups still to record, of benefits followed up, of initiatives not stopped."""
    return BenefitFollowUp.objects.filter(
        recorded_on__isnull=True, benefit__ended_on__isnull=True
    ).exclude(benefit__initiative__state=State.STOPPED)


def _coordinators(municipality_ids: set[int]) -> dict[int, set[int]]:
    """Municipality id → its coordinators with an active account; one query."""
    result: dict[int, set[int]] = defaultdict(set)
    for municipality_id, user_id in MunicipalityMembership.objects.filter(
        municipality_id__in=municipality_ids,
        role=MunicipalityRole.COORDINATOR,
        user__is_active=True,
    ).values_list("municipality_id", "user_id"):
        result[municipality_id].add(user_id)
    return result


def _owners_still_there(rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """(initiative id, owner id) of the owners who may still act on their benefit: a member
    of the initiative's municipality (any role); for a joint initiative, on the cluster's
    current roster, a partner contact only while their organisation takes part (the rule of
    ``selectors.eligible_owners``). Three queries at most."""
    municipal = [r for r in rows if r["benefit__initiative__municipality_id"]]
    joint = [r for r in rows if not r["benefit__initiative__municipality_id"]]
    there: set[tuple[int, int]] = set()
    if municipal:
        members = set(
            MunicipalityMembership.objects.filter(
                municipality_id__in={r["benefit__initiative__municipality_id"] for r in municipal},
                user_id__in={r["benefit__owner_id"] for r in municipal},
            ).values_list("municipality_id", "user_id")
        )
        there |= {
            (r["benefit__initiative_id"], r["benefit__owner_id"])
            for r in municipal
            if (r["benefit__initiative__municipality_id"], r["benefit__owner_id"]) in members
        }
    if joint:
        partners: dict[int, set[int]] = defaultdict(set)
        for initiative_id, organisation_id in InitiativePartner.objects.filter(
            initiative_id__in={r["benefit__initiative_id"] for r in joint}
        ).values_list("initiative_id", "organisation_id"):
            partners[initiative_id].add(organisation_id)
        roster: dict[tuple[int, int], list[tuple[str, int | None]]] = defaultdict(list)
        for cluster_id, user_id, role, organisation_id in (
            RosterEntry.objects.current()
            .filter(
                cluster_id__in={r["benefit__initiative__cluster_id"] for r in joint},
                user_id__in={r["benefit__owner_id"] for r in joint},
            )
            .values_list("cluster_id", "user_id", "role", "organisation_id")
        ):
            roster[(cluster_id, user_id)].append((role, organisation_id))
        for r in joint:
            entries = roster.get((r["benefit__initiative__cluster_id"], r["benefit__owner_id"]), [])
            taking_part = partners.get(r["benefit__initiative_id"], set())
            if any(
                role != RosterRole.PARTNER_CONTACT or organisation in taking_part
                for role, organisation in entries
            ):
                there.add((r["benefit__initiative_id"], r["benefit__owner_id"]))
    return there


def _owner_name(row: dict[str, Any]) -> str:
    return (
        row["benefit__initiative__municipality__name"]
        or row["benefit__initiative__cluster__name"]
        or ""
    )


def benefit_reminders(days: Iterable[dt.date], *, to_managers: bool) -> list[Due]:
    """Follow-ups still to record that are due on one of ``days`` (see the module docstring
    for who hears of each, and where the e-mail leads them)."""
    rows = list(_reminding_followups().filter(due_on__in=list(days)).values(*_FIELDS))
    if not rows:
        return []
    content_type = ContentType.objects.get_for_model(BenefitFollowUp)
    there = set() if to_managers else _owners_still_there(rows)
    coordinators = _coordinators(
        {m for r in rows if (m := r["benefit__initiative__municipality_id"]) is not None}
    )
    managers = cluster_managers({r["benefit__initiative__cluster_id"] for r in rows})
    mine = reverse("benefits:mine")
    dues = []
    for row in rows:
        context = {
            "title": f"{row['benefit__title']} – {row['benefit__initiative__title']}",
            "due": row["due_on"],
            "benefit": row["benefit__title"],
            "initiative": row["benefit__initiative__title"],
            "owner": _owner_name(row),
        }
        owner_id = row["benefit__owner_id"]
        if (row["benefit__initiative_id"], owner_id) in there and row["benefit__owner__is_active"]:
            dues.append(
                Due(
                    content_type=content_type,
                    object_id=row["id"],
                    day=row["due_on"],
                    recipient_ids=frozenset({owner_id}),
                    url=f"{mine}#followup-{row['id']}",
                    context=context,
                )
            )
            continue
        # Escalated, or the owner cannot act on it: the people who run the initiative.
        municipality_id = row["benefit__initiative__municipality_id"]
        people = (
            coordinators.get(municipality_id, set())
            if municipality_id
            else managers.get(row["benefit__initiative__cluster_id"], set())
        )
        dues.append(
            Due(
                content_type=content_type,
                object_id=row["id"],
                day=row["due_on"],
                recipient_ids=frozenset(people),
                url=reverse("benefits:register", kwargs={"pk": row["benefit__initiative_id"]})
                + f"#benefit-{row['benefit_id']}",
                context=context,
            )
        )
    return dues


def benefits_due_on(ids: Iterable[int]) -> dict[int, dt.date]:
    """The date of each of these follow-ups that still reminds anyone: not recorded, of a
    benefit followed up, of an initiative not stopped. Others (recorded, removed, ended,
    stopped) are left out."""
    dated = _reminding_followups().filter(pk__in=set(ids)).values_list("pk", "due_on")
    return dict(dated)
