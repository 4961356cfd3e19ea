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
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from clusters.models import Cluster, RosterRole
from innocities import celery_app
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


# Redis has 16 databases unless its configuration says otherwise.
REDIS_DATABASES = 16


def xdist_worker() -> str:
    """``gw0``, ``gw1``, … in a pytest-xdist worker; empty in a run without ``-n``."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def redis_url_for_worker(url: str, worker: str) -> str:
    """``url`` with a Redis database of the xdist worker's own: the configured one + 1 + n.

    Celery's queues are Redis keys in the URL's database, so workers on different databases
    can never take each other's tasks; a run without xdist keeps the configured database.
    """
    if not worker:
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = base + 1 + int(worker.removeprefix("gw"))
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"xdist worker {worker} would need Redis database {database}, but Redis has "
            f"{REDIS_DATABASES} (0-{REDIS_DATABASES - 1}): run with fewer workers (-n)"
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


def _drop_broker_connections() -> None:
    # Pools and producers are keyed by the old URL and folders; new ones open on next use.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(scope="session", autouse=True)
def celery_broker_of_this_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A broker no other test process shares, so a real worker one test starts consumes only
    that test process's tasks.

    Redis: each xdist worker (gw0, gw1, …) uses a database of its own, and passes it on to the
    Celery workers it starts (tests read ``settings.CELERY_BROKER_URL``; ``child_env`` copies
    the environment). The file-system broker: the queue is a folder of this process instead
    of var/celery, which ``make run``'s worker reads.
    """
    url = django_settings.CELERY_BROKER_URL
    previous_options = celery_app.conf.broker_transport_options
    if url.startswith(("redis://", "rediss://")):
        url = redis_url_for_worker(url, xdist_worker())
        os.environ["CELERY_BROKER_URL"] = url
        django_settings.CELERY_BROKER_URL = url
        celery_app.conf.broker_url = url
    elif url.startswith("filesystem://"):
        folder = tmp_path_factory.mktemp("celery")
        (folder / "queue").mkdir()
        (folder / "control").mkdir()
        options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
        }
        django_settings.CELERY_BROKER_TRANSPORT_OPTIONS = options
        celery_app.conf.broker_transport_options = options
    _drop_broker_connections()
    yield
    celery_app.conf.broker_transport_options = previous_options
    _drop_broker_connections()


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
