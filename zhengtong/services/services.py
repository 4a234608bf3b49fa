"""Operations on service items and their guides (docs/conformance.md SRV-1–SRV-3): create and
edit a guide, attach its files, publish, withdraw, and file a work item when a guide
is found incomplete.

Each takes the acting person first, checks permission through `org.permissions`
(rules in `services/rules.py`), runs in one transaction, writes the audit trail and
returns the changed item or raises a domain error. A guide is published only with all
8 key elements (`checks.guide_problems`); a published guide keeps every published
state as a `ServiceItemVersion`, and changing it keeps the key elements complete.
"""

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit, workitems
from zhengtong.core.attachments import store_upload
from zhengtong.core.errors import Conflict, Invalid, NotFound
from zhengtong.core.models import WorkItem
from zhengtong.core.validators import validate_phone
from zhengtong.org import permissions
from zhengtong.org.models import Unit, User
from zhengtong.org.permissions import Acting

from . import search
from .checks import Problem, guide_problems, missing_elements
from .models import (
    Audience,
    Delivery,
    ItemState,
    ItemType,
    MaterialForm,
    Medium,
    OnlineDepth,
    ServiceEvent,
    ServiceFAQ,
    ServiceItem,
    ServiceItemVersion,
    ServiceMaterial,
    ServiceStep,
)

__all__ = [
    "Problem",
    "attach_file",
    "create_item",
    "flag_incomplete_guide",
    "guide_problems",
    "publish_item",
    "update_item",
    "withdraw_item",
]

TEXT_FIELDS = (
    "name",
    "basic_code",
    "legal_basis",
    "conditions",
    "special_steps",
    "fees",
    "fee_basis",
    "place",
    "hours",
    "phone",
    "complaint_channel",
    "result_name",
)
CHOICE_FIELDS = {"item_type": ItemType, "audience": Audience, "online_depth": OnlineDepth}
EDITABLE = (
    *TEXT_FIELDS,
    *CHOICE_FIELDS,
    "implementation_code",
    "statutory_limit",
    "promised_limit",
    "visits",
    "fee_charged",
    "result_delivery",
)
MAX_LIMIT = 365  # working days; no county matter takes longer than a working year
MAX_VISITS = 10
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]{0,59}$")
FILE_TYPES = {"pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "jpg", "png"}
IMAGE_TYPES = {"jpg", "png", "gif"}
COMPLETE_GUIDE_KIND = "services.complete_guide"
COMPLETE_GUIDE_DAYS = 5  # working days given to a unit to complete a guide found lacking
# One row of a guide's materials, steps or questions, as given by the form or the API.
Row = dict[str, Any]
GuideRow = TypeVar("GuideRow", ServiceStep, ServiceFAQ)


def item_url(item: ServiceItem) -> str:
    return f"/oa/services/{item.pk}/"


# --- checking the values ----------------------------------------------------------------


def _limit(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("Enter a whole number of working days."), field=field) from None
    if number < 0:
        raise Invalid(_("A time limit cannot be negative."), field=field)
    if number > MAX_LIMIT:
        raise Invalid(
            _("A time limit of more than %(max)d working days is not credible.")
            % {"max": MAX_LIMIT},
            field=field,
        )
    return number


def _clean_fields(fields: dict[str, Any], item: ServiceItem | None = None) -> dict[str, Any]:
    """Check and normalise the guide's own fields; raise Invalid naming the field."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise Invalid(_("Unknown field: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    out: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in fields:
            out[name] = (fields[name] or "").strip()
    _check_name_and_codes(out)
    if "implementation_code" in fields:
        out["implementation_code"] = _implementation_code(fields["implementation_code"], item)
    for name, choices in CHOICE_FIELDS.items():
        if name in fields:
            if fields[name] not in choices.values:
                raise Invalid(_("Choose one of the listed values."), field=name)
            out[name] = fields[name]
    if out.get("phone"):
        try:
            validate_phone(out["phone"])
        except ValidationError as exc:
            raise Invalid(exc.messages[0], field="phone") from None
    _clean_limits(fields, item, out)
    _clean_delivery(fields, out)
    return out


def _check_name_and_codes(out: dict[str, Any]) -> None:
    if "name" in out:
        if not out["name"]:
            raise Invalid(_("A service item needs its name."), field="name")
        if len(out["name"]) > 200:
            raise Invalid(_("The name is too long: at most 200 characters."), field="name")
    if out.get("basic_code") and not CODE_RE.match(out["basic_code"]):
        raise Invalid(_("A code is made of letters, digits and hyphens."), field="basic_code")


def _implementation_code(value: str | None, item: ServiceItem | None) -> str:
    """The implementation code, well formed and unique among the items."""
    code = (value or "").strip()
    if not CODE_RE.match(code):
        raise Invalid(
            _("Give the implementation code: letters, digits and hyphens."),
            field="implementation_code",
        )
    clash = ServiceItem.objects.filter(implementation_code__iexact=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise Invalid(
            _("Another service item already has this implementation code."),
            field="implementation_code",
        )
    return code


def _clean_limits(fields: dict[str, Any], item: ServiceItem | None, out: dict[str, Any]) -> None:
    """The time limits (the promised one within the statutory one) and the visits."""
    for name in ("statutory_limit", "promised_limit"):
        if name in fields:
            out[name] = _limit(fields[name], name)
    statutory = out.get("statutory_limit", getattr(item, "statutory_limit", None))
    promised = out.get("promised_limit", getattr(item, "promised_limit", None))
    if statutory is not None and promised is not None and promised > statutory:
        raise Invalid(
            _("The promised time limit cannot be longer than the statutory one."),
            field="promised_limit",
        )
    if "visits" in fields:
        try:
            visits = int(fields["visits"])
        except (TypeError, ValueError):
            raise Invalid(_("Enter a whole number of visits."), field="visits") from None
        if not 0 <= visits <= MAX_VISITS:
            raise Invalid(
                _("The number of visits is between 0 and %(max)d.") % {"max": MAX_VISITS},
                field="visits",
            )
        out["visits"] = visits


def _clean_delivery(fields: dict[str, Any], out: dict[str, Any]) -> None:
    if "fee_charged" in fields:
        out["fee_charged"] = bool(fields["fee_charged"])
    if "result_delivery" in fields:
        delivery = list(dict.fromkeys(fields["result_delivery"] or []))
        if any(d not in Delivery.values for d in delivery):
            raise Invalid(_("Choose one of the listed values."), field="result_delivery")
        out["result_delivery"] = delivery


def _clean_materials(rows: Iterable[Row]) -> list[Row]:
    out: list[Row] = []
    for i, row in enumerate(rows, start=1):
        name = (row.get("name") or "").strip()
        if not name:
            raise Invalid(_("Material %(n)d has no name.") % {"n": i}, field="materials")
        copies = row.get("copies", 1)
        try:
            copies = int(copies)
        except (TypeError, ValueError):
            copies = 0
        if not 1 <= copies <= 99:
            raise Invalid(
                _("Material %(n)d: the number of copies is between 1 and 99.") % {"n": i},
                field="materials",
            )
        form = row.get("form") or MaterialForm.ORIGINAL
        medium = row.get("medium") or Medium.PAPER
        if form not in MaterialForm.values or medium not in Medium.values:
            raise Invalid(
                _("Material %(n)d: choose one of the listed values.") % {"n": i},
                field="materials",
            )
        out.append(
            {
                "id": row.get("id"),
                "name": name[:200],
                "form": form,
                "copies": copies,
                "medium": medium,
                "source": (row.get("source") or "").strip()[:200],
                "required": bool(row.get("required", True)),
                "note": (row.get("note") or "").strip(),
            }
        )
    return out


def _clean_steps(rows: Iterable[Row]) -> list[Row]:
    out: list[Row] = []
    for i, row in enumerate(rows, start=1):
        name = (row.get("name") or "").strip()
        if not name:
            raise Invalid(_("Step %(n)d has no name.") % {"n": i}, field="steps")
        out.append({"name": name[:100], "description": (row.get("description") or "").strip()})
    return out


def _clean_faqs(rows: Iterable[Row]) -> list[Row]:
    out: list[Row] = []
    for i, row in enumerate(rows, start=1):
        question = (row.get("question") or "").strip()
        answer = (row.get("answer") or "").strip()
        if not question or not answer:
            raise Invalid(
                _("Question %(n)d needs both the question and its answer.") % {"n": i},
                field="faqs",
            )
        out.append({"question": question[:300], "answer": answer})
    return out


def _clean_events(events: Iterable[ServiceEvent | int]) -> list[ServiceEvent]:
    ids = [e.pk if isinstance(e, ServiceEvent) else e for e in events]
    found = list(ServiceEvent.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Invalid(_("Choose the events from the list."), field="events")
    return found


# --- rows and snapshots -----------------------------------------------------------------


def _replace_materials(item: ServiceItem, rows: list[Row]) -> None:
    """Keep the rows whose id is given (their files stay), create the others, delete the
    rest; order as given."""
    keep: dict[int, ServiceMaterial] = {}
    existing: dict[int | None, ServiceMaterial] = {m.pk: m for m in item.materials.all()}
    for order, row in enumerate(rows):
        material = existing.get(_int_or_none(row.pop("id", None)))
        if material is None:
            material = ServiceMaterial(item=item)
        for name, value in row.items():
            setattr(material, name, value)
        material.order = order
        material.save()
        keep[material.pk] = material
    item.materials.exclude(pk__in=list(keep)).delete()


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _replace_rows(
    item: ServiceItem,
    model: type[GuideRow],
    relation: str,
    rows: list[Row],
) -> None:
    getattr(item, relation).all().delete()
    model.objects.bulk_create([model(item=item, order=i, **row) for i, row in enumerate(rows)])


def snapshot(item: ServiceItem) -> dict[str, Any]:
    """Everything the public guide shows, as JSON (kept per published version)."""
    data: dict[str, Any] = {name: getattr(item, name) for name in EDITABLE}
    data["unit"] = {"id": item.unit_id, "name": item.unit.name}
    data["events"] = [e.slug for e in item.events.all()]
    data["materials"] = [
        {
            "name": m.name,
            "form": m.form,
            "copies": m.copies,
            "medium": m.medium,
            "source": m.source,
            "required": m.required,
            "note": m.note,
            "blank_form": m.blank_form_id,
            "sample": m.sample_id,
        }
        for m in item.materials.all()
    ]
    data["steps"] = [{"name": s.name, "description": s.description} for s in item.steps.all()]
    data["faqs"] = [{"question": f.question, "answer": f.answer} for f in item.faqs.all()]
    data["flow_chart"] = item.flow_chart_id
    data["result_sample"] = item.result_sample_id
    return data


def _keep_version(acting: Acting, item: ServiceItem) -> None:
    item.version += 1
    item.published_at = timezone.now()
    item.save(update_fields=["version", "published_at"])
    ServiceItemVersion.objects.create(
        item=item,
        version=item.version,
        published_at=item.published_at,
        published_by=getattr(acting, "person", acting),
        snapshot=snapshot(item),
    )


def _locked(item: ServiceItem, revision: int | str | None = None) -> ServiceItem:
    try:
        locked = ServiceItem.objects.select_for_update().select_related("unit").get(pk=item.pk)
    except ServiceItem.DoesNotExist:
        raise NotFound() from None
    if revision is not None and int(revision) != locked.revision:
        raise Conflict(
            _(
                "Someone else saved this guide while you were editing it. Open it again, "
                "then make your change."
            ),
            code="stale",
        )
    return locked


def _missing_message(problems: Iterable[Problem]) -> str:
    names = "、".join(str(p.message) for p in problems)
    return _("The guide cannot be published yet: %(problems)s") % {"problems": names}


# --- operations ---------------------------------------------------------------------------


@transaction.atomic
def create_item(
    actor: User,
    *,
    unit: Unit,
    materials: Iterable[Row] = (),
    steps: Iterable[Row] = (),
    faqs: Iterable[Row] = (),
    events: Iterable[ServiceEvent | int] = (),
    **fields: Any,
) -> ServiceItem:
    """Write a new service item in draft for its implementing `unit` (§7.2)."""
    acting = permissions.require(actor, "services.create_item", None, unit=unit)
    for required in ("name", "implementation_code", "item_type"):
        fields.setdefault(required, "")
    values = _clean_fields(fields)
    materials, steps, faqs = _clean_materials(materials), _clean_steps(steps), _clean_faqs(faqs)
    events = _clean_events(events)
    person = acting.person
    item = ServiceItem(unit=unit, created_by=person, updated_by=person, **values)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise Conflict(
            _("Another service item already has this implementation code."),
            code="duplicate_code",
        ) from None
    _replace_materials(item, materials)
    _replace_rows(item, ServiceStep, "steps", steps)
    _replace_rows(item, ServiceFAQ, "faqs", faqs)
    item.events.set(events)
    audit.record(
        acting,
        "services.item.create",
        item,
        unit=unit,
        changes={
            **{k: [None, v] for k, v in values.items()},
            "materials": [None, len(materials)],
            "steps": [None, len(steps)],
        },
    )
    return item


@transaction.atomic
def update_item(
    actor: User,
    item: ServiceItem,
    *,
    revision: int | str | None = None,
    materials: Iterable[Row] | None = None,
    steps: Iterable[Row] | None = None,
    faqs: Iterable[Row] | None = None,
    events: Iterable[ServiceEvent | int] | None = None,
    **fields: Any,
) -> ServiceItem:
    """Change a guide. Rows given (materials, steps, faqs, events) replace the old ones.
    A published guide stays published, must keep its 8 key elements, and the changed
    state is kept as a new published version."""
    item = _locked(item, revision)
    acting = permissions.require(actor, "services.edit_item", item)
    values = _clean_fields(fields, item)
    if (
        "implementation_code" in values
        and values["implementation_code"] != item.implementation_code
        and item.version > 0
    ):
        raise Invalid(
            _("The implementation code of a guide that has been published cannot change."),
            field="implementation_code",
        )
    before = snapshot(item)
    for name, value in values.items():
        setattr(item, name, value)
    rows = {}
    if materials is not None:
        materials = _clean_materials(materials)
        rows["materials"] = materials
    if steps is not None:
        steps = _clean_steps(steps)
        rows["steps"] = steps
    if faqs is not None:
        faqs = _clean_faqs(faqs)
    if events is not None:
        events = _clean_events(events)
    if item.state == ItemState.PUBLISHED:
        missing = missing_elements(item, rows=rows)
        if missing:
            raise Invalid(
                _(
                    "A published guide must keep all 8 key elements; this change would "
                    "remove: %(problems)s"
                )
                % {"problems": "、".join(str(p.message) for p in missing)},
                code="key_element_missing",
                field=missing[0].element if missing[0].element in fields else None,
            )
    item.revision += 1
    item.updated_by = acting.person
    item.save()
    if materials is not None:
        _replace_materials(item, materials)
    if steps is not None:
        _replace_rows(item, ServiceStep, "steps", steps)
    if faqs is not None:
        _replace_rows(item, ServiceFAQ, "faqs", faqs)
    if events is not None:
        item.events.set(events)
    after = snapshot(item)
    changes = audit.diff(before, after)
    audit.record(acting, "services.item.update", item, unit=item.unit, changes=changes)
    if item.state == ItemState.PUBLISHED and changes:
        _keep_version(acting, item)
        transaction.on_commit(lambda: search.index_item(item))
    return item


SLOTS = ("flow_chart", "result_sample", "blank_form", "sample")


@transaction.atomic
def attach_file(
    actor: User,
    item: ServiceItem,
    uploaded_file: "UploadedFile[bytes]",
    *,
    slot: str,
    material: ServiceMaterial | int | None = None,
) -> ServiceItem:
    """Attach a file to the guide: the flow chart (an image), the sample of the result,
    or a material's blank form or filled sample. Stored through core.attachments."""
    item = _locked(item)
    acting = permissions.require(actor, "services.edit_item", item)
    if slot not in SLOTS:
        raise Invalid(_("Choose where the file belongs."), field="slot")
    target: ServiceItem | ServiceMaterial = item
    if slot in ("blank_form", "sample"):
        material_pk = _int_or_none(
            material.pk if isinstance(material, ServiceMaterial) else material
        )
        found = item.materials.filter(pk=material_pk).first() if material_pk is not None else None
        if found is None:
            raise Invalid(_("Choose one of this guide's materials."), field="material")
        target = found
    allowed = IMAGE_TYPES if slot == "flow_chart" else FILE_TYPES
    attachment = store_upload(acting, uploaded_file, unit=item.unit, owner=item, allowed=allowed)
    old = getattr(target, f"{slot}_id")
    setattr(target, slot, attachment)
    target.save(update_fields=[slot])
    item.revision += 1
    item.updated_by = acting.person
    item.save(update_fields=["revision", "updated_by", "updated_at"])
    audit.record(
        acting,
        "services.item.attach",
        item,
        unit=item.unit,
        changes={
            f"{slot}" + (f"[{target.pk}]" if target is not item else ""): [old, attachment.pk]
        },
    )
    if item.state == ItemState.PUBLISHED:
        _keep_version(acting, item)
    return item


@transaction.atomic
def publish_item(actor: User, item: ServiceItem) -> ServiceItem:
    """Publish a guide on the website (/bsfw/sx/...) and in the site search. Refused,
    naming each one, while any of the 8 key elements is missing (§5.2)."""
    item = _locked(item)
    acting = permissions.require(actor, "services.publish_item", item)
    if item.state == ItemState.PUBLISHED:
        raise Conflict(_("This guide is already published."))
    missing = missing_elements(item)
    if missing:
        raise Invalid(_missing_message(missing), code="key_element_missing")
    old_state = item.state
    item.state = ItemState.PUBLISHED
    item.revision += 1
    item.updated_by = acting.person
    item.save(update_fields=["state", "revision", "updated_by", "updated_at"])
    _keep_version(acting, item)
    audit.record(
        acting,
        "services.item.publish",
        item,
        unit=item.unit,
        changes={"state": [old_state, item.state], "version": [None, item.version]},
    )
    workitems.close_items_for(item, kind=COMPLETE_GUIDE_KIND, actor=acting)
    transaction.on_commit(lambda: search.index_item(item))
    return item


@transaction.atomic
def withdraw_item(actor: User, item: ServiceItem, *, reason: str) -> ServiceItem:
    """Take a published guide off the website (the matter was abolished or moved to
    another unit); its published versions are kept."""
    item = _locked(item)
    acting = permissions.require(actor, "services.publish_item", item)
    if item.state != ItemState.PUBLISHED:
        raise Conflict(_("Only a published guide can be withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the guide is withdrawn."), field="reason")
    item.state = ItemState.WITHDRAWN
    item.revision += 1
    item.updated_by = acting.person
    item.save(update_fields=["state", "revision", "updated_by", "updated_at"])
    audit.record(
        acting,
        "services.item.withdraw",
        item,
        unit=item.unit,
        changes={"state": [ItemState.PUBLISHED, item.state], "reason": reason},
    )
    workitems.close_items_for(item, kind=COMPLETE_GUIDE_KIND, actor=acting, state="cancelled")
    transaction.on_commit(lambda: search.index_item(item))
    return item


@transaction.atomic
def flag_incomplete_guide(actor: User | None, item: ServiceItem) -> WorkItem | None:
    """Open a "complete the guide" work item for the implementing unit when the check
    finds a key element missing (none when one is already open). Returns the open
    item, or None when the guide is complete. `actor` None: the nightly check."""
    problems = missing_elements(item)
    if not problems:
        return None
    existing = WorkItem.objects.filter(
        kind=COMPLETE_GUIDE_KIND,
        state="open",
        subject_type__app_label="services",
        subject_id=str(item.pk),
    ).first()
    if existing:
        return existing
    opened: WorkItem = workitems.open_work_item(
        actor,
        kind=COMPLETE_GUIDE_KIND,
        title=_("Complete the service guide: %(name)s") % {"name": item.name or item.pk},
        assignee_unit=item.unit,
        subject=item,
        url=item_url(item),
        due_in_working_days=COMPLETE_GUIDE_DAYS,
    )
    return opened


def flag_all_incomplete_guides() -> int:
    """Run the check over every published guide; open a work item for each one lacking
    a key element. Returns how many guides lack one."""
    from .selectors import public_items

    count = 0
    for item in public_items().prefetch_related("materials", "steps"):
        if flag_incomplete_guide(None, item):
            count += 1
    return count
