"""Operations on letters from the public (县长信箱 and department mailboxes).

Each operation takes the acting person first (None for the writer, who has no staff
account: the pages check the tracking code and query password before calling),
checks its rule from `rules.py`, changes the letter in one transaction, writes the
audit trail and the letter's timeline, keeps the letter's work items in step with its
state, and sends SMS and notifications only after commit.

Work items: each state has the to-dos that move it on (`_items_for_state`); every
transition closes the letter's step items and opens those of the new state, so the
workspace, reminders and assessment always show where a letter waits and until when.
Deadlines are working days through `core.calendar`, or calendar days for petitions
(docs/conformance.md LET-3, LET-6).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit, calendar, escalation, workitems
from zhengtong.core.errors import Conflict, Invalid, NotFound
from zhengtong.core.masking import find_personal_data
from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.core.notifications import notify, send_sms
from zhengtong.core.text import clean_text
from zhengtong.core.validators import check_credit_code, check_mobile
from zhengtong.org import permissions
from zhengtong.org.models import Unit, User
from zhengtong.org.permissions import Acting
from zhengtong.public.models import PublicUser
from zhengtong.public.passwords import PASSWORD_HASH_PREFIX, hash_query_password  # noqa: F401
from zhengtong.public.passwords import query_password_matches as _password_matches
from zhengtong.public.publication import keep_words, mask_for_publication

from .models import (
    CONTENT_MAX,
    FINISHED_STATES,
    REPLY_MAX,
    TITLE_MAX,
    TRANSITIONS,
    UNSATISFIED_LEVELS,
    Category,
    DeadlinePolicy,
    DeclineReason,
    FollowUp,
    Instruction,
    Letter,
    LetterRouting,
    LetterState,
    LetterStep,
    Mailbox,
    Rating,
    RatingLevel,
    Reply,
    ReplyState,
    RoutingRole,
    RoutingState,
    StepKind,
    SupervisionOrder,
)

S = LetterState

# Tracking codes: 11 random characters and a check character from 31 symbols without
# the look-alikes 0/O, 1/I/L. A weighted sum modulo the prime 31 catches every single
# wrong character and every swap of two neighbours.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
PASSWORD_DIGITS = 8

# Petitions (信访工作条例, docs/conformance.md LET-3): calendar days.
PETITION_NOTICE_DAYS = 15
PETITION_HANDLING_DAYS = 60
PETITION_EXTENSION_DAYS = 30

ROUTE_WORKING_DAYS = 1  # rerouting after a hand-back or reopening
FOLLOW_UP_WORKING_DAYS = 5
SUPERVISION_WORKING_DAYS = 3
MAX_ATTACHMENTS = 5
NAME_MAX = 50
NOTE_MAX = 2000

KIND_ACCEPT = "letters.accept"
KIND_ROUTE = "letters.route"
KIND_REPLY = "letters.reply"
KIND_ASSIST = "letters.assist"
KIND_REVIEW = "letters.review"
KIND_SEND = "letters.send"
KIND_FOLLOW_UP = "letters.follow_up"
KIND_SUPERVISION = "letters.supervision"
STEP_KINDS = (KIND_ACCEPT, KIND_ROUTE, KIND_REPLY, KIND_ASSIST, KIND_REVIEW, KIND_SEND)

# A step item a letter's state needs: (kind, assignee unit, due date, title).
StepItem = tuple[str, Unit, datetime.date | None, str]


# --- small helpers ----------------------------------------------------------------------


def staff_url(letter: Letter) -> str:
    return f"/oa/letters/{letter.pk}/"


def _code_check_char(body: str) -> str:
    total = sum((i + 1) * CODE_ALPHABET.index(c) for i, c in enumerate(body))
    return CODE_ALPHABET[total % len(CODE_ALPHABET)]


def new_tracking_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH - 1))
    return body + _code_check_char(body)


def normalise_code(value: object) -> str:
    """What the writer typed, as stored: upper case, without spaces and hyphens."""
    return "".join(ch for ch in str(value or "").upper() if ch not in " -\t")


def is_valid_code(value: object) -> bool:
    code = normalise_code(value)
    return (
        len(code) == CODE_LENGTH
        and all(c in CODE_ALPHABET for c in code)
        and _code_check_char(code[:-1]) == code[-1]
    )


def _query_password(submission_key: str | None) -> str:
    """The query password. Derived from the form's secret submission key when there is
    one, so a retried submission shows the writer the same password again; random
    otherwise."""
    if submission_key:
        digest = hmac.new(
            settings.SECRET_KEY.encode(),
            b"letters.query_password\x00" + submission_key.encode(),
            hashlib.sha256,
        ).digest()
        number = int.from_bytes(digest[:8], "big")
    else:
        number = secrets.randbelow(10**PASSWORD_DIGITS)
    return f"{number % 10**PASSWORD_DIGITS:0{PASSWORD_DIGITS}d}"


def query_password_matches(letter: Letter, password: str | None) -> bool:
    """True if `password` is the letter's query password (`public.passwords`)."""
    return _password_matches(
        letter.tracking_code, letter.query_password, str(password or "").strip()
    )


def _today() -> datetime.date:
    return timezone.localdate()


def _lock(letter: Letter) -> Letter:
    try:
        return (
            Letter.objects.select_for_update(of=("self",))
            .select_related("mailbox", "lead_unit")
            .get(pk=letter.pk)
        )
    except Letter.DoesNotExist as exc:
        raise NotFound() from exc


def _move(letter: Letter, new_state: str) -> str:
    if new_state not in TRANSITIONS.get(letter.state, set()):
        raise Conflict(
            _("This cannot be done while the letter is “%(state)s”.")
            % {"state": LetterState(letter.state).label},
            code="wrong_state",
        )
    old = letter.state
    letter.state = new_state
    return old


def _step(
    letter: Letter,
    kind: str,
    *,
    actor: Acting | User | None = None,
    unit: Unit | None = None,
    public_note: str = "",
    internal: str = "",
) -> LetterStep:
    # The person who clicked (an Acting names them beside whose authority is used).
    person = cast("User | None", getattr(actor, "person", actor))
    return LetterStep.objects.create(
        letter=letter,
        at=timezone.now(),
        kind=kind,
        unit=unit,
        public_note=public_note,
        internal_comment=internal,
        actor=person if getattr(person, "pk", None) else None,
    )


def _audit(
    actor: Acting | User | None,
    action: str,
    letter: Letter,
    changes: dict[str, Any] | None = None,
    unit: Unit | None = None,
) -> None:
    audit.record(
        actor, f"letters.{action}", letter, unit=unit or letter.mailbox.office_unit, changes=changes
    )


def policy_for(mailbox: Mailbox, category: str) -> tuple[int, int, int]:
    """(accept_days, reply_days, hand_back_days) for a mailbox and category."""
    policies = {p.category: p for p in DeadlinePolicy.objects.filter(mailbox=mailbox)}
    policy = policies.get(category) or policies.get("")
    if policy is None:
        return (DeadlinePolicy.DEFAULT_ACCEPT_DAYS, DeadlinePolicy.DEFAULT_REPLY_DAYS, 3)
    return (policy.accept_days, policy.reply_days, policy.hand_back_days)


def _working_due(days: int, start: datetime.date | None = None) -> tuple[datetime.date, str]:
    deadline = calendar.add_working_days(start or _today(), days)
    return deadline.date, str(deadline.rule)


def grade(due_date: datetime.date | None, today: datetime.date | None = None) -> str:
    """'' (in time), 'soon' (due within a working day), 'overdue', or 'serious'
    (seriously overdue: escalation.SERIOUSLY_OVERDUE_DAYS working days or more past due)."""
    if due_date is None:
        return ""
    today = today or _today()
    if due_date >= today:
        return "soon" if calendar.working_days_between(today, due_date).count <= 1 else ""
    late = calendar.working_days_between(due_date, today).count
    return "serious" if late >= escalation.SERIOUSLY_OVERDUE_DAYS else "overdue"


# --- work items ---------------------------------------------------------------------------


def _items_for_state(letter: Letter) -> list[StepItem]:
    """The step items a letter in its current state needs: (kind, unit, due, title)."""
    office = letter.mailbox.office_unit
    st = letter.state
    if st == S.RECEIVED:
        return [(KIND_ACCEPT, office, letter.accept_due, _("Accept letter %(code)s"))]
    if st in (S.ACCEPTED, S.HANDED_BACK, S.REOPENED):
        return [(KIND_ROUTE, office, letter.route_due, _("Route letter %(code)s"))]
    if st == S.ROUTED:
        if letter.duplicate_of_id:
            return []  # answered together with the earlier letter
        items = []
        for routing in letter.routings.filter(state=RoutingState.ACTIVE).select_related("unit"):
            if routing.role == RoutingRole.LEAD:
                items.append((KIND_REPLY, routing.unit, letter.reply_due, _("Reply to %(code)s")))
            else:
                items.append(
                    (KIND_ASSIST, routing.unit, letter.reply_due, _("Help answer %(code)s"))
                )
        return items
    if st == S.REPLY_DRAFTED:
        return [(KIND_REVIEW, office, letter.reply_due, _("Review the reply to %(code)s"))]
    if st == S.REPLY_APPROVED:
        return [(KIND_SEND, office, letter.reply_due, _("Send the reply to %(code)s"))]
    return []


def _sync_items(
    actor: Acting | User | None, letter: Letter, *, state: str = WorkItemState.DONE
) -> None:
    """Close the letter's step items and open those of its current state."""
    from django.contrib.contenttypes.models import ContentType

    open_kinds = set(
        WorkItem.objects.filter(
            state=WorkItemState.OPEN,
            subject_type=ContentType.objects.get_for_model(Letter),
            subject_id=str(letter.pk),
            kind__in=STEP_KINDS,
        ).values_list("kind", flat=True)
    )
    for kind in sorted(open_kinds):
        workitems.close_items_for(letter, kind=kind, state=state, actor=actor)
    for kind, unit, due, title in _items_for_state(letter):
        workitems.open_work_item(
            actor,
            kind=kind,
            title=title % {"code": letter.display_code},
            assignee_unit=unit,
            subject=letter,
            url=staff_url(letter),
            due_date=due,
            unit=unit,
        )


# --- the writer's side: submitting ----------------------------------------------------------


@dataclass
class Submitted:
    letter: Letter
    password: str
    created: bool


def _clean_submission(
    mailbox: Mailbox | None,
    category: str,
    title: str,
    content: str,
    name: str,
    mobile: str,
    credit_code: str,
) -> tuple[str, str, str, str, str]:
    if mailbox is None or not mailbox.is_active:
        raise Invalid(_("Choose a mailbox that is open for letters."), field="mailbox")
    if category not in Category.values:
        raise Invalid(_("Choose a category."), field="category")
    title = clean_text(title, "title", maximum=TITLE_MAX, message=_("Give your letter a title."))
    content = clean_text(content, "content", maximum=CONTENT_MAX, message=_("Write your letter."))
    name = clean_text(name, "name", maximum=NAME_MAX, message=_("Enter your name."))
    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], field="mobile") from exc
    if credit_code:
        try:
            credit_code = check_credit_code(credit_code)
        except ValidationError as exc:
            raise Invalid(exc.messages[0], field="credit_code") from exc
    return title, content, name, mobile, credit_code or ""


def submit_letter(
    actor: User | None,
    *,
    mailbox: Mailbox | None,
    category: str,
    title: str,
    content: str,
    name: str,
    mobile: str,
    may_publish: bool = False,
    company_name: str = "",
    credit_code: str = "",
    public_user: PublicUser | None = None,
    attachments: Iterable[UploadedFile[Any]] = (),
    submission_key: str | None = None,
    source: str = "web",
) -> Submitted:
    """Store a letter from the public and hand it to the mailbox's office.

    The writer has no staff account: `actor` is None on the public site, or the
    office clerk entering a letter received by telephone (12345) or post (rule
    `letters.create_for_writer`). The letter is stored first, then its attachments
    (through `core.attachments`), its acceptance work item and the audit record, all in
    one transaction; the SMS with tracking code and query password goes out after
    commit. Returns `Submitted(letter, password, created)`: the plain password exists
    only here. The same `submission_key` twice (a double click, a retry) returns the
    first letter with the same password and `created=False`.
    """
    if actor is not None:
        permissions.require(actor, "letters.create_for_writer", mailbox)
    if submission_key:
        existing = Letter.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return Submitted(existing, _query_password(submission_key), False)
    title, content, name, mobile, credit_code = _clean_submission(
        mailbox, category, title, content, name, mobile, credit_code
    )
    attachments = _check_attachment_count(attachments)
    password = _query_password(submission_key)
    try:
        letter = _store_letter(
            actor,
            mailbox=mailbox,
            category=category,
            title=title,
            content=content,
            name=name,
            mobile=mobile,
            may_publish=bool(may_publish),
            company_name=(company_name or "").strip()[:200],
            credit_code=credit_code,
            public_user=public_user,
            attachments=attachments,
            submission_key=submission_key or None,
            source=source,
            password=password,
        )
    except IntegrityError:
        # The same key arrived twice at once: the other request stored the letter.
        existing = (
            Letter.objects.filter(submission_key=submission_key).first() if submission_key else None
        )
        if not existing:
            raise
        return Submitted(existing, password, False)
    return Submitted(letter, password, True)


def _check_attachment_count(
    attachments: Iterable[UploadedFile[Any]] | None,
) -> list[UploadedFile[Any]]:
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS:
        raise Invalid(
            _("At most %(max)d files may be attached.") % {"max": MAX_ATTACHMENTS},
            field="attachments",
        )
    return attachments


def _store_attachments(
    actor: Acting | User | None, letter: Letter, attachments: list[UploadedFile[Any]]
) -> None:
    """The writer's files, through the kernel's attachment path (`core.attachments`:
    size cap, the real file type checked against the name, virus scan), owned by the
    letter and marked as personal data. A refused file raises `Invalid` and the caller's
    transaction stores nothing."""
    if not attachments:
        return
    from zhengtong.core.attachments import store_upload

    for upload in attachments:
        try:
            store_upload(
                actor,
                upload,
                unit=letter.mailbox.office_unit,
                owner=letter,
                contains_personal_data=True,
            )
        except Invalid as exc:
            # Shown on the form's attachments field, naming the file.
            raise Invalid(
                _("%(name)s: %(problem)s")
                % {"name": getattr(upload, "name", ""), "problem": exc.message},
                code=exc.code,
                field="attachments",
            ) from None


@transaction.atomic
def _store_letter(
    actor: User | None,
    *,
    attachments: list[UploadedFile[Any]],
    password: str,
    mobile: str,
    **fields: Any,
) -> Letter:
    accept_days, _reply, _hand_back = policy_for(fields["mailbox"], fields["category"])
    accept_due, rule = _working_due(accept_days)
    for _attempt in range(5):
        code = new_tracking_code()
        if not Letter.objects.filter(tracking_code=code).exists():
            break
    letter = Letter.objects.create(
        tracking_code=code,
        query_password=hash_query_password(code, password),
        writer_name=fields.pop("name"),
        writer_mobile=mobile,
        received_at=timezone.now(),
        accept_due=accept_due,
        due_rule=rule,
        **fields,
    )
    _step(letter, StepKind.RECEIVED, actor=actor, unit=letter.mailbox.office_unit)
    _store_attachments(actor, letter, attachments)
    _sync_items(actor, letter)
    # Personal data stays out of the audit trail: the record names the letter only.
    _audit(actor, "submit", letter, {"mailbox": [None, letter.mailbox_id]})
    send_sms(
        mobile,
        _(
            "Your letter has been received. Tracking code %(code)s, query password "
            "%(password)s. Keep them to follow your letter."
        )
        % {"code": letter.display_code, "password": password},
    )
    return letter


def find_for_tracking(code: str | None, password: str | None) -> Letter | None:
    """The letter with this tracking code if `password` is its query password, else
    None. An unknown code costs the same hash, so timing tells nothing."""
    code = normalise_code(code)
    letter = None
    if is_valid_code(code):
        letter = Letter.objects.select_related("mailbox").filter(tracking_code=code).first()
    if letter is None:
        hash_query_password(code, password or "")
        return None
    return letter if query_password_matches(letter, password) else None


# --- the office: accepting, declining, routing ---------------------------------------------


def _route_due_after_accept(letter: Letter) -> datetime.date:
    """Routing follows acceptance within the acceptance period (受理分办)."""
    due = letter.accept_due or _today()
    return max(due, calendar.add_working_days(_today(), 0).date)


@transaction.atomic
def accept_letter(actor: User, letter: Letter, *, comment: str = "") -> Letter:
    """受理: the office accepts the letter; the reply clock starts (the mailbox's
    reply period in working days, or the petition timetable)."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    comment = clean_text(comment, "comment", required=False, maximum=NOTE_MAX)
    _move(letter, S.ACCEPTED)
    _accept(acting, letter, comment)
    _sync_items(acting, letter)
    return letter


def _accept(acting: Acting, letter: Letter, comment: str = "") -> None:
    _a, reply_days, _h = policy_for(letter.mailbox, letter.category)
    letter.accepted_at = timezone.now()
    if not letter.is_petition:
        letter.reply_due, letter.due_rule = _working_due(reply_days)
    letter.route_due = _route_due_after_accept(letter)
    letter.save()
    _step(
        letter, StepKind.ACCEPTED, actor=acting, unit=letter.mailbox.office_unit, internal=comment
    )
    _audit(acting, "accept", letter, {"state": [S.RECEIVED, S.ACCEPTED]})


@transaction.atomic
def decline_letter(
    actor: User, letter: Letter, *, reason: DeclineReason | None, note: str = ""
) -> Letter:
    """不予受理: decline with a reason from the out-of-scope list (docs/conformance.md LET-5);
    the writer is told why and where to turn instead."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    if not isinstance(reason, DeclineReason) or not reason.is_active:
        raise Invalid(_("Choose a reason from the list."), field="reason")
    note = clean_text(note, "note", required=False, maximum=NOTE_MAX)
    _move(letter, S.DECLINED)
    letter.decline_reason = reason
    letter.closed_at = timezone.now()
    letter.save()
    public = "\n".join(p for p in (reason.text, reason.public_text, note) if p)
    _step(
        letter, StepKind.DECLINED, actor=acting, unit=letter.mailbox.office_unit, public_note=public
    )
    _sync_items(acting, letter, state=WorkItemState.CANCELLED)
    _audit(acting, "decline", letter, {"state": [S.RECEIVED, S.DECLINED], "reason": reason.pk})
    _tell_writer(letter, _("Your letter %(code)s was not accepted; see why with your code."))
    return letter


def _tell_writer(letter: Letter, text: str) -> None:
    send_sms(letter.writer_mobile, text % {"code": letter.display_code})


@transaction.atomic
def route_letter(
    actor: User,
    letter: Letter,
    *,
    lead_unit: Unit | None,
    assisting_units: Iterable[Unit] = (),
    comment: str = "",
) -> Letter:
    """分办 / 转办: give the letter to a lead unit (and assisting units). A letter still
    waiting for acceptance is accepted at the same time; routing again withdraws the
    earlier units (rerouting)."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    if lead_unit is None:
        raise Invalid(_("Choose the lead unit."), field="lead_unit")
    assisting = [u for u in dict.fromkeys(assisting_units or []) if u.pk != lead_unit.pk]
    if not lead_unit.is_active or any(not u.is_active for u in assisting):
        raise Invalid(_("Choose units that are still active."), field="lead_unit")
    comment = clean_text(comment, "comment", required=False, maximum=NOTE_MAX)
    if letter.state == S.RECEIVED:
        _move(letter, S.ACCEPTED)
        _accept(acting, letter, comment)
    was_routed = letter.routings.exists()
    before = letter.state
    _move(letter, S.ROUTED)
    now = timezone.now()
    letter.routings.filter(state=RoutingState.ACTIVE).update(
        state=RoutingState.WITHDRAWN, finished_at=now
    )
    LetterRouting.objects.create(
        letter=letter,
        unit=lead_unit,
        role=RoutingRole.LEAD,
        routed_at=now,
        routed_by=acting.person,
    )
    for unit in assisting:
        LetterRouting.objects.create(
            letter=letter,
            unit=unit,
            role=RoutingRole.ASSIST,
            routed_at=now,
            routed_by=acting.person,
        )
    _a, _r, hand_back_days = policy_for(letter.mailbox, letter.category)
    letter.lead_unit = lead_unit
    letter.hand_back_due = calendar.add_working_days(_today(), hand_back_days).date
    if before == S.REOPENED:
        _a, reply_days, _h = policy_for(letter.mailbox, letter.category)
        letter.reply_due, letter.due_rule = _working_due(reply_days)
    letter.save()
    _step(
        letter,
        StepKind.REROUTED if was_routed else StepKind.ROUTED,
        actor=acting,
        unit=lead_unit,
        internal=comment,
    )
    _sync_items(acting, letter)
    _audit(
        acting,
        "route",
        letter,
        {"lead_unit": [None, lead_unit.pk], "assisting": [None, [u.pk for u in assisting]]},
    )
    return letter


def reroute_letter(
    actor: User,
    letter: Letter,
    *,
    lead_unit: Unit | None,
    assisting_units: Iterable[Unit] = (),
    comment: str = "",
) -> Letter:
    """转办: send a letter (handed back, reopened or being handled) to other units."""
    return route_letter(
        actor, letter, lead_unit=lead_unit, assisting_units=assisting_units, comment=comment
    )


def _active_routing(
    letter: Letter, unit_ids: Iterable[int], role: str = RoutingRole.LEAD
) -> LetterRouting | None:
    return (
        letter.routings.filter(state=RoutingState.ACTIVE, role=role, unit_id__in=unit_ids)
        .select_related("unit")
        .first()
    )


def routing_for(person: User, letter: Letter, role: str = RoutingRole.LEAD) -> LetterRouting | None:
    """The person's unit's active routing of this letter (lead by default), or None."""
    return _active_routing(letter, permissions.unit_ids_of(person), role)


@transaction.atomic
def hand_back_letter(actor: User, routing: LetterRouting, *, reason: str) -> Letter:
    """退回: the lead unit says the letter is not its matter, within the mailbox's
    hand-back period; the office reroutes it."""
    letter = _lock(routing.letter)
    routing = LetterRouting.objects.select_for_update().get(pk=routing.pk)
    acting = permissions.require(actor, "letters.reply", routing)
    reason = clean_text(
        reason,
        "reason",
        message=_("Say why the letter is not your unit's matter."),
        maximum=NOTE_MAX,
    )
    if letter.hand_back_due and _today() > letter.hand_back_due:
        raise Conflict(
            _("The period for handing this letter back ended on %(date)s.")
            % {"date": letter.hand_back_due.isoformat()},
            code="hand_back_too_late",
        )
    _move(letter, S.HANDED_BACK)
    now = timezone.now()
    routing.state = RoutingState.HANDED_BACK
    routing.hand_back_reason = reason
    routing.finished_at = now
    routing.save()
    letter.routings.filter(state=RoutingState.ACTIVE).update(
        state=RoutingState.WITHDRAWN, finished_at=now
    )
    letter.route_due = calendar.add_working_days(_today(), ROUTE_WORKING_DAYS).date
    letter.save()
    _step(letter, StepKind.HANDED_BACK, actor=acting, unit=routing.unit, internal=reason)
    _sync_items(acting, letter)
    _audit(
        acting, "hand_back", letter, {"unit": routing.unit_id, "reason": reason}, unit=routing.unit
    )
    return letter


@transaction.atomic
def register_as_petition(actor: User, letter: Letter, *, comment: str = "") -> Letter:
    """登记为信访事项: the letter follows the petition timetable from now on (calendar
    days, docs/conformance.md LET-3): notice of acceptance within 15 days of receipt, handling
    within 60 days of acceptance."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    if letter.is_petition:
        raise Conflict(_("This letter is already registered as a petition."), code="petition")
    if letter.state in FINISHED_STATES or letter.replied_at:
        raise Conflict(_("An answered or closed letter cannot become a petition."))
    received = timezone.localdate(letter.received_at)
    start = timezone.localdate(letter.accepted_at) if letter.accepted_at else _today()
    letter.is_petition = True
    letter.petition_notice_due = received + datetime.timedelta(days=PETITION_NOTICE_DAYS)
    letter.accept_due = letter.petition_notice_due
    letter.reply_due = start + datetime.timedelta(days=PETITION_HANDLING_DAYS)
    letter.due_rule = _("%(n)d days from %(date)s (petition)") % {
        "n": PETITION_HANDLING_DAYS,
        "date": start.isoformat(),
    }
    letter.save()
    _step(
        letter,
        StepKind.PETITION,
        actor=acting,
        unit=letter.mailbox.office_unit,
        internal=clean_text(comment, "comment", required=False, maximum=NOTE_MAX),
    )
    _sync_items(acting, letter, state=WorkItemState.CANCELLED)
    _audit(acting, "register_petition", letter, {"reply_due": [None, letter.reply_due]})
    return letter


@transaction.atomic
def extend_petition(actor: User, letter: Letter, *, reason: str) -> Letter:
    """Extend a complex petition's handling period once, by at most 30 days, with the
    office head's approval and the reason told to the petitioner (§8.1, Art. 34)."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.approve_reply", letter)
    reason = clean_text(
        reason, "reason", message=_("Give the reason for the extension."), maximum=NOTE_MAX
    )
    if not letter.is_petition:
        raise Conflict(_("Only a petition's handling period can be extended."), code="petition")
    if letter.petition_extended:
        raise Conflict(_("The handling period has already been extended once."), code="extended")
    if letter.state in FINISHED_STATES or letter.replied_at:
        raise Conflict(_("An answered or closed letter cannot be extended."))
    # A petition's handling period is set when it is registered.
    assert letter.reply_due is not None
    letter.petition_extended = True
    letter.reply_due = letter.reply_due + datetime.timedelta(days=PETITION_EXTENSION_DAYS)
    letter.save()
    _step(letter, StepKind.EXTENDED, actor=acting, public_note=reason)
    _sync_items(acting, letter, state=WorkItemState.CANCELLED)
    _audit(acting, "extend", letter, {"reply_due": [None, letter.reply_due]})
    _tell_writer(letter, _("The handling period of your letter %(code)s has been extended."))
    return letter


# --- the clock pause: waiting for the writer ----------------------------------------------------


@transaction.atomic
def request_more_information(actor: User, letter: Letter, *, question: str) -> Letter:
    """Ask the writer for more information; the clock stops until it is supplied, and
    the tracking page shows the pause."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    question = clean_text(
        question, "question", message=_("Say what information is needed."), maximum=NOTE_MAX
    )
    letter.paused_from = _move(letter, S.WAITING)
    letter.paused_at = timezone.now()
    letter.info_request = question
    letter.save()
    _step(
        letter,
        StepKind.INFO_REQUESTED,
        actor=acting,
        unit=letter.mailbox.office_unit,
        public_note=question,
    )
    _sync_items(acting, letter, state=WorkItemState.CANCELLED)
    _audit(acting, "request_information", letter, {"state": [letter.paused_from, S.WAITING]})
    _tell_writer(
        letter, _("More information is needed for your letter %(code)s: see the tracking page.")
    )
    return letter


def _shift(
    day: datetime.date | None, start: datetime.date, end: datetime.date, petition: bool
) -> datetime.date | None:
    """Move a due date on by the time the clock stood still (start..end)."""
    if day is None:
        return None
    if petition:
        return day + datetime.timedelta(days=(end - start).days)
    paused = calendar.working_days_between(start, end).count
    return calendar.add_working_days(day, paused).date if paused > 0 else day


@transaction.atomic
def information_supplied(
    actor: User | None, letter: Letter, *, text: str, attachments: Iterable[UploadedFile[Any]] = ()
) -> Letter:
    """The writer supplied what was asked (on the tracking page, `actor` None; or by
    telephone, recorded by the office). The clock runs again and every due date moves
    on by the paused time.

    `attachments` (uploaded files, at most MAX_ATTACHMENTS) go through the kernel's
    attachment path like the letter's own and join the letter's files; with files the
    text may be empty. A refused file refuses the whole answer: nothing is stored and
    the clock stays paused."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter) if actor else None
    attachments = _check_attachment_count(attachments)
    text = clean_text(
        text,
        "text",
        required=not attachments,
        maximum=CONTENT_MAX,
        message=_("Write the information asked for."),
    )
    if letter.state != S.WAITING:
        raise Conflict(_("No information is being waited for."), code="wrong_state")
    _store_attachments(acting, letter, attachments)
    letter.state = letter.paused_from or S.RECEIVED
    start, end = timezone.localdate(letter.paused_at), _today()
    for field in ("accept_due", "reply_due", "hand_back_due", "route_due"):
        setattr(letter, field, _shift(getattr(letter, field), start, end, letter.is_petition))
    letter.paused_at = None
    letter.paused_from = ""
    letter.save()
    _step(letter, StepKind.INFO_SUPPLIED, actor=acting, public_note=text)
    _sync_items(acting, letter)
    changes: dict[str, Any] = {"state": [S.WAITING, letter.state]}
    if attachments:
        changes["attachments"] = [None, len(attachments)]
    _audit(acting, "information_supplied", letter, changes)
    return letter


# --- the reply ----------------------------------------------------------------------------


@transaction.atomic
def submit_assist_opinion(actor: User, routing: LetterRouting, *, opinion: str) -> LetterRouting:
    """An assisting unit gives its opinion to the lead unit (internal)."""
    letter = _lock(routing.letter)
    routing = LetterRouting.objects.select_for_update().get(pk=routing.pk)
    acting = permissions.require(actor, "letters.assist", routing)
    opinion = clean_text(opinion, "opinion", maximum=REPLY_MAX)
    if letter.state != S.ROUTED:
        raise Conflict(_("The letter is not being handled at the moment."), code="wrong_state")
    routing.opinion = opinion
    routing.state = RoutingState.DONE
    routing.finished_at = timezone.now()
    routing.save()
    _step(letter, StepKind.ASSIST_OPINION, actor=acting, unit=routing.unit, internal=opinion)
    workitems.close_items_for(letter, kind=KIND_ASSIST, actor=acting, assignee_unit=routing.unit)
    _audit(acting, "assist", letter, {"unit": routing.unit_id}, unit=routing.unit)
    return routing


@transaction.atomic
def draft_reply(actor: User, routing: LetterRouting, *, text: str) -> Reply:
    """The lead unit drafts the reply (from a standard reply if it likes); it goes to
    the office for review."""
    letter = _lock(routing.letter)
    routing = LetterRouting.objects.select_for_update().get(pk=routing.pk)
    acting = permissions.require(actor, "letters.reply", routing)
    text = clean_text(text, "text", maximum=REPLY_MAX, message=_("Write the reply."))
    _move(letter, S.REPLY_DRAFTED)
    reply = Reply.objects.create(
        letter=letter,
        text=text,
        unit=routing.unit,
        drafted_by=acting.person,
        drafted_at=timezone.now(),
    )
    letter.save()
    _step(letter, StepKind.REPLY_DRAFTED, actor=acting, unit=routing.unit)
    # Assisting units that have not answered by now are no longer waited for.
    workitems.close_items_for(letter, kind=KIND_ASSIST, state=WorkItemState.CANCELLED, actor=acting)
    _sync_items(acting, letter)
    _audit(acting, "draft_reply", letter, {"reply": [None, reply.pk]}, unit=routing.unit)
    return reply


def _pending_reply(letter: Letter, state: str) -> Reply:
    reply = letter.replies.filter(state=state).order_by("-id").first()
    if reply is None:
        raise Conflict(_("There is no reply in that state."), code="wrong_state")
    return reply


@transaction.atomic
def approve_reply(actor: User, letter: Letter, *, comment: str = "") -> Reply:
    """The office's head or reviewer approves the drafted reply as previewed."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.approve_reply", letter)
    reply = _pending_reply(letter, ReplyState.DRAFT)
    _move(letter, S.REPLY_APPROVED)
    reply.state = ReplyState.APPROVED
    reply.approved_by = acting.person
    reply.approved_at = timezone.now()
    reply.save()
    letter.save()
    _step(
        letter,
        StepKind.REPLY_APPROVED,
        actor=acting,
        unit=letter.mailbox.office_unit,
        internal=clean_text(comment, "comment", required=False, maximum=NOTE_MAX),
    )
    _sync_items(acting, letter)
    _audit(acting, "approve_reply", letter, {"reply": reply.pk})
    return reply


@transaction.atomic
def return_reply(actor: User, letter: Letter, *, reason: str) -> Reply:
    """The office returns the draft to the lead unit for revision."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.approve_reply", letter)
    reason = clean_text(reason, "reason", message=_("Say what must change."), maximum=NOTE_MAX)
    reply = letter.replies.filter(state__in=[ReplyState.DRAFT, ReplyState.APPROVED]).last()
    if reply is None:
        raise Conflict(_("There is no reply to return."), code="wrong_state")
    _move(letter, S.ROUTED)
    reply.state = ReplyState.RETURNED
    reply.return_reason = reason
    reply.save()
    letter.save()
    _step(letter, StepKind.REPLY_RETURNED, actor=acting, unit=reply.unit, internal=reason)
    _sync_items(acting, letter)
    _audit(acting, "return_reply", letter, {"reply": reply.pk, "reason": reason})
    return reply


def _mark_replied(letter: Letter, reply: Reply, now: datetime.datetime) -> None:
    letter.state = S.REPLIED
    if letter.replied_at is None:
        letter.replied_at = now
        today = timezone.localdate(now)
        letter.replied_on_time = letter.reply_due is None or today <= letter.reply_due
        letter.reply_days = max(
            0, calendar.working_days_between(timezone.localdate(letter.received_at), today).count
        )
    letter.save()


@transaction.atomic
def send_reply(actor: User, letter: Letter) -> Reply:
    """Send the approved reply to the writer (tracking page and SMS). Letters linked to
    this one as the same matter are answered with it."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    reply = _pending_reply(letter, ReplyState.APPROVED)
    _move(letter, S.REPLIED)
    now = timezone.now()
    reply.state = ReplyState.SENT
    reply.sent_at = now
    reply.save()
    _mark_replied(letter, reply, now)
    letter.routings.filter(state=RoutingState.ACTIVE).update(
        state=RoutingState.DONE, finished_at=now
    )
    _step(letter, StepKind.REPLIED, actor=acting, unit=reply.unit)
    _sync_items(acting, letter)
    workitems.close_items_for(letter, kind=KIND_SUPERVISION, actor=acting)
    _audit(
        acting, "send_reply", letter, {"reply": reply.pk, "state": [S.REPLY_APPROVED, S.REPLIED]}
    )
    _tell_writer(
        letter, _("Your letter %(code)s has been answered: read the reply with your code.")
    )
    for duplicate in letter.duplicates.filter(state=S.ROUTED).select_for_update():
        _answer_duplicate(acting, duplicate, letter, reply)
    return reply


def _answer_duplicate(acting: Acting, duplicate: Letter, earlier: Letter, reply: Reply) -> None:
    duplicate = Letter.objects.select_related("mailbox").get(pk=duplicate.pk)
    now = timezone.now()
    copy = Reply.objects.create(
        letter=duplicate,
        text=reply.text,
        unit=reply.unit,
        state=ReplyState.SENT,
        drafted_by=reply.drafted_by,
        drafted_at=reply.drafted_at,
        approved_by=reply.approved_by,
        approved_at=reply.approved_at,
        sent_at=now,
    )
    _mark_replied(duplicate, copy, now)
    _step(duplicate, StepKind.DUPLICATE, actor=acting, unit=reply.unit)
    _step(duplicate, StepKind.REPLIED, actor=acting, unit=reply.unit)
    _sync_items(acting, duplicate)
    _audit(acting, "send_reply", duplicate, {"reply": copy.pk, "same_matter_as": earlier.pk})
    _tell_writer(
        duplicate, _("Your letter %(code)s has been answered: read the reply with your code.")
    )


@transaction.atomic
def link_duplicate(actor: User, letter: Letter, *, earlier: Letter | None) -> Letter:
    """Mark a new letter as the same matter as an earlier one: it is answered together
    with it (at once, when the earlier letter already has its reply)."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    if earlier is None or earlier.pk == letter.pk:
        raise Invalid(_("Choose an earlier letter."), field="earlier")
    permissions.require(actor, "letters.letter.view", earlier)
    if earlier.duplicate_of_id or earlier.state == S.DECLINED:
        raise Invalid(_("Link to the first letter on the matter."), field="earlier")
    if earlier.received_at > letter.received_at:
        raise Invalid(_("The other letter must be the earlier one."), field="earlier")
    if letter.state not in (S.RECEIVED, S.ACCEPTED, S.HANDED_BACK):
        raise Conflict(_("Only a letter not yet being handled can be linked."), code="wrong_state")
    if letter.state == S.RECEIVED:
        _move(letter, S.ACCEPTED)
        _accept(acting, letter)
    letter.duplicate_of = earlier
    letter.lead_unit = earlier.lead_unit
    _move(letter, S.ROUTED)
    letter.save()
    _audit(acting, "link_duplicate", letter, {"duplicate_of": [None, earlier.pk]})
    earlier_reply = earlier.sent_reply()
    if earlier_reply is not None:
        _sync_items(acting, letter)
        _answer_duplicate(acting, letter, earlier, earlier_reply)
    else:
        _step(letter, StepKind.DUPLICATE, actor=acting, unit=earlier.lead_unit)
        _sync_items(acting, letter)
    letter.refresh_from_db()
    return letter


# --- publishing ---------------------------------------------------------------------------


@dataclass
class Publication:
    title: str
    content: str
    reply: str


def publication_preview(letter: Letter) -> Publication:
    """The texts as they would be published, with personal data masked automatically
    (`public.publication`): ID and mobile numbers; the writer's name and business name;
    the detailed part of addresses (the area down to the town stays); other personal
    names (王某某), except the county's unit and place names. The reviewer checks and
    corrects them before `publish_letter`."""
    reply = letter.sent_reply()
    keep = keep_words()

    def clean(text: str) -> str:
        return mask_for_publication(
            text, names=[letter.writer_name], organisations=[letter.company_name], keep=keep
        )

    return Publication(
        title=clean(letter.title),
        content=clean(letter.content),
        reply=clean(reply.text if reply else ""),
    )


def _still_personal(letter: Letter, *texts: str) -> bool:
    for text in texts:
        if find_personal_data(text):
            return True
        name = (letter.writer_name or "").strip()
        if len(name) >= 2 and name in text:
            return True
    return False


@transaction.atomic
def publish_letter(actor: User, letter: Letter, *, title: str, content: str, reply: str) -> Letter:
    """Publish an answered letter the writer allowed to be published, with the
    reviewed texts. Refused while an ID number, a mobile number or the writer's name
    is still in them."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    if not letter.may_publish:
        raise Conflict(
            _("The writer did not allow this letter to be published."), code="not_allowed"
        )
    if letter.replied_at is None or letter.state == S.DECLINED:
        raise Conflict(_("Only an answered letter can be published."), code="wrong_state")
    title = clean_text(title, "title", maximum=TITLE_MAX)
    content = clean_text(content, "content", maximum=CONTENT_MAX)
    reply = clean_text(reply, "reply", maximum=REPLY_MAX)
    if _still_personal(letter, title, content, reply):
        raise Invalid(
            _(
                "The text still contains personal data (a name, ID or mobile number): "
                "mask it before publishing."
            ),
            code="personal_data",
            field="content",
        )
    first = letter.published_at is None
    letter.published_title, letter.published_content, letter.published_reply = (
        title,
        content,
        reply,
    )
    letter.published_at = letter.published_at or timezone.now()
    letter.save()
    if first:
        _step(letter, StepKind.PUBLISHED, actor=acting)
    _audit(acting, "publish", letter, {"published": [None, True]})
    return letter


@transaction.atomic
def withdraw_publication(actor: User, letter: Letter) -> Letter:
    """Take a published letter off the website."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.handle", letter)
    if letter.published_at is None:
        raise Conflict(_("The letter is not published."), code="wrong_state")
    letter.published_at = None
    letter.save()
    _audit(acting, "unpublish", letter, {"published": [True, False]})
    return letter


# --- leaders and supervision ----------------------------------------------------------------


@transaction.atomic
def add_instruction(actor: User, letter: Letter, *, text: str) -> Instruction:
    """批示: a leader's instruction on the letter, for the office and the lead unit
    (internal: never shown to the writer)."""
    from zhengtong.org.models import Role

    letter = _lock(letter)
    acting = permissions.require(actor, "letters.instruct", letter)
    text = clean_text(text, "text", maximum=NOTE_MAX)
    instruction = Instruction.objects.create(
        letter=letter, leader=acting.person, text=text, at=timezone.now()
    )
    _step(letter, StepKind.INSTRUCTION, actor=acting, internal=text)
    _audit(acting, "instruct", letter, {"instruction": instruction.pk})
    units = {letter.mailbox.office_unit_id, letter.lead_unit_id} - {None}
    title = _("Instruction on letter %(code)s") % {"code": letter.display_code}
    for unit_id in units:
        for person in escalation.unit_people(unit_id, [Role.CLERK, Role.UNIT_HEAD]):
            if person.pk != acting.person.pk:
                notify(person, title, body=text, url=staff_url(letter))
    return instruction


@transaction.atomic
def issue_supervision_order(
    actor: User,
    letter: Letter,
    *,
    text: str,
    unit: Unit | None = None,
    due_in_working_days: int | str | None = None,
) -> SupervisionOrder:
    """督办: order a unit (the lead unit by default) to act on the letter by a date;
    it becomes a work item of that unit."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.supervise", letter)
    unit = unit or letter.lead_unit or letter.mailbox.office_unit
    text = clean_text(text, "text", maximum=NOTE_MAX)
    if letter.state in FINISHED_STATES:
        raise Conflict(_("The letter is closed."), code="wrong_state")
    days = int(due_in_working_days or SUPERVISION_WORKING_DAYS)
    if not 1 <= days <= 60:
        raise Invalid(_("Give between 1 and 60 working days."), field="due_in_working_days")
    due = calendar.add_working_days(_today(), days).date
    order = SupervisionOrder.objects.create(
        letter=letter,
        unit=unit,
        issued_by=acting.person,
        text=text,
        due_date=due,
        at=timezone.now(),
    )
    workitems.open_work_item(
        acting,
        kind=KIND_SUPERVISION,
        title=_("Supervision order on letter %(code)s") % {"code": letter.display_code},
        assignee_unit=unit,
        subject=letter,
        url=staff_url(letter),
        due_date=due,
        unit=unit,
        closes_by_hand=True,
    )
    _step(letter, StepKind.SUPERVISION, actor=acting, unit=unit, internal=text)
    _audit(acting, "supervise", letter, {"unit": unit.pk, "due": due})
    return order


# --- rating, follow-up, reopening -----------------------------------------------------------


@transaction.atomic
def rate_letter(
    actor: User | None, letter: Letter, *, level: int | str, comment: str = ""
) -> Rating:
    """满意度评价: the writer rates the sent reply (once per reply). 不满意 and
    非常不满意 open a follow-up work item for the unit that replied; other ratings
    close the letter."""
    letter = _lock(letter)
    if actor is not None:
        raise Conflict(_("Only the writer rates a reply."), code="writer_only")
    try:
        level = RatingLevel(int(level))
    except (TypeError, ValueError):
        raise Invalid(_("Choose a rating."), field="level") from None
    comment = clean_text(comment, "comment", required=False, maximum=NOTE_MAX)
    reply = letter.sent_reply()
    if reply is None or letter.state not in (S.REPLIED,):
        raise Conflict(_("There is no reply to rate at the moment."), code="wrong_state")
    if Rating.objects.filter(reply=reply).exists():
        raise Conflict(_("This reply has already been rated."), code="rated")
    rating = Rating.objects.create(
        letter=letter, reply=reply, level=level, comment=comment, at=timezone.now()
    )
    _move(letter, S.RATED)
    if level in UNSATISFIED_LEVELS:
        unit = reply.unit
        workitems.open_work_item(
            None,
            kind=KIND_FOLLOW_UP,
            title=_("Follow up the poor rating of %(code)s") % {"code": letter.display_code},
            assignee_unit=unit,
            subject=letter,
            url=staff_url(letter),
            due_in_working_days=FOLLOW_UP_WORKING_DAYS,
            unit=unit,
        )
    else:
        _move(letter, S.CLOSED)
        letter.closed_at = timezone.now()
    letter.save()
    _step(letter, StepKind.RATED, unit=reply.unit, public_note=str(level.label))
    if letter.state == S.CLOSED:
        _step(letter, StepKind.CLOSED)
    _audit(None, "rate", letter, {"level": int(level)}, unit=reply.unit)
    return rating


@transaction.atomic
def record_follow_up(actor: User, letter: Letter, *, action: str, note: str) -> FollowUp:
    """The unit records what it did about a poor rating (called back, fixed,
    explained); unless the writer reopened the letter, it is then closed."""
    letter = _lock(letter)
    acting = permissions.require(actor, "letters.follow_up", letter)
    # The rule asks for the lead unit's staff: there is a lead unit.
    assert letter.lead_unit is not None
    if action not in FollowUp.Action.values:
        raise Invalid(_("Choose what was done."), field="action")
    note = clean_text(note, "note", message=_("Describe what was done."), maximum=NOTE_MAX)
    rating = (
        letter.ratings.filter(level__in=UNSATISFIED_LEVELS, follow_ups__isnull=True)
        .order_by("-id")
        .first()
    )
    if rating is None:
        raise Conflict(_("There is no poor rating to follow up."), code="wrong_state")
    follow_up = FollowUp.objects.create(
        letter=letter,
        rating=rating,
        unit=letter.lead_unit,
        action=action,
        note=note,
        recorded_by=acting.person,
        at=timezone.now(),
    )
    workitems.close_items_for(letter, kind=KIND_FOLLOW_UP, actor=acting)
    _step(letter, StepKind.FOLLOW_UP, actor=acting, unit=letter.lead_unit, internal=note)
    if letter.state == S.RATED:
        _move(letter, S.CLOSED)
        letter.closed_at = timezone.now()
        letter.save()
        _step(letter, StepKind.CLOSED, actor=acting)
    _audit(acting, "follow_up", letter, {"action": action}, unit=letter.lead_unit)
    return follow_up


@transaction.atomic
def request_reopen(actor: User | None, letter: Letter, *, reason: str) -> Letter:
    """The writer, unsatisfied with the reply, asks once to reopen the letter: it
    goes back to the office to be routed again."""
    letter = _lock(letter)
    if actor is not None:
        raise Conflict(_("Only the writer asks to reopen a letter."), code="writer_only")
    reason = clean_text(
        reason,
        "reason",
        message=_("Say why the reply does not settle the matter."),
        maximum=NOTE_MAX,
    )
    if letter.reopened_count:
        raise Conflict(_("A letter can be reopened only once."), code="reopened")
    last = letter.ratings.order_by("-id").first()
    if last is None or not last.is_unsatisfied:
        raise Conflict(
            _("A letter can be reopened after the reply was rated unsatisfactory."),
            code="wrong_state",
        )
    _move(letter, S.REOPENED)
    letter.reopened_count += 1
    letter.closed_at = None
    letter.route_due = calendar.add_working_days(_today(), ROUTE_WORKING_DAYS).date
    letter.save()
    _step(letter, StepKind.REOPENED, unit=letter.mailbox.office_unit, public_note=reason)
    _sync_items(None, letter)
    _audit(None, "reopen", letter, {"state": [S.RATED, S.REOPENED]})
    return letter


# --- the daily escalation --------------------------------------------------------------------


def escalate_overdue(today: datetime.date | None = None) -> int:
    """Daily: escalate the letters' overdue work items one level at a time — a
    reminder to the handling unit (overdue), its head (escalation.ESCALATE_TO_HEAD_DAYS working
    days late), the supervision office (seriously overdue); see core/escalation.py.
    Each level once per item; safe to run twice. Returns the number of escalations made."""
    from django.contrib.contenttypes.models import ContentType

    today = today or _today()
    items = WorkItem.objects.filter(
        state=WorkItemState.OPEN,
        subject_type=ContentType.objects.get_for_model(Letter),
        due_date__lt=today,
        kind__startswith="letters.",
    ).select_related("assignee_unit")

    def record(item: WorkItem, letter: Letter, level: int) -> bool:
        created = escalation.record(item, letter, level)
        if created:
            audit.record(
                None,
                "letters.escalate",
                letter,
                unit=item.assignee_unit,
                changes={"work_item": item.pk, "level": level},
            )
        return created

    return escalation.escalate(
        items,
        today,
        subject_of=lambda item: Letter.objects.filter(pk=item.subject_id).first(),
        record=record,
    )
