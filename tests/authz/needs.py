"""Who may reach a municipality's needs pages (Ale's in the world).

Readers are those who see Ale's programmes: its coordinator and viewer, cluster A's manager
and the admin; everyone else gets 404. Recording and editing: the coordinator, the manager and
the admin; the viewer gets 403. A permitted POST with empty data re-renders the form (200).
"""

from __future__ import annotations

from tests import factories as f
from tests.authz import Rule, statuses

NOT_ALLOWED = 405

READERS = {"coordinator": 200, "viewer": 200, "manager": 200, "admin": 200}
EDITORS = {"coordinator": 200, "viewer": 403, "manager": 200, "admin": 200}


def _municipality(world) -> dict[str, int]:
    return {"pk": world.ale.pk}


def _need(world) -> dict[str, int]:
    need = f.NeedFactory(municipality=world.ale, sdg_goals=[11])
    return {"pk": world.ale.pk, "need_pk": need.pk}


RULES = {
    "needs:list": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_municipality
    ),
    "needs:create": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_municipality
    ),
    "needs:edit": Rule(get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_need),
}
