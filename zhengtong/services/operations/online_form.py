"""The online form of a service item, defined by its unit without code (a list of
fields), and the check of the answers against it."""

import datetime
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from zhengtong.core import audit
from zhengtong.core.errors import Invalid
from zhengtong.core.validators import (
    check_citizen_id,
    check_credit_code,
    check_landline,
    check_mobile,
)
from zhengtong.org import permissions
from zhengtong.org.models import User

from ..models import (
    FieldType,
    ItemState,
    OnlineDepth,
    ServiceForm,
    ServiceItem,
)

TEXT_MAX = 200
TEXTAREA_MAX = 5000
ADDRESS_MAX = 300
TABLE_MAX_ROWS = 50
MAX_FIELDS = 60
# One field of a form definition, as stored (JSON): key, label, type, required, help,
# and choices, columns or show_if by type.
Field = dict[str, Any]
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class FormErrors(Invalid):
    """Several answers are wrong: `errors` maps each field key (or "materials[<id>]",
    "applicant_*") to its message. The answers already saved are kept."""

    code = "form_errors"

    def __init__(self, errors: Mapping[str, str | Promise]) -> None:
        self.errors = dict(errors)
        first_field, first = next(iter(self.errors.items()))
        super().__init__(
            _("Please correct the marked answers: %(first)s") % {"first": first},
            field=first_field,
        )


def clean_form_fields(fields: object) -> list[Field]:
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
def save_form(actor: User, item: ServiceItem, fields: object) -> ServiceForm:
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


def online_form(item: ServiceItem) -> ServiceForm | None:
    """The item's form when it can be applied for online now, else None."""
    if item.state != ItemState.PUBLISHED or item.online_depth not in (
        OnlineDepth.PRE_REVIEW,
        OnlineDepth.FULL,
    ):
        return None
    return ServiceForm.objects.filter(item=item).first()


def visible(field: Field, answers: Mapping[str, Any]) -> bool:
    """A field is shown (and then only then may be required) unless its `show_if`
    answer differs."""
    cond = field.get("show_if")
    if not cond:
        return True
    return bool(str(answers.get(cond["field"], "") or "").strip() == cond["equals"])


def _table_answer(field: Field, value: object) -> list[dict[str, str]]:
    """The table's non-empty rows, each cell bounded."""
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


def _number_answer(field: Field, value: str) -> str:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("Enter a number, for example 12 or 3.5.")) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValidationError(_("Enter a number, for example 12 or 3.5."))
    return str(number)


def _date_answer(field: Field, value: str) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Enter a real date as YYYY-MM-DD.")) from None
    if not datetime.date(1900, 1, 1) <= day <= datetime.date(2100, 12, 31):
        raise ValidationError(_("Enter a date between 1900 and 2100."))
    return day.isoformat()


def _choice_answer(field: Field, value: str) -> str:
    if value not in field.get("choices", []):
        raise ValidationError(_("Choose one of the listed options."))
    return value


def _phone_answer(field: Field, value: str) -> str:
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


def _text_answer(field: Field, value: str) -> str:
    limit = {FieldType.TEXTAREA: TEXTAREA_MAX, FieldType.ADDRESS: ADDRESS_MAX}.get(
        field["type"], TEXT_MAX
    )
    if len(value) > limit:
        raise ValidationError(_("At most %(max)d characters are allowed.") % {"max": limit})
    return value


# The check of each field type's answer (the others are text of a bounded length).
_ANSWER_CHECKS: dict[str, Callable[[Field, str], str]] = {
    FieldType.NUMBER: _number_answer,
    FieldType.DATE: _date_answer,
    FieldType.CHOICE: _choice_answer,
    FieldType.ID_NUMBER: lambda _field, value: check_citizen_id(value),
    FieldType.CREDIT_CODE: lambda _field, value: check_credit_code(value),
    FieldType.PHONE: _phone_answer,
}


def _one_answer(field: Field, value: object) -> str | list[dict[str, str]]:
    """Check one answer with the kernel's validators; return it normalised or raise
    ValidationError with the message for the applicant."""
    if field["type"] == FieldType.TABLE:
        return _table_answer(field, value)
    check = _ANSWER_CHECKS.get(field["type"], _text_answer)
    return check(field, str(value or "").strip())


def _is_empty(value: object) -> bool:
    return value in (None, "", []) or (isinstance(value, str) and not value.strip())


def clean_answers(
    fields: list[Field], answers: object, *, complete: bool = True
) -> tuple[dict[str, Any], dict[str, str | Promise]]:
    """Check the answers against the form. Returns (cleaned, errors): hidden fields'
    answers are dropped, an empty answer is an error only when `complete` and the
    field is shown and required. Nothing raises: the caller keeps what was typed."""
    answers = answers if isinstance(answers, dict) else {}
    cleaned: dict[str, Any] = {}
    errors: dict[str, str | Promise] = {}
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


def _raw_answers(fields: list[Field], answers: Mapping[str, Any]) -> dict[str, Any]:
    """What the applicant typed, kept as typed (strings and table rows) and bounded."""
    out: dict[str, Any] = {}
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
