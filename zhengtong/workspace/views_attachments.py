"""Downloading attachments (/files/<id>/), with the safe headers.

Images and MP4 video are shown inline with their own content type; everything else is
sent as a download. Every response says `nosniff`, so a browser never second-guesses
the type. Downloads of files holding personal data are written to the audit trail.
"""

import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from zhengtong.core.attachments import INLINE_EXTENSIONS, safe_content_type
from zhengtong.core.downloads import file_download
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
    return file_download(
        handle,
        filename=attachment.original_name,
        content_type=safe_content_type(attachment.extension),
        inline=attachment.extension in INLINE_EXTENSIONS,
        personal_data=attachment.contains_personal_data,
        actor=acting,
        obj=attachment,
        unit=attachment.unit,
    )
