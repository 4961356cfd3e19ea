"""Who reads and who edits a lesson learned.

Reading is one rule, ``lesson_scope``: a filter every page and every query applies (the
search, the initiative's and the portfolio's lists, the monthly report's selector and the
getter of a single lesson), so no page keeps its own variant. A lesson is read by

- its municipality's people (coordinators and viewers), whatever its visibility;
- at "its clusters": also the people of the municipalities that share a current cluster with
  the owner municipality, and the programme managers of those clusters; a cluster's own lesson
  (from a joint initiative): the people of the cluster's current member municipalities and its
  programme managers;
- at "the whole partnership": everyone who holds a role in the partnership (a municipality
  membership, an open roster entry, or administrator); a signed-in person with no role reads
  none;
- administrators: every lesson.

Cluster memberships count while they are open (``ClusterMembership.objects.current()``): when a
municipality leaves a cluster, its peers there stop reading its cluster-wide lessons.

Editing (``lesson_level``): the author, the owner municipality's coordinators (a cluster's
lesson: the cluster's programme managers) and administrators, each only while they can read it.
Writing a new lesson (``may_write_lessons``): whoever may edit the owner's initiatives.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from clusters.models import ClusterMembership
from innocities.core.permissions import Access, Level, Roles, authorize, roles_for
from programs.lessons.models import Lesson, Visibility

NOTHING = Q(pk__in=[])


def lesson_scope(roles: Roles) -> Q:
    """The lessons ``roles`` may read, as a filter on ``Lesson`` (the rule in the docstring).

    Costs no query of its own: the person's clusters and their peers are subqueries (as
    ``clusters.permissions.visible_clusters`` does), so a page that shows lessons pays one
    query for them, not one more for the person's cluster memberships."""
    if roles.is_admin:
        return Q()
    if not roles.has_role:
        return NOTHING
    scope = Q(visibility=Visibility.PARTNERSHIP) | Q(municipality_id__in=roles.municipality_ids)
    current = ClusterMembership.objects.current()
    # The clusters through which the person reads "its clusters" lessons: those their
    # municipalities are open members of, and those they manage.
    member_clusters = current.filter(municipality_id__in=roles.municipality_ids).values(
        "cluster_id"
    )
    # A filter on both ClusterMembership and Lesson: each has its ``cluster_id``.
    clusters = Q(cluster_id__in=member_clusters) | Q(cluster_id__in=roles.managed_cluster_ids)
    peers = current.filter(clusters).values("municipality_id")
    scope |= Q(visibility=Visibility.CLUSTERS) & (Q(municipality_id__in=peers) | clusters)
    return scope


def visible_lessons(roles: Roles) -> QuerySet[Lesson]:
    """Every lesson ``roles`` may read (``lesson_scope``), without the search vector, which
    only the database reads."""
    return Lesson.objects.filter(lesson_scope(roles)).defer("search_vector")


def lesson_level(roles: Roles, lesson: Lesson, *, user_id: int | None) -> Level:
    """What a person who can read ``lesson`` may do with it: EDIT for its author, the owner's
    coordinators (a cluster's lesson: the cluster's managers) and administrators, else READ.
    Whether they can read it at all is ``lesson_scope``'s answer, not this one's."""
    if roles.is_admin or (user_id is not None and lesson.author_id == user_id):
        return Level.EDIT
    if lesson.municipality_id is not None:
        if lesson.municipality_id in roles.coordinator_municipality_ids:
            return Level.EDIT
    elif lesson.cluster_id in roles.managed_cluster_ids:
        return Level.EDIT
    return Level.READ


def may_write_lessons(roles: Roles, *, municipality_id: int | None, cluster_id: int | None) -> bool:
    """Who writes a lesson for an owner: whoever may edit its initiatives (the municipality's
    coordinators; for a cluster, its programme managers; administrators)."""
    level = roles.initiative_level(municipality_id=municipality_id, cluster_id=cluster_id)
    return level >= Level.EDIT


def get_lesson_for_user(
    request: HttpRequest, pk: int, *, level: Level = Level.READ
) -> Access[Lesson]:
    """The lesson, if the person may read it: 404 when they may not (its existence is not
    told), 403 when ``level`` is EDIT and they may only read it."""
    roles = roles_for(request)
    lesson = (
        visible_lessons(roles)
        .select_related(
            "municipality",
            "cluster",
            "initiative",
            "gate_decision",
            "assumption",
            "author",
        )
        .filter(pk=pk)
        .first()
    )
    user_id = request.user.pk if request.user.is_authenticated else None
    return authorize(lesson, lambda found: lesson_level(roles, found, user_id=user_id), level)
