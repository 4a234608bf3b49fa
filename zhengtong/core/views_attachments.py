"""Downloading attachments (/files/<id>/), with the safe headers.

Images and MP4 video are shown inline with their own content type; everything else is
sent as a download. Every response says `nosniff`, so a browser never second-guesses
the type. Downloads of files holding personal data are written to the audit trail.
"""

import logging
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from zhengtong.org.permissions import require

from . import audit
from .attachments import INLINE_EXTENSIONS, safe_content_type
from .errors import NotPermitted
from .models import Attachment

logger = logging.getLogger(__name__)


def content_disposition(disposition, filename):
    """`attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266
    with RFC 5987 encoding), so Chinese names survive in every current browser."""
    fallback = (
        "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;%' else "_" for ch in filename)
        or "download"
    )
    encoded = quote(filename, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


@require_safe
def download(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = get_object_or_404(Attachment.objects.select_related("owner_type"), pk=pk)
    try:
        acting = require(request.user, "core.view_attachment", attachment)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        logger.error(
            "Attachment #%s: stored file %s is missing", attachment.pk, attachment.file.name
        )
        raise Http404 from exc
    if attachment.contains_personal_data:
        with transaction.atomic():
            audit.record(acting, "attachment.download", attachment, unit=attachment.unit)
    inline = attachment.extension in INLINE_EXTENSIONS
    response = FileResponse(handle, content_type=safe_content_type(attachment.extension))
    response["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A file opened in the browser may load nothing and run nothing.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response
