"""The gate into the pilot stage checks that a pilot agreement is written."""

from __future__ import annotations

import pytest
from django.utils import timezone

from programs.initiatives.models import CriterionCheck, Initiative, Stage
from programs.initiatives.selectors import gate_criteria
from tests.agreements.helpers import agreement_for, pilot

pytestmark = pytest.mark.django_db


def _agreement_criterion(initiative: Initiative):
    statuses = [
        s
        for s in gate_criteria(Initiative.objects.get(pk=initiative.pk), Stage.PILOT)
        if s.criterion.judged_by == CriterionCheck.PILOT_AGREEMENT
    ]
    assert len(statuses) == 1, "migration 0005 of initiatives adds the criterion"
    return statuses[0]


def test_the_gate_into_pilot_holds_the_agreement_criterion_unmet_without_one(world):
    initiative = pilot(world, stage="concept")

    status = _agreement_criterion(initiative)

    assert status.holds is False
    assert status.criterion.text_en == "A pilot agreement with the partners is written"


def test_the_gate_into_pilot_holds_the_agreement_criterion_met_with_one(world):
    initiative = pilot(world, stage="concept")
    agreement_for(initiative)

    assert _agreement_criterion(initiative).holds is True


def test_a_draft_is_enough_for_the_gate(world):
    """The criterion asks that an agreement is written; signing may follow the decision."""
    initiative = pilot(world, stage="concept")
    agreement = agreement_for(initiative)
    assert not agreement.is_signed

    assert _agreement_criterion(initiative).holds is True


def test_the_gate_page_shows_the_criterion_and_the_decision_freezes_it_as_met(world, as_persona):
    from django.urls import reverse

    initiative = pilot(world, stage="concept")
    client = as_persona("coordinator")
    url = reverse("initiatives:gate", kwargs={"pk": initiative.pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "A pilot agreement with the partners is written" in page.content.decode()

    data = {
        "seen_stage": "concept",
        "seen_state": "active",
        "to_stage": "pilot",
        "decision": "go",
        "decided_by": "Anna Kommunchef",
        "body": "management_group",
        "decided_on": timezone.localdate().isoformat(),
        "rationale": "The concept holds.",
        "open_criteria_reason": "",
    }
    # Every manual criterion held: only the data-judged ones can be open.
    data["holding"] = [
        str(s.criterion.pk) for s in gate_criteria(initiative, "pilot") if s.holds is None
    ]
    agreement_for(initiative)
    # Other data-judged criteria (assumptions, helices) may be open: a reason covers them.
    response = client.post(url, {**data, "open_criteria_reason": "Other criteria are open"})
    assert response.status_code == 302
    decision = Initiative.objects.get(pk=initiative.pk).gate_decisions.get()
    frozen = [
        c
        for c in decision.criteria
        if c["text_en"] == "A pilot agreement with the partners is written"
    ]
    assert frozen and frozen[0]["holds"] is True
