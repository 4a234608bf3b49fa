"""Archive (归档, §1.6): file documents and incoming records, export a year's archive."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.org import permissions
from zhengtong.org.models import Unit

from ..models import (
    ArchiveEntry,
    DocState,
    Document,
    IncomingRecord,
    IncomingState,
    Retention,
)
from .common import _trail, take_number
from .incoming import _incoming_for_update

# --- archive (归档, §1.6) -------------------------------------------------------------


def fonds_of(unit: Unit) -> str:
    """全宗号: the unit's organisation code (positions 9–17 of its credit code) or, for a
    unit without one, a stable code from its id."""
    return unit.code[8:17] if len(unit.code) == 18 else f"Z{unit.pk:04d}"


def _archive(
    acting: Any,
    unit: Unit,
    *,
    title: str,
    retention: str,
    year: int,
    document: Document | None = None,
    incoming: IncomingRecord | None = None,
    is_original: bool = True,
) -> ArchiveEntry:
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
def archive_document(actor: Any, document: Document, *, retention: str) -> ArchiveEntry:
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
def archive_incoming(actor: Any, record: IncomingRecord, *, retention: str) -> ArchiveEntry:
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


def _entry_date(document: Document | None, source: IncomingRecord | None) -> str:
    """The date column of the archive sheet: the issue date of a document, else the
    receipt date of an incoming record."""
    if document is not None:
        return (
            timezone.localtime(document.issued_at).date().isoformat() if document.issued_at else ""
        )
    if source is not None:
        return timezone.localtime(source.received_at).date().isoformat()
    return ""


def export_archive(actor: Any, unit: Unit, year: int) -> bytes:
    """A year's archive of a unit as a zip: one PDF per item in the national layout
    (named by its archive number) and a metadata sheet (CSV, UTF-8 with BOM so Excel
    and WPS open it) with 档号, 题名, 文号, 责任者, 日期, 保管期限 and original/copy."""
    import csv
    import io
    import zipfile

    from .. import layout

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
                    _entry_date(document, source),
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
