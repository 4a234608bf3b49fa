"""The letters' daily job: grade and escalate overdue letters (core.scheduler)."""

import datetime

from django_tasks import task


@task()
def escalate_overdue_letters():
    from .services import escalate_overdue

    return escalate_overdue()


def register_jobs():
    from zhengtong.core.scheduler import Job, register

    register(Job("letters_escalation", datetime.time(8, 10), escalate_overdue_letters))
