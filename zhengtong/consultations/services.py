"""Operations on consultations (意见征集). Views, the API, the scheduler and the demo
call these; nothing else changes a consultation or a comment.

Life of a consultation: a unit's editor or clerk drafts it (`create_consultation`,
`edit_consultation`, `add_attachment`), opens it for a fixed period
(`open_consultation`); the public comments (`submit_comment`); in the pre-moderated
mode the unit checks each comment (`moderate_comment`, a work item due in
MODERATION_WORKING_DAYS); at `closes_at` the scheduler closes it
(`close_due_consultations`), or the unit closes it early with a reason
(`close_consultation`); closing opens the work item to write the feedback summary,
due in SUMMARY_WORKING_DAYS, which `publish_summary` closes.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit, workitems
from zhengtong.core.crypto import mobile_index
from zhengtong.core.errors import Conflict, Invalid, NotFound
from zhengtong.core.models import Attachment
from zhengtong.core.text import clean_text
from zhengtong.core.validators import check_mobile
from zhengtong.org import permissions
from zhengtong.org.models import Unit, User
from zhengtong.org.permissions import Acting
from zhengtong.public.models import PublicUser

from .models import (
    Adoption,
    Comment,
    CommentState,
    Consultation,
    ConsultationSection,
    ConsultationState,
    FeedbackSummary,
    ModerationMode,
    SummaryPoint,
)

log = logging.getLogger("zhengtong.consultations")

MODERATE_KIND = "consultations.moderate"
SUMMARY_KIND = "consultations.summary"
MODERATION_WORKING_DAYS = 2
SUMMARY_WORKING_DAYS = 10

TITLE_MAX = 200
NOTE_MAX = 20000
SECTION_MAX = 20000
SECTIONS_MAX = 200
COMMENT_MAX = 2000
NAME_MAX = 50
ORGANISATION_MAX = 100
REASON_MAX = 1000
POINTS_MAX = 100

# A section as given: {"number", "heading", "text"} or (heading, text); as kept:
# (number, heading, text).
RawSection = Mapping[str, Any] | tuple[str, str]
Section = tuple[int, str, str]


# --- drafting -------------------------------------------------------------------------


def _clean_sections(sections: Iterable[RawSection] | None) -> list[Section]:
    """[(number, heading, text)] from dicts or tuples; numbers default to the order
    given. Empty rows (no heading, no text) are dropped."""
    cleaned = []
    for position, raw in enumerate(sections or [], start=1):
        if isinstance(raw, dict):
            number, heading, text = raw.get("number"), raw.get("heading"), raw.get("text")
        else:
            heading, text = raw
            number = None
        heading = (heading or "").strip()
        text = (text or "").strip()
        if not heading and not text:
            continue
        if not text:
            raise Invalid(_("Every section needs its text."), field="sections")
        if len(heading) > TITLE_MAX or len(text) > SECTION_MAX:
            raise Invalid(
                _("A section may be at most %(max)d characters.") % {"max": SECTION_MAX},
                field="sections",
            )
        try:
            number = int(number) if number not in (None, "") else position
        except (TypeError, ValueError) as exc:
            raise Invalid(_("Section numbers must be whole numbers."), field="sections") from exc
        if number < 1:
            raise Invalid(_("Section numbers must be whole numbers."), field="sections")
        cleaned.append((number, heading, text))
    numbers = [n for n, _h, _t in cleaned]
    if len(set(numbers)) != len(numbers):
        raise Invalid(_("Two sections have the same number."), field="sections")
    if len(cleaned) > SECTIONS_MAX:
        raise Invalid(
            _("A draft may have at most %(max)d sections.") % {"max": SECTIONS_MAX},
            field="sections",
        )
    return sorted(cleaned)


def _check_period(opens_at: datetime.datetime | None, closes_at: datetime.datetime | None) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise Invalid(_("The closing time must be after the opening time."), field="closes_at")


def _fields(
    title: str,
    explanatory_note: str,
    opens_at: datetime.datetime | None,
    closes_at: datetime.datetime | None,
    moderation: str,
) -> dict[str, Any]:
    title = clean_text(
        title, field="title", required=True, maximum=TITLE_MAX, message=_("Enter a title.")
    )
    note = clean_text(
        explanatory_note, field="explanatory_note", required=False, maximum=NOTE_MAX, message=""
    )
    if moderation not in ModerationMode.values:
        raise Invalid(_("Choose how comments are handled."), field="moderation")
    _check_period(opens_at, closes_at)
    return {
        "title": title,
        "explanatory_note": note,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "moderation": moderation,
    }


def _write_sections(consultation: Consultation, sections: list[Section]) -> None:
    consultation.sections.all().delete()
    ConsultationSection.objects.bulk_create(
        ConsultationSection(consultation=consultation, number=n, heading=h, text=t)
        for n, h, t in sections
    )


def _locked(consultation: Consultation) -> Consultation:
    try:
        return Consultation.objects.select_for_update().get(pk=consultation.pk)
    except Consultation.DoesNotExist as exc:
        raise NotFound() from exc


@transaction.atomic
def create_consultation(
    actor: User,
    *,
    unit: Unit,
    title: str,
    explanatory_note: str = "",
    sections: Iterable[RawSection] = (),
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    moderation: str = ModerationMode.PRE_MODERATED,
) -> Consultation:
    """Draft a consultation in `unit`'s name (an editor or clerk of that unit)."""
    acting = permissions.require(actor, "consultations.create", unit=unit)
    values = _fields(title, explanatory_note, opens_at, closes_at, moderation)
    cleaned = _clean_sections(sections)
    consultation = Consultation.objects.create(unit=unit, created_by=acting.person, **values)
    _write_sections(consultation, cleaned)
    audit.record(
        acting,
        "consultations.create",
        consultation,
        unit=unit,
        changes={"title": [None, consultation.title], "sections": [None, len(cleaned)]},
    )
    return consultation


@transaction.atomic
def edit_consultation(
    actor: User,
    consultation: Consultation,
    *,
    title: str,
    explanatory_note: str = "",
    sections: Iterable[RawSection] = (),
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    moderation: str = ModerationMode.PRE_MODERATED,
) -> Consultation:
    """Change a draft's text, sections, period and moderation mode. Once open, the
    text the public comments on stays as it was published."""
    consultation = _locked(consultation)
    acting = permissions.require(actor, "consultations.manage", consultation)
    if consultation.state != ConsultationState.DRAFT:
        raise Conflict(_("Only a draft can be changed."), code="not_draft")
    values = _fields(title, explanatory_note, opens_at, closes_at, moderation)
    cleaned = _clean_sections(sections)
    before = {k: getattr(consultation, k) for k in values}
    for key, value in values.items():
        setattr(consultation, key, value)
    consultation.save()
    _write_sections(consultation, cleaned)
    changes = audit.diff(before, values)
    changes["sections"] = [None, len(cleaned)]
    audit.record(
        acting, "consultations.edit", consultation, unit=consultation.unit, changes=changes
    )
    return consultation


def attachments_of(consultation: Consultation) -> QuerySet[Attachment]:
    """The draft's attachments (core.Attachment rows owned by it), oldest first."""
    from django.contrib.contenttypes.models import ContentType

    return Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(Consultation),
        owner_id=str(consultation.pk),
    ).order_by("pk")


@transaction.atomic
def add_attachment(
    actor: User, consultation: Consultation, uploaded_file: UploadedFile[Any]
) -> Attachment:
    """Attach a file to a draft (through the kernel's one upload path)."""
    from zhengtong.core.attachments import store_upload

    consultation = _locked(consultation)
    acting = permissions.require(actor, "consultations.manage", consultation)
    if consultation.state != ConsultationState.DRAFT:
        raise Conflict(_("Only a draft can be changed."), code="not_draft")
    attachment = store_upload(acting, uploaded_file, unit=consultation.unit, owner=consultation)
    audit.record(
        acting,
        "consultations.attach",
        consultation,
        unit=consultation.unit,
        changes={"attachment": [None, attachment.pk]},
    )
    return attachment


@transaction.atomic
def remove_attachment(
    actor: User, consultation: Consultation, attachment: Attachment
) -> Consultation:
    """Take a file off a draft (the stored file stays for the audit trail)."""
    consultation = _locked(consultation)
    acting = permissions.require(actor, "consultations.manage", consultation)
    if consultation.state != ConsultationState.DRAFT:
        raise Conflict(_("Only a draft can be changed."), code="not_draft")
    owned = attachments_of(consultation).filter(pk=attachment.pk).first()
    if owned is None:
        raise NotFound()
    owned.owner_type = None
    owned.owner_id = ""
    owned.save(update_fields=["owner_type", "owner_id"])
    audit.record(
        acting,
        "consultations.detach",
        consultation,
        unit=consultation.unit,
        changes={"attachment": [owned.pk, None]},
    )
    return consultation


@transaction.atomic
def open_consultation(actor: User, consultation: Consultation) -> Consultation:
    """Publish the draft for comment. It needs a title, at least one section and a
    closing time in the future; without an opening time it opens now."""
    consultation = _locked(consultation)
    acting = permissions.require(actor, "consultations.manage", consultation)
    if consultation.state != ConsultationState.DRAFT:
        raise Conflict(_("This consultation is already open."), code="not_draft")
    now = timezone.now()
    if not consultation.sections.exists():
        raise Invalid(_("Add the text of the draft (at least one section)."), field="sections")
    if consultation.closes_at is None or consultation.closes_at <= now:
        raise Invalid(_("Set a closing time in the future."), field="closes_at")
    if consultation.opens_at is None or consultation.opens_at < now:
        consultation.opens_at = now
    _check_period(consultation.opens_at, consultation.closes_at)
    consultation.state = ConsultationState.OPEN
    consultation.published_at = now
    consultation.save(update_fields=["state", "opens_at", "published_at", "updated_at"])
    audit.record(
        acting,
        "consultations.open",
        consultation,
        unit=consultation.unit,
        changes={
            "state": [ConsultationState.DRAFT, ConsultationState.OPEN],
            "opens_at": [None, consultation.opens_at],
            "closes_at": [None, consultation.closes_at],
        },
    )
    return consultation


# --- comments from the public ---------------------------------------------------------


def _moderation_url(consultation: Consultation) -> str:
    return reverse("consultations:moderate", args=[consultation.pk])


def _summary_url(consultation: Consultation) -> str:
    return reverse("consultations:summary", args=[consultation.pk])


def _ensure_moderation_item(consultation: Consultation) -> None:
    """One open "check new comments" item per consultation: opened by the first
    comment waiting, due MODERATION_WORKING_DAYS later, closed when none waits."""
    from zhengtong.core.models import WorkItem, WorkItemState

    if WorkItem.objects.filter(
        kind=MODERATE_KIND,
        state=WorkItemState.OPEN,
        subject_type__model="consultation",
        subject_type__app_label="consultations",
        subject_id=str(consultation.pk),
    ).exists():
        return
    workitems.open_work_item(
        None,
        kind=MODERATE_KIND,
        title=_("Check new comments: %(title)s") % {"title": consultation.title},
        assignee_unit=consultation.unit,
        subject=consultation,
        url=_moderation_url(consultation),
        due_in_working_days=MODERATION_WORKING_DAYS,
        unit=consultation.unit,
    )


def _throttle(ip_key: str, mobile_hash: str) -> None:
    """The public apps' submission limits: per network address an hour, per mobile
    number a day (raises `Throttled`)."""
    from zhengtong.public import throttle

    if ip_key:
        limit, window = throttle.SUBMIT_PER_IP_HOUR
        throttle.hit("consultations.comment:ip", ip_key, limit=limit, window_seconds=window)
    if mobile_hash:
        limit, window = throttle.SUBMIT_PER_NUMBER_DAY
        throttle.hit(
            "consultations.comment:mobile", mobile_hash, limit=limit, window_seconds=window
        )


def submit_comment(
    consultation: Consultation,
    *,
    text: str,
    name: str = "",
    mobile: str = "",
    section: ConsultationSection | int | None = None,
    organisation: str = "",
    public_user: PublicUser | None = None,
    submission_key: str | None = None,
    ip_key: str = "",
) -> Comment:
    """Receive a comment from the public while the consultation is open.

    The caller has confirmed the mobile number (SMS code) or signed the public user in;
    a signed-in user's account mobile is used. Idempotent on `submission_key`: a
    double click or a retry returns the comment already stored. Rate-limited per
    network address and per mobile number (raises `Throttled`)."""
    comment, _created = _receive_comment(
        None,
        consultation,
        text=text,
        name=name,
        mobile=mobile,
        section=section,
        organisation=organisation,
        public_user=public_user,
        submission_key=submission_key,
        ip_key=ip_key,
    )
    return comment


def record_comment_for_public(
    actor: User,
    consultation: Consultation,
    *,
    text: str,
    name: str,
    mobile: str,
    section: ConsultationSection | int | None = None,
    organisation: str = "",
    submission_key: str | None = None,
) -> tuple[Comment, bool]:
    """Enter a comment received by telephone (the 12345 hotline) or post, for the
    commenter named with their mobile number (rule `consultations.comment_for_public`).

    The same rules as the public form: only while the consultation is open, the same
    length caps, the same moderation (pending in the pre-moderated mode, private
    otherwise), the same limit per mobile number a day; no limit per network address,
    since the hotline's system sends every caller's comment from one address.
    Idempotent on `submission_key` (the hotline's ticket). Returns (comment, created)."""
    acting = permissions.require(actor, "consultations.comment_for_public", consultation)
    return _receive_comment(
        acting,
        consultation,
        text=text,
        name=name,
        mobile=mobile,
        section=section,
        organisation=organisation,
        public_user=None,
        submission_key=submission_key,
        ip_key="",
    )


def _receive_comment(
    actor: Acting | None,
    consultation: Consultation,
    *,
    text: str,
    name: str,
    mobile: str,
    section: ConsultationSection | int | None,
    organisation: str,
    public_user: PublicUser | None,
    submission_key: str | None,
    ip_key: str,
) -> tuple[Comment, bool]:
    if submission_key:
        existing = Comment.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.consultation_id != consultation.pk:
                raise Conflict(_("This form was already used. Please reload the page."))
            return existing, False
    text = clean_text(
        text, field="text", required=True, maximum=COMMENT_MAX, message=_("Write your comment.")
    )
    if public_user is not None:
        mobile = public_user.mobile
        name = (name or "").strip() or public_user.display_name
    name = clean_text(
        name, field="name", required=True, maximum=NAME_MAX, message=_("Enter your name.")
    )
    organisation = clean_text(
        organisation, field="organisation", required=False, maximum=ORGANISATION_MAX, message=""
    )
    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], field="mobile") from exc
    mobile_hash = mobile_index(mobile)
    _throttle(ip_key, mobile_hash)
    try:
        with transaction.atomic():
            comment = _store_comment(
                actor,
                consultation,
                section=section,
                text=text,
                name=name,
                mobile=mobile,
                mobile_hash=mobile_hash,
                organisation=organisation,
                public_user=public_user,
                submission_key=submission_key or None,
            )
    except IntegrityError:
        # Two requests with one key at the same moment: the other one stored it.
        if submission_key:
            existing = Comment.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return existing, False
        raise
    return comment, True


def _store_comment(
    actor: Acting | None,
    consultation: Consultation,
    *,
    section: ConsultationSection | int | None,
    **fields: Any,
) -> Comment:
    consultation = _locked(consultation)
    if not consultation.accepts_comments():
        raise Conflict(
            _("This consultation is not open for comments."), code="not_open", field="text"
        )
    if section is not None:
        section_id = section.pk if isinstance(section, ConsultationSection) else section
        section = consultation.sections.filter(pk=section_id).first()
        if section is None:
            raise Invalid(_("Choose a section of this draft."), field="section")
    private = consultation.moderation == ModerationMode.PRIVATE
    comment = Comment.objects.create(
        consultation=consultation,
        section=section,
        text=fields["text"],
        name=fields["name"],
        mobile=fields["mobile"],
        mobile_index=fields["mobile_hash"],
        organisation=fields["organisation"],
        public_user=fields["public_user"],
        state=CommentState.PRIVATE if private else CommentState.PENDING,
        submission_key=fields["submission_key"],
    )
    consultation.comments_received += 1
    consultation.save(update_fields=["comments_received", "updated_at"])
    if not private:
        _ensure_moderation_item(consultation)
    # Personal data stays out of the audit trail: the record names the comment only. The
    # actor is the staff account that entered it for a caller, None from the public.
    audit.record(
        actor,
        "consultations.comment",
        comment,
        unit=consultation.unit,
        changes={"consultation": consultation.pk, "section": getattr(section, "pk", None)},
    )
    return comment


@transaction.atomic
def moderate_comment(actor: User, comment: Comment, *, approve: bool, reason: str = "") -> Comment:
    """Publish a waiting comment, or keep it unpublished with a reason (pre-moderated
    mode). The unit's "check new comments" item closes when none is left waiting."""
    try:
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
    except Comment.DoesNotExist as exc:
        raise NotFound() from exc
    consultation = _locked(comment.consultation)
    acting = permissions.require(actor, "consultations.manage", consultation)
    if comment.state != CommentState.PENDING:
        raise Conflict(_("This comment has already been checked."), code="checked")
    reason = clean_text(
        reason,
        field="reason",
        required=not approve,
        maximum=REASON_MAX,
        message=_("Say why the comment is not published."),
    )
    before = comment.state
    comment.state = CommentState.APPROVED if approve else CommentState.REJECTED
    comment.reject_reason = "" if approve else reason
    comment.moderated_by = acting.person
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["state", "reject_reason", "moderated_by", "moderated_at"])
    if approve:
        consultation.comments_published += 1
        consultation.save(update_fields=["comments_published", "updated_at"])
    if not consultation.comments.filter(state=CommentState.PENDING).exists():
        workitems.close_items_for(consultation, kind=MODERATE_KIND, actor=acting)
    audit.record(
        acting,
        "consultations.approve" if approve else "consultations.reject",
        comment,
        unit=consultation.unit,
        changes={"state": [before, comment.state], "reason": [None, reason or None]},
    )
    return comment


# --- closing and the feedback summary -------------------------------------------------


def _close(acting: Acting | None, consultation: Consultation, *, reason: str = "") -> Consultation:
    now = timezone.now()
    consultation.state = ConsultationState.CLOSED
    consultation.closed_at = now
    consultation.closed_early_reason = reason
    if reason:
        # Closed early by hand: the period now ends here, so no comment slips in.
        consultation.closes_at = now
    consultation.save(
        update_fields=["state", "closed_at", "closed_early_reason", "closes_at", "updated_at"]
    )
    workitems.open_work_item(
        acting,
        kind=SUMMARY_KIND,
        title=_("Publish the feedback summary: %(title)s") % {"title": consultation.title},
        assignee_unit=consultation.unit,
        subject=consultation,
        url=_summary_url(consultation),
        due_in_working_days=SUMMARY_WORKING_DAYS,
        unit=consultation.unit,
    )
    audit.record(
        acting,
        "consultations.close",
        consultation,
        unit=consultation.unit,
        changes={
            "state": [ConsultationState.OPEN, ConsultationState.CLOSED],
            "reason": [None, reason or None],
        },
    )
    return consultation


@transaction.atomic
def close_consultation(actor: User, consultation: Consultation, *, reason: str) -> Consultation:
    """Close an open consultation before its deadline, with the reason (shown to the
    public)."""
    consultation = _locked(consultation)
    acting = permissions.require(actor, "consultations.manage", consultation)
    if consultation.state != ConsultationState.OPEN:
        raise Conflict(_("Only an open consultation can be closed."), code="not_open")
    reason = clean_text(
        reason,
        field="reason",
        required=True,
        maximum=REASON_MAX,
        message=_("Say why the consultation closes early."),
    )
    return _close(acting, consultation, reason=reason)


def close_due_consultations(now: datetime.datetime | None = None) -> list[Consultation]:
    """Close every open consultation whose deadline has passed (run by the scheduler;
    safe to run twice). Returns the consultations closed."""
    now = now or timezone.now()
    closed = []
    due = Consultation.objects.filter(state=ConsultationState.OPEN, closes_at__lte=now)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            consultation = Consultation.objects.select_for_update().get(pk=pk)
            closes_at = consultation.closes_at
            if consultation.state != ConsultationState.OPEN or closes_at is None or closes_at > now:
                continue
            closed.append(_close(None, consultation))
    if closed:
        log.info("Closed %d consultation(s) at their deadline", len(closed))
    return closed


def _clean_points(points: Iterable[Mapping[str, Any]] | None) -> list[tuple[str, str, str]]:
    cleaned = []
    for raw in points or []:
        point = (raw.get("point") or "").strip()
        decision = raw.get("decision") or ""
        reason = (raw.get("reason") or "").strip()
        if not point and not reason:
            continue
        if not point:
            raise Invalid(_("Every point needs the comment it answers."), field="points")
        if decision not in Adoption.values:
            raise Invalid(_("Say for every point whether it was adopted."), field="points")
        if decision != Adoption.ADOPTED and not reason:
            raise Invalid(
                _("Say why a point was not adopted or only partly adopted."), field="points"
            )
        if len(point) > COMMENT_MAX or len(reason) > COMMENT_MAX:
            raise Invalid(
                _("At most %(max)d characters are allowed.") % {"max": COMMENT_MAX},
                code="too_long",
                field="points",
            )
        cleaned.append((point, decision, reason))
    if len(cleaned) > POINTS_MAX:
        raise Invalid(
            _("A summary may have at most %(max)d points.") % {"max": POINTS_MAX},
            field="points",
        )
    return cleaned


@transaction.atomic
def publish_summary(
    actor: User,
    consultation: Consultation,
    *,
    overview: str,
    points: Iterable[Mapping[str, Any]] = (),
) -> FeedbackSummary:
    """Publish the feedback summary (采纳情况) after the consultation has closed:
    the overall account and, per point raised, adopted / partly / not adopted and why.
    Comments still waiting for a check must be checked first."""
    consultation = _locked(consultation)
    acting = permissions.require(actor, "consultations.manage", consultation)
    if consultation.state == ConsultationState.OPEN and not consultation.accepts_comments():
        if consultation.closes_at and consultation.closes_at <= timezone.now():
            # The deadline passed and the job has not run yet: close it now.
            _close(None, consultation)
    if consultation.state != ConsultationState.CLOSED:
        if consultation.state == ConsultationState.SUMMARISED:
            raise Conflict(_("The feedback summary is already published."), code="summarised")
        raise Conflict(
            _("The feedback summary is published after the consultation has closed."),
            code="not_closed",
        )
    if consultation.comments.filter(state=CommentState.PENDING).exists():
        raise Conflict(
            _("Some comments are still waiting for a check: check them first."),
            code="pending_comments",
        )
    overview = clean_text(
        overview,
        field="overview",
        required=True,
        maximum=NOTE_MAX,
        message=_("Write the overall account of the comments and how they were used."),
    )
    cleaned = _clean_points(points)
    summary = FeedbackSummary.objects.create(
        consultation=consultation,
        overview=overview,
        published_at=timezone.now(),
        published_by=acting.person,
    )
    SummaryPoint.objects.bulk_create(
        SummaryPoint(summary=summary, number=n, point=p, decision=d, reason=r)
        for n, (p, d, r) in enumerate(cleaned, start=1)
    )
    consultation.state = ConsultationState.SUMMARISED
    consultation.save(update_fields=["state", "updated_at"])
    workitems.close_items_for(consultation, kind=SUMMARY_KIND, actor=acting)
    audit.record(
        acting,
        "consultations.summary",
        consultation,
        unit=consultation.unit,
        changes={
            "state": [ConsultationState.CLOSED, ConsultationState.SUMMARISED],
            "points": [None, len(cleaned)],
        },
    )
    return summary
