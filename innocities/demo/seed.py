"""``seed_demo``: the demo partnership, in the order its parts depend on each other."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.utils import timezone, translation

from innocities.demo import initiatives, results, tailoring
from innocities.demo.mail import DemoMail, send_first_mail
from innocities.demo.partnership import PEOPLE, Person, Seeder, month_start


@dataclass
class DemoResult:
    created: Counter[str]
    logins: list[Person]
    mail: DemoMail


def seed_demo(*, stdout: TextIO | None = None) -> DemoResult:
    """Build the demo partnership (or leave it as it is); returns what was created.

    In Swedish whatever language is active: the texts the services write (why a module is in a
    programme, say) are those a Swedish partnership's people would have seen.
    """
    with transaction.atomic(), translation.override("sv"):
        seeder = Seeder(today=timezone.localdate(), stdout=stdout)
        seeder.reference_data_and_people()
        tailoring.seed_rules(seeder)
        needs = seeder.rosters_and_needs()
        tailoring.seed_assessments(seeder)
        tailoring.seed_sharing(seeder)
        needs |= tailoring.seed_shared_needs(seeder)
        seeder.programmes()
        tailoring.seed_tailored_programme(
            seeder, cluster_name="Dalarna innovation", starts_on=month_start(seeder.today, 2)
        )
        seeder.meetings_and_indicators(needs)
        initiatives.seed_initiatives(seeder)
        results.seed_results(seeder)
    # After the commit: what the portal would already have sent (innocities/demo/mail.py).
    sent = send_first_mail(today=seeder.today)
    return DemoResult(created=seeder.created, logins=[p for p in PEOPLE if p.login], mail=sent)
