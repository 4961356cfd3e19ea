"""Persona fixtures shared by every test.

The world: cluster A (Ale and Alingsås) and cluster B (Lerum). Each persona holds exactly one
role, so a test says whose eyes it looks through: ``admin``, ``manager`` (cluster A),
``other_manager`` (cluster B), ``coordinator`` and ``viewer`` (Ale), ``other_coordinator``
(Lerum), ``partner`` (partner contact in cluster A), and ``outsider`` (no role at all).
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from django.test import Client, override_settings
from django.utils import translation
from pytest_django.fixtures import validate_django_db

from clusters.models import Cluster, RosterRole
from innocities import celery_app
from innocities.accounts.models import User
from municipalities.models import Municipality, MunicipalityRole
from programs.models import Program
from tests import factories as f
from tests.services import claim_redis_database

# --- test databases kept between runs (--reuse-db) ----------------------------------------
# `make test` on a laptop keeps the test databases (--reuse-db) and so saves the migrations
# at the start of every run. Two things would otherwise go wrong with a kept database:
# - its schema is older than the code when a migration was added, edited or removed since (or
#   the database was made from another checkout): each PostgreSQL test database holds the
#   fingerprint of the migrations it was made from, and a different one makes it anew;
# - the last run's transactional tests (live server, real workers) flushed every table, so
#   what the data migrations seeded (the framework, reminder rules, the site's name) is gone:
#   a kept database is flushed and the project's data migrations are run again, which gives
#   the rows a new database starts with.

PROJECT_PACKAGES = ("innocities", "municipalities", "clusters", "programs")
FINGERPRINT_TABLE = "pytest_migrations_fingerprint"  # not a model: flush leaves it alone


def migrations_fingerprint() -> str:
    """A hash of the project's migration files and of uv.lock (the other apps' migrations)."""
    base = Path(django_settings.BASE_DIR)
    files = sorted(
        path
        for package in PROJECT_PACKAGES
        for path in (base / package).rglob("*.py")
        if path.parent.name == "migrations"
    )
    digest = hashlib.sha256()
    for path in [*files, base / "uv.lock"]:
        digest.update(f"{path.relative_to(base)}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _kept_database_fingerprint(alias: str) -> str | None:
    """The fingerprint stored in ``alias``'s test database; None if it has none or is absent."""
    connection = connections[alias]
    name = connection.creation._get_test_db_name()
    probe = connection.__class__({**connection.settings_dict, "NAME": name}, alias)
    try:
        with probe.cursor() as cursor:
            cursor.execute(f"SELECT fingerprint FROM {FINGERPRINT_TABLE}")
            row = cursor.fetchone()
    except DatabaseError:
        return None
    finally:
        probe.close()
    return row[0] if row else None


def _store_fingerprint(alias: str, fingerprint: str) -> None:
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FINGERPRINT_TABLE} (fingerprint varchar(64) NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {FINGERPRINT_TABLE}")
        cursor.execute(f"INSERT INTO {FINGERPRINT_TABLE} VALUES (%s)", [fingerprint])


def replay_project_data_migrations(alias: str) -> None:
    """Run the forward code of the project's data migrations again, in migration order.

    With today's models (as tests/notifications/conftest.py does), on a just flushed database.
    """
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    connection = connections[alias]
    graph = MigrationLoader(connection).graph
    plan: list[tuple[str, str]] = []
    for leaf in graph.leaf_nodes():
        plan += [key for key in graph.forwards_plan(leaf) if key not in plan]
    with transaction.atomic(using=alias), connection.schema_editor() as schema_editor:
        for key in plan:
            migration = graph.nodes[key]
            if not type(migration).__module__.startswith(PROJECT_PACKAGES):
                continue
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, schema_editor)


def _postgresql_aliases() -> list[str]:
    # SQLite's test database lives in memory: it is new every run anyway.
    return [alias for alias in connections if connections[alias].vendor == "postgresql"]


@pytest.fixture(scope="session")
def django_db_createdb(
    request: pytest.FixtureRequest,
    django_db_keepdb: bool,
    django_db_modify_db_settings: None,  # the xdist suffix is in the test database's name
    django_db_blocker,
) -> bool:
    """--create-db, or a kept database made from other migrations than these: make it anew."""
    if request.config.getvalue("create_db"):
        return True
    if not django_db_keepdb:
        return False
    fingerprint = migrations_fingerprint()
    with django_db_blocker.unblock():
        return any(
            _kept_database_fingerprint(alias) != fingerprint for alias in _postgresql_aliases()
        )


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_keepdb: bool, django_db_createdb: bool, django_db_blocker
) -> None:
    """A kept database starts each run as a new one would: see the comment above."""
    if not django_db_keepdb:
        return  # made for this run and dropped after it
    with django_db_blocker.unblock():
        if django_db_createdb:
            fingerprint = migrations_fingerprint()
            for alias in _postgresql_aliases():
                _store_fingerprint(alias, fingerprint)
            return
        for alias in connections:
            # As after a transactional test: post_migrate puts back content types, permissions
            # and the default site; then the project's data migrations run again.
            call_command(
                "flush", verbosity=0, interactive=False, database=alias, reset_sequences=False
            )
            replay_project_data_migrations(alias)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated files (reports) go to the test's own folder, never var/media."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = str(folder)
    return folder


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):
    """Signed pilot agreements go to the test's own folder, never var/private."""
    folder = tmp_path / "private"
    folder.mkdir()
    settings.PRIVATE_MEDIA_ROOT = str(folder)
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


def _drop_broker_connections() -> None:
    # Pools and producers are keyed by the old URL and folders; new ones open on next use.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(scope="session", autouse=True)
def celery_broker_of_this_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A broker no other test process shares, so a real worker one test starts consumes only
    that test process's tasks: not another xdist worker's (whose tasks name rows in another
    test database), not another test run's, not ``make run``'s.

    Redis: this process claims a Redis database of its own for the session (see
    ``tests.services.claim_redis_database``) and passes it on to the Celery workers it starts
    (tests read ``settings.CELERY_BROKER_URL``; ``child_env`` copies the environment). The
    file-system broker: the queue is a folder of this process instead of var/celery.
    """
    url = django_settings.CELERY_BROKER_URL
    previous_options = celery_app.conf.broker_transport_options
    claim = None
    if url.startswith(("redis://", "rediss://")):
        claim = claim_redis_database(url, owner=f"pid {os.getpid()} {xdist_worker()}".strip())
        if claim is not None:  # None: Redis is down, and the tests that need it say so
            os.environ["CELERY_BROKER_URL"] = claim.url
            django_settings.CELERY_BROKER_URL = claim.url
            celery_app.conf.broker_url = claim.url
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
    with _cache_of_this_process(claim.url if claim is not None else None, tmp_path_factory):
        yield
    celery_app.conf.broker_transport_options = previous_options
    _drop_broker_connections()
    if claim is not None:
        claim.release()


def _cache_of_this_process(
    redis_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> override_settings:
    """The cache counts rate limits: one test process must not count another's attempts.
    A Redis cache moves into this process's own Redis database (the one Celery uses: the keys
    have their own prefix), a file cache into a folder of this process."""
    cache = dict(django_settings.CACHES["default"])
    if cache["BACKEND"].endswith("RedisCache") and redis_url is not None:
        cache.update(LOCATION=redis_url, KEY_PREFIX="cache")
    else:
        cache = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path_factory.mktemp("cache")),
        }
    return override_settings(CACHES={"default": cache})


def xdist_worker() -> str:
    """``gw0``, ``gw1``, … in a pytest-xdist worker; empty in a run without ``-n``."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


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


def build_world() -> World:
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
    # Administrators and programme managers must have a second factor to use the portal
    # (innocities.accounts.middleware), as they would in production: an authenticator app.
    for person in (admin, manager, other_manager):
        f.totp_authenticator(person)

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


# Modules whose database tests all use the world (and none is transactional) share one world,
# built once per module (and xdist worker), as Django's setUpTestData does for a class: the
# world is ~30 rows with their history, and most of the suite's tests use it.
SHARED_WORLD_MODULES = pytest.StashKey[set[str]]()
TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _database_use(item: pytest.Item) -> tuple[bool, bool]:
    """(uses the database, transactionally) as pytest-django will set the test up."""
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    transactional = bool(names & TRANSACTIONAL_FIXTURES)
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction or reset_sequences
    uses = marker is not None or "db" in names or transactional
    return uses, transactional


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    verdict: dict[str, bool] = {}
    for item in items:
        uses_db, transactional = _database_use(item)
        if not uses_db:
            continue
        module = item.nodeid.split("::")[0]
        fits = not transactional and "world" in getattr(item, "fixturenames", ())
        verdict[module] = verdict.get(module, True) and fits
    config.stash[SHARED_WORLD_MODULES] = {module for module, fits in verdict.items() if fits}


@pytest.fixture(scope="module")
def _shared_world(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker
) -> Iterator[World | None]:
    """The module's world, inside a transaction rolled back after the module; None if the
    module has a database test without the world, which must not see its rows.

    Each test's own transaction nests inside (a savepoint), so what a test writes is gone
    before the next one, and the ``world`` fixture hands each test a deep copy, so no test sees
    another's changes to the Python objects either.
    """
    module = request.node.nodeid.split("::")[0]
    if module not in request.config.stash.get(SHARED_WORLD_MODULES, set()):
        yield None
        return
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_shared_world: World | None, db: None) -> World:
    """Two clusters, three municipalities, two programmes and the personas (module docstring)."""
    if _shared_world is not None:
        return copy.deepcopy(_shared_world)
    return build_world()


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
