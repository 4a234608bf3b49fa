"""Importing the body of a .docx written in Word or WPS."""

from __future__ import annotations

import re
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from zhengtong.core.archives import check_zip
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.org import permissions

from ..models import (
    DocState,
    Document,
)
from .drafting import update_draft

# --- importing a .docx written in Word or WPS ------------------------------------------

HEADING_LEVELS = [
    (re.compile(r"^[一二三四五六七八九十]+、"), "h2"),
    (re.compile(r"^（[一二三四五六七八九十]+）"), "h3"),
    (re.compile(r"^\d+[.．]"), "h4"),
    (re.compile(r"^（\d+）"), "h5"),
]


def docx_to_html(fileobj: IO[bytes]) -> str:
    """The body of a .docx as the HTML the layout supports: paragraphs, the four heading
    levels recognised by their numbering (一、 （一） 1. （1）, §2.4) and tables."""
    import html as html_lib

    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    unreadable = Invalid(
        _("This file could not be read as a Word document (.docx)."),
        code="bad_docx",
        field="file",
    )
    # A decompression bomb is refused from the archive's directory, before python-docx
    # expands anything (core.archives; zipfile then never expands past what was checked).
    try:
        check_zip(fileobj)
    except Invalid as exc:
        if exc.code == "archive_bomb":
            raise
        raise unreadable from exc
    try:
        source = docx.Document(fileobj)
    except Exception as exc:
        raise unreadable from exc
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
def import_docx(actor: Any, document: Document, uploaded_file: UploadedFile[Any]) -> Document:
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
