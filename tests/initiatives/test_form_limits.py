"""Limits set on a model form's fields after they are made are enforced, not only shown:
a pasted document in a description or a test plan gets a message on the form, and nothing
is saved."""

from __future__ import annotations

from django.urls import reverse

from innocities.core.forms import TEXT_MAX
from programs.initiatives.models import Assumption, Initiative
from tests.initiatives.factories import InitiativeFactory

TOO_LONG = "x" * (TEXT_MAX + 1)


def test_an_initiative_refuses_a_description_over_the_limit_and_a_negative_cost(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale, title="Läckagelarm")
    url = reverse("initiatives:edit", kwargs={"pk": initiative.pk})
    data = {"title": "Läckagelarm", "facet": "enhancement", "description": TOO_LONG}
    response = as_persona("coordinator").post(url, {**data, "estimated_cost_sek": "-1"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"description", "estimated_cost_sek"}
    assert 'maxlength="5000"' in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.description == ""
    assert "x" * 100 in response.content.decode()  # what they wrote is still on the form


def test_an_assumption_refuses_a_test_plan_over_the_limit(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale)
    url = reverse("initiatives:assumption_create", kwargs={"pk": initiative.pk})
    response = as_persona("coordinator").post(
        url,
        {
            "statement": "Hushållen läser larmen",
            "kind": "need",
            "impact": "4",
            "uncertainty": "4",
            "test_plan": TOO_LONG,
        },
    )
    assert response.status_code == 200
    assert "test_plan" in response.context["form"].errors
    assert not Assumption.objects.filter(initiative=initiative).exists()
    assert Initiative.objects.filter(pk=initiative.pk).exists()
