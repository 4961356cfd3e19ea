"""Who may see and do what: the rules, and the one way a page applies them.

The rules, in the words of DOMAIN.md: an object outside a person's scope answers 404 (its
existence is not leaked); an action above their role answers 403. Roles are data:

- administrator: an active staff or superuser account — everything;
- programme manager: an open roster entry with the programme-manager role in a cluster —
  manages that cluster, its roster and meetings, its open member municipalities (their people,
  settings, self-assessments and tailoring) and the programmes run in it;
- other open roster entries (cluster lead, municipal contact, partner contact, expert) —
  read the cluster and its meetings;
- coordinator / viewer: a municipality membership — edit / read that municipality's
  programmes, and read the clusters the municipality is an open member of.

Every decision is made here, from a person's ``Roles`` (loaded once per request, a fixed
number of queries) and the ids an object carries, so deciding costs no query. This module
imports no model: it is the ground every app stands on (see the layer contract in
pyproject.toml).

The one way to reach an object is its getter, which fetches it and calls ``authorize``; it
returns the object with the person's level (``Access``), or raises 404/403. A getter lives
beside its model, because a lower app's pages may not import a higher app's models:

- municipality — ``municipalities.permissions.get_municipality_for_user`` (its own business:
  programmes, needs, settings; 404 without a role) and ``get_reference_municipality``
  (reference data every signed-in person reads; 403 below the level);
- self-assessment round — ``municipalities.assessments.permissions.get_round_for_user``;
- cluster, meeting — ``clusters.permissions.get_cluster_for_user``, ``get_meeting_for_user``;
- programme, and an indicator's programme or cluster — ``programs.permissions``;
- progress report — ``innocities.reports.permissions.get_report_for_user``;
- innovation initiative — ``programs.initiatives.permissions.get_initiative_for_user``.

Children (tasks, needs, roster rows, indicators) are fetched through their parent.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Any, Generic, NamedTuple, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

T = TypeVar("T")
View = Callable[..., HttpResponse]


class Level(enum.IntEnum):
    NONE = 0
    READ = 1
    EDIT = 2  # update tasks and milestones, write progress updates, needs, self-assessments
    MANAGE = 3  # roster, meetings, people, programme set-up, tailoring


def _ids() -> frozenset[int]:
    return frozenset()


def _no_cluster_memberships() -> tuple[frozenset[int], frozenset[int]]:
    return frozenset(), frozenset()


@dataclass(frozen=True)
class Roles:
    """What one person holds. Built by ``clusters.permissions.load_roles``."""

    is_admin: bool = False
    managed_cluster_ids: frozenset[int] = field(default_factory=_ids)
    rostered_cluster_ids: frozenset[int] = field(default_factory=_ids)
    coordinator_municipality_ids: frozenset[int] = field(default_factory=_ids)
    viewer_municipality_ids: frozenset[int] = field(default_factory=_ids)
    # The organisations a person is a partner contact for (open roster entries), and the
    # clusters where a partner contact is all they are: there they see only what their
    # organisation takes part in.
    partner_organisation_ids: frozenset[int] = field(default_factory=_ids)
    partner_only_cluster_ids: frozenset[int] = field(default_factory=_ids)
    # Which cluster memberships concern the person: (the open members of the clusters they
    # manage, the clusters their municipalities are open members of). A query, run on first
    # use only, so a page that never asks does not pay for it.
    load_cluster_memberships: Callable[[], tuple[frozenset[int], frozenset[int]]] = field(
        default=_no_cluster_memberships, repr=False, compare=False
    )

    @cached_property
    def _cluster_memberships(self) -> tuple[frozenset[int], frozenset[int]]:
        return self.load_cluster_memberships()

    @property
    def managed_municipality_ids(self) -> frozenset[int]:
        """The open members of the clusters the person manages."""
        return self._cluster_memberships[0]

    @property
    def member_cluster_ids(self) -> frozenset[int]:
        """The clusters that one of the person's municipalities is an open member of."""
        return self._cluster_memberships[1]

    @property
    def municipality_ids(self) -> frozenset[int]:
        return self.coordinator_municipality_ids | self.viewer_municipality_ids

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_cluster_ids)

    @property
    def is_admin_or_manager(self) -> bool:
        """Administrators and programme managers: they invite people, create and tailor
        programmes (each within their own scope)."""
        return self.is_admin or self.is_manager

    @property
    def has_role(self) -> bool:
        return bool(self.is_admin or self.rostered_cluster_ids or self.municipality_ids)

    def manages_municipality(self, municipality_id: int) -> bool:
        if self.is_admin:
            return True
        return bool(self.managed_cluster_ids) and municipality_id in self.managed_municipality_ids

    def cluster_level(self, cluster_id: int) -> Level:
        """MANAGE: its programme managers and administrators; READ: everyone else on its
        roster and the coordinators and viewers of its open members."""
        if self.is_admin or cluster_id in self.managed_cluster_ids:
            return Level.MANAGE
        if cluster_id in self.rostered_cluster_ids or (
            self.municipality_ids and cluster_id in self.member_cluster_ids
        ):
            return Level.READ
        return Level.NONE

    def municipality_level(self, municipality_id: int) -> Level:
        """What a person may do with a municipality's own business (its programmes' set-up,
        people, needs, settings, self-assessments): MANAGE for administrators and the managers
        of a cluster it is an open member of, EDIT for its coordinators, READ for its viewers."""
        if self.manages_municipality(municipality_id):
            return Level.MANAGE
        if municipality_id in self.coordinator_municipality_ids:
            return Level.EDIT
        if municipality_id in self.viewer_municipality_ids:
            return Level.READ
        return Level.NONE

    def program_level(self, *, cluster_id: int | None, municipality_id: int) -> Level:
        """MANAGE for the managers of the programme's cluster and administrators, EDIT for its
        municipality's coordinators, READ for its viewers."""
        if self.is_admin or (cluster_id is not None and cluster_id in self.managed_cluster_ids):
            return Level.MANAGE
        if municipality_id in self.coordinator_municipality_ids:
            return Level.EDIT
        if municipality_id in self.viewer_municipality_ids:
            return Level.READ
        return Level.NONE

    def initiative_level(
        self,
        *,
        municipality_id: int | None,
        cluster_id: int | None,
        organisation_ids: frozenset[int] = frozenset(),
    ) -> Level:
        """An innovation initiative, a municipality's own or a cluster's joint one.

        Its municipality's coordinators EDIT and viewers READ; the managers of a cluster it
        is an open member of READ (and may record a decision taken in a cluster meeting, see
        ``may_record_cluster_decision``). A joint initiative is the cluster's: its managers
        MANAGE it, everyone else who reads the cluster READs it, except a partner contact, who
        sees only the initiatives their organisation takes part in (``organisation_ids``)."""
        if self.is_admin:
            return Level.MANAGE
        if municipality_id is not None:
            level = self.municipality_level(municipality_id)
            if level == Level.MANAGE:  # a cluster manager: reads a member's own initiative
                level = Level.READ
        else:
            assert cluster_id is not None
            level = self.cluster_level(cluster_id)
            if (
                level == Level.READ
                and cluster_id in self.partner_only_cluster_ids
                and cluster_id not in self.member_cluster_ids
            ):
                level = Level.NONE
        if level == Level.NONE and organisation_ids & self.partner_organisation_ids:
            level = Level.READ
        return level

    def may_record_cluster_decision(self, municipality_id: int | None) -> bool:
        """A programme manager records a gate decision taken in a cluster meeting on a
        member municipality's initiative (they otherwise only read it)."""
        return municipality_id is not None and self.manages_municipality(municipality_id)


ANONYMOUS = Roles()


def roles_for(request: HttpRequest) -> Roles:
    """The person's roles, loaded at most once per request by ``RolesMiddleware``."""
    roles = getattr(request, "roles", None)
    if roles is None:
        raise ImproperlyConfigured(
            "request.roles is missing: add clusters.permissions.RolesMiddleware to MIDDLEWARE"
        )
    return roles


class Access(NamedTuple, Generic[T]):
    """An object a person reached, and what they may do with it."""

    obj: T
    level: Level

    @property
    def can_edit(self) -> bool:
        return self.level >= Level.EDIT

    @property
    def can_manage(self) -> bool:
        return self.level >= Level.MANAGE


def authorize(obj: T | None, granted: Callable[[T], Level], needed: Level) -> Access[T]:
    """The one check behind every getter.

    A missing object and one the person has no level on answer 404 alike, so a URL never
    tells whether something outside their scope exists; a level below ``needed`` answers 403.
    """
    if obj is None:
        raise Http404
    level = granted(obj)
    if level == Level.NONE:
        raise Http404
    if level < needed:
        raise PermissionDenied
    return Access(obj, level)


def authorize_reference(obj: T | None, granted: Callable[[T], Level], needed: Level) -> Access[T]:
    """As ``authorize``, for reference data every signed-in person may see exists (the
    municipality registry): only a missing object is 404; a level below ``needed`` is 403."""
    if obj is None:
        raise Http404
    level = granted(obj)
    if level < needed:
        raise PermissionDenied
    return Access(obj, level)


def admin_or_manager_required(view: View) -> View:
    """For pages only administrators and programme managers use (inviting people, creating
    and tailoring programmes): anyone else gets 403. What they then reach is still scoped."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles_for(request).is_admin_or_manager:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
