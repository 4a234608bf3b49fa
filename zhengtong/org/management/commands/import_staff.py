from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengtong.core.errors import DomainError
from zhengtong.org import services


class Command(BaseCommand):
    help = (
        "Add staff from a UTF-8 CSV file with the columns username, real_name, unit, "
        "position, mobile, email, roles. All rows or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            with open(file, "rb") as handle:
                created = services.import_staff(services.SYSTEM, handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{len(created)} staff added.")
