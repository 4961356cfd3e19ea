"""Persona fixtures shared by every test.

The world: cluster A (Ale and Alingsås) and cluster B (Lerum). Each persona holds exactly one
role, so a test says whose eyes it looks through: ``admin``, ``manager`` (cluster A),
``other_manager`` (cluster B), ``coordinator`` and ``viewer`` (Ale), ``other_coordinator``
(Lerum), ``partner`` (partner contact in cluster A), and ``outsider`` (no role at all).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from clusters.models import Cluster, RosterRole
from innocities.accounts.models import User
from municipalities.models import Municipality, MunicipalityRole
from programs.models import Program
from tests import factories as f


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated files (reports) go to the test's own folder, never var/media."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = str(folder)
    return folder


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts in the default language (Swedish), as a fresh process does.

    A request activates its reader's language in the thread and leaves it active (Django's
    LocaleMiddleware does not switch back), so without this a test would run in whichever
    language the previous test's last request happened to use, and pass or fail with the
    order of the tests, which xdist changes.
    """
    translation.deactivate()
    yield
    translation.deactivate()


def services_required() -> bool:
    """In CI (REQUIRE_SERVICES=1) a missing service fails a test instead of skipping it."""
    return os.environ.get("REQUIRE_SERVICES", "") not in ("", "0")


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (REQUIRE_SERVICES is set, so this fails instead of skipping)")
    pytest.skip(reason)


@dataclass
class World:
    cluster_a: Cluster
    cluster_b: Cluster
    ale: Municipality
    alingsas: Municipality
    lerum: Municipality
    program: Program  # Ale's programme in cluster A
    other_program: Program  # Lerum's programme in cluster B
    admin: User
    manager: User
    other_manager: User
    coordinator: User
    viewer: User
    other_coordinator: User
    partner: User
    outsider: User


@pytest.fixture
def world(db) -> World:
    county = f.CountyFactory()
    ale = f.MunicipalityFactory(name="Ale", code="1440", county=county, skr_group="A2")
    alingsas = f.MunicipalityFactory(name="Alingsås", code="1489", county=county, skr_group="A2")
    lerum = f.MunicipalityFactory(name="Lerum", code="1441", county=county, skr_group="A2")
    cluster_a = f.ClusterFactory(name="Västra Götaland smart")
    cluster_b = f.ClusterFactory(name="Göta älv mobility")
    for cluster, municipality in ((cluster_a, ale), (cluster_a, alingsas), (cluster_b, lerum)):
        f.ClusterMembershipFactory(cluster=cluster, municipality=municipality)

    admin = f.UserFactory(
        email="admin@example.se", full_name="Ada Admin", is_staff=True, is_superuser=True
    )
    manager = f.UserFactory(email="manager@example.se", full_name="Maja Manager")
    other_manager = f.UserFactory(email="manager2@example.se", full_name="Mats Manager")
    coordinator = f.UserFactory(email="coordinator@example.se", full_name="Cora Coordinator")
    viewer = f.UserFactory(email="viewer@example.se", full_name="Vera Viewer")
    other_coordinator = f.UserFactory(email="coordinator2@example.se", full_name="Carl Lerum")
    partner = f.UserFactory(email="partner@example.se", full_name="Per Partner")
    outsider = f.UserFactory(email="outsider@example.se", full_name="Otto Outsider")

    f.RosterEntryFactory(cluster=cluster_a, user=manager, role=RosterRole.PROGRAMME_MANAGER)
    f.RosterEntryFactory(cluster=cluster_b, user=other_manager, role=RosterRole.PROGRAMME_MANAGER)
    partner_org = f.OrganisationFactory(name="Chalmers Industriteknik", helix="academia")
    f.ClusterPartnerFactory(cluster=cluster_a, organisation=partner_org)
    f.RosterEntryFactory(
        cluster=cluster_a, user=partner, role=RosterRole.PARTNER_CONTACT, organisation=partner_org
    )
    f.MunicipalityMembershipFactory(
        user=coordinator, municipality=ale, role=MunicipalityRole.COORDINATOR
    )
    f.MunicipalityMembershipFactory(user=viewer, municipality=ale, role=MunicipalityRole.VIEWER)
    f.MunicipalityMembershipFactory(
        user=other_coordinator, municipality=lerum, role=MunicipalityRole.COORDINATOR
    )

    program = f.ProgramFactory(municipality=ale, cluster=cluster_a, title="Ale innovates")
    program.coordinators.add(coordinator)
    module = f.ProgramModuleFactory(program=program, title="Innovation culture", position=1)
    f.TaskFactory(
        program=program, module=module, title="Map the innovation culture", owner=coordinator
    )
    f.MilestoneFactory(program=program, module=module, title="Culture baseline agreed")
    other_program = f.ProgramFactory(municipality=lerum, cluster=cluster_b, title="Lerum moves")
    other_program.coordinators.add(other_coordinator)
    f.TaskFactory(program=other_program, title="Lerum mobility pilot")
    return World(
        cluster_a=cluster_a,
        cluster_b=cluster_b,
        ale=ale,
        alingsas=alingsas,
        lerum=lerum,
        program=program,
        other_program=other_program,
        admin=admin,
        manager=manager,
        other_manager=other_manager,
        coordinator=coordinator,
        viewer=viewer,
        other_coordinator=other_coordinator,
        partner=partner,
        outsider=outsider,
    )


PERSONAS = (
    "anonymous",
    "outsider",
    "coordinator",
    "other_coordinator",
    "viewer",
    "partner",
    "manager",
    "other_manager",
    "admin",
)


def client_for(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


@pytest.fixture
def as_persona(world: World):
    """``as_persona("coordinator")`` → a test client logged in as that persona."""
    return lambda persona: client_for(world, persona)
