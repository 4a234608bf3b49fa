"""`manage.py demo [--seed N] [--scale N] [--logins]`: load the FICTIONAL demo county.

Builds 禾溪县 (see `zhengtong.demo.generator`): the county, its committee and government,
offices, 30 departments, 13 towns, at least 300 × scale staff with roles, and sample
work items, notifications and a delegation for the demo log-ins; then prints the
log-ins. The same seed always gives the same county.

Running it again when the demo county exists prints "demo county already loaded"
(and the log-ins with --logins) and changes nothing. There is no --reset: units are
protected by foreign keys and the audit trail is append-only; to start over, use a
fresh database.
"""

from django.core.management.base import BaseCommand, CommandError

from zhengtong.core.errors import DomainError
from zhengtong.demo import data, generator


class Command(BaseCommand):
    help = "Load the fictional demo county 禾溪县 (idempotent) and print its demo log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=generator.DEFAULT_SEED,
            help=f"Seed of the generated names and numbers (default {generator.DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Staff = 300 × scale; beyond 300 they are bulk-created "
            "(for benchmarks). Default 1.",
        )
        parser.add_argument(
            "--logins",
            action="store_true",
            help="Print the demo log-ins (also when already loaded).",
        )

    def handle(self, *args, seed, scale, logins, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1")
        try:
            generator.check_can_load()
        except generator.AlreadyLoaded:
            self.stdout.write("demo county already loaded; nothing changed")
            if logins:
                self.print_logins()
            return
        except generator.AnotherCounty as exc:
            raise CommandError(str(exc)) from exc
        plan = generator.plan_county(seed=seed, scale=scale)
        try:
            result = generator.build_county(plan)
        except generator.AlreadyLoaded:  # loaded by someone else in the meantime
            self.stdout.write("demo county already loaded; nothing changed")
            return
        except DomainError as exc:  # e.g. another county, or a demo log-in name taken
            raise CommandError(f"demo county not loaded, nothing changed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the fictional demo county {data.COUNTY_NAME} (seed {seed}, scale {scale}): "
                f"{result.units} units, {result.staff} staff, {result.work_items} work items, "
                f"{result.notifications} notifications in {result.seconds:.1f} s."
            )
        )
        self.print_logins()

    def print_logins(self):
        rows = generator.login_rows()
        if not rows:
            self.stdout.write("No demo log-ins found.")
            return
        header = ("login", "password", "role", "person · unit", "note")
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        self.stdout.write("")
        for row in [header, None, *rows]:
            if row is None:
                self.stdout.write("  ".join("-" * w for w in widths))
                continue
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)))
        self.stdout.write("")
        self.stdout.write(
            "All demo log-ins share the password above and need not change it. The three "
            "administrators (itadmin, security, auditor) must set up an authenticator app "
            "at their first sign-in: two-factor sign-in is required for them. Every other "
            "account has no usable password until an administrator sets one."
        )


def _width(text):
    """Display width: CJK characters take two columns in a terminal."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def _pad(text, width):
    return str(text) + " " * (width - _width(text))
