"""Shared parts of the documents operations: the body's allowed tags and cleaner, the
refusal of classified material (STANDARDS.md §10.3), the document's own trail and URL.
"""

from __future__ import annotations

import re
from typing import Any

import nh3
from django.utils.translation import gettext as _

from zhengtong.core import counters
from zhengtong.core.errors import Invalid
from zhengtong.org.models import Unit

from ..models import (
    Classification,
    Document,
    NumberCounter,
    StepKind,
    TrailEntry,
)

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
WORK_ITEM_KIND: dict[str, str] = {
    StepKind.REVIEW: "documents.review",
    StepKind.COUNTERSIGN: "documents.countersign",
    StepKind.OFFICE_REVIEW: "documents.office_review",
    StepKind.SIGN_OFF: "documents.sign_off",
}
SIGN_FOR_KIND = "documents.sign_for"
PROPOSE_KIND = "documents.propose"
INSTRUCT_KIND = "documents.instruct"
HANDLE_KIND = "documents.handle"
READ_KIND = "documents.read"
CLOSE_KIND = "documents.close_incoming"


def document_url(document: Document) -> str:
    return f"/oa/documents/{document.pk}/"


def _trail(
    document: Document, action: str, acting: Any, *, unit: Unit | None = None, opinion: str = ""
) -> None:
    TrailEntry.objects.create(
        document=document,
        action=action,
        actor=getattr(acting, "person", acting),
        on_behalf_of=getattr(acting, "on_behalf_of", None),
        unit=unit,
        opinion=opinion,
    )


def _refuse_classified(classification: str | None, *texts: str | None) -> None:
    """§10.3 (保守国家秘密法 Art. 31): classified material may not be stored or processed
    on a networked, non-classified system. Refused by field and by marks like 秘密★."""
    if classification and classification != Classification.NONE:
        raise Invalid(_classified_message(), code="classified", field="classification")
    for text in texts:
        if text and CLASSIFIED_MARK.search(text):
            raise Invalid(_classified_message(), code="classified")


def _classified_message() -> str:
    return _(
        "Classified documents (秘密, 机密, 绝密) may not be handled on this networked system: "
        "use the classified channel (机要) instead. Nothing was saved."
    )


def clean_body(html: str | None) -> str:
    return nh3.clean(
        html or "",
        tags=BODY_TAGS,
        attributes={"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
    )


def take_number(prefix: str, year: int) -> int:
    """The next number for `prefix` in `year`: from 1 each year, never reused, never
    skipped, from a locked counter row (core/counters.py), so simultaneous sign-offs get
    consecutive numbers. Call inside the issuing transaction: if issuing fails, the
    number is not taken."""
    return int(
        counters.take_next(
            NumberCounter,
            _("Could not take a document number; please try again."),
            prefix=prefix,
            year=year,
        )
    )
