"""``manage.py seed_demo``: build the demo partnership on a development database."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from innocities.demo.partnership import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DemoDataError,
    Person,
)
from innocities.demo.seed import seed_demo
from municipalities.reference import ReferenceDataError
from programs.library import LibraryError


class Command(BaseCommand):
    help = (
        "Create a believable demo partnership (clusters, partners, people, programmes, "
        "meetings, needs, progress updates) with dates relative to today. Safe to run again: "
        "what exists is left as it is. Refuses to run with DEBUG=0 unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo accounts share a published password).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refused: DEBUG is off, so this may be a production database, and the "
                f"demo accounts all use the published password {DEMO_PASSWORD!r}. Run it with "
                "DEBUG=1 on a development database, or add --force if you really want demo data "
                "here."
            )
        try:
            result = seed_demo(stdout=self.stdout)
        except (DemoDataError, LibraryError, ReferenceDataError) as error:
            raise CommandError(f"The demo was not created: {error}") from error
        if result.created:
            made = ", ".join(f"{count} {what}" for what, count in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo partnership created: {made}."))
        else:
            self.stdout.write(
                self.style.SUCCESS("The demo partnership is already in place; nothing changed.")
            )
        if result.mail.reminders or result.mail.report_emails:
            self.stdout.write(
                f"Already sent (as the portal would have): {result.mail.reminders} reminder(s) "
                f"and {result.mail.report_emails} progress report e-mail(s); see Notifications "
                "in the demo coordinator's menu and, with `make run`, var/mail/."
            )
        self.stdout.write(f"\nDemo logins (password: {DEMO_PASSWORD}):")
        width = max(len(person.email) for person in result.logins)
        for person in result.logins:
            self.stdout.write(f"  {person.email:<{width}}  {person.full_name} – {person.login}")
        second_factors = [person for person in result.logins if person.second_factor]
        self._print_second_factors(second_factors, width)

    def _print_second_factors(self, people: list[Person], width: int) -> None:
        """The published authenticator-app secret, and each person's unused recovery codes."""
        self.stdout.write(
            "\nAfter the password, administrators and programme managers give a code from an "
            f"authenticator app\nwith the secret {DEMO_TOTP_SECRET} (type it into the app), or "
            "one of their recovery codes (each works once):"
        )
        unused = {
            authenticator.user.email: RecoveryCodes(authenticator).get_unused_codes()
            for authenticator in Authenticator.objects.filter(
                user__email__in=[person.email for person in people],
                type=Authenticator.Type.RECOVERY_CODES,
            ).select_related("user")
        }
        for person in people:
            codes = " ".join(unused.get(person.email, [])) or "(none left)"
            self.stdout.write(f"  {person.email:<{width}}  {codes}")
