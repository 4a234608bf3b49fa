import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengtong.core.scheduler import tick, tick_frequent


class Command(BaseCommand):
    help = (
        "Run the periodic scheduler (reminders, digests, calendar warnings; the website's "
        "scheduled publishing every minute)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")
        parser.add_argument("--interval", type=int, default=30)

    def handle(self, *args: Any, once: bool = False, interval: int = 30, **options: Any) -> None:
        while True:
            names = tick() + tick_frequent()
            if names:
                self.stdout.write("enqueued: " + ", ".join(names))
            if once:
                return
            time.sleep(interval)
