"""Who may tailor programmes (Ale in the world).

The index is for programme managers and administrators; everyone else who is signed in gets
403. Tailoring for Ale: cluster A's manager and the admin; Ale's coordinator and viewer see its
programmes but not their set-up (403); everyone else 404, cluster B's manager too. A permitted
empty POST re-renders the form with its errors (200).
"""

from __future__ import annotations

from tests.authz import Rule, statuses

NOT_ALLOWED = 405

TAILORS = {"manager": 200, "admin": 200, "coordinator": 403, "viewer": 403}


def _ale(world) -> dict[str, int]:
    return {"pk": world.ale.pk}


RULES = {
    "tailoring:index": Rule(
        get=statuses(403, manager=200, other_manager=200, admin=200),
        post=statuses(NOT_ALLOWED),
    ),
    "tailoring:tailor": Rule(
        get=statuses(404, **TAILORS), post=statuses(404, **TAILORS), kwargs=_ale
    ),
    # The schedule preview: POST only; the same people as the page (an empty POST re-renders
    # the page with its errors, as the page's own POST does).
    "tailoring:preview": Rule(
        get=statuses(NOT_ALLOWED), post=statuses(404, **TAILORS), kwargs=_ale
    ),
}
