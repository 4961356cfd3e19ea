"""Who may reach the lessons-learned pages.

The search answers every signed-in person (someone with no role finds nothing in it). Writing
a lesson any time needs someone to write for: a municipality one coordinates, a cluster one
manages, or administrator; everyone else gets 403 (writing from an initiative, with its
404/403 per persona, is in tests/lessons/test_pages.py). The lesson here is Ale's, shared with
its clusters and written by Ale's coordinator: Ale's people, cluster A's manager and the admin
read it; its author (Ale's coordinator) and the admin edit it; everyone else gets 404. A
permitted POST with empty data re-renders the form (200).
"""

from __future__ import annotations

from programs.lessons.models import Lesson, Visibility
from tests.authz import Rule, statuses

NOT_ALLOWED = 405

WRITERS = {
    "coordinator": 200,
    "other_coordinator": 200,
    "manager": 200,
    "other_manager": 200,
    "admin": 200,
}
READERS = {"coordinator": 200, "viewer": 200, "manager": 200, "admin": 200}
EDITORS = {"coordinator": 200, "viewer": 403, "manager": 403, "admin": 200}


def _lesson(world) -> dict[str, int]:
    lesson = Lesson.objects.create(
        municipality=world.ale,
        title="Föräldrarna behövs från början",
        body="Vad hände, vad lärde vi oss, vad skulle vi göra annorlunda.",
        visibility=Visibility.CLUSTERS,
        author=world.coordinator,
    )
    return {"pk": lesson.pk}


RULES = {
    "lessons:search": Rule(get=statuses(200), post=statuses(NOT_ALLOWED)),
    "lessons:create": Rule(
        get=statuses(403, **WRITERS),
        post=statuses(403, **WRITERS),
    ),
    "lessons:detail": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_lesson
    ),
    "lessons:edit": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_lesson
    ),
}
