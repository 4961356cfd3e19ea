"""Initiatives on the pages that existed before them: the dashboard, the municipality page,
the programme's modules and the cluster's shared needs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.initiatives.models import Stage, State
from tests import factories as f
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_decisions_coming_up_in_order(world, as_persona):
    today = timezone.localdate()
    overdue = InitiativeFactory(
        municipality=world.ale, title="Digital tillsyn", next_gate_due_on=today - dt.timedelta(1)
    )
    InitiativeFactory(
        municipality=world.ale,
        title="Smarta vattenmätare",
        next_gate_due_on=today + dt.timedelta(9),
    )
    InitiativeFactory(
        municipality=world.ale, title="Far ahead", next_gate_due_on=today + dt.timedelta(90)
    )
    InitiativeFactory(
        municipality=world.ale, title="Parked one", state=State.PARKED, next_gate_due_on=today
    )
    InitiativeFactory(municipality=world.lerum, title="Lerum's", next_gate_due_on=today)
    response = as_persona("coordinator").get(reverse("portal:dashboard"))
    titles = [i.title for i in response.context["awaiting_decisions"]]
    assert titles == ["Digital tillsyn", "Smarta vattenmätare"]
    assert overdue.title in response.content.decode()
    # The partner sees nothing of Ale's: their organisation takes part in none of it.
    assert (
        as_persona("partner").get(reverse("portal:dashboard")).context["awaiting_decisions"] == []
    )


def test_the_municipality_page_shows_what_waits_and_offers_to_start_from_a_need(world, as_persona):
    need = f.NeedFactory(municipality=world.ale, title="Ensamma äldre")
    InitiativeFactory(
        municipality=world.ale, title="Digital fika", next_gate_due_on=timezone.localdate()
    )
    url = reverse("portal:municipality_detail", kwargs={"pk": world.ale.pk})
    coordinator = as_persona("coordinator").get(url).content.decode()
    assert "Digital fika" in coordinator
    assert (
        f"{reverse('initiatives:create', kwargs={'pk': world.ale.pk})}?need={need.pk}"
        in coordinator
    )
    viewer = as_persona("viewer").get(url).content.decode()
    assert "Digital fika" in viewer
    assert reverse("initiatives:create", kwargs={"pk": world.ale.pk}) not in viewer
    outsider = as_persona("outsider").get(url).content.decode()
    assert "Digital fika" not in outsider


def test_a_module_shows_the_initiatives_it_holds(world, as_persona):
    module = world.program.modules.get()
    InitiativeFactory(
        municipality=world.ale, title="Innovationsvecka", module=module, stage=Stage.PILOT
    )
    page = as_persona("viewer").get(reverse("programs:detail", kwargs={"pk": world.program.pk}))
    section = next(s for s in page.context["sections"] if s.module == module)
    assert [i.title for i in section.initiatives] == ["Innovationsvecka"]
    assert "Innovationsvecka" in page.content.decode()


def test_a_shared_need_offers_a_joint_initiative_to_the_manager(world, as_persona):
    need = f.NeedFactory(cluster=world.cluster_a, municipality=None, title="Gemensam data")
    url = reverse("portal:cluster_detail", kwargs={"pk": world.cluster_a.pk})
    link = (
        f"{reverse('initiatives:create_joint', kwargs={'pk': world.cluster_a.pk})}?need={need.pk}"
    )
    assert link in as_persona("manager").get(url).content.decode()
    assert link not in as_persona("coordinator").get(url).content.decode()
