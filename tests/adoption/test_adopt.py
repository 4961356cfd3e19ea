"""Adopting a peer's pilot: the copy, the refusals, and the button's view."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import MembershipStatus
from municipalities.models import Helix
from programs.adoption.services import pilot_adopt
from programs.agreements.models import AgreementParty, PilotAgreement
from programs.initiatives.models import Initiative, Outcome, Stage, State
from tests import factories as f
from tests.adoption.helpers import need, scaled_pilot


def adopt_url(pilot) -> str:
    return reverse("adoption:adopt", kwargs={"pk": pilot.pk})


def test_the_copy_starts_at_the_concept_stage_with_the_challenge_and_untested_assumptions(world):
    own_need = need(world.ale, "smart WATER")
    need(world.ale, "Mobility")
    pilot = scaled_pilot(world.alingsas, assumptions=3)
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    copy.refresh_from_db()
    assert (copy.municipality, copy.stage, copy.state) == (world.ale, Stage.CONCEPT, State.ACTIVE)
    assert copy.stage_since == timezone.localdate()
    assert copy.next_gate_due_on is None
    assert copy.adopted_from == pilot
    assert (copy.title, copy.description) == (pilot.title, pilot.description)
    assert copy.need == own_need
    assert (copy.expected_benefits, copy.risk) == (pilot.expected_benefits, pilot.risk)
    # The cost and the benefit owner are the adopter's own to find.
    assert (copy.estimated_cost_sek, copy.benefit_owner) == (None, "")
    assert copy.lead == world.coordinator
    assert copy.created_by == world.coordinator
    copied = list(copy.assumptions.order_by("pk"))
    assert [a.statement for a in copied] == [a.statement for a in pilot.assumptions.order_by("pk")]
    for assumption in copied:
        assert assumption.outcome == Outcome.OPEN
        assert (assumption.learning, assumption.resolved_on, assumption.test_by) == ("", None, None)
        assert assumption.task_id is None
        assert assumption.test_plan == "Enkät till 200 hushåll"
    # The original is untouched.
    assert pilot.assumptions.filter(outcome=Outcome.VALIDATED).count() == 1


def test_the_history_says_it_was_adopted(world):
    pilot = scaled_pilot(world.alingsas)
    with translation.override("en"):  # the language of the request that adopts it
        copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    record = copy.history.get()
    assert record.history_type == "+"
    assert record.history_user == world.coordinator
    assert record.history_change_reason == f"Adopted from Alingsås: {pilot.title}"


def test_without_a_matching_need_the_copy_answers_none(world):
    need(world.ale, "Mobility")
    pilot = scaled_pilot(world.alingsas)
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    assert copy.need is None


def test_an_administrator_adopting_is_not_made_the_lead(world):
    pilot = scaled_pilot(world.alingsas)
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.admin)
    assert copy.lead is None and copy.created_by == world.admin


def test_the_agreement_comes_along_as_a_draft_template(world):
    pilot = scaled_pilot(world.alingsas)
    agreement = PilotAgreement.objects.create(
        initiative=pilot,
        purpose="Testa mätare i 200 hushåll",
        test_starts_on=timezone.localdate().replace(year=2024, month=1, day=1),
        test_ends_on=timezone.localdate().replace(year=2024, month=6, day=1),
        results_reuse="Fritt för andra kommuner",
        scale_up_criteria="Minst 30 % färre läckor",
        total_cost_sek=100000,
    )
    own = f.OrganisationFactory(name="Ale kommun", helix=Helix.PUBLIC, municipality=world.ale)
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    template = PilotAgreement.objects.get(initiative=copy)
    assert template.copied_from == agreement
    assert (template.purpose, template.results_reuse, template.scale_up_criteria) == (
        agreement.purpose,
        agreement.results_reuse,
        agreement.scale_up_criteria,
    )
    assert (template.test_starts_on, template.total_cost_sek, template.signed_copy.name) == (
        None,
        None,
        "",
    )
    assert list(
        AgreementParty.objects.filter(agreement=template).values_list("organisation", flat=True)
    ) == [own.pk]


def test_no_agreement_when_the_pilot_has_none(world):
    pilot = scaled_pilot(world.alingsas)
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    assert not PilotAgreement.objects.filter(initiative=copy).exists()


def test_a_second_adoption_by_the_same_municipality_is_refused(world):
    pilot = scaled_pilot(world.alingsas)
    pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    with translation.override("en"), pytest.raises(ValidationError, match="already adopted"):
        pilot_adopt(source=pilot, municipality=world.ale, actor=world.admin)
    assert Initiative.objects.filter(adopted_from=pilot).count() == 1


def test_the_database_refuses_a_second_copy_of_the_same_pilot(world):
    """The service checks first; the constraint holds even for a write that skips it."""
    pilot = scaled_pilot(world.alingsas)
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.create(
            municipality=world.ale,
            title="Again",
            stage=copy.stage,
            stage_since=copy.stage_since,
            adopted_from=pilot,
        )


def test_another_municipality_may_adopt_it_too(world):
    pilot = scaled_pilot(world.alingsas)
    third = f.MunicipalityFactory(name="Stenungsund")
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=third)
    pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    pilot_adopt(source=pilot, municipality=third, actor=world.admin)
    assert set(pilot.adoptions.values_list("municipality__name", flat=True)) == {
        "Ale",
        "Stenungsund",
    }


@pytest.mark.parametrize(
    "case",
    ["not scaled", "stopped", "own municipality", "no shared cluster", "left the cluster"],
)
def test_adoption_is_refused(world, case):
    pilot = scaled_pilot(
        world.alingsas,
        stage=Stage.PILOT if case == "not scaled" else Stage.IMPLEMENTATION,
        state=State.STOPPED if case == "stopped" else State.ACTIVE,
    )
    municipality = {"own municipality": world.alingsas, "no shared cluster": world.lerum}.get(
        case, world.ale
    )
    if case == "left the cluster":
        world.cluster_a.memberships.filter(municipality=world.ale).update(
            left_on=timezone.localdate(), status=MembershipStatus.LEFT
        )
    with pytest.raises(ValidationError):
        pilot_adopt(source=pilot, municipality=municipality, actor=world.admin)
    assert not Initiative.objects.filter(adopted_from=pilot).exists()


# --- the view --------------------------------------------------------------------------------


def test_the_coordinator_adopts_and_lands_on_the_new_initiative_ready_for_its_gate(
    world, as_persona
):
    need(world.ale, "Smart water")
    pilot = scaled_pilot(world.alingsas)
    client = as_persona("coordinator")
    response = client.post(adopt_url(pilot))
    copy = Initiative.objects.get(adopted_from=pilot)
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:detail", kwargs={"pk": copy.pk})
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Adopted from Alingsås:" in page
    assert reverse("adoption:pilot", kwargs={"pk": pilot.pk}) in page
    assert reverse("initiatives:gate", kwargs={"pk": copy.pk}) in page


def test_a_second_adoption_through_the_button_says_why_and_makes_no_copy(world, as_persona):
    pilot = scaled_pilot(world.alingsas)
    client = as_persona("coordinator")
    assert client.post(adopt_url(pilot)).status_code == 302
    response = client.post(
        adopt_url(pilot), {"municipality": world.ale.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Ale has already adopted this pilot" in response.content.decode()
    assert Initiative.objects.filter(adopted_from=pilot).count() == 1


def test_an_administrator_chooses_the_municipality(world, as_persona):
    pilot = scaled_pilot(world.alingsas)
    third = f.MunicipalityFactory(name="Stenungsund")
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=third)
    client = as_persona("admin")
    page = client.get(reverse("adoption:pilot", kwargs={"pk": pilot.pk})).content.decode()
    assert f'<option value="{third.pk}">Stenungsund</option>' in page
    assert f'<option value="{world.ale.pk}">Ale</option>' in page
    assert client.post(adopt_url(pilot), {"municipality": third.pk}).status_code == 302
    assert Initiative.objects.get(adopted_from=pilot).municipality == third


@pytest.mark.parametrize("persona, municipality", [("admin", "lerum"), ("coordinator", "alingsas")])
def test_a_municipality_that_may_not_adopt_is_refused_on_the_form(
    world, as_persona, persona, municipality
):
    pilot = scaled_pilot(world.alingsas)
    response = as_persona(persona).post(
        adopt_url(pilot),
        {"municipality": getattr(world, municipality).pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "You cannot adopt this pilot for that municipality." in response.content.decode()
    assert not Initiative.objects.filter(adopted_from=pilot).exists()


def test_a_coordinator_of_two_peers_chooses_and_cannot_skip_the_choice(world, as_persona):
    from municipalities.models import MunicipalityRole

    pilot = scaled_pilot(world.ale)
    third = f.MunicipalityFactory(name="Stenungsund")
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=third)
    f.MunicipalityMembershipFactory(
        user=world.coordinator, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    f.MunicipalityMembershipFactory(
        user=world.coordinator, municipality=third, role=MunicipalityRole.COORDINATOR
    )
    client = as_persona("coordinator")
    response = client.post(adopt_url(pilot), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"]
    assert client.post(adopt_url(pilot), {"municipality": third.pk}).status_code == 302
    assert Initiative.objects.get(adopted_from=pilot).municipality == third


def test_the_adopt_button_answers_405_to_get(world, as_persona):
    pilot = scaled_pilot(world.alingsas)
    assert as_persona("coordinator").get(adopt_url(pilot)).status_code == 405
