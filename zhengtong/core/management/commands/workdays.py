"""Working-day arithmetic from the command line, through the platform's calendar.

    manage.py workdays add 2026-09-30 10     -> the date, ISO, on the first line
    manage.py workdays between 2026-09-30 2026-10-12   -> the number of working days
    manage.py workdays is 2026-10-01         -> yes / no

When a year involved has no holiday data, a warning naming it goes to stderr.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhengtong.core import calendar
from zhengtong.core.errors import DomainError


def parse_date(value: str) -> datetime.date:
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
        ) from None


def parse_int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a whole number of working days.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Working-day arithmetic: add N working days, count them between two dates, or test a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{add,between,is}")
        add = sub.add_parser("add", help="The N-th working day after DATE (before it if N < 0).")
        add.add_argument("date", help="YYYY-MM-DD")
        add.add_argument("n", help="number of working days (may be negative)")
        between = sub.add_parser(
            "between", help="Working days d with A < d <= B (negative if B is before A)."
        )
        between.add_argument("a", help="YYYY-MM-DD")
        between.add_argument("b", help="YYYY-MM-DD")
        is_ = sub.add_parser("is", help="Is DATE a working day? Prints yes or no.")
        is_.add_argument("date", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                start, n = parse_date(options["date"]), parse_int(options["n"])
                deadline = calendar.add_working_days(start, n)
                self.stdout.write(deadline.date.isoformat())
                if options["verbosity"] >= 2:
                    self.stdout.write(deadline.rule)
                self._warn(deadline.missing_years)
            elif action == "between":
                a, b = parse_date(options["a"]), parse_date(options["b"])
                result = calendar.working_days_between(a, b)
                self.stdout.write(str(result.count))
                self._warn(result.missing_years)
            else:
                day = parse_date(options["date"])
                self.stdout.write("yes" if calendar.is_working_day(day) else "no")
                self._warn(calendar.years_without_data([day.year]))
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def _warn(self, years: Iterable[int]) -> None:
        if years:
            self.stderr.write(
                self.style.WARNING(
                    _(
                        "Warning: no holiday data for %(years)s; computed Monday–Friday. "
                        "Load the schedule with “manage.py import_holidays FILE”."
                    )
                    % {"years": ", ".join(str(y) for y in years)}
                )
            )
