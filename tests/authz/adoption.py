"""Who may reach the adoption pages (programs.adoption.permissions).

The pilot is Alingsås', past the gate into implementation, in cluster A with Ale. Its peer
view is read by Ale's coordinator and viewer and cluster A's manager (and the admin); the
partner contact of cluster A is no peer: 404, as for everyone else. Adopting is for Ale's
coordinator (for Ale) and the admin (who may choose; Ale is the only choice here): an empty
POST adopts and redirects to the new initiative. The list of peers' pilots is open to every
signed-in person and shows only what they may read; so are the suggestions (for the
person's own municipalities: none for those without one).
"""

from __future__ import annotations

from tests.adoption.helpers import scaled_pilot
from tests.authz import Rule, statuses

NOT_ALLOWED = 405

READERS = {"coordinator": 200, "viewer": 200, "manager": 200, "admin": 200}


def _pilot(world) -> dict[str, int]:
    return {"pk": scaled_pilot(world.alingsas).pk}


RULES = {
    "adoption:pilots": Rule(get=statuses(200), post=statuses(NOT_ALLOWED)),
    "adoption:suggestions": Rule(get=statuses(200), post=statuses(NOT_ALLOWED)),
    "adoption:pilot": Rule(get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_pilot),
    "adoption:adopt": Rule(
        get=statuses(NOT_ALLOWED),
        post=statuses(404, coordinator=302, viewer=403, manager=403, admin=302),
        kwargs=_pilot,
    ),
}
