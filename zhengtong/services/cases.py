"""Operations on online applications and their cases (办件), STANDARDS.md §7.1, §7.3.

The applicant (a public user, never a staff account) writes a draft, uploads one file
per material slot of the guide, and submits; the unit's staff take the case through
intake (accept, refuse, or one one-time notice 一次告知), the substantive check by two
different people, special steps that pause the clock, an extension once by the head,
the decision and the delivery of the result; the applicant rates the completed case
(好差评) and every bad rating opens a rectification for the unit.

Each staff operation takes the acting person first and checks its rule
(`services/rules.py`); applicant operations take the `PublicUser` first and refuse any
application that is not theirs as NotFound (nobody learns that it exists). Every
operation runs in one transaction with the application row locked
(select_for_update) and its state checked, so two staff doing the same step at the
same moment get one success and one Conflict; it writes the audit trail and the case
timeline, and keeps the case's work items in step with its state (`_sync_items`).
Deadlines are working days through `core.calendar` (行政许可法 Art. 82).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengtong.core import audit, calendar, escalation, workitems
from zhengtong.core.attachments import store_upload
from zhengtong.core.counters import take_next
from zhengtong.core.errors import Conflict, Invalid, NotFound
from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.core.notifications import send_sms
from zhengtong.core.validators import (
    check_citizen_id,
    check_credit_code,
    check_landline,
    check_mobile,
)
from zhengtong.org import permissions

from .models import (
    APPLICATION_TRANSITIONS,
    BAD_LEVELS,
    COMPLETED_STATES,
    RATING_DIMENSIONS,
    Application,
    ApplicationCounter,
    ApplicationMaterial,
    ApplicationState,
    CaseRating,
    CaseStep,
    CaseStepKind,
    Decision,
    DeliveryWay,
    FieldType,
    ItemState,
    OneTimeNotice,
    OnlineDepth,
    Recommendation,
    Rectification,
    Review,
    Satisfaction,
    ServiceForm,
    ServiceItem,
    SpecialStep,
    SpecialStepKind,
    Verdict,
)

S = ApplicationState

# Time limits in working days (行政许可法, STANDARDS.md §7.1).
INTAKE_DAYS = 5  # Art. 32: the one-time notice on the spot or within 5 days
DEFAULT_DECISION_DAYS = 20  # Art. 42
EXTENSION_DAYS = 10  # Art. 42: once, with the head's approval
DELIVERY_DAYS = 10  # Art. 44: the certificate within 10 days of the decision
# The rectification period of a bad rating is set locally (§7.3: 5 to 15 working days
# in the provinces' plans); the county uses the shorter one.
RECTIFY_DAYS = 5
MAX_SPECIAL_DAYS = 120
REVIEWERS_NEEDED = 2  # Art. 34: two or more staff for a substantive check

MATERIAL_TYPES = {"pdf", "ofd", "jpg", "png", "doc", "docx", "wps"}
TEXT_MAX = 200
TEXTAREA_MAX = 5000
ADDRESS_MAX = 300
TABLE_MAX_ROWS = 50
NOTE_MAX = 2000
MAX_FIELDS = 60
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

KIND_INTAKE = "services.intake"
KIND_REVIEW = "services.review"
KIND_DECIDE = "services.decide"
KIND_SPECIAL = "services.special_step"
KIND_DELIVER = "services.deliver"
KIND_RECTIFY = "services.rectify"
STEP_KINDS = (KIND_INTAKE, KIND_REVIEW, KIND_DECIDE, KIND_SPECIAL, KIND_DELIVER)

REMEDY_NOTICE = gettext_lazy(
    "If you do not agree with this decision, you may apply for administrative "
    "reconsideration to the County People's Government within 60 days of receiving it, "
    "or bring an administrative lawsuit before the people's court within 6 months."
)


class FormErrors(Invalid):
    """Several answers are wrong: `errors` maps each field key (or "materials[<id>]",
    "applicant_*") to its message. The answers already saved are kept."""

    code = "form_errors"

    def __init__(self, errors):
        self.errors = dict(errors)
        first_field, first = next(iter(self.errors.items()))
        super().__init__(
            _("Please correct the marked answers: %(first)s") % {"first": first},
            field=first_field,
        )


def case_url(application):
    return f"/oa/services/cases/{application.pk}/"


def _site_language(text):
    """A text kept on the case in the site's language, whatever the request's."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _today():
    return timezone.localdate()


def _due(start, days):
    return calendar.add_working_days(start, days).date


# --- the online form (defined by the unit) ---------------------------------------------


def clean_form_fields(fields):
    """Check a form definition and return it normalised; raise Invalid naming the
    first problem (field="fields")."""
    if not isinstance(fields, list):
        raise Invalid(_("The form's fields must be a list."), field="fields")
    if len(fields) > MAX_FIELDS:
        raise Invalid(_("A form has at most %(max)d fields.") % {"max": MAX_FIELDS}, field="fields")
    out, keys = [], []
    for n, raw in enumerate(fields, start=1):
        if not isinstance(raw, dict):
            raise Invalid(_("Field %(n)d is not a field.") % {"n": n}, field="fields")
        key = str(raw.get("key") or "").strip()
        label = str(raw.get("label") or "").strip()
        ftype = raw.get("type") or FieldType.TEXT
        if not KEY_RE.match(key):
            raise Invalid(
                _(
                    "Field %(n)d: the key is made of lower-case letters, digits and "
                    "underscores, starting with a letter."
                )
                % {"n": n},
                field="fields",
            )
        if key in keys:
            raise Invalid(
                _("Field %(n)d: the key “%(key)s” is used twice.") % {"n": n, "key": key},
                field="fields",
            )
        if not label:
            raise Invalid(_("Field %(n)d has no label.") % {"n": n}, field="fields")
        if ftype not in FieldType.values:
            raise Invalid(
                _("Field %(n)d: choose one of the listed types.") % {"n": n}, field="fields"
            )
        field = {
            "key": key,
            "label": label[:200],
            "type": ftype,
            "required": bool(raw.get("required")),
            "help": str(raw.get("help") or "").strip()[:500],
        }
        if ftype == FieldType.CHOICE:
            choices = [str(c).strip() for c in raw.get("choices") or [] if str(c).strip()]
            if not choices:
                raise Invalid(
                    _("Field %(n)d: a choice needs its options.") % {"n": n}, field="fields"
                )
            field["choices"] = list(dict.fromkeys(choices))
        if ftype == FieldType.TABLE:
            columns = [str(c).strip() for c in raw.get("columns") or [] if str(c).strip()]
            if not columns:
                raise Invalid(
                    _("Field %(n)d: a table needs its columns.") % {"n": n}, field="fields"
                )
            field["columns"] = list(dict.fromkeys(columns))
        show_if = raw.get("show_if")
        if show_if:
            other = str(show_if.get("field") or "").strip()
            if other not in keys:
                raise Invalid(
                    _("Field %(n)d: it can only depend on a field above it.") % {"n": n},
                    field="fields",
                )
            field["show_if"] = {"field": other, "equals": str(show_if.get("equals", ""))}
        keys.append(key)
        out.append(field)
    return out


@transaction.atomic
def save_form(actor, item, fields) -> ServiceForm:
    """Define or change the online form of an item (no code: a list of fields). Every
    change bumps the form's version; applications keep the version they were filled
    with."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    acting = permissions.require(actor, "services.edit_form", item)
    fields = clean_form_fields(fields)
    form = ServiceForm.objects.filter(item=item).first()
    if form is None:
        form = ServiceForm.objects.create(item=item, fields=fields, updated_by=acting.person)
        before = None
    else:
        if form.fields == fields:
            return form
        before = form.version
        form.fields = fields
        form.version += 1
        form.updated_by = acting.person
        form.save()
    audit.record(
        acting,
        "services.form.save",
        item,
        unit=item.unit,
        changes={"version": [before, form.version], "fields": len(fields)},
    )
    return form


def online_form(item):
    """The item's form when it can be applied for online now, else None."""
    if item.state != ItemState.PUBLISHED or item.online_depth not in (
        OnlineDepth.PRE_REVIEW,
        OnlineDepth.FULL,
    ):
        return None
    return ServiceForm.objects.filter(item=item).first()


def visible(field, answers):
    """A field is shown (and then only then may be required) unless its `show_if`
    answer differs."""
    cond = field.get("show_if")
    if not cond:
        return True
    return str(answers.get(cond["field"], "") or "").strip() == cond["equals"]


def _one_answer(field, value):
    """Check one answer with the kernel's validators; return it normalised or raise
    ValidationError with the message for the applicant."""
    ftype = field["type"]
    if ftype == FieldType.TABLE:
        rows = []
        for row in value if isinstance(value, list) else []:
            if not isinstance(row, dict):
                continue
            cells = {c: str(row.get(c, "") or "").strip()[:TEXT_MAX] for c in field["columns"]}
            if any(cells.values()):
                rows.append(cells)
        if len(rows) > TABLE_MAX_ROWS:
            raise ValidationError(_("At most %(max)d rows.") % {"max": TABLE_MAX_ROWS})
        return rows
    value = str(value or "").strip()
    if ftype == FieldType.NUMBER:
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_("Enter a number, for example 12 or 3.5.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise ValidationError(_("Enter a number, for example 12 or 3.5."))
        return str(number)
    if ftype == FieldType.DATE:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Enter a real date as YYYY-MM-DD.")) from None
        if not datetime.date(1900, 1, 1) <= day <= datetime.date(2100, 12, 31):
            raise ValidationError(_("Enter a date between 1900 and 2100."))
        return day.isoformat()
    if ftype == FieldType.CHOICE:
        if value not in field.get("choices", []):
            raise ValidationError(_("Choose one of the listed options."))
        return value
    if ftype == FieldType.ID_NUMBER:
        return check_citizen_id(value)
    if ftype == FieldType.CREDIT_CODE:
        return check_credit_code(value)
    if ftype == FieldType.PHONE:
        try:
            return check_mobile(value)
        except ValidationError:
            try:
                return check_landline(value)
            except ValidationError:
                raise ValidationError(
                    _(
                        "Enter a mobile number (11 digits) or a landline with its area "
                        "code, for example 0551-12345678."
                    )
                ) from None
    limit = {FieldType.TEXTAREA: TEXTAREA_MAX, FieldType.ADDRESS: ADDRESS_MAX}.get(ftype, TEXT_MAX)
    if len(value) > limit:
        raise ValidationError(_("At most %(max)d characters are allowed.") % {"max": limit})
    return value


def _is_empty(value):
    return value in (None, "", []) or (isinstance(value, str) and not value.strip())


def clean_answers(fields, answers, *, complete=True):
    """Check the answers against the form. Returns (cleaned, errors): hidden fields'
    answers are dropped, an empty answer is an error only when `complete` and the
    field is shown and required. Nothing raises: the caller keeps what was typed."""
    answers = answers if isinstance(answers, dict) else {}
    cleaned, errors = {}, {}
    for field in fields:
        key = field["key"]
        if not visible(field, answers):
            continue
        value = answers.get(key)
        if field["type"] == FieldType.TABLE:
            value = _one_answer(field, value) if isinstance(value, list) else []
            if not value and field.get("required") and complete:
                errors[key] = _("Fill in at least one row.")
            cleaned[key] = value
            continue
        if _is_empty(value):
            if field.get("required") and complete:
                errors[key] = _("This field is required.")
            continue
        try:
            cleaned[key] = _one_answer(field, value)
        except ValidationError as exc:
            errors[key] = exc.messages[0]
    return cleaned, errors


def _raw_answers(fields, answers):
    """What the applicant typed, kept as typed (strings and table rows) and bounded."""
    out = {}
    for field in fields:
        key = field["key"]
        if key not in answers:
            continue
        value = answers[key]
        if field["type"] == FieldType.TABLE:
            rows = value if isinstance(value, list) else []
            cells = [
                {c: str(r.get(c, "") or "")[:TEXT_MAX] for c in field["columns"]}
                for r in rows[:TABLE_MAX_ROWS]
                if isinstance(r, dict)
            ]
            out[key] = [r for r in cells if any(v.strip() for v in r.values())]
        else:
            out[key] = str(value if value is not None else "")[:TEXTAREA_MAX]
    return out


# --- the applicant's side ----------------------------------------------------------------


def _own(public_user, application, *, lock=True):
    """The application, locked, if it belongs to `public_user`; else NotFound."""
    qs = Application.objects.select_related("item", "unit")
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=getattr(application, "pk", application)).first()
    if found is None or public_user is None or found.applicant_id != public_user.pk:
        raise NotFound(_("There is no such application in your account."))
    return found


def applications_of(public_user):
    """The public user's applications, newest first."""
    return Application.objects.filter(applicant=public_user).select_related("item", "unit")


def get_own(public_user, pk):
    """One of the public user's applications, or NotFound."""
    return _own(public_user, pk, lock=False)


def _check_applicant(public_user, item):
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


def _applicant_defaults(public_user):
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
def save_draft(public_user, item, *, answers=None, application=None, applicant=None):
    """Save what the applicant has typed so far (no check beyond sizes): a new draft
    for `item`, or the given draft. Returns the draft; resume it with `get_own`."""
    if application is None:
        item = ServiceItem.objects.get(pk=item.pk)
        form = online_form(item)
        if form is None:
            raise Invalid(_("This service cannot be applied for online."), code="not_online")
        _check_applicant(public_user, item)
        application = Application(
            item=item,
            unit=item.unit,
            applicant=public_user,
            form_version=form.version,
            form_fields=form.fields,
            **_applicant_defaults(public_user),
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


def _safe_index_save(application):
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
                application._invalid = {**getattr(application, "_invalid", {}), name: value}
                setattr(application, name, "")
    application.save()
    for name, value in getattr(application, "_invalid", {}).items():
        setattr(application, name, value)  # shown back to the applicant, not stored


@transaction.atomic
def upload_material(public_user, application, material, uploaded_file):
    """Upload (or replace) the file of one material slot of the guide. Stored through
    `core.attachments` (type judged by content, size capped); a refused file raises
    Invalid with field "materials[<slot id>]" and nothing else changes."""
    application = _own(public_user, application)
    if application.state not in (S.DRAFT, S.NOTICE_SENT):
        raise Conflict(
            _("Files can be added only to a draft or after a one-time notice."),
            code="wrong_state",
        )
    material_id = getattr(material, "pk", material)
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


def missing_materials(application):
    """The required material slots without a file."""
    have = set(
        application.materials.filter(attachment__isnull=False).values_list("material_id", flat=True)
    )
    return [m for m in application.item.materials.all() if m.required and m.pk not in have]


def _applicant_errors(application):
    errors = {}
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


def _new_number(application):
    today = _today()
    serial = take_next(
        ApplicationCounter,
        _("No application number could be taken; please try again."),
        unit=application.unit,
        year=today.year,
    )
    return f"{today.year}{application.unit_id % 10000:04d}{serial:06d}"


def submit(public_user, application, *, submission_key=None):
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
        existing = (
            submission_key and Application.objects.filter(submission_key=submission_key).first()
        )
        if not existing:
            raise
        return existing


@transaction.atomic
def _submit(public_user, application, submission_key):
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
def withdraw(public_user, application, *, reason=""):
    """The applicant withdraws an application not yet decided."""
    application = _own(public_user, application)
    _move(application, S.WITHDRAWN)
    application.save()
    _step(application, CaseStepKind.WITHDRAWN, public_text=_text(reason, "reason", required=False))
    _sync_items(None, application, state=WorkItemState.CANCELLED)
    _audit(None, "withdraw", application)
    return application


@transaction.atomic
def supply_after_notice(public_user, application, *, answers=None, note=""):
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


# --- lookups for the public ------------------------------------------------------------


def find_for_progress(number, identifier):
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


# --- helpers of the staff operations ------------------------------------------------------


def _lock(application):
    try:
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("item", "unit")
            .get(pk=getattr(application, "pk", application))
        )
    except Application.DoesNotExist as exc:
        raise NotFound() from exc


def _move(application, new_state):
    if new_state not in APPLICATION_TRANSITIONS.get(application.state, set()):
        raise Conflict(
            _("This cannot be done while the application is “%(state)s”.")
            % {"state": S(application.state).label},
            code="wrong_state",
        )
    old = application.state
    application.state = new_state
    return old


def _step(application, kind, *, actor=None, public_text="", internal=""):
    person = getattr(actor, "person", actor)
    return CaseStep.objects.create(
        application=application,
        at=timezone.now(),
        kind=kind,
        public_text=public_text,
        internal_note=internal,
        actor=person if getattr(person, "pk", None) else None,
    )


def _audit(actor, action, application, changes=None):
    audit.record(
        actor, f"services.case.{action}", application, unit=application.unit, changes=changes
    )


def _text(value, field, *, required=True, maximum=NOTE_MAX, message=None):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(message or _("This field is required."), field=field)
    if len(value) > maximum:
        raise Invalid(_("At most %(max)d characters are allowed.") % {"max": maximum}, field=field)
    return value


def _review_due(application):
    dates = [d for d in (application.promised_due, application.decision_due) if d]
    return min(dates) if dates else None


def _items_for_state(application):
    """The step items a case in its current state needs: (kind, due, title)."""
    st = application.state
    if st == S.SUBMITTED:
        return [(KIND_INTAKE, application.intake_due, _("Intake of application %(number)s"))]
    if st in (S.ACCEPTED, S.IN_REVIEW):
        if application.reviews.values("reviewer").distinct().count() >= REVIEWERS_NEEDED:
            return [(KIND_DECIDE, _review_due(application), _("Decide application %(number)s"))]
        return [(KIND_REVIEW, _review_due(application), _("Review application %(number)s"))]
    if st == S.SUSPENDED:
        step = application.special_steps.filter(ended_on__isnull=True).last()
        due = _due(step.started_on, step.planned_days) if step else None
        return [(KIND_SPECIAL, due, _("Special step of application %(number)s"))]
    if st == S.APPROVED:
        return [(KIND_DELIVER, application.delivery_due, _("Deliver the result of %(number)s"))]
    return []


def _sync_items(actor, application, *, state=WorkItemState.DONE):
    """Close the case's step items and open those of its current state."""
    open_items = WorkItem.objects.filter(
        state=WorkItemState.OPEN,
        subject_type=ContentType.objects.get_for_model(Application),
        subject_id=str(application.pk),
        kind__in=STEP_KINDS,
    )
    wanted = _items_for_state(application)
    wanted_kinds = {(k, due) for k, due, _t in wanted}
    kept = set()
    for item in open_items:
        if (item.kind, item.due_date) in wanted_kinds:
            kept.add(item.kind)
        else:
            workitems.close_items_for(application, kind=item.kind, state=state, actor=actor)
    for kind, due, title in wanted:
        if kind in kept:
            continue
        workitems.open_work_item(
            actor,
            kind=kind,
            title=title % {"number": application.number},
            assignee_unit=application.unit,
            subject=application,
            url=case_url(application),
            due_date=due,
            unit=application.unit,
        )


def _tell_applicant(application, text):
    if application.applicant_mobile:
        send_sms(application.applicant_mobile, text)


def _keep_pdf(actor, application, content, name):
    """Keep a generated document (receipt, certificate) as the case's attachment."""
    from django.core.files.base import ContentFile

    return store_upload(
        actor,
        ContentFile(content, name=name),
        unit=application.unit,
        owner=application,
        allowed={"pdf"},
        contains_personal_data=True,
    )


def _issue_receipt(actor, application):
    """The dated receipt of acceptance or refusal with the unit's seal (Art. 32)."""
    from .pdf import receipt_pdf

    application.receipt = _keep_pdf(
        actor, application, receipt_pdf(application), f"{application.number}-回执.pdf"
    )
    application.save(update_fields=["receipt"])


def _start_decision_clock(application, received_on):
    """Acceptance: the statutory time limit (the item's, 20 working days by default)
    and the promised one count from the day of acceptance."""
    item = application.item
    application.accepted_on = received_on
    application.decision_due = _due(received_on, item.statutory_limit or DEFAULT_DECISION_DAYS)
    promised = item.promised_limit
    application.promised_due = _due(received_on, promised) if promised else None


# --- intake (受理) ---------------------------------------------------------------------------


@transaction.atomic
def accept(actor, application, *, note=""):
    """受理: the application is complete and conforming. Starts the decision clock and
    produces the dated acceptance receipt with the unit's seal (kept as `receipt`)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    _move(application, S.ACCEPTED)
    _start_decision_clock(application, _today())
    application.materials.filter(verdict=Verdict.PENDING).update(verdict=Verdict.OK)
    application.save()
    _issue_receipt(acting, application)
    _step(
        application,
        CaseStepKind.ACCEPTED,
        actor=acting,
        internal=_text(note, "note", required=False),
    )
    _sync_items(acting, application)
    _audit(acting, "accept", application, {"state": [S.SUBMITTED, S.ACCEPTED]})
    _tell_applicant(
        application,
        _("Your application %(number)s has been accepted; decision by %(date)s.")
        % {
            "number": application.number,
            "date": (application.promised_due or application.decision_due).isoformat(),
        },
    )
    return application


@transaction.atomic
def refuse_at_intake(actor, application, *, reasons, right_unit=""):
    """不予受理: written reasons; when the matter is outside the unit's competence,
    `right_unit` names the unit to apply to. Produces the dated refusal receipt."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    reasons = _text(reasons, "reasons", message=_("Give the reasons for not accepting."))
    right_unit = _text(right_unit, "right_unit", required=False, maximum=200)
    _move(application, S.REFUSED_AT_INTAKE)
    application.refusal_reasons = reasons
    application.right_unit = right_unit
    application.decided_at = timezone.now()
    application.save()
    _issue_receipt(acting, application)
    public = reasons
    if right_unit:
        public += "\n" + _("Please apply to: %(unit)s") % {"unit": right_unit}
    _step(application, CaseStepKind.REFUSED_AT_INTAKE, actor=acting, public_text=public)
    _sync_items(acting, application)
    _audit(acting, "refuse_at_intake", application, {"state": [S.SUBMITTED, application.state]})
    _tell_applicant(
        application,
        _("Your application %(number)s was not accepted; see the reasons online.")
        % {"number": application.number},
    )
    return application


@transaction.atomic
def send_one_time_notice(actor, application, *, problems, note=""):
    """一次告知: in ONE notice, every missing or wrong material (and anything else to
    correct) with what to do. `problems`: [{material: slot id or None, problem:
    "missing"|"wrong", what_to_do}]. Only one notice per application (Art. 32)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    if OneTimeNotice.objects.filter(application=application).exists():
        raise Conflict(
            _("The one-time notice has already been sent: everything must be in one notice."),
            code="notice_sent",
        )
    slots = {m.pk: m for m in application.item.materials.all()}
    items = []
    for n, raw in enumerate(problems or [], start=1):
        material = raw.get("material")
        material = int(material) if str(material or "").isdigit() else None
        if material is not None and material not in slots:
            raise Invalid(_("Choose one of the guide's materials."), field="problems")
        problem = raw.get("problem") or Verdict.MISSING
        if problem not in (Verdict.MISSING, Verdict.WRONG):
            raise Invalid(_("Say whether the material is missing or wrong."), field="problems")
        what = (raw.get("what_to_do") or "").strip()
        if not what:
            raise Invalid(
                _("Problem %(n)d: say what the applicant must do.") % {"n": n}, field="problems"
            )
        items.append(
            {
                "material": material,
                "name": slots[material].name if material else "",
                "problem": problem,
                "what_to_do": what[:NOTE_MAX],
            }
        )
    if not items:
        raise Invalid(_("List every material that is missing or wrong."), field="problems")
    note = _text(note, "note", required=False)
    _move(application, S.NOTICE_SENT)
    application.save()
    OneTimeNotice.objects.create(
        application=application,
        items=items,
        note=note,
        sent_at=timezone.now(),
        sent_by=acting.person,
    )
    for i in items:
        if i["material"]:
            row, _c = ApplicationMaterial.objects.get_or_create(
                application=application,
                material_id=i["material"],
                defaults={"name": i["name"]},
            )
            row.verdict = i["problem"]
            row.note = i["what_to_do"]
            row.save(update_fields=["verdict", "note"])
    lines = [f"{i['name'] or _('Other')}: {i['what_to_do']}" for i in items]
    _step(application, CaseStepKind.NOTICE, actor=acting, public_text="\n".join(lines))
    _sync_items(acting, application)
    _audit(acting, "notice", application, {"problems": len(items)})
    _tell_applicant(
        application,
        _("Application %(number)s: materials are missing or wrong; see the one-time notice online.")
        % {"number": application.number},
    )
    return application


def deem_accepted(today=None):
    """Daily (§7.1, Art. 32): an application still waiting for intake after the notice
    period, without a notice, counts as accepted from the day its materials were
    received. Returns the number deemed accepted."""
    today = today or _today()
    count = 0
    ids = list(
        Application.objects.filter(state=S.SUBMITTED, intake_due__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            application = _lock(pk)
            if application.state != S.SUBMITTED or application.intake_due >= today:
                continue
            notice = OneTimeNotice.objects.filter(application=application).first()
            received = timezone.localdate(
                notice.supplied_at if notice and notice.supplied_at else application.submitted_at
            )
            _move(application, S.ACCEPTED)
            application.deemed_accepted = True
            _start_decision_clock(application, received)
            application.save()
            _issue_receipt(None, application)
            _step(application, CaseStepKind.DEEMED_ACCEPTED)
            _sync_items(None, application)
            _audit(None, "deemed_accepted", application, {"accepted_on": received})
            count += 1
    return count


# --- review and decision ------------------------------------------------------------------


@transaction.atomic
def review(actor, application, *, opinion, recommendation):
    """One reviewer's opinion in the substantive check. A person reviews a case once;
    the decision needs REVIEWERS_NEEDED different reviewers (Art. 34)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.review_case", application)
    opinion = _text(opinion, "opinion", message=_("Write your opinion."))
    if recommendation not in Recommendation.values:
        raise Invalid(_("Recommend approval or refusal."), field="recommendation")
    if application.state not in (S.ACCEPTED, S.IN_REVIEW):
        raise Conflict(
            _("This cannot be done while the application is “%(state)s”.")
            % {"state": S(application.state).label},
            code="wrong_state",
        )
    if application.reviews.filter(reviewer=acting.person).exists():
        raise Conflict(
            _("You have already reviewed this case; a second reviewer must be someone else."),
            code="same_reviewer",
        )
    Review.objects.create(
        application=application,
        reviewer=acting.person,
        opinion=opinion,
        recommendation=recommendation,
        at=timezone.now(),
    )
    first = application.state == S.ACCEPTED
    if first:
        _move(application, S.IN_REVIEW)
        application.save()
        _step(application, CaseStepKind.REVIEW, actor=acting)
    _sync_items(acting, application)
    _audit(acting, "review", application, {"recommendation": recommendation})
    return application


@transaction.atomic
def extend(actor, application, *, reason):
    """Extend the decision time limit once by EXTENSION_DAYS working days: the unit head
    only, with the reason shown to the applicant (Art. 42)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.extend_case", application)
    reason = _text(reason, "reason", message=_("Give the reason, which the applicant is shown."))
    if application.state not in (S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED):
        raise Conflict(_("Only a case under way can be extended."), code="wrong_state")
    if application.extended:
        raise Conflict(_("The time limit can be extended only once."), code="extended")
    old = application.decision_due
    application.decision_due = _due(old, EXTENSION_DAYS)
    if application.promised_due:
        application.promised_due = min(
            _due(application.promised_due, EXTENSION_DAYS), application.decision_due
        )
    application.extended = True
    application.extension_reason = reason
    application.save()
    _step(
        application,
        CaseStepKind.EXTENDED,
        actor=acting,
        public_text=_("New decision date: %(date)s. Reason: %(reason)s")
        % {"date": application.decision_due.isoformat(), "reason": reason},
    )
    _sync_items(acting, application)
    _audit(acting, "extend", application, {"decision_due": [old, application.decision_due]})
    _tell_applicant(
        application,
        _("The time limit of application %(number)s was extended to %(date)s.")
        % {"number": application.number, "date": application.decision_due.isoformat()},
    )
    return application


@transaction.atomic
def start_special_step(actor, application, *, kind, reason, planned_days):
    """特殊环节 (hearing, inspection, expert review …): the clock pauses, and the
    applicant is told how long it is planned to take (Art. 45)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    if kind not in SpecialStepKind.values:
        raise Invalid(_("Choose the kind of special step."), field="kind")
    reason = _text(reason, "reason", message=_("Say why the special step is needed."))
    try:
        planned_days = int(planned_days)
    except (TypeError, ValueError):
        raise Invalid(_("Enter a whole number of working days."), field="planned_days") from None
    if not 1 <= planned_days <= MAX_SPECIAL_DAYS:
        raise Invalid(
            _("Plan between 1 and %(max)d working days.") % {"max": MAX_SPECIAL_DAYS},
            field="planned_days",
        )
    before = _move(application, S.SUSPENDED)
    application.state_before_pause = before
    application.save()
    SpecialStep.objects.create(
        application=application,
        kind=kind,
        reason=reason,
        planned_days=planned_days,
        started_on=_today(),
        started_by=acting.person,
    )
    label = SpecialStepKind(kind).label
    _step(
        application,
        CaseStepKind.SPECIAL_STARTED,
        actor=acting,
        public_text=_(
            "%(kind)s, planned to take %(days)d working days; not counted in the time limit. %(reason)s"
        )
        % {"kind": label, "days": planned_days, "reason": reason},
    )
    _sync_items(acting, application)
    _audit(acting, "special_start", application, {"kind": kind, "planned_days": planned_days})
    _tell_applicant(
        application,
        _(
            "Application %(number)s: %(kind)s, about %(days)d working days, not counted in the time limit."
        )
        % {"number": application.number, "kind": label, "days": planned_days},
    )
    return application


@transaction.atomic
def end_special_step(actor, application, *, result=""):
    """The special step is over: the clock runs again, the deadlines moved by the
    working days it took."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    step = application.special_steps.filter(ended_on__isnull=True).last()
    if application.state != S.SUSPENDED or step is None:
        raise Conflict(_("No special step is under way."), code="wrong_state")
    today = _today()
    paused = max(0, calendar.working_days_between(step.started_on, today).count)
    step.ended_on = today
    step.paused_days = paused
    step.save(update_fields=["ended_on", "paused_days"])
    application.state = application.state_before_pause or S.IN_REVIEW
    if application.state not in (S.ACCEPTED, S.IN_REVIEW):
        application.state = S.IN_REVIEW
    application.state_before_pause = ""
    application.paused_days += paused
    if paused:
        application.decision_due = _due(application.decision_due, paused)
        if application.promised_due:
            application.promised_due = _due(application.promised_due, paused)
    application.save()
    _step(
        application,
        CaseStepKind.SPECIAL_ENDED,
        actor=acting,
        public_text=_text(result, "result", required=False)
        or _("New decision date: %(date)s.") % {"date": application.decision_due.isoformat()},
    )
    _sync_items(acting, application)
    _audit(acting, "special_end", application, {"paused_days": paused})
    return application


@transaction.atomic
def decide(actor, application, *, outcome, reasons="", expected_state=None):
    """The decision, after at least two different reviewers (Art. 34). Approve: the
    result document (certificate) is generated from the template (`certificate_pdf`,
    WeasyPrint), kept as the decision's document, and the result is to be delivered
    within DELIVERY_DAYS. Refuse: reasons required,
    with the notice of the right to reconsideration or litigation (Art. 38).
    The row is locked and its state checked: of two staff deciding at the same moment
    one wins and the other gets Conflict."""
    application = _lock(application)
    acting = permissions.require(actor, "services.decide_case", application)
    if expected_state and application.state != expected_state:
        raise Conflict(
            _("Someone else has changed this case meanwhile; open it again."), code="stale"
        )
    if outcome not in Recommendation.values:
        raise Invalid(_("Choose approval or refusal."), field="outcome")
    reasons = _text(
        reasons,
        "reasons",
        required=outcome == Recommendation.REFUSE,
        message=_("Give the reasons for the refusal."),
    )
    if (
        application.state not in (S.ACCEPTED, S.IN_REVIEW)
        or Decision.objects.filter(application=application).exists()
    ):
        raise Conflict(
            _("This case has already been decided or cannot be decided now."),
            code="wrong_state",
        )
    reviewers = application.reviews.values("reviewer").distinct().count()
    if reviewers < REVIEWERS_NEEDED:
        raise Conflict(
            _("A substantive check needs at least %(n)d different reviewers first.")
            % {"n": REVIEWERS_NEEDED},
            code="reviews_needed",
        )
    new_state = S.APPROVED if outcome == Recommendation.APPROVE else S.REFUSED
    _move(application, new_state)
    now = timezone.now()
    application.decided_at = now
    application.decided_on_time = timezone.localdate(now) <= application.decision_due
    if new_state == S.APPROVED:
        application.delivery_due = _due(timezone.localdate(now), DELIVERY_DAYS)
    application.save()
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        reasons=reasons,
        remedy_notice=_site_language(REMEDY_NOTICE) if outcome == Recommendation.REFUSE else "",
        decided_by=acting.person,
        decided_at=now,
    )
    if new_state == S.APPROVED:
        from .pdf import certificate_pdf

        # The result document, from the template, kept as the decision's document.
        decision.document = _keep_pdf(
            acting, application, certificate_pdf(application), f"{application.number}.pdf"
        )
        decision.save(update_fields=["document"])
        _step(application, CaseStepKind.APPROVED, actor=acting, public_text=reasons)
    else:
        _step(
            application,
            CaseStepKind.REFUSED,
            actor=acting,
            public_text=f"{reasons}\n{_site_language(REMEDY_NOTICE)}",
        )
    _sync_items(acting, application)
    _audit(acting, "decide", application, {"outcome": outcome})
    _tell_applicant(
        application,
        _("A decision has been made on application %(number)s; see it online.")
        % {"number": application.number},
    )
    return application


@transaction.atomic
def deliver(actor, application, *, way, note=""):
    """送达: the result was downloaded, posted or collected; the case is completed."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    if way not in DeliveryWay.values:
        raise Invalid(_("Choose how the result was delivered."), field="way")
    note = _text(
        note,
        "note",
        required=way == DeliveryWay.POST,
        maximum=200,
        message=_("Give the postal tracking number."),
    )
    _move(application, S.DELIVERED)
    application.delivered_at = timezone.now()
    application.delivery_way = way
    application.delivery_note = note
    application.save()
    _step(application, CaseStepKind.DELIVERED, actor=acting, public_text=DeliveryWay(way).label)
    _sync_items(acting, application)
    _audit(acting, "deliver", application, {"way": way})
    return application


# --- ratings (好差评) ------------------------------------------------------------------------


def _level(value, field):
    try:
        return Satisfaction(int(value))
    except (TypeError, ValueError):
        raise Invalid(_("Choose a rating from 1 to 5."), field=field) from None


@transaction.atomic
def rate(public_user, application, *, overall, efficiency, guide_accuracy, convenience, comment=""):
    """一事一评: the applicant rates a completed case once, on the national dimensions.
    A bad rating (不满意 or 非常不满意 on any dimension) opens a rectification work item
    for the unit."""
    application = _own(public_user, application)
    if application.state not in COMPLETED_STATES:
        raise Conflict(_("A case can be rated once it is completed."), code="wrong_state")
    if CaseRating.objects.filter(application=application).exists():
        raise Conflict(_("You have already rated this case."), code="rated")
    values = {
        "overall": _level(overall, "overall"),
        "efficiency": _level(efficiency, "efficiency"),
        "guide_accuracy": _level(guide_accuracy, "guide_accuracy"),
        "convenience": _level(convenience, "convenience"),
    }
    rating = CaseRating.objects.create(
        application=application,
        item=application.item,
        unit=application.unit,
        comment=_text(comment, "comment", required=False),
        at=timezone.now(),
        **values,
    )
    _step(application, CaseStepKind.RATED, public_text=Satisfaction(values["overall"]).label)
    if rating.is_bad:
        workitems.open_work_item(
            None,
            kind=KIND_RECTIFY,
            title=_("Rectify the bad rating of %(number)s") % {"number": application.number},
            assignee_unit=application.unit,
            subject=application,
            url=case_url(application),
            due_in_working_days=RECTIFY_DAYS,
            unit=application.unit,
        )
    _audit(None, "rate", application, {d: int(values[d]) for d in RATING_DIMENSIONS})
    return rating


@transaction.atomic
def record_rectification(actor, application, *, call_back, result):
    """整改: the unit called the applicant back (record kept internal) and states the
    result, which the applicant is shown. Closes the rectification work item."""
    application = _lock(application)
    acting = permissions.require(actor, "services.rectify", application)
    call_back = _text(call_back, "call_back", message=_("Record the call-back."))
    result = _text(result, "result", message=_("State the result for the applicant."))
    rating = CaseRating.objects.filter(application=application).first()
    if rating is None or not rating.is_bad:
        raise Conflict(_("There is no bad rating to rectify."), code="wrong_state")
    if Rectification.objects.filter(rating=rating).exists():
        raise Conflict(_("The rectification has already been recorded."), code="rectified")
    rectification = Rectification.objects.create(
        rating=rating,
        call_back=call_back,
        result=result,
        recorded_by=acting.person,
        at=timezone.now(),
    )
    workitems.close_items_for(application, kind=KIND_RECTIFY, actor=acting)
    _step(application, CaseStepKind.RECTIFIED, actor=acting, public_text=result, internal=call_back)
    _audit(acting, "rectify", application)
    return rectification


def rating_statistics(queryset=None):
    """Per unit and item: number of ratings, average overall, share of bad ratings and
    of rectified bad ratings (for the public statistics)."""
    from django.db.models import Avg, Count, Q

    qs = queryset if queryset is not None else CaseRating.objects.all()
    bad = Q()
    for d in RATING_DIMENSIONS:
        bad |= Q(**{f"{d}__in": [int(x) for x in BAD_LEVELS]})
    rows = (
        qs.values("unit_id", "unit__name", "item_id", "item__name", "item__implementation_code")
        .annotate(
            count=Count("id"),
            average=Avg("overall"),
            bad=Count("id", filter=bad),
            rectified=Count("id", filter=bad & Q(rectification__isnull=False)),
        )
        .order_by("unit__name", "item__name")
    )
    return list(rows)


# --- the daily jobs -------------------------------------------------------------------------


def escalate_overdue(today=None):
    """Daily: escalate the cases' overdue work items one level at a time, as for
    letters — the unit's clerks (overdue), its head (escalation.ESCALATE_TO_HEAD_DAYS working days
    late), the supervision office (seriously overdue); see core/escalation.py. Each
    level once per item. Returns the number of escalations made."""
    today = today or _today()
    items = WorkItem.objects.filter(
        state=WorkItemState.OPEN,
        subject_type=ContentType.objects.get_for_model(Application),
        due_date__lt=today,
        kind__startswith="services.",
    )

    def record(item, application, level):
        created = escalation.record(item, application, level)
        if created:
            _audit(None, "escalate", application, {"work_item": item.pk, "level": level})
        return created

    return escalation.escalate(
        items,
        today,
        subject_of=lambda item: (
            Application.objects.filter(pk=item.subject_id).select_related("unit").first()
        ),
        record=record,
    )
