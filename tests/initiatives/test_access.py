"""Who reaches which initiative: the rule (``Roles.initiative_level``) and the query that lists
them (``visible_initiatives``) agree for every persona, and the partner-contact rule holds."""

from __future__ import annotations

import pytest

from clusters.models import ClusterPartner
from clusters.permissions import load_roles
from innocities.core.permissions import Level
from programs.initiatives.models import Initiative, InitiativePartner
from programs.initiatives.permissions import initiative_level, visible_initiatives
from tests.conftest import PERSONAS
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def _initiatives(world) -> dict[str, Initiative]:
    partner_org = ClusterPartner.objects.get(cluster=world.cluster_a).organisation
    with_partner = InitiativeFactory(cluster=world.cluster_a, title="Joint, with the partner")
    InitiativePartner.objects.create(initiative=with_partner, organisation=partner_org)
    return {
        "ale": InitiativeFactory(municipality=world.ale),
        "lerum": InitiativeFactory(municipality=world.lerum),
        "joint_a": InitiativeFactory(cluster=world.cluster_a),
        "joint_a_partner": with_partner,
        "joint_b": InitiativeFactory(cluster=world.cluster_b),
    }


EXPECTED = {
    # persona: {initiative: level}
    "outsider": {},
    "coordinator": {"ale": Level.EDIT, "joint_a": Level.READ, "joint_a_partner": Level.READ},
    "viewer": {"ale": Level.READ, "joint_a": Level.READ, "joint_a_partner": Level.READ},
    "other_coordinator": {"lerum": Level.EDIT, "joint_b": Level.READ},
    # A partner contact sees only what their organisation takes part in, joint or not.
    "partner": {"joint_a_partner": Level.READ},
    "manager": {"ale": Level.READ, "joint_a": Level.MANAGE, "joint_a_partner": Level.MANAGE},
    "other_manager": {"lerum": Level.READ, "joint_b": Level.MANAGE},
    "admin": {
        name: Level.MANAGE for name in ("ale", "lerum", "joint_a", "joint_a_partner", "joint_b")
    },
}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_rule_and_query_agree(world, persona):
    initiatives = _initiatives(world)
    roles = load_roles(getattr(world, persona))
    levels = {
        name: initiative_level(roles, initiative)
        for name, initiative in initiatives.items()
        if initiative_level(roles, initiative) > Level.NONE
    }
    assert levels == EXPECTED[persona]
    visible = set(visible_initiatives(roles).values_list("pk", flat=True))
    assert visible == {initiatives[name].pk for name in levels}


def test_only_a_manager_of_the_municipalitys_cluster_records_a_cluster_decision(world):
    assert load_roles(world.manager).may_record_cluster_decision(world.ale.pk)
    assert not load_roles(world.other_manager).may_record_cluster_decision(world.ale.pk)
    assert not load_roles(world.coordinator).may_record_cluster_decision(world.ale.pk)
    assert not load_roles(world.manager).may_record_cluster_decision(None)
