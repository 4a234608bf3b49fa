"""The periodic scheduler: enqueues the daily jobs once per day, and the frequent jobs
(`every`: scheduled publishing of the website) once per interval.

`manage.py run_scheduler` calls `tick()` and `tick_frequent()` every 30 seconds. A job runs once per period
however many schedulers run, because each run claims a unique (job, period) row; the
rows of frequent jobs are deleted after two days.
"""

import datetime
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from . import tasks
from .models import ScheduledRun

log = logging.getLogger("zhengtong.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    at: datetime.time  # local time (Asia/Shanghai) after which the day's run is due
    task: Task[[], Any]
    # For a job that repeats during the day: its interval (whole minutes).
    every: datetime.timedelta | None = None


JOBS = [
    Job("audit_chain", datetime.time(2, 30), tasks.verify_audit_chain),
    Job("daily_digests", datetime.time(7, 30), tasks.send_daily_digests),
    Job("reminders", datetime.time(8, 0), tasks.send_reminders),
    Job("calendar_years", datetime.time(8, 5), tasks.warn_missing_calendar_years),
    # The website's scheduled publishing and expiry (go_live_at / expire_at).
    Job(
        "publish_scheduled",
        datetime.time(0, 0),
        tasks.publish_scheduled_pages,
        every=datetime.timedelta(minutes=1),
    ),
]


def register(job: Job) -> None:
    """Add a subsystem's job (called from its AppConfig.ready, so the kernel does not
    import the subsystems)."""
    if all(existing.name != job.name for existing in JOBS):
        JOBS.append(job)


def _daily() -> list[Job]:
    return [job for job in JOBS if job.every is None]


def _frequent() -> list[Job]:
    return [job for job in JOBS if job.every is not None]


KEEP_FREQUENT_RUNS = datetime.timedelta(days=2)


def _period(job: Job, now: datetime.datetime) -> str:
    """The period a run at `now` belongs to: the day, or the day and the interval's
    starting minute for a frequent job ("2026-11-26T10:05")."""
    if job.every is None:
        return now.date().isoformat()
    minutes = max(1, int(job.every.total_seconds() // 60))
    minute_of_day = now.hour * 60 + now.minute
    start = minute_of_day - minute_of_day % minutes
    return f"{now.date().isoformat()}T{start // 60:02d}:{start % 60:02d}"


def tick(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every daily job whose time today has come and that has not run today.
    Returns the names enqueued."""
    return _enqueue(_daily(), now)


def tick_frequent(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue the frequent jobs whose interval has begun and not run yet; forget their
    runs older than two days."""
    frequent = _frequent()
    enqueued = _enqueue(frequent, now)
    ScheduledRun.objects.filter(
        job__in=[job.name for job in frequent],
        enqueued_at__lt=timezone.now() - KEEP_FREQUENT_RUNS,
    ).delete()
    return enqueued


def _enqueue(jobs: list[Job], now: datetime.datetime | None = None) -> list[str]:
    now = timezone.localtime(now or timezone.now())
    enqueued: list[str] = []
    for job in jobs:
        if now.time() < job.at:
            continue
        period = _period(job, now)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, period=period)
                transaction.on_commit(partial(job.task.enqueue))
        except IntegrityError:
            continue
        log.info("Enqueued %s for %s", job.name, period)
        enqueued.append(job.name)
    return enqueued
