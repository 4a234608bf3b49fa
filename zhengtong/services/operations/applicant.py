"""The applicant's side (a public user, never a staff account): drafting, the
materials, submitting, withdrawing, supplying after the one-time notice, and the
progress lookup. An application that is not theirs is NotFound."""

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from zhengtong.core.attachments import store_upload
from zhengtong.core.counters import take_next
from zhengtong.core.errors import Conflict, Invalid, NotFound
from zhengtong.core.models import WorkItemState
from zhengtong.core.notifications import send_sms
from zhengtong.core.validators import (
    check_citizen_id,
    check_credit_code,
    check_mobile,
)
from zhengtong.public.models import PublicUser

from ..models import (
    Application,
    ApplicationCounter,
    ApplicationMaterial,
    CaseStepKind,
    ServiceItem,
    ServiceMaterial,
    Verdict,
)
from .common import (
    INTAKE_DAYS,
    S,
    _audit,
    _due,
    _move,
    _own,
    _step,
    _sync_items,
    _text,
    _today,
)
from .online_form import (
    FormErrors,
    _raw_answers,
    clean_answers,
    online_form,
)

MATERIAL_TYPES = {"pdf", "ofd", "jpg", "png", "doc", "docx", "wps"}


def applications_of(public_user: PublicUser) -> QuerySet[Application]:
    """The public user's applications, newest first."""
    return Application.objects.filter(applicant=public_user).select_related("item", "unit")


def get_own(public_user: PublicUser | None, pk: Application | int) -> Application:
    """One of the public user's applications, or NotFound."""
    return _own(public_user, pk, lock=False)


def _check_applicant(public_user: PublicUser | None, item: ServiceItem) -> PublicUser:
    """The public user, when they may apply for `item`; else NotFound or Invalid."""
    if public_user is None or not public_user.is_active:
        raise NotFound(_("Sign in to apply online."))
    if public_user.kind == "business":
        try:
            check_credit_code(public_user.credit_code)
        except ValidationError:
            raise Invalid(
                _("Your business account needs a valid unified social credit code."),
                field="credit_code",
            ) from None
        if item.audience == "citizens":
            raise Invalid(_("This service is for citizens only."), code="audience")
    elif item.audience == "businesses":
        raise Invalid(
            _("This service is for businesses; apply with a business account."),
            code="audience",
        )
    return public_user


def _applicant_defaults(public_user: PublicUser) -> dict[str, str]:
    return {
        "applicant_kind": public_user.kind,
        "applicant_name": public_user.real_name or "",
        "applicant_id_number": public_user.id_number or "",
        "applicant_mobile": public_user.mobile or "",
        "company_name": public_user.company_name or "",
        "credit_code": public_user.credit_code or "",
    }


APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "applicant_mobile")


@transaction.atomic
def save_draft(
    public_user: PublicUser | None,
    item: ServiceItem,
    *,
    answers: Mapping[str, Any] | None = None,
    application: Application | int | None = None,
    applicant: Mapping[str, Any] | None = None,
) -> Application:
    """Save what the applicant has typed so far (no check beyond sizes): a new draft
    for `item`, or the given draft. Returns the draft; resume it with `get_own`."""
    if application is None:
        item = ServiceItem.objects.get(pk=item.pk)
        form = online_form(item)
        if form is None:
            raise Invalid(_("This service cannot be applied for online."), code="not_online")
        applicant_user = _check_applicant(public_user, item)
        application = Application(
            item=item,
            unit=item.unit,
            applicant=applicant_user,
            form_version=form.version,
            form_fields=form.fields,
            **_applicant_defaults(applicant_user),
        )
    else:
        application = _own(public_user, application)
        if application.state not in (S.DRAFT, S.NOTICE_SENT):
            raise Conflict(
                _("This application has been submitted and can no longer be changed."),
                code="wrong_state",
            )
    if answers is not None:
        application.answers = {
            **application.answers,
            **_raw_answers(application.form_fields, answers),
        }
    for name, value in (applicant or {}).items():
        if name in APPLICANT_FIELDS:
            setattr(application, name, str(value or "").strip()[:50])
    # The blind indexes need valid values: an invalid number typed in a draft is kept
    # out of the index (and refused at submission).
    _safe_index_save(application)
    return application


def _safe_index_save(application: Application) -> None:
    """Save, leaving an invalid ID number or mobile for `submit` to report."""
    for name, check in (
        ("applicant_id_number", check_citizen_id),
        ("applicant_mobile", check_mobile),
    ):
        value = getattr(application, name)
        if value:
            try:
                setattr(application, name, check(value))
            except ValidationError:
                # Kept on the object for `submit`'s messages (not a field).
                invalid = {**getattr(application, "_invalid", {}), name: value}
                setattr(application, "_invalid", invalid)  # noqa: B010
                setattr(application, name, "")
    application.save()
    for name, value in getattr(application, "_invalid", {}).items():
        setattr(application, name, value)  # shown back to the applicant, not stored


@transaction.atomic
def upload_material(
    public_user: PublicUser | None,
    application: Application | int,
    material: ServiceMaterial | int,
    uploaded_file: "UploadedFile[bytes]",
) -> ApplicationMaterial:
    """Upload (or replace) the file of one material slot of the guide. Stored through
    `core.attachments` (type judged by content, size capped); a refused file raises
    Invalid with field "materials[<slot id>]" and nothing else changes."""
    application = _own(public_user, application)
    if application.state not in (S.DRAFT, S.NOTICE_SENT):
        raise Conflict(
            _("Files can be added only to a draft or after a one-time notice."),
            code="wrong_state",
        )
    material_id = material.pk if isinstance(material, ServiceMaterial) else material
    slot = application.item.materials.filter(pk=material_id).first()
    if slot is None:
        raise Invalid(_("Choose one of the materials of the guide."), field="materials")
    field = f"materials[{slot.pk}]"
    try:
        with transaction.atomic():
            attachment = store_upload(
                None,
                uploaded_file,
                unit=application.unit,
                owner=application,
                allowed=MATERIAL_TYPES,
                contains_personal_data=True,
            )
    except Invalid as exc:
        raise Invalid(exc.message, code=exc.code, field=field) from None
    row, _created = ApplicationMaterial.objects.get_or_create(
        application=application, material=slot, defaults={"name": slot.name}
    )
    row.attachment = attachment
    row.uploaded_at = timezone.now()
    if application.state == S.NOTICE_SENT:
        row.verdict = Verdict.PENDING
    row.save()
    return row


def missing_materials(application: Application) -> list[ServiceMaterial]:
    """The required material slots without a file."""
    have = set(
        application.materials.filter(attachment__isnull=False).values_list("material_id", flat=True)
    )
    return [m for m in application.item.materials.all() if m.required and m.pk not in have]


def _applicant_errors(application: Application) -> dict[str, str | Promise]:
    """The applicant's own details that are missing or invalid, by field."""
    errors: dict[str, str | Promise] = {}
    invalid = getattr(application, "_invalid", {})
    name = (application.applicant_name or "").strip()
    if not name:
        errors["applicant_name"] = _("Enter the applicant's name.")
    if application.applicant_kind == "citizen":
        number = invalid.get("applicant_id_number", application.applicant_id_number)
        if not number:
            errors["applicant_id_number"] = _("Enter the applicant's citizen ID number.")
        else:
            try:
                check_citizen_id(number)
            except ValidationError as exc:
                errors["applicant_id_number"] = exc.messages[0]
    mobile = invalid.get("applicant_mobile", application.applicant_mobile)
    if not mobile:
        errors["applicant_mobile"] = _("Enter a mobile number to be told of progress.")
    else:
        try:
            check_mobile(mobile)
        except ValidationError as exc:
            errors["applicant_mobile"] = exc.messages[0]
    return errors


def _new_number(application: Application) -> str:
    today = _today()
    serial = take_next(
        ApplicationCounter,
        _("No application number could be taken; please try again."),
        unit=application.unit,
        year=today.year,
    )
    return f"{today.year}{application.unit_id % 10000:04d}{serial:06d}"


def submit(
    public_user: PublicUser | None,
    application: Application | int,
    *,
    submission_key: str | None = None,
) -> Application:
    """Final submission: every answer checked with the kernel's validators (ID number,
    credit code, mobile, dates …), conditional fields required only when shown, every
    required material uploaded. On any problem raises FormErrors with a message per
    field and changes nothing. Stores first (number, state, intake deadline, work
    item), then returns the application with its number. The same `submission_key`
    twice returns the already submitted application."""
    if submission_key:
        existing = Application.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.applicant_id != getattr(public_user, "pk", None):
                raise NotFound(_("There is no such application in your account."))
            return existing
    try:
        return _submit(public_user, application, submission_key)
    except IntegrityError:
        again = (
            Application.objects.filter(submission_key=submission_key).first()
            if submission_key
            else None
        )
        if again is None:
            raise
        return again


@transaction.atomic
def _submit(
    public_user: PublicUser | None, application: Application | int, submission_key: str | None
) -> Application:
    application = _own(public_user, application)
    if application.state != S.DRAFT:
        raise Conflict(_("This application has already been submitted."), code="wrong_state")
    _check_applicant(public_user, application.item)
    cleaned, errors = clean_answers(application.form_fields, application.answers)
    errors.update(_applicant_errors(application))
    for slot in missing_materials(application):
        errors[f"materials[{slot.pk}]"] = _("Upload “%(name)s”.") % {"name": slot.name}
    if errors:
        raise FormErrors(errors)
    application.answers = cleaned
    application.applicant_id_number = (
        check_citizen_id(application.applicant_id_number) if application.applicant_id_number else ""
    )
    application.applicant_mobile = check_mobile(application.applicant_mobile)
    application.number = _new_number(application)
    application.submission_key = submission_key or None
    _move(application, S.SUBMITTED)
    application.submitted_at = timezone.now()
    application.intake_due = _due(_today(), INTAKE_DAYS)
    application.save()
    _step(application, CaseStepKind.SUBMITTED)
    _sync_items(None, application)
    _audit(None, "submit", application, {"item": application.item_id})
    send_sms(
        application.applicant_mobile,
        _("Your application %(number)s has been received. Follow it with its number.")
        % {"number": application.number},
    )
    return application


@transaction.atomic
def withdraw(
    public_user: PublicUser | None, application: Application | int, *, reason: str = ""
) -> Application:
    """The applicant withdraws an application not yet decided."""
    application = _own(public_user, application)
    _move(application, S.WITHDRAWN)
    application.save()
    _step(application, CaseStepKind.WITHDRAWN, public_text=_text(reason, "reason", required=False))
    _sync_items(None, application, state=WorkItemState.CANCELLED)
    _audit(None, "withdraw", application)
    return application


@transaction.atomic
def supply_after_notice(
    public_user: PublicUser | None,
    application: Application | int,
    *,
    answers: Mapping[str, Any] | None = None,
    note: str = "",
) -> Application:
    """After the one-time notice, the applicant has uploaded the listed materials (and
    corrected answers): the application goes back to intake, with a new intake period
    counted from today."""
    application = _own(public_user, application)
    if application.state != S.NOTICE_SENT:
        raise Conflict(_("No materials are asked for at the moment."), code="wrong_state")
    notice = application.notice
    if answers is not None:
        application.answers = {
            **application.answers,
            **_raw_answers(application.form_fields, answers),
        }
    cleaned, errors = clean_answers(application.form_fields, application.answers)
    for slot in missing_materials(application):
        errors[f"materials[{slot.pk}]"] = _("Upload “%(name)s”.") % {"name": slot.name}
    listed = {i["material"] for i in notice.items if i.get("material")}
    unchanged = application.materials.filter(
        material_id__in=listed, uploaded_at__lte=notice.sent_at
    ).values_list("material_id", "name")
    for material_id, name in unchanged:
        errors[f"materials[{material_id}]"] = _("Upload a new file for “%(name)s”.") % {
            "name": name
        }
    if errors:
        application.save(update_fields=["answers"])
        raise FormErrors(errors)
    application.answers = cleaned
    _move(application, S.SUBMITTED)
    application.intake_due = _due(_today(), INTAKE_DAYS)
    application.save()
    notice.supplied_at = timezone.now()
    notice.save(update_fields=["supplied_at"])
    _step(application, CaseStepKind.SUPPLIED, public_text=_text(note, "note", required=False))
    _sync_items(None, application)
    _audit(None, "supply", application)
    return application


def find_for_progress(number: object, identifier: object) -> Application | None:
    """The submitted application with this number whose applicant's ID number or mobile
    is `identifier`, else None: the same answer for a wrong number and a wrong
    identifier (the page shows one generic message)."""
    import hmac

    from zhengtong.core.crypto import citizen_id_index, mobile_index

    number = re.sub(r"\s", "", str(number or ""))[:24]
    identifier = str(identifier or "").strip()
    candidates = []
    for make in (citizen_id_index, mobile_index):
        try:
            candidates.append(make(identifier))
        except (ValidationError, TypeError):
            continue
    if not number or not candidates:
        return None
    app = Application.objects.filter(number=number).exclude(state=S.DRAFT).first()
    if app is None:
        return None
    for value in candidates:
        if hmac.compare_digest(value, app.id_number_index or "") or hmac.compare_digest(
            value, app.mobile_index or ""
        ):
            return app
    return None
