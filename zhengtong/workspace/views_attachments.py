"""Downloading attachments (/files/<id>/), with the safe headers.

Images and MP4 video are shown inline with their own content type; everything else is
sent as a download. Every response says `nosniff`, so a browser never second-guesses
the type. Downloads of files holding personal data are written to the audit trail.
"""

import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from zhengtong.core import audit
from zhengtong.core.attachments import INLINE_EXTENSIONS, content_disposition, safe_content_type
from zhengtong.core.errors import NotPermitted
from zhengtong.core.models import Attachment
from zhengtong.org.permissions import require

logger = logging.getLogger(__name__)


@require_safe
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
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
