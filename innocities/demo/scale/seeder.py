"""``ScaleSeeder``: the phases of the scale, combined and run in order."""

from __future__ import annotations

import time

from innocities.demo.scale.meetings import MeetingsPhase
from innocities.demo.scale.outbox import OutboxPhase
from innocities.demo.scale.people import PeoplePhase
from innocities.demo.scale.programmes import ProgrammesPhase
from innocities.demo.scale.results import ResultsPhase


class ScaleSeeder(PeoplePhase, ProgrammesPhase, MeetingsPhase, ResultsPhase, OutboxPhase):
    """Builds the scale in phases (people.py, programmes.py, meetings.py, results.py,
    outbox.py), in this order: each reads what the earlier ones left on ``self``."""

    def run(self) -> None:
        for name, phase in (
            ("people and clusters", self.people_and_clusters),
            ("programmes", self.programmes_and_items),
            ("meetings", self.meetings_with_invitees),
            ("initiatives and results", self.initiatives_and_results),
            ("outbox", self.outbox),
        ):
            started = time.monotonic()
            phase()
            self.result.phases[name] = time.monotonic() - started
