"""Operations on disclosure requests (依申请公开), docs/conformance.md DIS-7–DIS-13.

The clock: a request is received on the day its submission is confirmed (online: the
day it is submitted with a confirmed mobile number; on paper: the day the clerk
records, Art. 31). The reply is due 20 working days after `clock_start` (Art. 33),
plus the one extension of up to 20 working days, plus the working days spent waiting
for third parties (Art. 32–33: not counted). A correction notice (补正, Art. 30) may be
issued once, within 7 working days of receipt; the clock restarts on the day the
corrected request arrives. Every date goes through `core.calendar`.

Staff operations take the acting staff member first and check the rules of
`disclosure/rules.py`. The applicant's own operations (`submit_request`,
`receive_correction` online, `withdraw`) take the signed-in `PublicUser` or None, and
then need the request's query password.

Operations accept `today` (default: today in Asia/Shanghai) so that the demo can play
a year of requests through them; the pages and the API never pass it.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit, calendar, workitems
from zhengtong.core.attachments import store_upload
from zhengtong.core.counters import take_next
from zhengtong.core.crypto import mobile_index
from zhengtong.core.errors import Conflict, Invalid, NotFound
from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.core.notifications import notify, send_sms
from zhengtong.core.text import clean_text
from zhengtong.core.validators import check_citizen_id, check_credit_code, check_mobile
from zhengtong.org import permissions
from zhengtong.org.models import Role, Unit, UnitKind, User
from zhengtong.org.permissions import Acting
from zhengtong.public.models import PublicUser
from zhengtong.public.passwords import hash_query_password, query_password_matches

from .models import (
    OPEN_STATES,
    ApplicantKind,
    Channel,
    CorrectionNotice,
    DeliveryForm,
    DeliveryWay,
    DisclosureRequest,
    Extension,
    Opinion,
    Reply,
    ReplyKind,
    RequestCounter,
    State,
    ThirdPartyConsultation,
)

# Day counts of docs/conformance.md DIS-10–DIS-12 (all working days).
REPLY_DAYS = 20
MAX_EXTENSION_DAYS = 20
CORRECTION_NOTICE_DAYS = 7
CONSULTATION_DAYS = 15
DEFAULT_CORRECTION_PERIOD = 15  # the "reasonable period" the applicant gets (Art. 30)
MAX_CORRECTION_PERIOD = 60

DESCRIPTION_MAX = 4000
TEXT_MAX = 4000
PASSWORD_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed
PASSWORD_LENGTH = 8

# Organs that answer disclosure requests (the Regulations bind administrative organs).
ORGAN_KINDS = (UnitKind.GOVERNMENT, UnitKind.OFFICE, UnitKind.DEPARTMENT, UnitKind.TOWN)

ITEM_REPLY = "disclosure.reply"
ITEM_CORRECTION = "disclosure.correction"
ITEM_CONSULTATION = "disclosure.consultation"
ITEM_APPROVE = "disclosure.approve"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def staff_url(req: DisclosureRequest) -> str:
    return f"/oa/disclosure-requests/{req.pk}/"


def organs() -> QuerySet[Unit]:
    """The units a request may be addressed to."""
    return Unit.objects.filter(is_active=True, kind__in=ORGAN_KINDS).order_by("sort_order", "id")


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def normalise_password(value: str | None) -> str:
    return (value or "").strip().upper().replace(" ", "")


def password_matches(req: DisclosureRequest, value: str | None) -> bool:
    """True if `value` is the request's query password: a keyed hash bound to the
    request number (`public.passwords`); requests stored before that carry an Argon2
    hash, which is still accepted."""
    return query_password_matches(req.number, req.query_password, normalise_password(value))


def _lock(req: DisclosureRequest) -> DisclosureRequest:
    return DisclosureRequest.objects.select_for_update().select_related("unit").get(pk=req.pk)


def _require_state(req: DisclosureRequest, *states: str, message: str | None = None) -> None:
    if req.state not in states:
        raise Conflict(message or _("This request is no longer in a state that allows this."))


# --- the clock ------------------------------------------------------------------------


def reply_days(req: DisclosureRequest) -> int:
    """Working days counted from `clock_start` to the due date."""
    return REPLY_DAYS + req.extension_days + req.paused_days


def compute_due(req: DisclosureRequest) -> tuple[datetime.date, bool]:
    deadline = calendar.add_working_days(req.clock_start, reply_days(req))
    return deadline.date, deadline.fallback


def _set_due(req: DisclosureRequest) -> None:
    req.due_date, req.due_fallback = compute_due(req)


def correction_deadline(req: DisclosureRequest) -> datetime.date:
    """The last day a correction notice may be issued (7 working days from receipt)."""
    return calendar.add_working_days(req.received_on, CORRECTION_NOTICE_DAYS).date


def _open_reply_item(actor: Acting | None, req: DisclosureRequest) -> WorkItem:
    """(Re)open the unit's main to-do, due on the request's due date."""
    workitems.close_items_for(req, kind=ITEM_REPLY, state=WorkItemState.CANCELLED, actor=actor)
    return workitems.open_work_item(
        actor,
        kind=ITEM_REPLY,
        title=_("Answer disclosure request %(number)s") % {"number": req.number},
        assignee_unit=req.unit,
        subject=req,
        url=staff_url(req),
        due_in_working_days=reply_days(req),
        due_from=req.clock_start,
        unit=req.unit,
    )


def _resume_processing(
    acting: Acting | None,
    req: DisclosureRequest,
    kind: str,
    changes: dict[str, Any],
    *,
    action: str,
) -> None:
    """Return a request to processing after a stop of the clock (the correction
    arrived, the third party answered): the caller has already moved the clock's inputs
    on the locked row (`clock_start`, `paused_days`); here the due date is recomputed,
    the stop's work item (`kind`) is closed, the reply work item is opened again with
    the new due date, and the audit record `action` is written with the caller's
    `changes` plus the state and the due date."""
    old_state, old_due = req.state, req.due_date
    req.state = State.PROCESSING
    _set_due(req)
    req.save(update_fields=["state", "clock_start", "paused_days", "due_date", "due_fallback"])
    workitems.close_items_for(req, kind=kind, actor=acting)
    _open_reply_item(acting, req)
    audit.record(
        acting,
        action,
        req,
        unit=req.unit,
        changes={
            "state": [old_state, State.PROCESSING],
            **changes,
            "due_date": [old_due, req.due_date],
        },
    )


def _heads_of(unit: Unit) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, role_assignments__role=Role.UNIT_HEAD, role_assignments__unit=unit
        ).distinct()
    )


def _notify_unit(req: DisclosureRequest, title: str) -> None:
    """Tell the organ's clerks (or its head when it has none) in their inbox."""
    people = list(
        User.objects.filter(
            is_active=True, role_assignments__role=Role.CLERK, role_assignments__unit=req.unit
        ).distinct()
    ) or _heads_of(req.unit)
    for person in people:
        notify(person, title, url=staff_url(req))


def _sms(req: DisclosureRequest, text: str) -> None:
    send_sms(req.mobile, text)


# --- receiving a request ------------------------------------------------------------------


def _clean_applicant(
    *,
    unit: Unit | None,
    applicant_kind: str,
    name: str,
    id_number: str,
    credit_code: str,
    contact_person: str,
    mobile: str,
    address: str,
    postcode: str,
    email: str,
    description: str,
    document_ref: str,
    purpose: str,
    delivery_form: str,
    delivery_way: str,
) -> dict[str, Any]:
    """Check the statutory content of a request (Art. 29) and return the clean fields."""
    if unit is None or not organs().filter(pk=unit.pk).exists():
        raise Invalid(_("Choose the organ you are asking."), field="unit")
    if applicant_kind not in ApplicantKind.values:
        raise Invalid(
            _("Say whether you apply as a citizen or an organisation."), field="applicant_kind"
        )
    name = clean_text(name, "name", maximum=100, message=_("Enter your name."))
    data = {"id_number": "", "credit_code": "", "contact_person": ""}
    try:
        if applicant_kind == ApplicantKind.CITIZEN:
            data["id_number"] = check_citizen_id(id_number)
        else:
            data["credit_code"] = check_credit_code(credit_code)
            data["contact_person"] = clean_text(
                contact_person,
                "contact_person",
                maximum=50,
                message=_("Enter a contact person."),
            )
    except ValidationError as exc:
        field = "id_number" if applicant_kind == ApplicantKind.CITIZEN else "credit_code"
        raise Invalid(exc.messages[0], field=field) from exc
    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], field="mobile") from exc
    address = clean_text(address, "address", required=False, maximum=200)
    postcode = (postcode or "").strip()
    if postcode and not (postcode.isascii() and postcode.isdigit() and len(postcode) == 6):
        raise Invalid(_("A postcode has six digits."), field="postcode")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise Invalid(_("Enter a valid e-mail address."), field="email") from exc
    description = clean_text(
        description,
        "description",
        maximum=DESCRIPTION_MAX,
        message=_("Describe the information you ask for."),
    )
    if delivery_form not in DeliveryForm.values:
        raise Invalid(_("Choose the form of delivery."), field="delivery_form")
    if delivery_way not in DeliveryWay.values:
        raise Invalid(_("Choose the way of delivery."), field="delivery_way")
    if delivery_way in (DeliveryWay.EMAIL, DeliveryWay.ONLINE) and (
        delivery_form != DeliveryForm.ELECTRONIC
    ):
        raise Invalid(
            _("Delivery by e-mail or online download is for the electronic form only."),
            field="delivery_way",
        )
    if delivery_way == DeliveryWay.EMAIL and not email:
        raise Invalid(_("Give an e-mail address for delivery by e-mail."), field="email")
    if delivery_way == DeliveryWay.POST and not address:
        raise Invalid(_("Give a postal address for delivery by post."), field="address")
    return {
        **data,
        "unit": unit,
        "applicant_kind": applicant_kind,
        "name": name,
        "mobile": mobile,
        "address": address,
        "postcode": postcode,
        "email": email,
        "description": description,
        "document_ref": clean_text(document_ref, "document_ref", required=False, maximum=200),
        "purpose": clean_text(purpose, "purpose", required=False, maximum=TEXT_MAX),
        "delivery_form": delivery_form,
        "delivery_way": delivery_way,
    }


def _create(
    actor: Acting | None,
    fields: dict[str, Any],
    *,
    channel: str,
    received_on: datetime.date,
    public_user: PublicUser | None = None,
    submission_key: str | None = None,
) -> tuple[DisclosureRequest, str]:
    unit = fields["unit"]
    year = received_on.year
    serial = take_next(
        RequestCounter,
        _("The request number could not be taken; please try again."),
        unit=unit,
        year=year,
    )
    password = new_password()
    number = _("%(organ)s依申请〔%(year)d〕%(serial)d号") % {
        "organ": unit.display_short_name,
        "year": year,
        "serial": serial,
    }
    req = DisclosureRequest(
        **fields,
        number=number,
        year=year,
        serial=serial,
        channel=channel,
        public_user=public_user,
        submission_key=submission_key or None,
        query_password=hash_query_password(number, password),
        received_on=received_on,
        clock_start=received_on,
        registered_by=getattr(actor, "person", None) if actor else None,
    )
    req.mobile_index = mobile_index(req.mobile)
    _set_due(req)
    assert req.due_date is not None  # the clock gives every request a due date
    req.save()
    _open_reply_item(actor, req)
    # Personal data stays out of the audit trail: the record names the request only.
    audit.record(
        actor,
        "disclosure.receive",
        req,
        unit=unit,
        changes={
            "channel": [None, channel],
            "received_on": [None, received_on],
            "due_date": [None, req.due_date],
        },
    )
    _notify_unit(req, _("New disclosure request %(number)s") % {"number": req.number})
    _sms(
        req,
        _(
            "Your request for government information was received: number %(number)s, "
            "query password %(password)s. Reply due by %(due)s."
        )
        % {"number": req.number, "password": password, "due": req.due_date.isoformat()},
    )
    return req, password


def submit_request(
    public_user: PublicUser | None,
    *,
    submission_key: str | None = None,
    today: datetime.date | None = None,
    **fields: Any,
) -> tuple[DisclosureRequest, str | None]:
    """Receive an online request (the applicant's own operation).

    `public_user` is the signed-in account or None (then the mobile number was
    confirmed by SMS code). Idempotent: a `submission_key` seen before returns that
    request again, with password None. Returns (request, query password)."""
    if submission_key:
        existing = DisclosureRequest.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, None
    clean = _clean_applicant(**fields)
    try:
        with transaction.atomic():
            return _create(
                None,
                clean,
                channel=Channel.ONLINE,
                received_on=_today(today),
                public_user=public_user if getattr(public_user, "pk", None) else None,
                submission_key=submission_key,
            )
    except IntegrityError:
        # A simultaneous retry with the same key won the race: answer with its request.
        existing = DisclosureRequest.objects.filter(submission_key=submission_key).first()
        if submission_key and existing is not None:
            return existing, None
        raise


@transaction.atomic
def register_paper_request(
    actor: User,
    *,
    unit: Unit | None,
    channel: str,
    received_on: datetime.date | None = None,
    today: datetime.date | None = None,
    **fields: Any,
) -> tuple[DisclosureRequest, str]:
    """A clerk records a request received in person, by post or fax (Art. 29, 31).

    `received_on` is the receipt day under Art. 31 (in person: the day handed in; post:
    the day signed for); it may not lie in the future nor more than 60 days back.
    Returns (request, query password)."""
    acting = permissions.require(actor, "disclosure.handle", None, unit=unit)
    today = _today(today)
    received_on = received_on or today
    if channel not in (Channel.IN_PERSON, Channel.POST, Channel.FAX):
        raise Invalid(_("Choose how the request arrived."), field="channel")
    if received_on > today or (today - received_on).days > 60:
        raise Invalid(
            _("The receipt date must be today or within the last 60 days."), field="received_on"
        )
    clean = _clean_applicant(unit=unit, **fields)
    return _create(acting, clean, channel=channel, received_on=received_on)


# --- the applicant --------------------------------------------------------------------------


def _is_applicant(
    actor: User | PublicUser | None, req: DisclosureRequest, query_password: str | None
) -> bool:
    if isinstance(actor, PublicUser) and actor.pk and req.public_user_id == actor.pk:
        return True
    return bool(query_password) and password_matches(req, query_password)


def find_by_number(number: str | None, query_password: str | None) -> DisclosureRequest:
    """The request with this number, if the password is right; NotFound otherwise (the
    same answer whether the number exists or not)."""
    number = "".join((number or "").split())
    req = DisclosureRequest.objects.filter(number=number).select_related("unit").first()
    if req is None or not password_matches(req, query_password):
        # Spend the time a hash check takes, so a wrong number is not told apart.
        if req is None:
            hash_query_password(number, normalise_password(query_password))
        raise NotFound(_("No request matches this number and password."))
    return req


# --- correction (补正) ----------------------------------------------------------------------


@transaction.atomic
def issue_correction_notice(
    actor: User,
    req: DisclosureRequest,
    *,
    items: str,
    period_days: int | str = DEFAULT_CORRECTION_PERIOD,
    today: datetime.date | None = None,
) -> DisclosureRequest:
    """Ask the applicant, once, to complete an unclear request (Art. 30): within 7
    working days of receipt, listing everything at once and giving a reasonable period
    (working days). The clock stops until the corrected request arrives."""
    req = _lock(req)
    acting = permissions.require(actor, "disclosure.handle", req)
    today = _today(today)
    if hasattr(req, "correction"):
        raise Conflict(_("A correction notice can be issued only once."), code="correction_once")
    _require_state(req, State.PROCESSING)
    if today > correction_deadline(req):
        raise Conflict(
            _("A correction notice must be issued within 7 working days of receipt (by %(date)s).")
            % {"date": correction_deadline(req).isoformat()},
            code="correction_too_late",
        )
    items = clean_text(
        items, "items", message=_("List what the applicant must correct."), maximum=TEXT_MAX
    )
    try:
        period_days = int(period_days)
    except (TypeError, ValueError):
        raise Invalid(_("Give the period in working days."), field="period_days") from None
    if not 1 <= period_days <= MAX_CORRECTION_PERIOD:
        raise Invalid(
            _("The period is 1 to %(max)d working days.") % {"max": MAX_CORRECTION_PERIOD},
            field="period_days",
        )
    notice = CorrectionNotice.objects.create(
        request=req,
        items=items,
        issued_on=today,
        issued_by=acting.person,
        answer_due=calendar.add_working_days(today, period_days).date,
    )
    req.state = State.CORRECTION
    req.due_date = None
    req.save(update_fields=["state", "due_date"])
    workitems.close_items_for(req, kind=ITEM_REPLY, state=WorkItemState.CANCELLED, actor=acting)
    workitems.open_work_item(
        acting,
        kind=ITEM_CORRECTION,
        title=_("Waiting for the correction of %(number)s") % {"number": req.number},
        assignee_unit=req.unit,
        subject=req,
        url=staff_url(req),
        due_date=notice.answer_due,
        unit=req.unit,
    )
    audit.record(
        acting,
        "disclosure.correction_notice",
        req,
        unit=req.unit,
        changes={
            "state": [State.PROCESSING, State.CORRECTION],
            "answer_due": [None, notice.answer_due],
        },
    )
    _sms(
        req,
        _(
            "Request %(number)s: please complete your request by %(date)s. Look it up on "
            "the website with your number and password to see what is needed."
        )
        % {"number": req.number, "date": notice.answer_due.isoformat()},
    )
    return req


@transaction.atomic
def receive_correction(
    actor: User | PublicUser | None,
    req: DisclosureRequest,
    *,
    text: str,
    query_password: str | None = None,
    received_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> DisclosureRequest:
    """The corrected request arrives: online from the applicant (`actor` their account
    or None with the query password) or on paper, recorded by a clerk (`actor` staff,
    `received_on` the day it arrived). The reply clock restarts on that day (Art. 30)."""
    req = _lock(req)
    today = _today(today)
    if isinstance(actor, User):
        acting = permissions.require(actor, "disclosure.handle", req)
        received_on = received_on or today
        if received_on > today:
            raise Invalid(_("The date cannot be in the future."), field="received_on")
    else:
        if not _is_applicant(actor, req, query_password):
            raise NotFound()
        acting = None
        received_on = today
    _require_state(req, State.CORRECTION, message=_("No correction is awaited for this request."))
    notice = req.correction
    if received_on < notice.issued_on:
        raise Invalid(
            _("The correction cannot arrive before the notice was issued."), field="received_on"
        )
    notice.answer = clean_text(text, "text", message=_("Write your correction."), maximum=TEXT_MAX)
    notice.answered_on = received_on
    notice.save(update_fields=["answer", "answered_on"])
    old_start = req.clock_start
    req.clock_start = received_on
    _resume_processing(
        acting,
        req,
        ITEM_CORRECTION,
        {"clock_start": [old_start, received_on]},
        action="disclosure.correction_received",
    )
    _notify_unit(req, _("Correction received for %(number)s") % {"number": req.number})
    return req


@transaction.atomic
def close_as_abandoned(
    actor: User, req: DisclosureRequest, *, today: datetime.date | None = None
) -> DisclosureRequest:
    """The applicant did not correct the request within the period without good reason:
    it counts as abandoned (Art. 30)."""
    req = _lock(req)
    acting = permissions.require(actor, "disclosure.handle", req)
    today = _today(today)
    _require_state(req, State.CORRECTION)
    if today <= req.correction.answer_due:
        raise Conflict(
            _("The applicant has until %(date)s to correct the request.")
            % {"date": req.correction.answer_due.isoformat()},
            code="period_running",
        )
    req.state = State.ABANDONED
    req.closed_on = today
    req.save(update_fields=["state", "closed_on"])
    workitems.close_items_for(req, actor=acting)
    audit.record(
        acting,
        "disclosure.abandoned",
        req,
        unit=req.unit,
        changes={"state": [State.CORRECTION, State.ABANDONED]},
    )
    return req


# --- extension (延期) ------------------------------------------------------------------------


@transaction.atomic
def extend_deadline(
    actor: User,
    req: DisclosureRequest,
    *,
    days: int | str,
    reason: str,
    today: datetime.date | None = None,
) -> DisclosureRequest:
    """The head extends the reply period once, by up to 20 working days (Art. 33), and
    the applicant is told."""
    req = _lock(req)
    acting = permissions.require(actor, "disclosure.extend", req)
    today = _today(today)
    if hasattr(req, "extension"):
        raise Conflict(_("The reply period can be extended only once."), code="extension_once")
    _require_state(req, State.PROCESSING, State.CONSULTING, State.REVIEW, State.APPROVED)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise Invalid(_("Give the extension in working days."), field="days") from None
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise Invalid(
            _("An extension is 1 to %(max)d working days.") % {"max": MAX_EXTENSION_DAYS},
            field="days",
        )
    if req.due_date and today > req.due_date:
        raise Conflict(
            _("The reply period has already ended; it can no longer be extended."),
            code="too_late",
        )
    reason = clean_text(
        reason, "reason", message=_("Give the reason for the extension."), maximum=TEXT_MAX
    )
    old_due = req.due_date
    req.extension_days = days
    if req.state != State.CONSULTING:  # while consulting, the date is set when it ends
        _set_due(req)
    req.save(update_fields=["extension_days", "due_date", "due_fallback"])
    ext = Extension.objects.create(
        request=req,
        days=days,
        reason=reason,
        approved_by=acting.principal,
        approved_on=today,
        old_due=old_due or compute_due(req)[0],
        new_due=req.due_date or compute_due(req)[0],
        notified_at=timezone.now(),
    )
    if req.state != State.CONSULTING:
        _open_reply_item(acting, req)
    audit.record(
        acting,
        "disclosure.extend",
        req,
        unit=req.unit,
        changes={
            "extension_days": [0, days],
            "due_date": [old_due, req.due_date],
            "reason": reason,
        },
    )
    _sms(
        req,
        _("Request %(number)s: the reply period was extended by %(days)d working days to %(date)s.")
        % {"number": req.number, "days": days, "date": ext.new_due.isoformat()},
    )
    return req


# --- third-party consultation (征求意见) -----------------------------------------------------


@transaction.atomic
def start_consultation(
    actor: User,
    req: DisclosureRequest,
    *,
    third_party: str,
    matter: str,
    today: datetime.date | None = None,
) -> DisclosureRequest:
    """Ask a third party whose interests disclosure may harm (Art. 32): it has 15
    working days to answer, and the reply clock is paused meanwhile."""
    req = _lock(req)
    acting = permissions.require(actor, "disclosure.handle", req)
    today = _today(today)
    _require_state(req, State.PROCESSING)
    third_party = clean_text(
        third_party, "third_party", maximum=200, message=_("Name the third party.")
    )
    matter = clean_text(
        matter, "matter", message=_("Say what the third party is asked."), maximum=TEXT_MAX
    )
    consultation = ThirdPartyConsultation.objects.create(
        request=req,
        third_party=third_party,
        matter=matter,
        started_on=today,
        answer_due=calendar.add_working_days(today, CONSULTATION_DAYS).date,
        started_by=acting.person,
    )
    req.state = State.CONSULTING
    req.due_date = None  # paused: set again, later by the days it took, when it ends
    req.save(update_fields=["state", "due_date"])
    workitems.close_items_for(req, kind=ITEM_REPLY, state=WorkItemState.CANCELLED, actor=acting)
    workitems.open_work_item(
        acting,
        kind=ITEM_CONSULTATION,
        title=_("Third party's opinion on %(number)s") % {"number": req.number},
        assignee_unit=req.unit,
        subject=req,
        url=staff_url(req),
        due_in_working_days=CONSULTATION_DAYS,
        due_from=today,
        unit=req.unit,
    )
    audit.record(
        acting,
        "disclosure.consultation_start",
        req,
        unit=req.unit,
        changes={
            "state": [State.PROCESSING, State.CONSULTING],
            "answer_due": [None, consultation.answer_due],
        },
    )
    return req


@transaction.atomic
def finish_consultation(
    actor: User,
    req: DisclosureRequest,
    *,
    opinion: str,
    opinion_text: str = "",
    today: datetime.date | None = None,
) -> DisclosureRequest:
    """Record the third party's answer (or its silence once the 15 days are over). The
    working days the consultation took are added to the reply period."""
    req = _lock(req)
    acting = permissions.require(actor, "disclosure.handle", req)
    today = _today(today)
    _require_state(req, State.CONSULTING)
    consultation = req.consultations.filter(finished_on__isnull=True).order_by("-id").first()
    # A consulting request has its consultation running (start_consultation).
    assert consultation is not None
    if opinion not in Opinion.values:
        raise Invalid(_("Choose the third party's answer."), field="opinion")
    if opinion == Opinion.NO_ANSWER and today <= consultation.answer_due:
        raise Conflict(
            _("The third party has until %(date)s to answer.")
            % {"date": consultation.answer_due.isoformat()},
            code="period_running",
        )
    opinion_text = clean_text(
        opinion_text,
        "opinion_text",
        required=opinion == Opinion.OBJECTS,
        message=_("Give the third party's reasons."),
        maximum=TEXT_MAX,
    )
    paused = max(0, calendar.working_days_between(consultation.started_on, today).count)
    consultation.finished_on = today
    consultation.opinion = opinion
    consultation.opinion_text = opinion_text
    consultation.paused_days = paused
    consultation.save(update_fields=["finished_on", "opinion", "opinion_text", "paused_days"])
    req.paused_days += paused
    _resume_processing(
        acting,
        req,
        ITEM_CONSULTATION,
        {
            "opinion": [None, opinion],
            "paused_days": [req.paused_days - paused, req.paused_days],
        },
        action="disclosure.consultation_finish",
    )
    return req


# --- the reply (答复) ------------------------------------------------------------------------

REPLY_FIELDS = (
    "body",
    "where_public",
    "information",
    "is_partial",
    "reason",
    "legal_basis",
    "right_organ",
    "right_organ_contact",
    "earlier_number",
    "other_route",
)


def _clean_reply(kind: str, data: Mapping[str, Any], has_attachment: bool) -> dict[str, Any]:
    if kind not in ReplyKind.values:
        raise Invalid(_("Choose the type of reply."), field="kind")
    clean: dict[str, Any] = {}
    for name in REPLY_FIELDS:
        if name == "is_partial":
            clean[name] = bool(data.get(name)) and kind == ReplyKind.PROVIDED
        else:
            max_length = 300 if name in ("where_public", "legal_basis") else TEXT_MAX
            if name in ("right_organ", "right_organ_contact"):
                max_length = 200
            if name == "earlier_number":
                max_length = 80
            clean[name] = clean_text(data.get(name), name, required=False, maximum=max_length)
    required_by_kind: dict[str, list[tuple[str, str]]] = {
        ReplyKind.ALREADY_PUBLIC: [("where_public", _("Say where the information is published."))],
        ReplyKind.NOT_DISCLOSED: [
            ("reason", _("Give the reason it is not disclosed.")),
            ("legal_basis", _("Give the legal basis.")),
        ],
        ReplyKind.NOT_EXIST: [("body", _("Say how the information was searched for."))],
        ReplyKind.REPEAT: [("earlier_number", _("Give the number of the earlier request."))],
        ReplyKind.OTHER_ROUTE: [("other_route", _("Say which route the applicant should take."))],
    }
    required = required_by_kind.get(kind, [])
    if kind == ReplyKind.PROVIDED:
        if not clean["information"] and not has_attachment:
            raise Invalid(_("Give the information or attach it."), field="information")
        if clean["is_partial"]:
            required = [
                ("reason", _("Give the reason the other parts are withheld.")),
                ("legal_basis", _("Give the legal basis.")),
            ]
    if kind == ReplyKind.NOT_HELD and not (clean["right_organ"] or clean["body"]):
        raise Invalid(
            _("Name the organ responsible, or explain why it is not known."), field="right_organ"
        )
    for name, message in required:
        if not clean[name]:
            raise Invalid(message, field=name)
    return clean


@transaction.atomic
def draft_reply(
    actor: User,
    req: DisclosureRequest,
    *,
    kind: str,
    upload: UploadedFile[Any] | None = None,
    today: datetime.date | None = None,
    **data: Any,
) -> DisclosureRequest:
    """Write (or rewrite) the reply for the head's approval. `upload` is an optional
    file with the information provided (through the kernel's attachment path)."""
    req = _lock(req)
    acting = permissions.require(actor, "disclosure.handle", req)
    _require_state(req, State.PROCESSING, State.REVIEW)
    existing = Reply.objects.filter(request=req).first()
    has_attachment = upload is not None or bool(
        existing and existing.attachment_id and kind == ReplyKind.PROVIDED
    )
    clean = _clean_reply(kind, data, has_attachment)
    reply = existing or Reply(request=req)
    for name, value in clean.items():
        setattr(reply, name, value)
    reply.kind = kind
    reply.drafted_by = acting.person
    reply.drafted_at = timezone.now()
    reply.approved_by = None
    reply.approved_at = None
    if kind != ReplyKind.PROVIDED:
        reply.attachment = None
    reply.save()
    if upload is not None:
        reply.attachment = store_upload(
            acting, upload, unit=req.unit, owner=reply, contains_personal_data=False
        )
        reply.save(update_fields=["attachment"])
    before = req.state
    req.state = State.REVIEW
    req.save(update_fields=["state"])
    workitems.close_items_for(req, kind=ITEM_APPROVE, state=WorkItemState.CANCELLED, actor=acting)
    heads = _heads_of(req.unit)
    workitems.open_work_item(
        acting,
        kind=ITEM_APPROVE,
        title=_("Approve the reply to %(number)s") % {"number": req.number},
        assignee_user=heads[0] if len(heads) == 1 else None,
        assignee_unit=None if len(heads) == 1 else req.unit,
        subject=req,
        url=staff_url(req),
        due_date=req.due_date,
        unit=req.unit,
    )
    for head in heads:
        notify(
            head,
            _("A reply awaits your approval: %(number)s") % {"number": req.number},
            url=staff_url(req),
        )
    audit.record(
        acting,
        "disclosure.reply_draft",
        req,
        unit=req.unit,
        changes={"state": [before, State.REVIEW], "kind": [None, kind]},
    )
    return req


@transaction.atomic
def return_reply(actor: User, req: DisclosureRequest, *, reason: str) -> DisclosureRequest:
    """The head sends the draft reply back to be reworked."""
    req = _lock(req)
    acting = permissions.require(actor, "disclosure.approve", req)
    _require_state(req, State.REVIEW)
    reason = clean_text(reason, "reason", message=_("Say what must change."), maximum=TEXT_MAX)
    reply = req.reply
    reply.returned_reason = reason
    reply.save(update_fields=["returned_reason"])
    req.state = State.PROCESSING
    req.save(update_fields=["state"])
    workitems.close_items_for(req, kind=ITEM_APPROVE, actor=acting)
    audit.record(
        acting,
        "disclosure.reply_return",
        req,
        unit=req.unit,
        changes={"state": [State.REVIEW, State.PROCESSING], "reason": reason},
    )
    _notify_unit(req, _("Reply to %(number)s sent back") % {"number": req.number})
    return req


@transaction.atomic
def approve_reply(actor: User, req: DisclosureRequest) -> DisclosureRequest:
    """The head approves the reply; it is rendered as a PDF (kept as an attachment)."""
    from .pdf import render_reply_pdf

    req = _lock(req)
    acting = permissions.require(actor, "disclosure.approve", req)
    _require_state(req, State.REVIEW)
    reply = req.reply
    reply.approved_by = acting.principal
    reply.approved_at = timezone.now()
    reply.returned_reason = ""
    reply.save(update_fields=["approved_by", "approved_at", "returned_reason"])
    content = render_reply_pdf(req, reply)
    reply.pdf = store_upload(
        acting,
        ContentFile(content, name=f"{req.number}-答复.pdf"),
        unit=req.unit,
        owner=reply,
        allowed={"pdf"},
        contains_personal_data=True,
    )
    reply.save(update_fields=["pdf"])
    req.state = State.APPROVED
    req.save(update_fields=["state"])
    workitems.close_items_for(req, kind=ITEM_APPROVE, actor=acting)
    audit.record(
        acting,
        "disclosure.reply_approve",
        req,
        unit=req.unit,
        changes={"state": [State.REVIEW, State.APPROVED]},
    )
    _notify_unit(req, _("Reply to %(number)s approved: send it") % {"number": req.number})
    return req


@transaction.atomic
def send_reply(
    actor: User,
    req: DisclosureRequest,
    *,
    delivery_note: str = "",
    today: datetime.date | None = None,
) -> DisclosureRequest:
    """Send the approved reply by the way the applicant chose and record how; the
    applicant can also download the PDF from their account or with their number."""
    req = _lock(req)
    acting = permissions.require(actor, "disclosure.handle", req)
    today = _today(today)
    _require_state(req, State.APPROVED, message=_("Only an approved reply can be sent."))
    delivery_note = clean_text(delivery_note, "delivery_note", required=False, maximum=300)
    if req.delivery_way in (DeliveryWay.POST, DeliveryWay.COLLECT) and not delivery_note:
        raise Invalid(
            _("Record the delivery: the registered-post number, or who collected it."),
            field="delivery_note",
        )
    reply = req.reply
    reply.sent_at = timezone.now()
    reply.sent_by = acting.person
    reply.delivery_note = delivery_note
    reply.save(update_fields=["sent_at", "sent_by", "delivery_note"])
    req.state = State.REPLIED
    req.closed_on = today
    req.save(update_fields=["state", "closed_on"])
    workitems.close_items_for(req, actor=acting)
    audit.record(
        acting,
        "disclosure.reply_send",
        req,
        unit=req.unit,
        changes={"state": [State.APPROVED, State.REPLIED], "closed_on": [None, today]},
    )
    _sms(
        req,
        _(
            "Request %(number)s has been answered. Look it up on the website with your number and password."
        )
        % {"number": req.number},
    )
    return req


# --- withdrawal ----------------------------------------------------------------------------


@transaction.atomic
def withdraw(
    actor: User | PublicUser | None,
    req: DisclosureRequest,
    *,
    query_password: str | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> DisclosureRequest:
    """The applicant withdraws the request (their account, or the query password)."""
    req = _lock(req)
    if not _is_applicant(actor, req, query_password):
        raise NotFound()
    today = _today(today)
    _require_state(req, *OPEN_STATES, message=_("This request is already closed."))
    before = req.state
    req.state = State.WITHDRAWN
    req.closed_on = today
    req.close_reason = clean_text(reason, "reason", required=False, maximum=500)
    req.save(update_fields=["state", "closed_on", "close_reason"])
    workitems.close_items_for(req, state=WorkItemState.CANCELLED)
    audit.record(
        None,
        "disclosure.withdraw",
        req,
        unit=req.unit,
        changes={"state": [before, State.WITHDRAWN]},
    )
    _notify_unit(req, _("Disclosure request %(number)s was withdrawn") % {"number": req.number})
    return req
