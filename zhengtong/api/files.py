"""Files an API answers with: the kernel's one download response (`core.downloads`)."""

from __future__ import annotations

from typing import IO, Any

from django.db import models
from django.http.response import HttpResponseBase

from zhengtong.core.downloads import file_download

__all__ = ["DOCX_TYPE", "file_response"]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(
    content: bytes | IO[bytes],
    filename: str,
    content_type: str,
    *,
    personal_data: bool = False,
    actor: Any = None,
    obj: models.Model | None = None,
    unit: models.Model | None = None,
) -> HttpResponseBase:
    """A download: the file as an attachment under its (Chinese) name, with the safe
    headers; a download of personal data by `actor` is written to the audit trail."""
    return file_download(
        content,
        filename=filename,
        content_type=content_type,
        personal_data=personal_data,
        actor=actor,
        obj=obj,
        unit=unit,
    )
