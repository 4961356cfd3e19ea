"""Who may reach the self-assessment pages (rounds of Ale in the world).

Readers are those who see Ale's programmes: its coordinator and viewer, cluster A's manager
and the admin; everyone else 404. Opening, managing respondents and closing: the coordinator,
the manager and the admin; the viewer gets 403. The questionnaire answers only to the
round's respondents (the coordinator and the viewer here): everyone else 404, the admin too.
"""

from __future__ import annotations

from tests.assessments.helpers import make_round
from tests.authz import Rule, statuses

NOT_ALLOWED = 405

READERS = {"coordinator": 200, "viewer": 200, "manager": 200, "admin": 200}
MANAGERS = {"coordinator": 200, "viewer": 403, "manager": 200, "admin": 200}


def _municipality(world) -> dict[str, int]:
    return {"pk": world.ale.pk}


def _round(world) -> dict[str, int]:
    return {"pk": make_round(world).pk}


RULES = {
    "assessments:list": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_municipality
    ),
    "assessments:open": Rule(
        get=statuses(404, **MANAGERS), post=statuses(404, **MANAGERS), kwargs=_municipality
    ),
    "assessments:detail": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_round
    ),
    "assessments:respondents": Rule(
        get=statuses(404, **MANAGERS), post=statuses(404, **MANAGERS), kwargs=_round
    ),
    # An empty POST saves an empty draft and redirects back to the questionnaire.
    "assessments:answer": Rule(
        get=statuses(404, coordinator=200, viewer=200),
        post=statuses(404, coordinator=302, viewer=302),
        kwargs=_round,
    ),
    "assessments:close": Rule(
        get=statuses(NOT_ALLOWED),
        post=statuses(404, coordinator=302, viewer=403, manager=302, admin=302),
        kwargs=_round,
    ),
}
