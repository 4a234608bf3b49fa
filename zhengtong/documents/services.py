"""Operations on official documents: draft, submit along a route, review, countersign,
office review, sign-off, issue (number + distribute), sign for, withdraw.

Each takes the acting person first, checks permission through `org.permissions`,
changes state in one transaction, writes the audit trail and the document's own trail,
and opens or closes work items through the kernel. Rules: STANDARDS.md §1 (公文处理工作
条例) and §10.3 (no classified material on this system).
"""

import re

import nh3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit, counters, handoffs, workitems
from zhengtong.core.errors import Conflict, Invalid, NotFound, NotPermitted
from zhengtong.core.models import WorkItem
from zhengtong.org import permissions
from zhengtong.org.models import Unit, UnitKind

from .models import (
    DEFAULT_DIRECTION,
    FIXED_DIRECTION,
    ArchiveEntry,
    Classification,
    Direction,
    Disclosure,
    DisclosureHandoff,
    Distribution,
    DocState,
    DocType,
    Document,
    DocumentVersion,
    HandlingTask,
    IncomingRecord,
    IncomingState,
    NumberCounter,
    RecipientKind,
    Retention,
    RouteDefault,
    RouteStep,
    StepKind,
    StepState,
    TrailEntry,
    Urgency,
)
from .search import index_document

# Tags the layout supports: headings of the four levels, paragraphs, tables (§2.4).
BODY_TAGS = {
    "h2",
    "h3",
    "h4",
    "h5",
    "p",
    "br",
    "strong",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
CLASSIFIED_MARK = re.compile(r"(绝密|机密|秘密)\s*★")
WORK_ITEM_KIND = {
    StepKind.REVIEW: "documents.review",
    StepKind.COUNTERSIGN: "documents.countersign",
    StepKind.OFFICE_REVIEW: "documents.office_review",
    StepKind.SIGN_OFF: "documents.sign_off",
}
SIGN_FOR_KIND = "documents.sign_for"


def document_url(document):
    return f"/oa/documents/{document.pk}/"


def _trail(document, action, acting, *, unit=None, opinion=""):
    TrailEntry.objects.create(
        document=document,
        action=action,
        actor=getattr(acting, "person", acting),
        on_behalf_of=getattr(acting, "on_behalf_of", None),
        unit=unit,
        opinion=opinion,
    )


def _refuse_classified(classification, *texts):
    """§10.3 (保守国家秘密法 Art. 31): classified material may not be stored or processed
    on a networked, non-classified system. Refused by field and by marks like 秘密★."""
    if classification and classification != Classification.NONE:
        raise Invalid(_classified_message(), code="classified", field="classification")
    for text in texts:
        if text and CLASSIFIED_MARK.search(text):
            raise Invalid(_classified_message(), code="classified")


def _classified_message():
    return _(
        "Classified documents (秘密, 机密, 绝密) may not be handled on this networked system: "
        "use the classified channel (机要) instead. Nothing was saved."
    )


def clean_body(html):
    return nh3.clean(
        html or "",
        tags=BODY_TAGS,
        attributes={"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
    )


def _is_subordinate(unit, issuer):
    """Is `unit` below `issuer`? Units below it in the tree, and towns for the county
    government and committee (the towns are led by them)."""
    if issuer.pk in {u.pk for u in unit.ancestors()}:
        return True
    return unit.kind == UnitKind.TOWN and issuer.kind in (UnitKind.GOVERNMENT, UnitKind.COMMITTEE)


def check_elements(document, *, signer=None):
    """The element and 行文 rules of the type and direction (Arts. 9, 13–17; §1.2–§1.3).
    Raises Invalid naming the first rule broken."""
    if not document.title.strip():
        raise Invalid(_("A document needs a title."), field="title")
    mains = list(document.main_recipients.all())
    copies = list(document.copy_recipients.all())
    if not mains and document.doc_type not in (
        DocType.ANNOUNCEMENT,
        DocType.PUBLIC_NOTICE,
        DocType.COMMUNIQUE,
        DocType.MINUTES,
        DocType.ORDER,
    ):
        raise Invalid(_("Choose at least one main recipient (主送机关)."), field="main_recipients")
    if document.doc_type == DocType.REQUEST:
        if len(mains) != 1:
            raise Invalid(_("A 请示 has exactly one main recipient."), field="main_recipients")
        if any(_is_subordinate(u, document.issuing_unit) for u in copies):
            raise Invalid(
                _("A 请示 is never copied to a subordinate unit."), field="copy_recipients"
            )
    if document.direction == Direction.UP and signer is None:
        raise Invalid(_("An upward document needs its signer (签发人)."), field="signer")


def _set_joint_units(document, joint_units):
    """联合行文: same-level organs only, never the lead unit itself or its sections (§1.3)."""
    joint = list(joint_units)
    if any(u.pk == document.issuing_unit_id or u.kind == UnitKind.SECTION for u in joint):
        raise Invalid(
            _("Joint issuing units are other units of the same level."), field="joint_units"
        )
    document.joint_units.set(joint)


def _check_draft_fields(**fields):
    """The values a draft's fields may take (both create_draft and update_draft)."""
    if "doc_type" in fields and fields["doc_type"] not in DocType.values:
        raise Invalid(_("Choose one of the 15 document types."), field="doc_type")
    if "urgency" in fields and fields["urgency"] not in Urgency.values:
        raise Invalid(_("Unknown urgency."), field="urgency")
    if fields.get("direction") and fields["direction"] not in Direction.values:
        raise Invalid(_("Unknown direction."), field="direction")
    if "title" in fields and not (fields["title"] or "").strip():
        raise Invalid(_("A document needs a title."), field="title")


def _may_draft(actor, unit):
    return permissions.require(actor, "documents.draft", None, unit=unit)


@transaction.atomic
def create_draft(
    actor,
    *,
    issuing_unit,
    doc_type,
    title,
    body="",
    direction=None,
    urgency="",
    classification="",
    main_recipients=(),
    copy_recipients=(),
    attachment_note="",
    note="",
    joint_units=(),
):
    """Start a draft (拟稿) in the person's unit (§1.4 Art. 19)."""
    acting = _may_draft(actor, issuing_unit)
    _refuse_classified(classification, title, body, attachment_note, note)
    _check_draft_fields(doc_type=doc_type, title=title, urgency=urgency, direction=direction)
    if doc_type in FIXED_DIRECTION or not direction:
        direction = DEFAULT_DIRECTION.get(doc_type, Direction.DOWN)
    document = Document.objects.create(
        doc_type=doc_type,
        direction=direction,
        title=title.strip(),
        body=clean_body(body),
        issuing_unit=issuing_unit,
        drafter=acting.person,
        urgency=urgency,
        attachment_note=attachment_note,
        note=note,
    )
    document.main_recipients.set(main_recipients)
    document.copy_recipients.set(copy_recipients)
    _set_joint_units(document, joint_units)
    _save_version(document, acting)
    index_document(document)
    _trail(document, "draft", acting, unit=issuing_unit)
    audit.record(
        acting,
        "documents.draft",
        document,
        unit=issuing_unit,
        changes={"title": [None, document.title], "doc_type": [None, doc_type]},
    )
    return document


EDITABLE = ["title", "body", "doc_type", "direction", "urgency", "attachment_note", "note"]


@transaction.atomic
def update_draft(
    actor,
    document,
    *,
    main_recipients=None,
    copy_recipients=None,
    joint_units=None,
    classification="",
    **fields,
):
    """Change a draft. Only drafts change; after sign-off a change needs the signer
    again (§1.5 复核), so an issued or signed document is refused here."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    acting = permissions.require(actor, "documents.edit", document)
    if document.state != DocState.DRAFT:
        raise Conflict(_("Only a draft can be changed; send it back first."))
    texts = (str(fields.get(k, "")) for k in ("title", "body", "attachment_note", "note"))
    _refuse_classified(classification, *texts)
    _check_draft_fields(
        **{k: v for k, v in fields.items() if k in ("doc_type", "urgency", "direction", "title")}
    )
    if "title" in fields:
        fields["title"] = fields["title"].strip()
    before = {k: getattr(document, k) for k in EDITABLE}
    for key, value in fields.items():
        if key not in EDITABLE:
            raise Invalid(_("This field cannot be changed here."), field=key)
        setattr(document, key, clean_body(value) if key == "body" else value)
    if document.doc_type in FIXED_DIRECTION:
        document.direction = DEFAULT_DIRECTION[document.doc_type]
    document.save()
    if document.title != before["title"] or document.body != before["body"]:
        _save_version(document, acting)
        index_document(document)
    if main_recipients is not None:
        document.main_recipients.set(main_recipients)
    if copy_recipients is not None:
        document.copy_recipients.set(copy_recipients)
    if joint_units is not None:
        _set_joint_units(document, joint_units)
    audit.record(
        acting,
        "documents.update",
        document,
        unit=document.issuing_unit,
        changes=audit.diff(before, {k: getattr(document, k) for k in EDITABLE}),
    )
    return document


def _check_route(document, reviewer, countersigners, office_reviewer, signer):
    """Who may take each step (rules in documents/rules.py)."""
    if not permissions.rule_holds(
        "documents.can_review", reviewer, document, document.issuing_unit
    ):
        raise Invalid(_("The reviewer must be a head of the issuing unit."), field="reviewer")
    if len({unit.pk for unit, _person in countersigners}) != len(countersigners):
        raise Invalid(_("Each unit countersigns once."), field="countersigners")
    for unit, person in countersigners:
        if unit.pk == document.issuing_unit_id:
            raise Invalid(_("Countersigning is for other units."), field="countersigners")
        if not permissions.rule_holds("documents.can_countersign", person, document, unit):
            raise Invalid(
                _("%(name)s cannot countersign for %(unit)s.")
                % {"name": person, "unit": unit.name},
                field="countersigners",
            )
    if office_reviewer is not None and not permissions.rule_holds(
        "documents.can_office_review", office_reviewer, document, None
    ):
        raise Invalid(
            _("The office review is done by a member of an office (办公室)."),
            field="office_reviewer",
        )
    if not permissions.rule_holds(
        "documents.can_sign_off", signer, document, document.issuing_unit
    ):
        raise Invalid(
            _("%(name)s has no authority to sign off this document.") % {"name": signer},
            field="signer",
        )


@transaction.atomic
def submit(
    actor, document, *, reviewer, signer, countersigners=(), office_reviewer=None, joint_signers=()
):
    """Send a draft along its route: review (核稿) by the unit head → countersign (会签) by
    other units in parallel → office review (复核) → sign-off (签发). A joint document is
    signed off by a leader of every issuing unit (`joint_signers`: (unit, person) for
    each joint unit), in parallel. The route is stored with the document (§1.4 Arts.
    19–22)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    acting = permissions.require(actor, "documents.edit", document)
    if document.state != DocState.DRAFT:
        raise Conflict(_("This document has already been submitted."))
    check_elements(document, signer=signer)
    _check_route(document, reviewer, countersigners, office_reviewer, signer)
    _check_joint_signers(document, joint_signers)
    last_round = document.route.order_by("-round").values_list("round", flat=True).first() or 0
    rnd = last_round + 1
    steps = [(StepKind.REVIEW, document.issuing_unit, reviewer)]
    steps += [(StepKind.COUNTERSIGN, unit, person) for unit, person in countersigners]
    if office_reviewer is not None:
        office = office_reviewer.units.filter(kind=UnitKind.OFFICE).first()
        steps.append((StepKind.OFFICE_REVIEW, office, office_reviewer))
    steps.append((StepKind.SIGN_OFF, document.issuing_unit, signer))
    steps += [(StepKind.SIGN_OFF, unit, person) for unit, person in joint_signers]
    order = {
        StepKind.REVIEW: 1,
        StepKind.COUNTERSIGN: 2,
        StepKind.OFFICE_REVIEW: 3,
        StepKind.SIGN_OFF: 4,
    }
    for kind, unit, person in steps:
        RouteStep.objects.create(
            document=document, order=order[kind], kind=kind, unit=unit, assignee=person, round=rnd
        )
    document.state = DocState.IN_ROUTE
    document.save(update_fields=["state", "updated_at"])
    _trail(document, "submit", acting, unit=document.issuing_unit)
    audit.record(
        acting,
        "documents.submit",
        document,
        unit=document.issuing_unit,
        changes={"state": [DocState.DRAFT, DocState.IN_ROUTE], "round": [None, rnd]},
    )
    _open_next(document, rnd)
    return document


def _check_joint_signers(document, joint_signers):
    """Every joint issuing unit signs off in its own right (Art. 22: 联合行文 is co-signed
    by the leaders of all issuing organs)."""
    joint = {u.pk for u in document.joint_units.all()}
    given = [unit.pk for unit, _person in joint_signers]
    if sorted(given) != sorted(joint):
        raise Invalid(_("Choose one signer for each joint issuing unit."), field="joint_signers")
    for unit, person in joint_signers:
        if not permissions.rule_holds("documents.can_sign_off", person, document, unit):
            raise Invalid(
                _("%(name)s has no authority to sign off for %(unit)s.")
                % {"name": person, "unit": unit.name},
                field="joint_signers",
            )


def _due_days(document):
    base = getattr(settings, "DOCUMENT_STEP_DAYS", 2)
    return 1 if document.urgency in (Urgency.URGENT, Urgency.EXTRA_URGENT) else base


def _open_next(document, rnd):
    """Make the next group of waiting steps pending and give each assignee a work item."""
    waiting = document.route.filter(round=rnd, state=StepState.WAITING)
    first = waiting.order_by("order").values_list("order", flat=True).first()
    if first is None:
        return []
    opened = []
    for step in waiting.filter(order=first).select_related("assignee"):
        step.state = StepState.PENDING
        step.save(update_fields=["state"])
        workitems.open_work_item(
            None,
            kind=WORK_ITEM_KIND[step.kind],
            title=f"{step.get_kind_display()}：{document.title}",
            assignee_user=step.assignee,
            subject=document,
            url=document_url(document),
            due_in_working_days=_due_days(document),
            unit=step.unit,
        )
        opened.append(step)
    return opened


def pending_step_for(actor, document):
    """The pending step `actor` may act on (their own, or a delegator's)."""
    for step in document.route.filter(state=StepState.PENDING).select_related("assignee", "unit"):
        acting = permissions.may(actor, "documents.act_on_step", step)
        if acting:
            return step, acting
    return None, None


@transaction.atomic
def approve(actor, document, *, opinion="", disclosure="", disclosure_reason=""):
    """Approve the step waiting for `actor`: review, countersign, office review or
    sign-off. At sign-off the signer writes an opinion (a circle-mark 圈阅 — an empty
    opinion — counts as consent, Art. 22) and decides on disclosure."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.state != DocState.IN_ROUTE:
        raise Conflict(_("This document is not waiting for anyone's approval."))
    step, acting = pending_step_for(actor, document)
    if step is None:
        raise NotPermitted(_("Nothing on this document is waiting for you."))
    lead_sign_off = step.kind == StepKind.SIGN_OFF and step.unit_id == document.issuing_unit_id
    if lead_sign_off:
        if disclosure not in (
            Disclosure.PROACTIVE,
            Disclosure.ON_REQUEST,
            Disclosure.NOT_DISCLOSED,
        ):
            raise Invalid(_("Decide whether the document is disclosed."), field="disclosure")
        if disclosure == Disclosure.NOT_DISCLOSED and not disclosure_reason.strip():
            raise Invalid(_("Give the reason it is not disclosed."), field="disclosure_reason")
    step.state = StepState.APPROVED
    step.acted_at = timezone.now()
    step.acted_by = acting.person
    step.on_behalf_of = acting.on_behalf_of
    step.opinion = opinion.strip() or "圈阅"  # a circle-mark counts as consent (Art. 22)
    step.save()
    workitems.close_items_for(
        document, kind=WORK_ITEM_KIND[step.kind], actor=acting, assignee_user=step.assignee
    )
    _trail(document, step.kind, acting, unit=step.unit, opinion=step.opinion)
    audit.record(
        acting,
        f"documents.{step.kind}",
        document,
        unit=step.unit,
        changes={"step": [StepState.PENDING, StepState.APPROVED], "opinion": [None, step.opinion]},
    )
    if lead_sign_off:
        document.signer = step.assignee
        document.disclosure = disclosure
        document.disclosure_reason = disclosure_reason.strip()
        document.save(update_fields=["signer", "disclosure", "disclosure_reason", "updated_at"])
    if (
        step.kind == StepKind.SIGN_OFF
        and not document.route.filter(
            round=step.round, kind=StepKind.SIGN_OFF, state=StepState.PENDING
        ).exists()
    ):
        # 成文日期 of a joint document is the date of the last sign-off (Art. 9, §1.2).
        document.state = DocState.SIGNED
        document.signed_at = step.acted_at
        document.save(
            update_fields=[
                "state",
                "signer",
                "signed_at",
                "disclosure",
                "disclosure_reason",
                "updated_at",
            ]
        )
        workitems.open_work_item(
            None,
            kind="documents.issue",
            title=_("Issue: %(title)s") % {"title": document.title},
            assignee_unit=document.issuing_unit,
            subject=document,
            url=document_url(document),
            due_in_working_days=1,
        )
    elif not document.route.filter(
        round=step.round, order=step.order, state=StepState.PENDING
    ).exists():
        _open_next(document, step.round)
    return document


@transaction.atomic
def send_back(actor, document, *, reason):
    """Any step can send the draft back to the drafting unit with reasons (Art. 21)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.state != DocState.IN_ROUTE:
        raise Conflict(_("This document is not waiting for anyone's approval."))
    step, acting = pending_step_for(actor, document)
    if step is None:
        raise NotPermitted(_("Nothing on this document is waiting for you."))
    if not (reason or "").strip():
        raise Invalid(_("Say why it is sent back."), field="reason")
    now = timezone.now()
    step.state, step.acted_at, step.acted_by = StepState.RETURNED, now, acting.person
    step.on_behalf_of, step.opinion = acting.on_behalf_of, reason.strip()
    step.save()
    document.route.filter(
        round=step.round, state__in=[StepState.WAITING, StepState.PENDING]
    ).update(state=StepState.SKIPPED)
    for kind in WORK_ITEM_KIND.values():
        workitems.close_items_for(document, kind=kind, actor=acting, state="cancelled")
    document.state = DocState.DRAFT
    document.save(update_fields=["state", "updated_at"])
    workitems.open_work_item(
        None,
        kind="documents.revise",
        title=_("Sent back: %(title)s") % {"title": document.title},
        assignee_user=document.drafter,
        subject=document,
        url=document_url(document),
        due_in_working_days=_due_days(document),
    )
    _trail(document, "send_back", acting, unit=step.unit, opinion=reason.strip())
    audit.record(
        acting,
        "documents.send_back",
        document,
        unit=step.unit,
        changes={"state": [DocState.IN_ROUTE, DocState.DRAFT], "reason": [None, reason.strip()]},
    )
    return document


# --- numbering and issue ------------------------------------------------------------


def take_number(prefix, year):
    """The next number for `prefix` in `year`: from 1 each year, never reused, never
    skipped, from a locked counter row (core/counters.py), so simultaneous sign-offs get
    consecutive numbers. Call inside the issuing transaction: if issuing fails, the
    number is not taken."""
    return counters.take_next(
        NumberCounter,
        _("Could not take a document number; please try again."),
        prefix=prefix,
        year=year,
    )


def sign_for_days(urgency):
    days = getattr(settings, "DOCUMENT_SIGN_FOR_DAYS", 3)
    if urgency == Urgency.EXTRA_URGENT:
        return 0
    if urgency == Urgency.URGENT:
        return 1
    return days


@transaction.atomic
def issue(actor, document):
    """Number (登记) and distribute (分发) a signed-off document (§1.5 Art. 25). Either
    the document is fully issued, or no number is taken."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    acting = permissions.require(actor, "documents.issue", document)
    if document.state != DocState.SIGNED:
        raise Conflict(
            _("Only a signed-off document can be issued (it may have been issued already).")
        )
    prefix = document.issuing_unit.doc_prefix
    if not prefix:
        raise Invalid(
            _("The issuing unit has no document-number prefix (代字); ask the IT centre.")
        )
    year = timezone.localdate().year
    document.number_prefix, document.number_year = prefix, year
    document.number_seq = take_number(prefix, year)
    document.state = DocState.ISSUED
    document.issued_at = timezone.now()
    document.save(
        update_fields=[
            "number_prefix",
            "number_year",
            "number_seq",
            "state",
            "issued_at",
            "updated_at",
        ]
    )
    workitems.close_items_for(document, kind="documents.issue", actor=acting)
    days = sign_for_days(document.urgency)
    recipients = [(u, RecipientKind.MAIN) for u in document.main_recipients.all()]
    recipients += [(u, RecipientKind.COPY) for u in document.copy_recipients.all()]
    seen = set()
    for unit, kind in recipients:
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        item = workitems.open_work_item(
            None,
            kind=SIGN_FOR_KIND,
            title=_("Sign for: %(number)s %(title)s")
            % {"number": document.number, "title": document.title},
            assignee_unit=unit,
            subject=document,
            url=document_url(document),
            due_in_working_days=days,
            unit=unit,
        )
        Distribution.objects.create(document=document, unit=unit, kind=kind, due_date=item.due_date)
    if document.disclosure == Disclosure.PROACTIVE:
        handoff = DisclosureHandoff.objects.create(document=document)
        # The website opens its "to check" item once the issue is committed.
        handoffs.DISCLOSURE_QUEUED.send_on_commit(
            handoffs.DisclosureQueued(handoff_id=handoff.pk, document_id=document.pk)
        )
    index_document(document)  # now with its number
    _trail(document, "issue", acting, unit=document.issuing_unit, opinion=document.number)
    audit.record(
        acting,
        "documents.issue",
        document,
        unit=document.issuing_unit,
        changes={"number": [None, document.number], "recipients": [None, len(seen)]},
    )
    return document


@transaction.atomic
def sign_for(actor, distribution):
    """A recipient unit's clerk signs for the document (签收), time recorded (§1.5)."""
    distribution = (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("document", "unit")
        .get(pk=distribution.pk)
    )
    acting = permissions.require(actor, "documents.sign_for", distribution, unit=distribution.unit)
    if distribution.signed_for_at is not None:
        raise Conflict(_("This document has already been signed for."))
    distribution.signed_for_at = timezone.now()
    distribution.signed_for_by = acting.person
    distribution.save(update_fields=["signed_for_at", "signed_for_by"])
    document = distribution.document
    workitems.close_items_for(
        document, kind=SIGN_FOR_KIND, actor=acting, assignee_unit=distribution.unit
    )
    _trail(document, "sign_for", acting, unit=distribution.unit)
    # Signing for registers it in the unit's incoming book (签收 → 登记, Art. 24).
    record = _register(
        acting,
        unit=distribution.unit,
        title=document.title,
        source_name=document.issuing_unit.name,
        source_number=document.number,
        distribution=distribution,
    )
    audit.record(
        acting,
        "documents.sign_for",
        document,
        unit=distribution.unit,
        changes={
            "signed_for_at": [None, distribution.signed_for_at],
            "serial": [None, record.serial],
        },
    )
    return distribution


def get_document(actor, pk):
    """A document the person may see, or NotFound (also when they may not)."""
    document = (
        Document.objects.filter(pk=pk).select_related("issuing_unit", "drafter", "signer").first()
    )
    if document is None or not permissions.may(actor, "documents.document.view", document):
        raise NotFound()
    return document


def units_for_choice():
    return Unit.objects.filter(is_active=True).exclude(kind__in=[UnitKind.COUNTY, UnitKind.SECTION])


# --- incoming documents (收文, §1.5 Art. 24) ------------------------------------------

PROPOSE_KIND = "documents.propose"
INSTRUCT_KIND = "documents.instruct"
HANDLE_KIND = "documents.handle"
READ_KIND = "documents.read"
CLOSE_KIND = "documents.close_incoming"


def incoming_url(record):
    return f"/oa/documents/incoming/{record.pk}/"


def _incoming_item(record, kind, title, *, person=None, unit=None, days=1):
    """A work item about an incoming record: for a person, or else for the receiving
    unit (its clerks see it), due in `days` working days."""
    return workitems.open_work_item(
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


def _register(acting, *, unit, title, source_name, source_number="", distribution=None, scan=None):
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
def register_external(actor, *, unit, title, source_name, source_number="", scan=None):
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


def _incoming_for_update(record):
    return (
        IncomingRecord.objects.select_for_update(of=("self",))
        .select_related("unit", "distribution")
        .get(pk=record.pk)
    )


def _require_state(record, *states):
    if record.state not in states:
        raise Conflict(
            _("This incoming document is not at that step (it is %(state)s).")
            % {"state": record.get_state_display()}
        )


def _tell_sender(record, title, body):
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
def return_to_sender(actor, record, *, reason):
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
def propose(actor, record, *, proposal, head):
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
def instruct(actor, record, *, instruction, handlers, readers=(), due_in_working_days=5):
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


def _open_next_reader(record):
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


def pending_task_for(actor, record):
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
def finish_task(actor, record, *, comment=""):
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


def _first_open_reader(record):
    return (
        record.tasks.filter(kind=HandlingTask.Kind.READ, done_at__isnull=True)
        .order_by("order")
        .first()
    )


@transaction.atomic
def close_incoming(actor, record, *, result, reply_to_sender=False):
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


def get_incoming(actor, pk):
    record = IncomingRecord.objects.filter(pk=pk).select_related("unit", "distribution").first()
    if record is None or not permissions.may(actor, "documents.incoming.view", record):
        raise NotFound()
    return record


# --- versions -----------------------------------------------------------------------


def _save_version(document, acting):
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return DocumentVersion.objects.create(
        document=document,
        number=last + 1,
        title=document.title,
        body=document.body,
        saved_by=getattr(acting, "person", acting),
    )


def _paragraphs(html):
    text = re.sub(r"</(p|h[2-5]|tr)>", "\n", html or "")
    text = re.sub(r"<[^>]+>", "", text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def version_diff(older, newer):
    """What changed between two versions, paragraph by paragraph: a list of
    (kind, text) with kind "same", "removed" or "added" — a reviewer's changes as the
    drafter sees them."""
    import difflib

    a = [older.title, *_paragraphs(older.body)]
    b = [newer.title, *_paragraphs(newer.body)]
    result = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            result += [("same", t) for t in a[i1:i2]]
        else:
            result += [("removed", t) for t in a[i1:i2]]
            result += [("added", t) for t in b[j1:j2]]
    return result


# --- withdrawal -----------------------------------------------------------------------


@transaction.atomic
def withdraw(actor, document, *, reason):
    """Withdraw a document (before or after issue). Its number, if it has one, stays
    taken and is listed as withdrawn; recipients are told; open items are cancelled."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    acting = permissions.require(actor, "documents.withdraw", document)
    if document.state == DocState.WITHDRAWN:
        raise Conflict(_("This document has already been withdrawn."))
    if document.archive_entries.exists():
        raise Conflict(_("An archived document cannot be withdrawn."))
    if not (reason or "").strip():
        raise Invalid(_("Say why it is withdrawn."), field="reason")
    before = document.state
    document.state = DocState.WITHDRAWN
    document.save(update_fields=["state", "updated_at"])
    # The website drops it from its queue (or asks for its page to come down) in this
    # same transaction.
    handoffs.DOCUMENT_WITHDRAWN.send(handoffs.DocumentWithdrawn(document_id=document.pk))
    for item in WorkItem.objects.filter(
        subject_id=str(document.pk), state="open", kind__startswith="documents."
    ):
        workitems.close_items_for(document, kind=item.kind, actor=acting, state="cancelled")
    document.route.filter(state__in=[StepState.WAITING, StepState.PENDING]).update(
        state=StepState.SKIPPED
    )
    from zhengtong.core.notifications import notify
    from zhengtong.org.models import User

    for distribution in document.distributions.select_related("unit"):
        for clerk in User.objects.filter(
            role_assignments__role="clerk", role_assignments__unit=distribution.unit, is_active=True
        ):
            notify(
                clerk,
                _("Withdrawn: %(number)s %(title)s")
                % {"number": document.number, "title": document.title},
                body=reason.strip(),
                url=document_url(document),
            )
    _trail(document, "withdraw", acting, unit=document.issuing_unit, opinion=reason.strip())
    audit.record(
        acting,
        "documents.withdraw",
        document,
        unit=document.issuing_unit,
        changes={"state": [before, DocState.WITHDRAWN], "reason": [None, reason.strip()]},
    )
    return document


# --- disclosure hand-off to the website -------------------------------------------------


def pending_disclosures():
    """Issued documents marked 主动公开 that the website has not taken yet, oldest first."""
    return DisclosureHandoff.objects.filter(
        taken_at__isnull=True, document__state=DocState.ISSUED
    ).select_related("document", "document__issuing_unit")


@transaction.atomic
def mark_disclosure_taken(handoff, *, ref):
    """The website has put the document in its catalogue under `ref` (its 索引号)."""
    handoff = DisclosureHandoff.objects.select_for_update().get(pk=handoff.pk)
    if handoff.taken_at is not None:
        raise Conflict(_("This document is already in the catalogue."))
    handoff.taken_at = timezone.now()
    handoff.taken_ref = ref[:100]
    handoff.save(update_fields=["taken_at", "taken_ref"])
    audit.record(
        None,
        "documents.disclosure.taken",
        handoff.document,
        unit=handoff.document.issuing_unit,
        changes={"ref": [None, handoff.taken_ref]},
    )
    return handoff


# --- archive (归档, §1.6) -------------------------------------------------------------


def fonds_of(unit):
    """全宗号: the unit's organisation code (positions 9–17 of its credit code) or, for a
    unit without one, a stable code from its id."""
    return unit.code[8:17] if len(unit.code) == 18 else f"Z{unit.pk:04d}"


def _archive(
    acting, unit, *, title, retention, year, document=None, incoming=None, is_original=True
):
    """File one item under `year`, the document's own year (issued or received), not
    the year it happens to be archived in (DA/T 22-2015)."""
    if retention not in Retention.values:
        raise Invalid(
            _("Choose the retention period (永久, 定期30年, 定期10年)."), field="retention"
        )
    item = take_number(f"档#{unit.pk}#{retention}", year)
    return ArchiveEntry.objects.create(
        unit=unit,
        document=document,
        incoming=incoming,
        is_original=is_original,
        fonds=fonds_of(unit),
        year=year,
        retention=retention,
        item_number=item,
        title=title[:200],
        archived_by=acting.person,
    )


@transaction.atomic
def archive_document(actor, document, *, retention):
    """The issuing (lead) unit files the original of an issued document."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    acting = permissions.require(actor, "documents.archive", document, unit=document.issuing_unit)
    if document.state != DocState.ISSUED:
        raise Conflict(_("Only an issued document is archived."))
    if document.archive_entries.filter(unit=document.issuing_unit).exists():
        raise Conflict(_("This document is already archived."))
    entry = _archive(
        acting,
        document.issuing_unit,
        year=timezone.localtime(document.issued_at).year,
        title=f"{document.number} {document.title}",
        retention=retention,
        document=document,
        is_original=True,
    )
    _trail(document, "archive", acting, unit=document.issuing_unit, opinion=entry.archive_number)
    audit.record(
        acting,
        "documents.archive",
        document,
        unit=document.issuing_unit,
        changes={"archive_number": [None, entry.archive_number]},
    )
    return entry


@transaction.atomic
def archive_incoming(actor, record, *, retention):
    """The receiving unit files a closed incoming document: a copy of a platform
    document (the issuer keeps the original), or the original of a paper one."""
    record = _incoming_for_update(record)
    acting = permissions.require(actor, "documents.propose", record, unit=record.unit)
    if record.state not in (IncomingState.CLOSED, IncomingState.RETURNED):
        raise Conflict(_("Close the document before archiving it."))
    if hasattr(record, "archive_entry"):
        raise Conflict(_("This document is already archived."))
    entry = _archive(
        acting,
        record.unit,
        year=timezone.localtime(record.received_at).year,
        title=f"{record.source_number} {record.title}".strip(),
        retention=retention,
        document=getattr(record.distribution, "document", None),
        incoming=record,
        is_original=record.distribution is None,
    )
    audit.record(
        acting,
        "documents.incoming.archive",
        record,
        unit=record.unit,
        changes={"archive_number": [None, entry.archive_number]},
    )
    return entry


# --- statistics ---------------------------------------------------------------------


def unit_statistics(unit, year):
    """Per unit and year: documents sent, received, signed for on time, and incoming
    documents handled on time — read from the work items, as assessment does."""
    from django.db.models import F, Q

    sent = Document.objects.filter(
        issuing_unit=unit, state=DocState.ISSUED, number_year=year
    ).count()
    received = Distribution.objects.filter(unit=unit, sent_at__year=year)
    sign_for_items = WorkItem.objects.filter(
        kind=SIGN_FOR_KIND, assignee_unit=unit, created_at__year=year, state="done"
    )
    on_time = sign_for_items.filter(
        Q(due_date__isnull=True) | Q(closed_at__date__lte=F("due_date"))
    )
    from django.db.models import CharField
    from django.db.models.functions import Cast

    # WorkItem.subject_id is text (it holds any object's key): compare text with text.
    record_keys = (
        IncomingRecord.objects.filter(unit=unit).annotate(key=Cast("pk", CharField())).values("key")
    )
    handle_items = WorkItem.objects.filter(
        kind=HANDLE_KIND, created_at__year=year, state="done", subject_id__in=record_keys
    )
    handled_on_time = handle_items.filter(
        Q(due_date__isnull=True) | Q(closed_at__date__lte=F("due_date"))
    )
    return {
        "sent": sent,
        "received": received.count(),
        "signed_for": sign_for_items.count(),
        "signed_for_on_time": on_time.count(),
        "handled": handle_items.count(),
        "handled_on_time": handled_on_time.count(),
    }


# --- importing a .docx written in Word or WPS ------------------------------------------

HEADING_LEVELS = [
    (re.compile(r"^[一二三四五六七八九十]+、"), "h2"),
    (re.compile(r"^（[一二三四五六七八九十]+）"), "h3"),
    (re.compile(r"^\d+[.．]"), "h4"),
    (re.compile(r"^（\d+）"), "h5"),
]


def docx_to_html(fileobj):
    """The body of a .docx as the HTML the layout supports: paragraphs, the four heading
    levels recognised by their numbering (一、 （一） 1. （1）, §2.4) and tables."""
    import html as html_lib

    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        source = docx.Document(fileobj)
    except Exception as exc:
        raise Invalid(
            _("This file could not be read as a Word document (.docx)."),
            code="bad_docx",
            field="file",
        ) from exc
    assert isinstance(source, DocxDocument)
    parts = []
    for child in source.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, source).text.strip()
            if not text:
                continue
            level = next((t for pattern, t in HEADING_LEVELS if pattern.match(text)), "p")
            # A numbered level-3/4 line with more text after it is a paragraph in the
            # standard's layout: only short lines become headings.
            if level in ("h4", "h5") and len(text) > 40:
                level = "p"
            parts.append(f"<{level}>{html_lib.escape(text)}</{level}>")
        elif tag == "tbl":
            rows = []
            for row in Table(child, source).rows:
                cells = "".join(f"<td>{html_lib.escape(c.text.strip())}</td>" for c in row.cells)
                rows.append(f"<tr>{cells}</tr>")
            parts.append(f"<table><tbody>{''.join(rows)}</tbody></table>")
    return "".join(parts)


@transaction.atomic
def import_docx(actor, document, uploaded_file):
    """Replace a draft's body with the text of a .docx the clerk wrote in Word or WPS;
    the file itself is kept as an attachment of the document (core.attachments checks
    it) and the change is a new version."""
    from zhengtong.core.attachments import store_upload

    document = Document.objects.select_for_update().get(pk=document.pk)
    permissions.require(actor, "documents.edit", document)
    if document.state != DocState.DRAFT:
        raise Conflict(_("Only a draft can be changed; send it back first."))
    attachment = store_upload(
        actor, uploaded_file, unit=document.issuing_unit, owner=document, allowed={"docx"}
    )
    with attachment.file.open("rb") as handle:
        body = docx_to_html(handle)
    if not body:
        raise Invalid(_("The Word document has no text."), field="file")
    return update_draft(actor, document, body=body)


def export_archive(actor, unit, year):
    """A year's archive of a unit as a zip: one PDF per item in the national layout
    (named by its archive number) and a metadata sheet (CSV, UTF-8 with BOM so Excel
    and WPS open it) with 档号, 题名, 文号, 责任者, 日期, 保管期限 and original/copy."""
    import csv
    import io
    import zipfile

    from . import layout

    acting = permissions.require(actor, "documents.export_archive", None, unit=unit)
    entries = list(
        ArchiveEntry.objects.filter(unit=unit, year=year).select_related(
            "document", "document__issuing_unit", "incoming"
        )
    )
    buffer = io.BytesIO()
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["档号", "题名", "文号", "责任者", "日期", "保管期限", "原件/复制件", "文件"])
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            document = entry.document
            filename = ""
            if document is not None:
                filename = f"{entry.archive_number}.pdf"
                archive.writestr(filename, layout.render_pdf(document))
            source = entry.incoming
            writer.writerow(
                [
                    entry.archive_number,
                    entry.title,
                    document.number if document else (source.source_number if source else ""),
                    document.issuing_unit.name
                    if document
                    else (source.source_name if source else ""),
                    timezone.localtime(document.issued_at if document else source.received_at)
                    .date()
                    .isoformat()
                    if (document and document.issued_at) or source
                    else "",
                    entry.get_retention_display(),
                    "原件" if entry.is_original else "复制件",
                    filename,
                ]
            )
        archive.writestr(f"{fonds_of(unit)}-{year}-目录.csv", "\ufeff" + sheet.getvalue())
    audit.record(
        acting,
        "documents.archive.export",
        unit,
        unit=unit,
        changes={"year": [None, year], "items": [None, len(entries)]},
    )
    return buffer.getvalue()


# --- a change after sign-off (§1.5 Art. 25 复核) -----------------------------------------


@transaction.atomic
def amend_signed(actor, document, *, reason, **fields):
    """Change a signed-off document before it is issued. A substantive change after
    sign-off goes back to the signer(s) for a new sign-off (Art. 25, 复核); the
    change, its reason and the new round are on the trail."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    acting = permissions.require(actor, "documents.edit", document)
    if document.state != DocState.SIGNED:
        raise Conflict(_("Only a signed-off document that is not issued yet can be amended."))
    if not (reason or "").strip():
        raise Invalid(_("Say what changes and why."), field="reason")
    allowed = {"title", "body", "attachment_note", "note"}
    unknown = set(fields) - allowed
    if unknown:
        raise Invalid(_("This field cannot be changed here."), field=sorted(unknown)[0])
    if not fields:
        raise Invalid(_("Nothing to change."))
    _refuse_classified(
        "", *(str(fields.get(k, "")) for k in ("title", "body", "attachment_note", "note"))
    )
    _check_draft_fields(**{k: v for k, v in fields.items() if k == "title"})
    before = {k: getattr(document, k) for k in allowed}
    for key, value in fields.items():
        setattr(document, key, clean_body(value) if key == "body" else value.strip())
    last_round = document.route.order_by("-round").values_list("round", flat=True).first() or 0
    signers = list(
        document.route.filter(round=last_round, kind=StepKind.SIGN_OFF).select_related(
            "unit", "assignee"
        )
    )
    for step in signers:
        RouteStep.objects.create(
            document=document,
            order=4,
            kind=StepKind.SIGN_OFF,
            unit=step.unit,
            assignee=step.assignee,
            round=last_round + 1,
        )
    document.state = DocState.IN_ROUTE
    document.signed_at = None
    document.save()
    _save_version(document, acting)
    index_document(document)
    workitems.close_items_for(document, kind="documents.issue", actor=acting, state="cancelled")
    _trail(document, "amend", acting, unit=document.issuing_unit, opinion=reason.strip())
    audit.record(
        acting,
        "documents.amend",
        document,
        unit=document.issuing_unit,
        changes=audit.diff(before, {k: getattr(document, k) for k in allowed})
        | {"reason": [None, reason.strip()]},
    )
    _open_next(document, last_round + 1)
    return document


# --- default routes ---------------------------------------------------------------------


@transaction.atomic
def set_route_default(
    actor, unit, *, doc_type="", reviewer=None, office_reviewer=None, signer=None
):
    """Record who usually reviews and signs the unit's documents (of one type, or all)."""
    acting = permissions.require(actor, "documents.set_route_default", None, unit=unit)
    if doc_type and doc_type not in DocType.values:
        raise Invalid(_("Choose one of the 15 document types."), field="doc_type")
    if reviewer is not None and not permissions.rule_holds(
        "documents.can_review", reviewer, None, unit
    ):
        raise Invalid(_("The reviewer must be a head of the issuing unit."), field="reviewer")
    if office_reviewer is not None and not permissions.rule_holds(
        "documents.can_office_review", office_reviewer, None, None
    ):
        raise Invalid(
            _("The office review is done by a member of an office (办公室)."),
            field="office_reviewer",
        )
    if signer is not None and not permissions.rule_holds(
        "documents.can_sign_off", signer, None, unit
    ):
        raise Invalid(
            _("%(name)s has no authority to sign off this document.") % {"name": signer},
            field="signer",
        )
    default, _created = RouteDefault.objects.update_or_create(
        unit=unit,
        doc_type=doc_type or "",
        defaults={"reviewer": reviewer, "office_reviewer": office_reviewer, "signer": signer},
    )
    audit.record(
        acting,
        "documents.route_default",
        default,
        unit=unit,
        changes={
            "reviewer": [None, getattr(reviewer, "pk", None)],
            "office_reviewer": [None, getattr(office_reviewer, "pk", None)],
            "signer": [None, getattr(signer, "pk", None)],
        },
    )
    return default


def route_default_for(document):
    """The default route for this document's unit and type (type-specific first)."""
    defaults = RouteDefault.objects.filter(
        unit=document.issuing_unit, doc_type__in=[document.doc_type, ""]
    ).select_related("reviewer", "office_reviewer", "signer")
    return sorted(defaults, key=lambda d: d.doc_type == "")[0] if defaults else None
