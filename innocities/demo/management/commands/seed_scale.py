"""``manage.py seed_scale``: the partnership at national size on a development database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from innocities.demo.partnership import DEMO_PASSWORD, PEOPLE, DemoDataError
from innocities.demo.scale import DEFAULT_SEED, ScaleResult, seed_scale
from municipalities.reference import ReferenceDataError
from programs.library import LibraryError


def positive(value: str) -> float:
    scale = float(value)
    if not scale > 0:
        raise ValueError(value)
    return scale


class Command(BaseCommand):
    help = (
        "Fill the database with the partnership at national size, for benchmarks: the demo "
        "partnership, then every municipality in 50 clusters, 2,000 programmes with 200,000 "
        "tasks, 1,500 meetings, initiatives and results, and an outbox of 300,000 reminders "
        "(at --scale 1.0; the numbers scale linearly). Written in bulk on PostgreSQL. Does "
        "nothing if the scale's people exist already. Refuses to run with DEBUG=0 unless "
        "--force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=positive,
            default=1.0,
            help="The size: 1.0 is national (about 650 municipalities), 0.1 a tenth of it.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="The random generator's seed: the same seed on the same day gives the same data.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo accounts share a published password).",
        )

    def handle(
        self,
        *args: Any,
        scale: float = 1.0,
        seed: int = DEFAULT_SEED,
        force: bool = False,
        **options: Any,
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_scale refused: DEBUG is off, so this may be a production database, and the "
                f"demo accounts all use the published password {DEMO_PASSWORD!r}. Run it with "
                "DEBUG=1 on a development database, or add --force if you really want benchmark "
                "data here."
            )
        try:
            result = seed_scale(scale=scale, seed=seed, stdout=self.stdout)
        except (DemoDataError, LibraryError, ReferenceDataError) as error:
            raise CommandError(f"The scale was not created: {error}") from error
        if result.already_there:
            self.stdout.write(
                self.style.SUCCESS(
                    f"The national-scale partnership is already in place ({result.already_there} "
                    "of its people); nothing changed. For another size, start from a fresh "
                    "database."
                )
            )
            return
        self._summary(result, scale)

    def _summary(self, result: ScaleResult, scale: float) -> None:
        size = result.size
        demo = result.demo
        if demo is not None:
            made = sum(demo.created.values())
            self.stdout.write(f"Demo partnership: {made} object(s) created by seed_demo.")
        if size is not None:
            self.stdout.write(
                f"Scale {scale:g}: {size.municipalities} municipalities in {size.clusters} "
                f"cluster(s), {size.programmes} programmes, {size.meetings} meetings, "
                f"{size.notifications} reminders wanted in the outbox."
            )
        self.stdout.write("Rows written:")
        width = max((len(label) for label in result.created), default=0)
        for label, count in sorted(result.created.items()):
            self.stdout.write(f"  {label:<{width}}  {count:>9,}")
        total = sum(result.created.values())
        seconds = sum(result.phases.values())
        phases = ", ".join(f"{name} {spent:.1f} s" for name, spent in result.phases.items())
        self.stdout.write(self.style.SUCCESS(f"{total:,} rows in {seconds:.1f} s ({phases})."))
        logins = ", ".join(person.email for person in PEOPLE if person.login)
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}): {logins}")
