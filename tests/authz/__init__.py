"""The URL × role matrix: every URL pattern has an explicit rule for every persona.

Each app's rules live in ``tests/authz/<app>.py`` as ``RULES: dict[str, Rule]`` keyed by the
URL name (``"programs:detail"``). ``tests/test_authorization_matrix.py`` walks the URLconf,
fails on a pattern with no rule, and requests every rule as every persona, GET and POST.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "anonymous",
    "outsider",
    "coordinator",
    "other_coordinator",
    "viewer",
    "partner",
    "manager",
    "other_manager",
    "admin",
)

LOGIN = 302  # anonymous: LoginRequiredMiddleware sends them to the login page


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """Expected status per persona: ``default`` for every persona not named.

    Anonymous gets LOGIN unless named: every non-public URL sends them to log in.
    """
    table = {persona: default for persona in PERSONAS}
    table["anonymous"] = LOGIN
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas {sorted(unknown)}")
    table.update(overrides)
    return table


@dataclass(frozen=True)
class Rule:
    """``kwargs`` builds the URL's arguments from the test world (``tests.conftest.World``).

    ``get`` and ``post`` map every persona to the expected status code. POST sends ``data``
    (default: empty, so a permitted POST usually answers 200 with form errors or a redirect).
    ``setup`` may create extra rows the URL needs and return extra kwargs.
    """

    get: dict[str, int]
    post: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    data: Callable[[Any], dict[str, Any]] = lambda world: {}
    query: str = ""
    notes: str = field(default="")
