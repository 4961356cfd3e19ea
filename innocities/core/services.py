from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def validated_save(obj: M, *, actor: object | None) -> M:
    """Validate ``obj`` against every field and constraint, then save it.

    ``actor`` becomes the history entry's author (simple-history), so a change made from a
    command or a task is attributed as well as one made in a request.
    """
    obj.full_clean()
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]
    obj.save()
    return obj
