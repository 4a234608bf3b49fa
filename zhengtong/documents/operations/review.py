"""The approval route: submit along a route, review, countersign, office review,
sign-off, send back, a change after sign-off (§1.5 Art. 25 复核) and the default routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit, workitems
from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.org import permissions
from zhengtong.org.models import Unit, UnitKind, User

from ..models import (
    Disclosure,
    DocState,
    DocType,
    Document,
    RouteDefault,
    RouteStep,
    StepKind,
    StepState,
    Urgency,
)
from ..search import index_document
from .common import WORK_ITEM_KIND, _refuse_classified, _trail, clean_body, document_url
from .drafting import _check_draft_fields, _save_version, check_elements


def _check_route(
    document: Document,
    reviewer: User | None,
    countersigners: Sequence[tuple[Unit, User]],
    office_reviewer: User | None,
    signer: User | None,
) -> None:
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
    actor: Any,
    document: Document,
    *,
    reviewer: User | None,
    signer: User | None,
    countersigners: Sequence[tuple[Unit, User]] = (),
    office_reviewer: User | None = None,
    joint_signers: Sequence[tuple[Unit, User]] = (),
) -> Document:
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
    steps: list[tuple[str, Any, Any]] = [(StepKind.REVIEW, document.issuing_unit, reviewer)]
    steps += [(StepKind.COUNTERSIGN, unit, person) for unit, person in countersigners]
    if office_reviewer is not None:
        office = office_reviewer.units.filter(kind=UnitKind.OFFICE).first()
        steps.append((StepKind.OFFICE_REVIEW, office, office_reviewer))
    steps.append((StepKind.SIGN_OFF, document.issuing_unit, signer))
    steps += [(StepKind.SIGN_OFF, unit, person) for unit, person in joint_signers]
    order: dict[str, int] = {
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


def _check_joint_signers(document: Document, joint_signers: Sequence[tuple[Unit, User]]) -> None:
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


def _due_days(document: Document) -> int:
    base = getattr(settings, "DOCUMENT_STEP_DAYS", 2)
    return 1 if document.urgency in (Urgency.URGENT, Urgency.EXTRA_URGENT) else base


def _open_next(document: Document, rnd: int) -> list[RouteStep]:
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


def pending_step_for(actor: Any, document: Document) -> tuple[RouteStep | None, Any]:
    """The pending step `actor` may act on (their own, or a delegator's)."""
    for step in document.route.filter(state=StepState.PENDING).select_related("assignee", "unit"):
        acting = permissions.may(actor, "documents.act_on_step", step)
        if acting:
            return step, acting
    return None, None


@transaction.atomic
def approve(
    actor: Any,
    document: Document,
    *,
    opinion: str = "",
    disclosure: str = "",
    disclosure_reason: str = "",
) -> Document:
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
def send_back(actor: Any, document: Document, *, reason: str) -> Document:
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


# --- a change after sign-off (§1.5 Art. 25 复核) -----------------------------------------


@transaction.atomic
def amend_signed(actor: Any, document: Document, *, reason: str, **fields: Any) -> Document:
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
    actor: Any,
    unit: Unit,
    *,
    doc_type: str = "",
    reviewer: User | None = None,
    office_reviewer: User | None = None,
    signer: User | None = None,
) -> RouteDefault | None:
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


def route_default_for(document: Document) -> RouteDefault | None:
    """The default route for this document's unit and type (type-specific first)."""
    defaults = RouteDefault.objects.filter(
        unit=document.issuing_unit, doc_type__in=[document.doc_type, ""]
    ).select_related("reviewer", "office_reviewer", "signer")
    return sorted(defaults, key=lambda d: d.doc_type == "")[0] if defaults else None
