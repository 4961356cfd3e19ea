"""The Django admin for clusters: pages load, and roster history made in the portal shows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters import services
from clusters.models import (
    Cluster,
    ClusterMembership,
    ClusterPartner,
    Meeting,
    Need,
    RosterEntry,
)
from tests import factories as f

MODELS = [Cluster, ClusterMembership, ClusterPartner, RosterEntry, Meeting, Need]


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:clusters_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def rows(world):
    meeting = f.MeetingFactory(cluster=world.cluster_a)
    f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    need = f.NeedFactory(cluster=world.cluster_a, municipality=None)
    return {
        Cluster: world.cluster_a,
        ClusterMembership: world.cluster_a.memberships.first(),
        ClusterPartner: world.cluster_a.partners.first(),
        RosterEntry: world.cluster_a.roster.first(),
        Meeting: meeting,
        Need: need,
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_searches_and_opens_each_model(world, as_persona, rows, model):
    client = as_persona("admin")
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "changelist"), {"q": "Ale"}).status_code == 200
    assert client.get(admin_url(model, "change", rows[model].pk)).status_code == 200
    assert client.get(admin_url(model, "history", rows[model].pk)).status_code == 200


def test_the_admin_history_shows_a_roster_change_made_in_the_portal(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    services.cluster_end_membership(
        membership=membership, left_on=timezone.localdate(), actor=world.manager
    )
    response = as_persona("admin").get(admin_url(ClusterMembership, "history", membership.pk))
    assert response.status_code == 200
    assert "Maja Manager" in response.content.decode()


@pytest.mark.parametrize("model", [ClusterMembership, ClusterPartner, RosterEntry])
def test_roster_rows_cannot_be_deleted_in_the_admin(world, as_persona, rows, model):
    response = as_persona("admin").get(admin_url(model, "delete", rows[model].pk))
    assert response.status_code == 403


def test_non_staff_cannot_open_the_cluster_admin(world, as_persona):
    response = as_persona("manager").get(admin_url(Cluster, "changelist"))
    assert response.status_code == 302
