"""The scale's constants (its sizes at ``--scale 1.0``, its e-mail domain, its time zones), the
size of a run, what a run reports back, and the error when the database lacks what it needs."""

from __future__ import annotations

import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from innocities.demo.partnership import DemoDataError
from innocities.demo.seed import DemoResult

DEFAULT_SEED = 14
BATCH = 5000
DOMAIN = "skala.innocities.se"

# The sizes at --scale 1.0 (issue 14). Everything else is per cluster, municipality or
# programme and does not change with the scale.
FULL_CLUSTERS = 50
FULL_PROGRAMMES = 2000
FULL_MEETINGS = 1500
FULL_NOTIFICATIONS = 300_000
MEMBERS_PER_CLUSTER = 13
TASKS_PER_PROGRAMME = 100
MILESTONES_PER_PROGRAMME = 10
INITIATIVES_PER_MUNICIPALITY = 3
INDICATORS_PER_PROGRAMME = 2

HELIX_MODULES = ("quadruple-helix", "pilots-idea-to-operation")

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


class ScaleDataError(DemoDataError):
    """The database lacks what the scale is built on (reference data, library, rules)."""


@dataclass(frozen=True)
class Size:
    """How many of each thing the scale makes: linear in ``scale`` with sane minimums."""

    clusters: int
    municipalities: int
    programmes: int
    meetings: int
    notifications: int

    @classmethod
    def at(cls, scale: float, available: int) -> Size:
        clusters = max(1, round(FULL_CLUSTERS * scale))
        municipalities = min(
            available, max(round(available * scale), MEMBERS_PER_CLUSTER * clusters)
        )
        return cls(
            clusters=clusters,
            municipalities=municipalities,
            programmes=max(municipalities, round(FULL_PROGRAMMES * scale)),
            meetings=max(2 * clusters, round(FULL_MEETINGS * scale)),
            notifications=round(FULL_NOTIFICATIONS * scale),
        )


@dataclass
class ScaleResult:
    created: Counter[str] = field(default_factory=Counter)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase
    demo: DemoResult | None = None
    size: Size | None = None
    already_there: int = 0  # scale people found: nothing was done
