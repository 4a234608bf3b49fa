"""The periodic scheduler: enqueues the daily jobs once per day.

`manage.py run_scheduler` calls `tick()` every 30 seconds. A job runs once per period
however many schedulers run, because each run claims a unique (job, period) row.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import tasks
from .models import ScheduledRun

log = logging.getLogger("zhengtong.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    at: datetime.time  # local time (Asia/Shanghai) after which the day's run is due
    task: object


JOBS = [
    Job("audit_chain", datetime.time(2, 30), tasks.verify_audit_chain),
    Job("daily_digests", datetime.time(7, 30), tasks.send_daily_digests),
    Job("reminders", datetime.time(8, 0), tasks.send_reminders),
    Job("calendar_years", datetime.time(8, 5), tasks.warn_missing_calendar_years),
]


def tick(now=None):
    """Enqueue every job whose time today has come and that has not run today.
    Returns the names enqueued."""
    now = timezone.localtime(now or timezone.now())
    enqueued = []
    for job in JOBS:
        if now.time() < job.at:
            continue
        period = now.date().isoformat()
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, period=period)
                transaction.on_commit(lambda job=job: job.task.enqueue())
        except IntegrityError:
            continue
        log.info("Enqueued %s for %s", job.name, period)
        enqueued.append(job.name)
    return enqueued
