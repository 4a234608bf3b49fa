"""`manage.py verify_audit`: recompute the audit trail's hash chain.

Prints "audit chain intact: N records" and exits 0, or names the first bad record on
stderr and exits with status 1 (for cron and monitoring).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhengtong.core import audit
from zhengtong.core.models import AuditRecord


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit status 1 names the first bad record."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = audit.verify_chain()
        if problem is not None:
            raise CommandError(f"audit chain broken at {problem}", returncode=1)
        count = AuditRecord.objects.count()
        self.stdout.write(f"audit chain intact: {count} records")
