"""Who reads and who edits a lesson: the one rule (``lesson_scope``) for every persona and each
visibility, a municipality's and a cluster's lessons, and cluster memberships that end."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clusters.models import ClusterMembership
from clusters.permissions import load_roles
from innocities.core.permissions import ANONYMOUS, Level
from municipalities.models import MunicipalityRole
from programs.lessons.models import Lesson, Visibility
from programs.lessons.permissions import lesson_level, may_write_lessons, visible_lessons
from tests import factories as f
from tests.conftest import PERSONAS
from tests.lessons.factories import LessonFactory

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
WITH_A_ROLE = {p for p in SIGNED_IN if p != "outsider"}


def _lessons(world) -> dict[str, Lesson]:
    return {
        "ale_municipality": LessonFactory(
            municipality=world.ale, visibility=Visibility.MUNICIPALITY, author=world.coordinator
        ),
        "ale_clusters": LessonFactory(
            municipality=world.ale, visibility=Visibility.CLUSTERS, author=world.coordinator
        ),
        "ale_partnership": LessonFactory(
            municipality=world.ale, visibility=Visibility.PARTNERSHIP, author=world.coordinator
        ),
        "lerum_clusters": LessonFactory(
            municipality=world.lerum,
            visibility=Visibility.CLUSTERS,
            author=world.other_coordinator,
        ),
        "joint_a_clusters": LessonFactory(
            cluster=world.cluster_a, visibility=Visibility.CLUSTERS, author=world.manager
        ),
        "joint_a_partnership": LessonFactory(
            cluster=world.cluster_a, visibility=Visibility.PARTNERSHIP, author=world.manager
        ),
    }


PARTNERSHIP = {"ale_partnership", "joint_a_partnership"}
EXPECTED = {
    "outsider": set(),
    # Ale's people read all of Ale's lessons and cluster A's shared with its members.
    "coordinator": {"ale_municipality", "ale_clusters", "joint_a_clusters"} | PARTNERSHIP,
    "viewer": {"ale_municipality", "ale_clusters", "joint_a_clusters"} | PARTNERSHIP,
    # Lerum is in cluster B only: Ale's cluster-wide lessons are not for it.
    "other_coordinator": {"lerum_clusters"} | PARTNERSHIP,
    # A partner contact holds a role in the partnership, but is no municipality's person.
    "partner": PARTNERSHIP,
    # Cluster A's manager reads what its members share with their clusters, not Ale's own.
    "manager": {"ale_clusters", "joint_a_clusters"} | PARTNERSHIP,
    "other_manager": {"lerum_clusters"} | PARTNERSHIP,
    "admin": {
        "ale_municipality",
        "ale_clusters",
        "ale_partnership",
        "lerum_clusters",
        "joint_a_clusters",
        "joint_a_partnership",
    },
}


def _visible(world, persona: str, lessons: dict[str, Lesson]) -> set[str]:
    pks = set(visible_lessons(load_roles(getattr(world, persona))).values_list("pk", flat=True))
    return {name for name, lesson in lessons.items() if lesson.pk in pks}


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_each_persona_reads_the_lessons_the_rule_gives(world, persona):
    lessons = _lessons(world)
    assert _visible(world, persona, lessons) == EXPECTED[persona]


def test_anonymous_reads_nothing(world):
    _lessons(world)
    assert not visible_lessons(ANONYMOUS).exists()


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_a_partnership_lesson_is_read_by_everyone_with_a_role_and_no_one_else(world, persona):
    lessons = _lessons(world)
    assert ("ale_partnership" in _visible(world, persona, lessons)) == (persona in WITH_A_ROLE)


def test_the_people_of_a_municipality_in_the_same_cluster_read_its_cluster_lessons(world):
    lessons = _lessons(world)
    alingsas_viewer = f.UserFactory()
    f.MunicipalityMembershipFactory(
        user=alingsas_viewer, municipality=world.alingsas, role=MunicipalityRole.VIEWER
    )
    pks = set(visible_lessons(load_roles(alingsas_viewer)).values_list("pk", flat=True))
    assert lessons["ale_clusters"].pk in pks
    assert lessons["joint_a_clusters"].pk in pks
    assert lessons["ale_municipality"].pk not in pks
    assert lessons["lerum_clusters"].pk not in pks


def test_only_current_cluster_memberships_count(world):
    lessons = _lessons(world)
    today = timezone.localdate()
    # Lerum joins cluster A: its coordinator now reads Ale's cluster-wide lessons ...
    joined = f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=world.lerum)
    assert "ale_clusters" in _visible(world, "other_coordinator", lessons)
    assert "joint_a_clusters" in _visible(world, "other_coordinator", lessons)
    # ... and stops when it leaves again.
    joined.left_on, joined.status = today, "left"
    joined.save()
    assert "ale_clusters" not in _visible(world, "other_coordinator", lessons)
    assert "joint_a_clusters" not in _visible(world, "other_coordinator", lessons)
    # Ale leaves cluster A: the cluster's manager no longer reads Ale's cluster-wide lessons,
    # and Ale's people no longer the cluster's.
    ClusterMembership.objects.filter(cluster=world.cluster_a, municipality=world.ale).update(
        left_on=today, status="left"
    )
    assert "ale_clusters" not in _visible(world, "manager", lessons)
    assert "joint_a_clusters" not in _visible(world, "coordinator", lessons)
    assert "ale_partnership" in _visible(world, "manager", lessons)


EDITORS = {
    # persona: the lessons they may edit, among those they read
    "coordinator": {"ale_municipality", "ale_clusters", "ale_partnership"},
    "viewer": set(),
    "other_coordinator": {"lerum_clusters"},
    "partner": set(),
    "manager": {"joint_a_clusters", "joint_a_partnership"},
    "other_manager": set(),
    "admin": set(EXPECTED["admin"]),
}


@pytest.mark.parametrize("persona", sorted(EDITORS))
def test_the_author_the_owners_coordinators_or_managers_and_admins_edit(world, persona):
    lessons = _lessons(world)
    user = getattr(world, persona)
    roles = load_roles(user)
    readable = _visible(world, persona, lessons)
    editable = {
        name
        for name in readable
        if lesson_level(roles, lessons[name], user_id=user.pk) == Level.EDIT
    }
    assert editable == EDITORS[persona]


def test_the_author_edits_their_lesson_without_being_a_coordinator(world):
    lesson = LessonFactory(municipality=world.ale, author=world.viewer)
    roles = load_roles(world.viewer)
    assert lesson_level(roles, lesson, user_id=world.viewer.pk) == Level.EDIT
    assert lesson_level(roles, lesson, user_id=world.coordinator.pk) == Level.READ


@pytest.mark.parametrize(
    ("persona", "owner", "may"),
    [
        ("coordinator", "ale", True),
        ("viewer", "ale", False),
        ("manager", "ale", False),
        ("other_coordinator", "ale", False),
        ("admin", "ale", True),
        ("manager", "cluster_a", True),
        ("coordinator", "cluster_a", False),
        ("other_manager", "cluster_a", False),
        ("outsider", "ale", False),
    ],
)
def test_who_writes_lessons_for_an_owner(world, persona, owner, may):
    roles = load_roles(getattr(world, persona))
    if owner == "ale":
        kwargs = {"municipality_id": world.ale.pk, "cluster_id": None}
    else:
        kwargs = {"municipality_id": None, "cluster_id": world.cluster_a.pk}
    assert may_write_lessons(roles, **kwargs) is may
