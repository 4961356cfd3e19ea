"""The initiative pages: creating, the page itself, gate decisions, assumptions, partners and
effort, with the refusals a person gets for bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import ClusterPartner
from programs.initiatives.models import (
    Assumption,
    Effort,
    GateDecision,
    Initiative,
    InitiativePartner,
    Outcome,
    Stage,
    State,
)
from tests import factories as f
from tests.initiatives.factories import AssumptionFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def _url(name: str, initiative: Initiative, **kwargs: int) -> str:
    return reverse(f"initiatives:{name}", kwargs={"pk": initiative.pk, **kwargs})


def _gate_data(initiative: Initiative, **overrides: str) -> dict[str, str]:
    data = {
        "seen_stage": initiative.stage,
        "seen_state": initiative.state,
        "to_stage": initiative.next_stage or "",
        "decision": "go",
        "decided_by": "Anna Kommunchef",
        "body": "management_group",
        "decided_on": timezone.localdate().isoformat(),
        "rationale": "The need is clear and the idea is worth a concept.",
        "open_criteria_reason": "",
    }
    data.update(overrides)
    return data


# --- creating ------------------------------------------------------------------------------


def test_coordinator_creates_an_idea_that_answers_a_need(world, as_persona):
    need = f.NeedFactory(municipality=world.ale, title="Fewer car trips to school")
    client = as_persona("coordinator")
    page = client.get(reverse("initiatives:create", kwargs={"pk": world.ale.pk}))
    assert page.status_code == 200
    assert "Fewer car trips to school" in page.content.decode()
    response = client.post(
        reverse("initiatives:create", kwargs={"pk": world.ale.pk}),
        {
            "title": "Walking school bus",
            "description": "Parents take turns walking children to school.",
            "need": need.pk,
            "stage": "idea",
            "facet": "enhancement",
            "lead": world.coordinator.pk,
            "next_gate_due_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    initiative = Initiative.objects.get(title="Walking school bus")
    assert response.status_code == 302
    assert response["Location"] == _url("detail", initiative)
    assert initiative.municipality == world.ale
    assert initiative.need == need
    assert (initiative.stage, initiative.state) == (Stage.IDEA, State.ACTIVE)
    assert initiative.created_by == world.coordinator
    detail = client.get(_url("detail", initiative)).content.decode()
    assert "Walking school bus" in detail
    assert "Parents take turns" in detail


def test_a_new_initiative_cannot_start_past_the_idea_stage(world, as_persona):
    response = as_persona("coordinator").post(
        reverse("initiatives:create", kwargs={"pk": world.ale.pk}),
        {"title": "Straight to pilot", "stage": "pilot", "facet": "enhancement"},
    )
    assert response.status_code == 200
    assert not Initiative.objects.filter(title="Straight to pilot").exists()
    assert "stage" in response.context["form"].errors


def test_another_municipalitys_need_is_refused_and_nothing_is_saved(world, as_persona):
    lerum_need = f.NeedFactory(municipality=world.lerum, title="Lerum's own need")
    response = as_persona("coordinator").post(
        reverse("initiatives:create", kwargs={"pk": world.ale.pk}),
        {"title": "Borrowed need", "stage": "idea", "facet": "mission", "need": lerum_need.pk},
    )
    assert response.status_code == 200
    assert "need" in response.context["form"].errors
    assert not Initiative.objects.filter(title="Borrowed need").exists()


def test_a_manager_reads_a_members_initiative_but_does_not_create_one(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale, title="Smart water meters")
    manager = as_persona("manager")
    assert manager.get(_url("detail", initiative)).status_code == 200
    assert manager.get(_url("edit", initiative)).status_code == 403
    assert (
        manager.get(reverse("initiatives:create", kwargs={"pk": world.ale.pk})).status_code == 403
    )


def test_a_joint_initiative_starts_from_a_shared_need(world, as_persona):
    shared = f.NeedFactory(
        cluster=world.cluster_a, municipality=None, title="Shared: data for energy use"
    )
    client = as_persona("manager")
    url = reverse("initiatives:create_joint", kwargs={"pk": world.cluster_a.pk})
    page = client.get(f"{url}?need={shared.pk}")
    assert page.context["form"].initial["title"] == "Shared: data for energy use"
    response = client.post(
        url,
        {
            "title": "Joint energy data platform",
            "stage": "idea",
            "facet": "mission",
            "need": shared.pk,
        },
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get(title="Joint energy data platform")
    assert (initiative.cluster, initiative.municipality, initiative.need) == (
        world.cluster_a,
        None,
        shared,
    )


# --- gate decisions ------------------------------------------------------------------------


def test_go_with_conditions_moves_the_stage_and_freezes_the_business_case(world, as_persona):
    initiative = InitiativeFactory(
        municipality=world.ale, lead=world.coordinator, expected_benefits="Less driving"
    )
    client = as_persona("coordinator")
    page = client.get(_url("gate", initiative)).content.decode()
    assert "An initiative lead is named" in page  # a criterion of the concept gate
    response = client.post(
        _url("gate", initiative),
        _gate_data(
            initiative,
            decision="go_conditions",
            conditions="Involve the parents' association.",
            open_criteria_reason="The main assumptions are tested in the concept stage.",
            expected_benefits="200 fewer car trips a day",
            estimated_cost_sek="150000",
            next_gate_due_on=(timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        ),
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.stage, initiative.state) == (Stage.CONCEPT, State.ACTIVE)
    assert initiative.expected_benefits == "200 fewer car trips a day"
    decision = GateDecision.objects.get(initiative=initiative)
    assert (decision.from_stage, decision.to_stage, decision.decision) == (
        "idea",
        "concept",
        "go_conditions",
    )
    assert decision.estimated_cost_sek == 150000
    assert decision.recorded_by == world.coordinator
    held = dict(decision.criteria_read)
    assert held["An initiative lead is named"] is True
    assert held["The main assumptions are written down"] is False
    assert {c["text_sv"] for c in decision.criteria} >= {"En initiativledare är utsedd"}
    # Later edits of the initiative do not change what the decision was taken on.
    initiative.expected_benefits = "Changed later"
    initiative.save()
    decision.refresh_from_db()
    assert decision.expected_benefits == "200 fewer car trips a day"
    detail = client.get(_url("detail", initiative)).content.decode()
    assert "Involve the parents" in detail


def test_going_on_against_an_open_criterion_needs_a_reason(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)  # no lead, no assumptions
    response = as_persona("coordinator").post(_url("gate", initiative), _gate_data(initiative))
    assert response.status_code == 200
    assert "open_criteria_reason" in response.context["form"].errors
    initiative.refresh_from_db()
    assert initiative.stage == Stage.IDEA
    assert not GateDecision.objects.exists()


def test_a_decision_on_an_initiative_that_moved_meanwhile_is_refused(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale, lead=world.coordinator)
    seen = _gate_data(initiative, decision="stop")
    Initiative.objects.filter(pk=initiative.pk).update(stage=Stage.CONCEPT)  # someone else
    response = as_persona("coordinator").post(_url("gate", initiative), seen)
    assert response.status_code == 200
    assert "moved while you were deciding" in response.content.decode()
    initiative.refresh_from_db()
    assert (initiative.stage, initiative.state) == (Stage.CONCEPT, State.ACTIVE)
    assert not GateDecision.objects.exists()


def test_a_stage_cannot_be_skipped(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    response = as_persona("coordinator").post(
        _url("gate", initiative),
        _gate_data(initiative, to_stage="pilot", open_criteria_reason="Hurry."),
    )
    assert response.status_code == 200
    assert "Stages are not skipped" in response.content.decode()
    assert not GateDecision.objects.exists()


@pytest.mark.parametrize(
    ("decision", "stage", "state"),
    [
        ("hold", Stage.IDEA, State.PARKED),
        ("stop", Stage.IDEA, State.STOPPED),
        ("pivot", Stage.IDEA, State.ACTIVE),
    ],
)
def test_hold_stop_and_pivot_keep_the_stage(world, as_persona, decision, stage, state):
    initiative = InitiativeFactory(municipality=world.ale)
    response = as_persona("coordinator").post(
        _url("gate", initiative), _gate_data(initiative, decision=decision)
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.stage, initiative.state) == (stage, state)


def test_a_stopped_initiative_takes_no_more_decisions(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale, state=State.STOPPED)
    client = as_persona("coordinator")
    assert client.get(_url("gate", initiative)).status_code == 302
    client.post(_url("gate", initiative), _gate_data(initiative))
    assert not GateDecision.objects.exists()


def test_a_manager_records_a_decision_taken_in_a_cluster_meeting(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    meeting = f.MeetingFactory(cluster=world.cluster_a, title="Klustermöte mars")
    client = as_persona("manager")
    page = client.get(_url("gate", initiative))
    assert [value for value, _label in page.context["form"].fields["body"].choices] == ["cluster"]
    refused = client.post(
        _url("gate", initiative), _gate_data(initiative, decision="hold")
    )  # management group: not the manager's to record
    assert refused.status_code == 200 and not GateDecision.objects.exists()
    response = client.post(
        _url("gate", initiative),
        _gate_data(initiative, decision="hold", body="cluster", meeting=str(meeting.pk)),
    )
    assert response.status_code == 302
    assert GateDecision.objects.get().meeting == meeting


def test_a_decision_cannot_be_dated_in_the_future(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = as_persona("coordinator").post(
        _url("gate", initiative), _gate_data(initiative, decision="hold", decided_on=tomorrow)
    )
    assert "decided_on" in response.context["form"].errors


# --- assumptions ---------------------------------------------------------------------------


def test_an_assumption_is_added_tested_and_learned_from(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale, lead=world.coordinator)
    client = as_persona("coordinator")
    test_by = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    response = client.post(
        _url("assumption_create", initiative),
        {
            "statement": "Parents have time to walk",
            "kind": "need",
            "impact": "5",
            "uncertainty": "4",
            "test_plan": "Ask 30 parents",
            "test_by": test_by,
            "make_task": "on",
        },
    )
    assert response.status_code == 302
    assumption = Assumption.objects.get()
    assert assumption.is_critical
    assert assumption.task is not None
    assert assumption.task.program == world.program
    assert assumption.task.due_on.isoformat() == test_by
    missing = client.post(
        _url("assumption_resolve", initiative, assumption_pk=assumption.pk),
        {"outcome": "invalidated", "learning": ""},
    )
    assert "learning" in missing.context["form"].errors
    client.post(
        _url("assumption_resolve", initiative, assumption_pk=assumption.pk),
        {
            "outcome": "invalidated",
            "learning": "Only a third have time in the morning.",
            "resolved_on": timezone.localdate().isoformat(),
        },
    )
    assumption.refresh_from_db()
    assert assumption.outcome == Outcome.INVALIDATED
    assert "a third" in client.get(_url("detail", initiative)).content.decode()


def test_an_assumption_of_another_initiative_answers_404(world, as_persona):
    mine = InitiativeFactory(municipality=world.ale)
    other = AssumptionFactory(initiative=InitiativeFactory(municipality=world.lerum))
    response = as_persona("coordinator").get(_url("assumption_edit", mine, assumption_pk=other.pk))
    assert response.status_code == 404


def test_impact_outside_the_scale_is_refused(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    response = as_persona("coordinator").post(
        _url("assumption_create", initiative),
        {"statement": "x", "kind": "legal", "impact": "9", "uncertainty": "1"},
    )
    assert "impact" in response.context["form"].errors
    assert not Assumption.objects.exists()


# --- partners and effort -------------------------------------------------------------------


def test_a_partner_who_has_left_the_cluster_is_refused(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    partnership = ClusterPartner.objects.get(cluster=world.cluster_a)
    client = as_persona("coordinator")
    page = client.get(_url("partners", initiative))
    assert partnership.organisation in page.context["form"].fields["organisation"].queryset
    ClusterPartner.objects.filter(pk=partnership.pk).update(left_on=timezone.localdate())
    response = client.post(
        _url("partners", initiative),
        {"organisation": partnership.organisation_id, "role": "Research partner"},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not InitiativePartner.objects.exists()


def test_a_partner_is_added_and_removed(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    organisation = ClusterPartner.objects.get(cluster=world.cluster_a).organisation
    client = as_persona("coordinator")
    client.post(
        _url("partners", initiative), {"organisation": organisation.pk, "role": "Evaluator"}
    )
    partner = InitiativePartner.objects.get()
    assert partner.role == "Evaluator"
    client.post(_url("partner_remove", initiative, partner_pk=partner.pk))
    assert not InitiativePartner.objects.exists()


@pytest.mark.parametrize(
    ("hours", "sek", "field"),
    [("-5", "", "hours"), ("25000", "", "hours"), ("", "999999999999", "sek"), ("", "-1", "sek")],
)
def test_negative_or_absurd_effort_is_refused(world, as_persona, hours, sek, field):
    initiative = InitiativeFactory(municipality=world.ale)
    today = timezone.localdate()
    period = f"{today.year}-{(today.month - 1) // 3 + 1}"
    response = as_persona("coordinator").post(
        _url("effort", initiative), {"period": period, "hours": hours, "sek": sek}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Effort.objects.exists()


def test_effort_is_recorded_replaced_and_removed(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    today = timezone.localdate()
    period = f"{today.year}-{(today.month - 1) // 3 + 1}"
    client = as_persona("coordinator")
    client.post(_url("effort", initiative), {"period": period, "hours": "120", "sek": ""})
    client.post(_url("effort", initiative), {"period": period, "hours": "80", "sek": "40000"})
    effort = Effort.objects.get()
    assert (effort.hours, effort.sek) == (80, 40000)
    client.post(_url("effort", initiative), {"period": period, "hours": "", "sek": ""})
    assert not Effort.objects.exists()


def test_the_page_shows_history(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    client = as_persona("coordinator")
    client.post(
        _url("edit", initiative),
        {"title": "Renamed initiative", "facet": "adaptive"},
    )
    page = client.get(_url("detail", initiative)).content.decode()
    assert "Renamed initiative" in page
    assert "Cora Coordinator" in page  # who changed it


# --- query counts --------------------------------------------------------------------------


def _grow(initiative: Initiative, world, times: int) -> None:
    from clusters.models import ClusterPartner
    from municipalities.models import Organisation
    from programs.initiatives.models import Effort, GateDecision

    for n in range(times):
        AssumptionFactory(initiative=initiative, statement=f"Assumption {initiative.pk}-{n}")
        organisation = Organisation.objects.create(
            name=f"Partner {initiative.pk}-{n}", helix="business"
        )
        ClusterPartner.objects.create(
            cluster=world.cluster_a, organisation=organisation, joined_on=world.program.starts_on
        )
        InitiativePartner.objects.create(initiative=initiative, organisation=organisation)
        Effort.objects.create(initiative=initiative, year=2020 + n, quarter=1, hours=10)
        GateDecision.objects.create(
            initiative=initiative,
            from_stage="idea",
            to_stage="concept",
            decision="pivot",
            decided_by="Anna",
            body="management_group",
            decided_on=timezone.localdate(),
            rationale="Rework",
            criteria=[{"text_sv": "a", "text_en": "a", "text_nb": "", "holds": True}],
        )


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_initiative_page_costs_the_same_queries_at_ten_times_the_data(world, as_persona):
    small = InitiativeFactory(municipality=world.ale, lead=world.coordinator)
    large = InitiativeFactory(municipality=world.ale, lead=world.coordinator)
    _grow(small, world, 2)
    _grow(large, world, 20)
    client = as_persona("coordinator")
    _queries(client, _url("detail", small))  # warm the session and caches
    assert _queries(client, _url("detail", large)) == _queries(client, _url("detail", small))
    assert _queries(client, _url("gate", large)) == _queries(client, _url("gate", small))


def test_editing_keeps_a_lead_who_has_left_but_refuses_to_pick_one(world, as_persona):
    from municipalities.models import MunicipalityMembership

    initiative = InitiativeFactory(municipality=world.ale, lead=world.viewer, title="Old title")
    MunicipalityMembership.objects.filter(user=world.viewer).delete()  # the viewer left Ale
    client = as_persona("coordinator")
    data = {"title": "New title", "facet": "enhancement", "lead": world.viewer.pk}
    assert client.post(_url("edit", initiative), data).status_code == 302
    initiative.refresh_from_db()
    assert (initiative.title, initiative.lead) == ("New title", world.viewer)
    other = InitiativeFactory(municipality=world.ale)
    response = client.post(_url("edit", other), {**data, "title": "Other"})
    assert "lead" in response.context["form"].errors
