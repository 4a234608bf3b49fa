"""Load one year's holidays and adjusted working days from a UTF-8 CSV file.

    manage.py import_holidays holidays-2027.csv [--year 2027]

Lines are `date,kind,name` (kind holiday/休 or workday/班); `#` comments and a header
line are allowed. Nothing is imported if any line is wrong. Runs as the system (the
audit trail records the import with the actor "system").
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhengtong.core import calendar
from zhengtong.core.errors import DomainError


class Command(BaseCommand):
    help = "Import one year's holiday schedule (date,kind,name CSV) into the working-day calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 CSV file with lines date,kind,name")
        parser.add_argument(
            "--year", type=int, help="refuse the file unless every date is in this year"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as fileobj:
                summary = calendar.import_holidays(
                    calendar.SYSTEM, fileobj, year=options["year"], source=f"file {path.name}"
                )
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
            ) from None
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(year)d: %(holidays)d holidays, %(workdays)d adjusted working days.")
                % {"year": summary.year, "holidays": summary.holidays, "workdays": summary.workdays}
            )
        )
        if summary.weekend_holidays_ignored:
            self.stdout.write(
                _("%(count)d holiday dates on a Saturday or Sunday needed no entry.")
                % {"count": summary.weekend_holidays_ignored}
            )
