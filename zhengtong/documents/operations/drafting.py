"""Drafting (拟稿): create and edit a draft, check the elements of a document (§1.5
Art. 19), and keep its versions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhengtong.core import audit
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.org import permissions
from zhengtong.org.models import Unit, UnitKind, User

from ..models import (
    DEFAULT_DIRECTION,
    FIXED_DIRECTION,
    Direction,
    DocState,
    DocType,
    Document,
    DocumentVersion,
    Urgency,
)
from ..search import index_document
from .common import _refuse_classified, _trail, clean_body


def _is_subordinate(unit: Unit, issuer: Unit) -> bool:
    """Is `unit` below `issuer`? Units below it in the tree, and towns for the county
    government and committee (the towns are led by them)."""
    if issuer.pk in {u.pk for u in unit.ancestors()}:
        return True
    return unit.kind == UnitKind.TOWN and issuer.kind in (UnitKind.GOVERNMENT, UnitKind.COMMITTEE)


def check_elements(document: Document, *, signer: User | None = None) -> None:
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


def _set_joint_units(document: Document, joint_units: Iterable[Unit]) -> None:
    """联合行文: same-level organs only, never the lead unit itself or its sections (§1.3)."""
    joint = list(joint_units)
    if any(u.pk == document.issuing_unit_id or u.kind == UnitKind.SECTION for u in joint):
        raise Invalid(
            _("Joint issuing units are other units of the same level."), field="joint_units"
        )
    document.joint_units.set(joint)


def _check_draft_fields(**fields: Any) -> None:
    """The values a draft's fields may take (both create_draft and update_draft)."""
    if "doc_type" in fields and fields["doc_type"] not in DocType.values:
        raise Invalid(_("Choose one of the 15 document types."), field="doc_type")
    if "urgency" in fields and fields["urgency"] not in Urgency.values:
        raise Invalid(_("Unknown urgency."), field="urgency")
    if fields.get("direction") and fields["direction"] not in Direction.values:
        raise Invalid(_("Unknown direction."), field="direction")
    if "title" in fields and not (fields["title"] or "").strip():
        raise Invalid(_("A document needs a title."), field="title")


def _may_draft(actor: Any, unit: Unit) -> Any:
    return permissions.require(actor, "documents.draft", None, unit=unit)


@transaction.atomic
def create_draft(
    actor: Any,
    *,
    issuing_unit: Unit,
    doc_type: str,
    title: str,
    body: str = "",
    direction: str | None = None,
    urgency: str = "",
    classification: str = "",
    main_recipients: Iterable[Unit] = (),
    copy_recipients: Iterable[Unit] = (),
    attachment_note: str = "",
    note: str = "",
    joint_units: Iterable[Unit] = (),
) -> Document:
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
    actor: Any,
    document: Document,
    *,
    main_recipients: Iterable[Unit] | None = None,
    copy_recipients: Iterable[Unit] | None = None,
    joint_units: Iterable[Unit] | None = None,
    classification: str = "",
    **fields: Any,
) -> Document:
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


# --- versions -----------------------------------------------------------------------


def _save_version(document: Document, acting: Any) -> DocumentVersion:
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return DocumentVersion.objects.create(
        document=document,
        number=last + 1,
        title=document.title,
        body=document.body,
        saved_by=getattr(acting, "person", acting),
    )


def _paragraphs(html: str | None) -> list[str]:
    text = re.sub(r"</(p|h[2-5]|tr)>", "\n", html or "")
    text = re.sub(r"<[^>]+>", "", text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def version_diff(older: DocumentVersion, newer: DocumentVersion) -> list[tuple[str, str]]:
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
