"""The Wagtail editor's content security policy under /cms/.

The site's policy (settings.CONTENT_SECURITY_POLICY) allows no inline script or style.
Wagtail's admin needs a little more, and only there:

* inline <script> blocks: its templates initialise widgets inline (the date-time
  pickers of scheduled publishing, inline panels) and modal dialogs arrive as HTML with
  scripts that jQuery runs; Wagtail's templates carry no nonce, so 'unsafe-inline'
  (no nonce in this policy: a nonce would switch 'unsafe-inline' off);
* inline styles: style attributes throughout the admin and the rich-text editor;
* images from blob: (the preview of an image being uploaded);
* framing by itself: the live preview panel shows the page in an iframe of /cms/.

Everything else (default, connect, font, form-action, base-uri, object) stays as strict
as on the public site, and no other host is allowed. Public pages and the staff pages
under /oa/ keep the strict policy.
"""

from django.conf import settings

CMS_PREFIX = "/cms/"

CMS_POLICY_CHANGES = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}


def cms_policy_changes():
    return {key: list(value) for key, value in CMS_POLICY_CHANGES.items()}


class CmsContentSecurityPolicy:
    """Placed after csp.middleware.CSPMiddleware in settings.MIDDLEWARE, so it sees the
    response first and tells django-csp what to replace for /cms/ responses."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = getattr(settings, "WAGTAIL_CMS_PREFIX", CMS_PREFIX)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.prefix):
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace.update(cms_policy_changes())
            response._csp_replace = replace
        return response
