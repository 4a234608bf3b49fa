"""Incoming documents (收文, §1.5 Art. 24): register, return, propose (拟办), instruct
(批办), handle and read (承办, 传阅), close.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit, workitems
from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import Attachment, WorkItem
from zhengtong.org import permissions
from zhengtong.org.models import Unit, User

from ..models import (
    Distribution,
    HandlingTask,
    IncomingRecord,
    IncomingState,
)
from .common import (
    CLOSE_KIND,
    HANDLE_KIND,
    INSTRUCT_KIND,
    PROPOSE_KIND,
    READ_KIND,
    _refuse_classified,
    document_url,
    take_number,
)

# --- incoming documents (收文, §1.5 Art. 24) ------------------------------------------


def incoming_url(record: IncomingRecord) -> str:
    return f"/oa/documents/incoming/{record.pk}/"


def _incoming_item(
    record: IncomingRecord,
    kind: str,
    title: str,
    *,
    person: User | None = None,
    unit: Unit | None = None,
    days: int = 1,
) -> WorkItem:
    """A work item about an incoming record: for a person, or else for the receiving
    unit (its clerks see it), due in `days` working days."""
    item: WorkItem = workitems.open_work_item(
        None,
        kind=kind,
        title=title,
        assignee_user=person,
        assignee_unit=None if person is not None else (unit or record.unit),
        subject=record,
        url=incoming_url(record),
        due_in_working_days=days,
        unit=record.unit,
    )
    return item


def _register(
    acting: Any,
    *,
    unit: Unit,
    title: str,
    source_name: str,
    source_number: str = "",
    distribution: Distribution | None = None,
    scan: Attachment | None = None,
) -> IncomingRecord:
    """登记: a registration number 收〔YYYY〕N per unit and year, and a work item for the
    unit's clerk to propose the handling."""
    year = timezone.localdate().year
    seq = take_number(f"收#{unit.pk}", year)
    record = IncomingRecord.objects.create(
        unit=unit,
        distribution=distribution,
        title=title[:200],
        source_name=source_name[:100],
        source_number=source_number[:60],
        received_at=timezone.now(),
        scan=scan,
        serial=f"收〔{year}〕{seq}号",
        registered_by=getattr(acting, "person", acting),
    )
    _incoming_item(record, PROPOSE_KIND, _("Propose handling: %(title)s") % {"title": record.title})
    return record


@transaction.atomic
def register_external(
    actor: Any,
    *,
    unit: Unit,
    title: str,
    source_name: str,
    source_number: str = "",
    scan: Attachment | None = None,
) -> IncomingRecord:
    """Register a document that came from outside the platform (a paper document from
    the city, say), with its scan, so it follows the same incoming flow."""
    acting = permissions.require(actor, "documents.register", None, unit=unit)
    if not (title or "").strip():
        raise Invalid(_("A document needs a title."), field="title")
    if not (source_name or "").strip():
        raise Invalid(_("Name the organ that sent it."), field="source_name")
    _refuse_classified("", title, source_number)
    record = _register(
        acting,
        unit=unit,
        title=title.strip(),
        source_name=source_name.strip(),
        source_number=source_number.strip(),
        scan=scan,
    )
    audit.record(
        acting,
        "documents.incoming.register",
        record,
        unit=unit,
        changes={"serial": [None, record.serial], "source": [None, record.source_name]},
    )
    return record


def _incoming_for_update(record: IncomingRecord) -> IncomingRecord:
    return (
        IncomingRecord.objects.select_for_update(of=("self",))
        .select_related("unit", "distribution")
        .get(pk=record.pk)
    )


def _require_state(record: IncomingRecord, *states: str) -> None:
    if record.state not in states:
        raise Conflict(
            _("This incoming document is not at that step (it is %(state)s).")
            % {"state": record.get_state_display()}
        )


def _tell_sender(record: IncomingRecord, title: str, body: str) -> int:
    """Tell the issuing unit's clerks (the sender) about a return or a reply."""
    from zhengtong.core.notifications import notify
    from zhengtong.org.models import User

    if record.distribution is None:
        return 0
    document = record.distribution.document
    clerks = User.objects.filter(
        is_active=True, role_assignments__role="clerk", role_assignments__unit=document.issuing_unit
    ).distinct()
    for clerk in clerks:
        notify(clerk, title, body=body, url=document_url(document))
    return len(clerks)


@transaction.atomic
def return_to_sender(actor: Any, record: IncomingRecord, *, reason: str) -> IncomingRecord:
    """初审: a document that does not belong here or breaks the rules goes back to the
    sender with reasons."""
    record = _incoming_for_update(record)
    acting = permissions.require(actor, "documents.propose", record, unit=record.unit)
    _require_state(record, IncomingState.REGISTERED)
    if not (reason or "").strip():
        raise Invalid(_("Say why it is returned."), field="reason")
    record.state = IncomingState.RETURNED
    record.result = reason.strip()
    record.closed_at = timezone.now()
    record.save(update_fields=["state", "result", "closed_at"])
    workitems.close_items_for(record, kind=PROPOSE_KIND, actor=acting)
    _tell_sender(
        record,
        _("Returned by %(unit)s: %(title)s") % {"unit": record.unit.name, "title": record.title},
        reason.strip(),
    )
    audit.record(
        acting,
        "documents.incoming.return",
        record,
        unit=record.unit,
        changes={
            "state": [IncomingState.REGISTERED, IncomingState.RETURNED],
            "reason": [None, reason.strip()],
        },
    )
    return record


@transaction.atomic
def propose(actor: Any, record: IncomingRecord, *, proposal: str, head: User) -> IncomingRecord:
    """拟办: the clerk proposes how to handle it and passes it to the unit head."""
    record = _incoming_for_update(record)
    acting = permissions.require(actor, "documents.propose", record, unit=record.unit)
    _require_state(record, IncomingState.REGISTERED)
    if not (proposal or "").strip():
        raise Invalid(_("Write the proposed handling."), field="proposal")
    if not permissions.rule_holds("documents.can_review", head, None, record.unit):
        raise Invalid(_("Choose a head of this unit."), field="head")
    record.state = IncomingState.PROPOSED
    record.proposal = proposal.strip()
    record.save(update_fields=["state", "proposal"])
    workitems.close_items_for(record, kind=PROPOSE_KIND, actor=acting)
    _incoming_item(
        record, INSTRUCT_KIND, _("Instruct: %(title)s") % {"title": record.title}, person=head
    )
    audit.record(
        acting,
        "documents.incoming.propose",
        record,
        unit=record.unit,
        changes={"proposal": [None, record.proposal], "head": [None, head.pk]},
    )
    return record


@transaction.atomic
def instruct(
    actor: Any,
    record: IncomingRecord,
    *,
    instruction: str,
    handlers: Sequence[User],
    readers: Sequence[User] = (),
    due_in_working_days: int = 5,
) -> IncomingRecord:
    """批办: the unit head instructs; handlers (承办) get work items with the deadline,
    readers (传阅) read in the order given, one after another."""
    record = _incoming_for_update(record)
    acting = permissions.require(actor, "documents.instruct", record, unit=record.unit)
    _require_state(record, IncomingState.PROPOSED)
    if not handlers:
        raise Invalid(_("Choose at least one handler."), field="handlers")
    for field, people in (("handlers", handlers), ("readers", readers)):
        if len({p.pk for p in people}) != len(people):
            raise Invalid(_("Name each person once."), field=field)
        outsiders = [p for p in people if not permissions.is_member(p, record.unit)]
        if outsiders:
            raise Invalid(
                _("%(name)s is not a member of this unit.") % {"name": outsiders[0]}, field=field
            )
    try:
        due_in_working_days = int(due_in_working_days)
    except (TypeError, ValueError):
        due_in_working_days = 0
    if not 0 < due_in_working_days <= 60:
        raise Invalid(_("The deadline is 1 to 60 working days."), field="due_in_working_days")
    record.state = IncomingState.HANDLING
    record.instruction = (instruction or "").strip() or _("Agreed as proposed.")
    for person in handlers:
        HandlingTask.objects.create(record=record, kind=HandlingTask.Kind.HANDLE, person=person)
        item = _incoming_item(
            record,
            HANDLE_KIND,
            _("Handle: %(title)s") % {"title": record.title},
            person=person,
            days=due_in_working_days,
        )
        record.due_date = item.due_date
    for order, person in enumerate(readers, start=1):
        HandlingTask.objects.create(
            record=record, kind=HandlingTask.Kind.READ, person=person, order=order
        )
    record.save(update_fields=["state", "instruction", "due_date"])
    _open_next_reader(record)
    workitems.close_items_for(record, kind=INSTRUCT_KIND, actor=acting)
    audit.record(
        acting,
        "documents.incoming.instruct",
        record,
        unit=record.unit,
        changes={
            "handlers": [None, [p.pk for p in handlers]],
            "readers": [None, [p.pk for p in readers]],
            "due_date": [None, record.due_date],
        },
    )
    return record


def _open_next_reader(record: IncomingRecord) -> HandlingTask | None:
    task = (
        record.tasks.filter(kind=HandlingTask.Kind.READ, done_at__isnull=True)
        .order_by("order")
        .first()
    )
    if task is None:
        return None
    if WorkItem.objects.filter(
        kind=READ_KIND, assignee_user=task.person, state="open", subject_id=str(record.pk)
    ).exists():
        return task
    _incoming_item(
        record, READ_KIND, _("Read: %(title)s") % {"title": record.title}, person=task.person
    )
    return task


def pending_task_for(actor: Any, record: IncomingRecord) -> tuple[HandlingTask | None, Any]:
    """The handling task (承办) or reading turn (传阅) waiting for `actor` (or for someone
    who delegated to them): (task, acting) or (None, None). Readers read in order."""
    next_reader = _first_open_reader(record)
    for candidate in record.tasks.filter(done_at__isnull=True).select_related("person"):
        if candidate.kind == HandlingTask.Kind.READ and candidate != next_reader:
            continue
        acting = permissions.may(actor, "documents.finish_task", candidate)
        if acting:
            return candidate, acting
    return None, None


@transaction.atomic
def finish_task(actor: Any, record: IncomingRecord, *, comment: str = "") -> HandlingTask:
    """A handler reports the handling done, or a reader has read it (with a comment);
    the next reader is then asked. When every handler is done, the clerk is asked to
    close the record."""
    record = _incoming_for_update(record)
    _require_state(record, IncomingState.HANDLING)
    task, acting = pending_task_for(actor, record)
    if task is None:
        raise NotPermitted(_("Nothing on this document is waiting for you."))
    if task.kind == HandlingTask.Kind.HANDLE and not (comment or "").strip():
        raise Invalid(_("Say what was done."), field="comment")
    task.done_at = timezone.now()
    task.comment = (comment or "").strip()
    task.save(update_fields=["done_at", "comment"])
    kind = HANDLE_KIND if task.kind == HandlingTask.Kind.HANDLE else READ_KIND
    workitems.close_items_for(record, kind=kind, actor=acting, assignee_user=task.person)
    if task.kind == HandlingTask.Kind.READ:
        _open_next_reader(record)
    elif not record.tasks.filter(kind=HandlingTask.Kind.HANDLE, done_at__isnull=True).exists():
        _incoming_item(record, CLOSE_KIND, _("Close: %(title)s") % {"title": record.title})
    audit.record(
        acting,
        f"documents.incoming.{task.kind}",
        record,
        unit=record.unit,
        changes={"comment": [None, task.comment]},
    )
    return task


def _first_open_reader(record: IncomingRecord) -> HandlingTask | None:
    return (
        record.tasks.filter(kind=HandlingTask.Kind.READ, done_at__isnull=True)
        .order_by("order")
        .first()
    )


@transaction.atomic
def close_incoming(
    actor: Any, record: IncomingRecord, *, result: str, reply_to_sender: bool = False
) -> IncomingRecord:
    """办结: the clerk closes the record with its result, and may reply (答复) to the
    sender with it."""
    record = _incoming_for_update(record)
    acting = permissions.require(actor, "documents.propose", record, unit=record.unit)
    _require_state(record, IncomingState.HANDLING)
    if record.tasks.filter(kind=HandlingTask.Kind.HANDLE, done_at__isnull=True).exists():
        raise Conflict(_("A handler has not finished yet."))
    if not (result or "").strip():
        raise Invalid(_("Write the result."), field="result")
    record.state = IncomingState.CLOSED
    record.result = result.strip()
    record.closed_at = timezone.now()
    record.save(update_fields=["state", "result", "closed_at"])
    for kind in (CLOSE_KIND, READ_KIND):
        workitems.close_items_for(
            record, kind=kind, actor=acting, state="done" if kind == CLOSE_KIND else "cancelled"
        )
    if reply_to_sender:
        _tell_sender(
            record,
            _("Reply from %(unit)s: %(title)s") % {"unit": record.unit.name, "title": record.title},
            record.result,
        )
    audit.record(
        acting,
        "documents.incoming.close",
        record,
        unit=record.unit,
        changes={
            "state": [IncomingState.HANDLING, IncomingState.CLOSED],
            "replied": [None, bool(reply_to_sender)],
        },
    )
    return record
