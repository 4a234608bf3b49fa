"""Escalation of overdue work items, one level at a time (letters, service cases …).

Level 1, overdue: the handling unit's clerks (its head when it has no clerk).
Level 2, `to_head_after` working days late: the unit's head.
Level 3, `seriously_after` working days late: the supervision office.

Each level is reached once per work item: the subsystem keeps one row per (work item,
level) and says whether it is new (`record`), so a job run twice tells nobody twice.
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, calendar
from .access import Person
from .models import WorkItem, WorkItemEscalation
from .notifications import notify

# The thresholds, in working days past the due date, for every subsystem.
ESCALATE_TO_HEAD_DAYS = 3
SERIOUSLY_OVERDUE_DAYS = 5


def unit_people(unit_id: int | None, roles: Sequence[str]) -> list[Person]:
    """Active people holding one of `roles` in the unit."""
    return access.people_holding_in(roles, unit_id)


def supervisors() -> list[Person]:
    """Active people of the supervision office (督查)."""
    return access.people_holding([access.SUPERVISOR])


def level_for(days_late: int, *, to_head_after: int, seriously_after: int) -> int:
    """0 when not late, else the level `days_late` working days reach."""
    if days_late < 1:
        return 0
    return 3 if days_late >= seriously_after else 2 if days_late >= to_head_after else 1


def _told(unit_id: int | None, level: int) -> tuple[list[Person], str]:
    """Who is told at `level`, and the title of the notification."""
    if level == 1:
        people = unit_people(unit_id, [access.CLERK]) or unit_people(unit_id, [access.UNIT_HEAD])
        return people, _("Overdue: %(title)s")
    if level == 2:
        return unit_people(unit_id, [access.UNIT_HEAD]), _("Overdue in your unit: %(title)s")
    return supervisors(), _("Seriously overdue: %(title)s")


def record(item: WorkItem, subject: models.Model, level: int) -> bool:
    """Keep that `item` (about `subject`: a letter, a case …) reached `level`; False when
    it had before (the subsystem writes its audit record only when True)."""
    _escalation, created = WorkItemEscalation.objects.get_or_create(
        work_item=item,
        level=level,
        defaults={
            "subject_type": ContentType.objects.get_for_model(subject),
            "subject_id": str(subject.pk),
            "at": timezone.now(),
        },
    )
    return created


def escalate(
    items: QuerySet[WorkItem],
    today: datetime.date,
    *,
    subject_of: Callable[[WorkItem], Any],
    record: Callable[[WorkItem, Any, int], bool],
    to_head_after: int = ESCALATE_TO_HEAD_DAYS,
    seriously_after: int = SERIOUSLY_OVERDUE_DAYS,
) -> int:
    """Escalate each overdue work item of `items` (open, due before `today`) up to the
    level it has reached. `subject_of(item)` gives the letter, case … (None: skipped);
    `record(item, subject, level)` keeps the level and writes the audit record, in the
    same transaction as the notifications, and returns False when that level was reached
    before. Returns the number of escalations made."""
    made = 0
    for item in items.iterator():
        if item.due_date is None:  # `items` are overdue, so they have a due date
            continue
        late = calendar.working_days_between(item.due_date, today).count
        level = level_for(late, to_head_after=to_head_after, seriously_after=seriously_after)
        if not level:
            continue
        subject = subject_of(item)
        if subject is None:
            continue
        for step in range(1, level + 1):
            with transaction.atomic():
                if not record(item, subject, step):
                    continue
                people, title = _told(item.assignee_unit_id, step)
                for person in people:
                    notify(person, title % {"title": item.title}, url=item.url)
                made += 1
    return made
