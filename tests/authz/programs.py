"""Who may reach the programme pages and the dashboard.

The world's programme is Ale's in cluster A: the coordinator edits it, the viewer reads it,
cluster A's manager and the admin manage it; Lerum's coordinator, cluster B's manager, the
partner contact and the outsider cannot see it at all (404). A permitted POST with empty data
re-renders its form with errors (200); the quick "done" button redirects back (302).
"""

from __future__ import annotations

from tests.authz import Rule, statuses

NOT_ALLOWED = 405


def _task(world) -> dict[str, int]:
    return {"program_pk": world.program.pk, "pk": world.program.tasks.get().pk}


def _milestone(world) -> dict[str, int]:
    return {"program_pk": world.program.pk, "pk": world.program.milestones.get().pk}


def _module(world) -> dict[str, int]:
    return {"program_pk": world.program.pk, "pk": world.program.modules.get().pk}


def _program(world) -> dict[str, int]:
    return {"pk": world.program.pk}


# Who sees Ale's programme at all; everyone else gets 404.
READERS = {"coordinator": 200, "viewer": 200, "manager": 200, "admin": 200}
EDITORS = {"coordinator": 200, "viewer": 403, "manager": 200, "admin": 200}
MANAGERS = {"coordinator": 403, "viewer": 403, "manager": 200, "admin": 200}

RULES = {
    "portal:dashboard": Rule(get=statuses(200), post=statuses(NOT_ALLOWED)),
    "programs:list": Rule(get=statuses(200), post=statuses(NOT_ALLOWED)),
    "programs:detail": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_program
    ),
    # A module's milestones and tasks (loaded into the programme page, or a page of its own).
    "programs:module_tasks": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_module
    ),
    "programs:task_edit": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_task
    ),
    "programs:task_done": Rule(
        get=statuses(NOT_ALLOWED),
        post=statuses(404, coordinator=302, viewer=403, manager=302, admin=302),
        kwargs=_task,
    ),
    "programs:milestone_edit": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_milestone
    ),
    "programs:update_create": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_program
    ),
    # Creating is not about one programme: anyone who manages no cluster is refused (403).
    "programs:create": Rule(
        get=statuses(403, manager=200, other_manager=200, admin=200),
        post=statuses(403, manager=200, other_manager=200, admin=200),
    ),
    "programs:edit": Rule(
        get=statuses(404, **MANAGERS), post=statuses(404, **MANAGERS), kwargs=_program
    ),
    # The plan as a spreadsheet: whoever may read the programme page.
    "programs:export": Rule(
        get=statuses(404, **READERS),
        post=statuses(NOT_ALLOWED),
        kwargs=lambda w: {**_program(w), "fmt": "xlsx"},
    ),
}
