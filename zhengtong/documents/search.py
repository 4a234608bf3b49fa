"""Official documents in the shared search index (search/engine.py). Entries belong to
the issuing unit; others see them when the documents' own view rule says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import strip_tags

from zhengtong.org import permissions
from zhengtong.search import engine

if TYPE_CHECKING:
    from .models import Document

OBJECT_TYPE = "documents.document"


def index_document(document: Document) -> None:
    """Put the document (again) in the shared index, with its number once it has one."""
    engine.index(
        OBJECT_TYPE,
        document.pk,
        title=f"{document.number} {document.title}".strip(),
        text=strip_tags(document.body or ""),
        url=f"/oa/documents/{document.pk}/",
        unit=document.issuing_unit,
        public=False,
        date=(document.issued_at or document.created_at).date(),
    )


def _visible(person, entries):
    from .models import Document

    ids = [int(e.object_id) for e in entries]
    documents = {d.pk: d for d in Document.objects.filter(pk__in=ids)}
    return {
        e.pk
        for e in entries
        if (doc := documents.get(int(e.object_id)))
        and permissions.may(person, "documents.document.view", doc)
    }


engine.register_visibility(OBJECT_TYPE, _visible)
