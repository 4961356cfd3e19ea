"""Rules for ``notifications:*``: a person's own settings and outbox; the signed unsubscribe
link works for anyone holding it (no login), the token being the authorisation."""

from __future__ import annotations

from tests.authz import PERSONAS, Rule, statuses


def _token(world) -> dict[str, str]:
    from innocities.notifications.services import unsubscribe_token

    return {"token": unsubscribe_token(user=world.coordinator, category="task")}


RULES = {
    "notifications:list": Rule(get=statuses(200), post=statuses(405)),
    # An empty POST is an invalid form (no delivery): re-rendered with errors, 200.
    "notifications:settings": Rule(get=statuses(200), post=statuses(200)),
    "notifications:unsubscribe": Rule(
        get={p: 200 for p in PERSONAS}, post={p: 200 for p in PERSONAS}, kwargs=_token
    ),
}
