"""One download response for every file the platform serves (attachments, generated
PDFs and Word files, archive zips, the audit export).

Every download says what it is the same way:

* `Content-Disposition` per RFC 6266 with the RFC 5987 `filename*`, so Chinese names
  survive in every current browser, and an ASCII fallback for the rest;
* a content type that is never sniffed (`X-Content-Type-Options: nosniff`), and shown
  inline only for the types a browser displays without running anything (images, MP4);
* `Cache-Control: private, no-store`, so no shared cache and no back button keeps a copy
  (unless the file is published for everyone and the view's own cache policy applies);
* a Content-Security-Policy under which a file opened in the browser loads nothing and
  runs nothing;
* an audit record when a member of staff downloads a file holding personal data
  (docs/conformance.md, 等保: access to personal data is traceable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO, Any, cast
from urllib.parse import quote

from django.db import models, transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from . import audit

__all__ = [
    "DOWNLOAD_CSP",
    "INLINE_TYPES",
    "content_disposition",
    "file_download",
    "safe_type",
]

# The types a browser shows inline without running anything; everything else is saved.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "video/mp4"})

# A file opened in the browser may load nothing and run nothing.
DOWNLOAD_CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
)

FALLBACK_TYPE = "application/octet-stream"

# The audit trail's append, seen through its call shape (audit.py predates strict typing).
_record = cast(Callable[..., object], audit.record)


def content_disposition(disposition: str, filename: str) -> str:
    """`attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266
    with RFC 5987 encoding), so Chinese names survive in every current browser."""
    fallback = (
        "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;%' else "_" for ch in filename)
        or "download"
    )
    encoded = quote(filename, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def safe_type(content_type: str) -> str:
    """The content type as sent: one header line, else the neutral binary type."""
    value = (content_type or "").strip()
    if not value or any(ch in value for ch in "\r\n\0"):
        return FALLBACK_TYPE
    return value


def _response(
    content: bytes | str | IO[bytes] | Iterable[bytes], content_type: str
) -> HttpResponseBase:
    if isinstance(content, (bytes, str)):
        return HttpResponse(content, content_type=content_type)
    if hasattr(content, "read"):
        return FileResponse(content, content_type=content_type)
    return StreamingHttpResponse(content, content_type=content_type)


def file_download(
    content: bytes | str | IO[bytes] | Iterable[bytes],
    *,
    filename: str,
    content_type: str,
    personal_data: bool,
    inline: bool = False,
    actor: Any = None,
    obj: models.Model | None = None,
    unit: models.Model | None = None,
    action: str = "attachment.download",
    public: bool = False,
) -> HttpResponseBase:
    """The response that serves a file: `content` is the bytes, an open binary file
    (streamed and closed by the response) or an iterable of byte chunks (streamed).

    `inline` asks to show the file in the browser; only `INLINE_TYPES` are shown so,
    anything else is saved. `personal_data`: a member of staff (`actor`, a user or an
    `Acting`) downloads a file holding personal data, so the download is written to the
    audit trail as `action` on `obj` for `unit`. A data subject fetching their own file
    (an applicant's reply) passes False. `public`: the file is published for everyone,
    and the view's cache policy (e.g. `cache_control(public=True)`) applies instead of
    `private, no-store`.
    """
    if personal_data:
        if actor is None:
            raise ValueError("A download of personal data names the person who downloads it.")
        with transaction.atomic():
            _record(actor, action, obj, unit=unit)
    kind = safe_type(content_type)
    show = inline and kind.split(";")[0].strip().lower() in INLINE_TYPES
    response = _response(content, kind)
    response["Content-Disposition"] = content_disposition(
        "inline" if show else "attachment", filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not public:
        response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
