"""Work items (待办): the one to-do ledger of the platform.

Subsystems open and close items only through these operations; the workspace, the
reminders (催办) and the assessment of timeliness all read the same rows. Due dates
are computed by the working-day calendar and stored with the rule they came from.
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import access, audit, calendar
from .access import Acting, Person
from .errors import Conflict, Invalid
from .models import WorkItem, WorkItemState

log = logging.getLogger("zhengtong.workitems")


def _subject_fields(subject: Any) -> dict[str, Any]:
    if subject is None:
        return {}
    return {
        "subject_type": ContentType.objects.get_for_model(subject),
        "subject_id": str(subject.pk),
    }


@transaction.atomic
def open_work_item(
    actor: Person | Acting | None,
    *,
    kind: str,
    title: str,
    assignee_user: Person | None = None,
    assignee_unit: Any = None,
    subject: Any = None,
    url: str = "",
    due_in_working_days: int | None = None,
    due_from: datetime.date | None = None,
    due_date: datetime.date | None = None,
    unit: Any = None,
    closes_by_hand: bool = False,
) -> WorkItem:
    """Open a work item for a person or a unit.

    The due date is either given or computed as `due_in_working_days` working days
    after `due_from` (default today) through the calendar; the rule and whether it
    fell back to Monday–Friday are stored with the item. Called by subsystems' own
    operations, which have already checked their permission.

    An item normally closes when the step it stands for is done (`close_items_for`);
    `closes_by_hand=True` lets the assignee mark a simple task done themselves.
    """
    if assignee_user is None and assignee_unit is None:
        raise Invalid(_("A work item needs a person or a unit to do it."))
    if not (title or "").strip():
        raise Invalid(_("A work item needs a title."))
    rule, fallback = "", False
    if due_in_working_days is not None:
        start = due_from or timezone.localdate()
        deadline = calendar.add_working_days(start, int(due_in_working_days))
        # The stored rule is read by everyone later: keep it in the site's language,
        # not in whatever language the request that opened the item happened to use.
        with translation.override(settings.LANGUAGE_CODE):
            rule = str(deadline.rule)
        due_date, fallback = deadline.date, deadline.fallback
    item = WorkItem.objects.create(
        kind=kind,
        title=title.strip()[:200],
        assignee_user=assignee_user,
        assignee_unit=assignee_unit,
        url=url,
        created_by=getattr(actor, "person", actor) if actor else None,
        due_date=due_date,
        due_rule=rule,
        due_fallback=fallback,
        closes_by_hand=closes_by_hand,
        **_subject_fields(subject),
    )
    audit.record(
        actor,
        "workitem.open",
        item,
        unit=unit or assignee_unit,
        changes={
            "kind": [None, kind],
            "due_date": [None, due_date],
            "assignee_user": [None, getattr(assignee_user, "pk", None)],
            "assignee_unit": [None, getattr(assignee_unit, "pk", None)],
        },
    )
    return item


def _close(actor: Person | None, item: WorkItem, state: str, action: str) -> WorkItem:
    item = WorkItem.objects.select_for_update().get(pk=item.pk)
    # Permission first: someone who may not close the item learns nothing of its state.
    acting = access.require(actor, "core.close_workitem", item) if actor else None
    if item.state != WorkItemState.OPEN:
        raise Conflict(_("This item is already closed."))
    if acting and not item.closes_by_hand:
        raise Conflict(
            _("This item closes by itself when its step is done: open it and do that step."),
            code="closes_by_step",
        )
    item.state = state
    item.closed_at = timezone.now()
    item.closed_by = acting.person if acting else None
    item.closed_on_behalf_of = acting.on_behalf_of if acting else None
    item.save(update_fields=["state", "closed_at", "closed_by", "closed_on_behalf_of"])
    audit.record(
        acting or actor,
        action,
        item,
        unit=item.assignee_unit,
        changes={"state": [WorkItemState.OPEN, state]},
    )
    return item


@transaction.atomic
def complete_work_item(actor: Person | None, item: WorkItem) -> WorkItem:
    """Mark an item done (by its assignee, a member of its unit, or a delegate)."""
    return _close(actor, item, WorkItemState.DONE, "workitem.done")


@transaction.atomic
def cancel_work_item(actor: Person | None, item: WorkItem) -> WorkItem:
    """Cancel an item that no longer needs doing (e.g. the document was withdrawn)."""
    return _close(actor, item, WorkItemState.CANCELLED, "workitem.cancel")


@transaction.atomic
def close_items_for(
    subject: Any,
    *,
    kind: str | None = None,
    state: str = WorkItemState.DONE,
    actor: Person | Acting | None = None,
    assignee_user: Person | None = None,
    assignee_unit: Any = None,
) -> list[WorkItem]:
    """Close every open item about `subject` (optionally of one kind, or of one
    assignee). Used by a subsystem's operation once the step the items stood for is
    done."""
    qs = WorkItem.objects.filter(state=WorkItemState.OPEN, **_subject_fields(subject))
    if kind:
        qs = qs.filter(kind=kind)
    if assignee_user is not None:
        qs = qs.filter(assignee_user=assignee_user)
    if assignee_unit is not None:
        qs = qs.filter(assignee_unit=assignee_unit)
    closed = []
    for item in qs.select_for_update():
        # The calling operation has checked its own permission; `actor` may be an
        # `Acting`, so work done under delegation is recorded as such.
        item.state = state
        item.closed_at = timezone.now()
        item.closed_by = actor.person if isinstance(actor, Acting) else actor
        item.closed_on_behalf_of = actor.on_behalf_of if isinstance(actor, Acting) else None
        item.save(update_fields=["state", "closed_at", "closed_by", "closed_on_behalf_of"])
        audit.record(
            actor,
            f"workitem.{state}",
            item,
            unit=item.assignee_unit,
            changes={"state": [WorkItemState.OPEN, state]},
        )
        closed.append(item)
    return closed


# --- reading the ledger -------------------------------------------------------------


def visible_items_q(person: Person) -> Q:
    """Items a person sees: their own, their units', and those of people who have
    delegated their work to them."""
    # Asked afresh: reminders and the workspace hold a person across a delegation's start.
    scope = access.acting_scope(person, cached=False)
    return Q(assignee_user_id__in=scope.people_ids) | Q(assignee_unit_id__in=scope.unit_ids)


@dataclass
class TodoList:
    items: list[WorkItem]
    total: int
    overdue: int
    due_today: int


def todo_list(person: Person, *, limit: int = 50, today: datetime.date | None = None) -> TodoList:
    """The signed-in person's open items, soonest due first (items without a due date
    last), with counts. Both queries are served by the (assignee, state, due_date)
    indexes; bench/run.py measures them against a scan without those indexes."""
    today = today or timezone.localdate()
    open_items = WorkItem.objects.filter(visible_items_q(person), state=WorkItemState.OPEN)
    items = list(
        open_items.select_related("assignee_user", "assignee_unit").order_by(
            F("due_date").asc(nulls_last=True), "id"
        )[:limit]
    )
    counts = open_items.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(due_date__lt=today)),
        due_today=Count("id", filter=Q(due_date=today)),
    )
    return TodoList(items=items, **{k: v or 0 for k, v in counts.items()})


def urgency(item: WorkItem, today: datetime.date | None = None) -> str:
    """'overdue', 'today', 'soon' (within the reminder window) or '' for display."""
    today = today or timezone.localdate()
    if item.due_date is None or item.state != WorkItemState.OPEN:
        return ""
    if item.due_date < today:
        return "overdue"
    if item.due_date == today:
        return "today"
    if calendar.working_days_between(today, item.due_date).count <= 1:
        return "soon"
    return ""


# --- reminders (催办) ----------------------------------------------------------------


def send_reminders(today: datetime.date | None = None) -> int:
    """Remind assignees of items due within the reminder window or overdue, at most
    once a day per item. Run daily by the scheduler; safe to run twice."""
    from .notifications import notify

    today = today or timezone.localdate()
    horizon = calendar.add_working_days(today, settings.REMINDER_DAYS_BEFORE).date
    due = (
        WorkItem.objects.filter(state=WorkItemState.OPEN, due_date__lte=horizon)
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
        .select_related("assignee_user", "assignee_unit")
    )
    sent = 0
    # Ids first: rows are updated as we go, which must not disturb an open cursor.
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            item = WorkItem.objects.select_related("assignee_user", "assignee_unit").get(pk=pk)
            recipients = _reminder_recipients(item)
            if not recipients:
                # Nobody to tell (a unit without clerk or head): leave it unmarked so it
                # is tried again tomorrow, and say so in the log for the IT centre.
                log.warning("Work item %s has nobody to remind", pk)
                continue
            claimed = (
                WorkItem.objects.filter(pk=pk)
                .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
                .update(last_reminded_on=today)
            )
            if not claimed:
                continue
            due_date = item.due_date
            assert due_date is not None  # selected by due date above
            overdue = due_date < today
            title = (_("Overdue: %(title)s") if overdue else _("Due soon: %(title)s")) % {
                "title": item.title
            }
            body = _("Due date: %(date)s") % {"date": due_date.isoformat()}
            for person in recipients:
                notify(person, title, body=body, url=item.url)
                sent += 1
    return sent


def _reminder_recipients(item: WorkItem) -> list[Any]:
    if item.assignee_user_id:
        return [item.assignee_user]
    # A unit's items go to whoever handles that unit's to-dos: its clerks, or its
    # head when it has no clerk.
    for role in (access.CLERK, access.UNIT_HEAD):
        people = access.people_holding_in([role], item.assignee_unit_id)
        if people:
            return people
    return []
