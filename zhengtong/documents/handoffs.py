"""Documents' side of the hand-off to the website (docs/architecture.md, the dependency
rule): the disclosure source the website asks about issued documents marked 主动公开.
Registered in `DocumentsConfig.ready()`; the website never imports this app."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from zhengtong.core.handoffs import DisclosedDocument, DocumentTexts

from .models import DisclosureHandoff, DocState


def _handoff(handoff: Model) -> DisclosureHandoff:
    if not isinstance(handoff, DisclosureHandoff):
        raise TypeError(f"Not a disclosure hand-off: {handoff!r}")
    return handoff


class DocumentsDisclosureSource:
    """`core.handoffs.DisclosureSource` over `DisclosureHandoff`."""

    def pending(self) -> QuerySet[Any]:
        from . import services  # looked up at call time (tests replace it)

        return services.pending_disclosures()

    def get(self, pk: int, *, lock: bool = False) -> Model:
        rows = DisclosureHandoff.objects.select_related("document", "document__issuing_unit")
        if lock:
            rows = rows.select_for_update()
        return rows.get(pk=pk)

    def for_document(self, document_id: int) -> Model | None:
        return DisclosureHandoff.objects.filter(document_id=document_id).first()

    def describe(self, handoff: Model) -> DisclosedDocument:
        row = _handoff(handoff)
        document = row.document
        return DisclosedDocument(
            document_id=document.pk,
            handoff_id=row.pk,
            title=document.title,
            number=document.number,
            issuing_unit_id=document.issuing_unit_id,
            issuing_unit_name=document.issuing_unit.name,
            doc_type_label=str(document.get_doc_type_display()),
            disclosure_label=str(document.get_disclosure_display()),
            issued=document.state == DocState.ISSUED,
            signed_at=document.signed_at,
            issued_at=document.issued_at,
            queued_at=row.queued_at,
            taken_at=row.taken_at,
            taken_ref=row.taken_ref,
            plain_text=" ".join(
                [document.title, document.body or "", document.attachment_note or ""]
            ),
        )

    def texts(self, handoff: Model) -> DocumentTexts:
        from .layout import document_texts

        texts = document_texts(_handoff(handoff).document)
        return DocumentTexts(
            recipients=texts.recipients or "",
            body=texts.body,
            attachments=tuple((str(num), str(name)) for num, name in texts.attachments),
            signatures=tuple(str(s) for s in texts.signatures),
            date=texts.date or "",
            has_date=bool(texts.day),
            note=texts.note or "",
        )

    def pdf(self, handoff: Model) -> bytes:
        from .layout import render_pdf

        pdf: bytes = render_pdf(_handoff(handoff).document)
        return pdf

    def mark_taken(self, handoff: Model, *, ref: str) -> None:
        from . import services  # looked up at call time (tests replace it)

        services.mark_disclosure_taken(_handoff(handoff), ref=ref)


def register() -> None:
    """Fill the kernel's disclosure source (called from `DocumentsConfig.ready()`)."""
    from zhengtong.core.handoffs import DISCLOSURE_SOURCE

    DISCLOSURE_SOURCE.register(DocumentsDisclosureSource())
