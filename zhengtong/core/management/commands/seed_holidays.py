"""Seed the working-day calendar from the chinesecalendar package (2004–2026).

    manage.py seed_holidays [--year 2026 ...] [--force]

Idempotent. Years loaded from an imported file are left alone unless --force.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhengtong.core import calendar
from zhengtong.core.errors import DomainError


class Command(BaseCommand):
    help = "Seed holidays and adjusted working days from the chinesecalendar package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="only this year (repeatable); default: every year the package knows",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="also overwrite years whose data came from an imported file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = calendar.seed_from_chinesecalendar(options["years"], force=options["force"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        for year, outcome in sorted(result.items()):
            line = f"{year} {outcome}"
            if outcome == "skipped":
                self.stdout.write(
                    self.style.WARNING(line + " " + _("(loaded from a file; use --force)"))
                )
            else:
                self.stdout.write(line)
