"""Public views of the website that are not pages of the tree: the elderly-mode switch,
the accessibility statement, and Wagtail's image files when no nginx
stands in front. Their HTML is the same for everyone (no user, no CSRF token, no
messages), like every public page."""

import datetime
import posixpath
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail.models import Site

ELDERLY_COOKIE = "zt_elderly"
ELDERLY_COOKIE_AGE = datetime.timedelta(days=365)

# Wagtail keeps originals in MEDIA_ROOT/original_images/ and renditions in
# MEDIA_ROOT/images/; nothing else under MEDIA_ROOT (attachments, documents) is public.
IMAGE_FOLDERS = ("images", "original_images")
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
IMAGE_MAX_AGE = 24 * 3600


def _message(request, title, text, status):
    return render(request, "portal/message.html", {"title": title, "text": text}, status=status)


def _safe_next(request, target):
    """`target` when it is a path on this site, else the home page."""
    target = (target or "").strip()
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/"


@never_cache
@require_safe
def elderly_switch(request):
    """/elderly/?on=1|0&next=/path/: remember the reader's choice in a cookie and go
    back. The page itself never changes; elderly.js reads the cookie and adds the class
    "elderly" to <html>, which the style sheet enlarges and simplifies."""
    on = request.GET.get("on", "1").strip()
    if on not in ("0", "1"):
        return _message(
            request,
            _("Elderly mode"),
            _("The switch only understands on=1 (turn on) or on=0 (turn off)."),
            status=400,
        )
    response = redirect(_safe_next(request, request.GET.get("next")))
    if on == "1":
        response.set_cookie(
            ELDERLY_COOKIE,
            "1",
            max_age=ELDERLY_COOKIE_AGE,
            path="/",
            samesite="Lax",
            secure=request.is_secure(),
            # Read by elderly.js, so not HttpOnly; it only holds a display preference.
            httponly=False,
        )
    else:
        response.delete_cookie(ELDERLY_COOKIE, path="/", samesite="Lax")
    return response


@require_safe
def image_file(request, folder, path):
    """A Wagtail image file (original or rendition) from MEDIA_ROOT/<folder>/, for
    deployments without nginx in front. Only raster image types; no directory listing;
    nothing outside the folder (`..`, absolute paths and symbolic links are refused)."""
    if folder not in IMAGE_FOLDERS:
        raise Http404
    normalised = posixpath.normpath(path).lstrip("/")
    if (
        not path
        or "\\" in path
        or "\x00" in path
        or normalised != path
        or normalised.startswith("..")
        or any(part in ("", ".", "..") for part in normalised.split("/"))
    ):
        raise Http404
    suffix = Path(normalised).suffix.lower()
    if suffix not in IMAGE_TYPES:
        raise Http404
    root = (Path(settings.MEDIA_ROOT) / folder).resolve()
    target = (root / normalised).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404
    response = static.serve(request, normalised, document_root=str(root))
    response["Content-Type"] = IMAGE_TYPES[suffix]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    return response


def _home(request):
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return site.root_page.specific if site else None


@require_safe
def accessibility_statement(request):
    """无障碍与适老化声明: what the site offers readers with reading, sight or hearing
    difficulties, and whom to tell when something does not work."""
    return render(request, "portal/accessibility.html", {"home": _home(request)})
