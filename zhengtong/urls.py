"""URL map. Staff work under /oa/, editors under /cms/, the IT centre under /admin/, the
API under /api/. Everything else is the public website (Wagtail's page tree, last)."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("oa/documents/incoming/", include("zhengtong.documents.urls_incoming")),
    path("oa/documents/", include("zhengtong.documents.urls")),
    path("oa/", include("zhengtong.org.urls")),
    path("oa/", include("zhengtong.workspace.urls")),
    path("oa/letters/", include("zhengtong.letters.urls_staff")),
    path("oa/disclosure-requests/", include("zhengtong.disclosure.urls_staff")),
    path("oa/consultations/", include("zhengtong.consultations.urls_staff")),
    path("oa/public-users/", include("zhengtong.public.urls_staff")),
    path("oa/services/", include("zhengtong.services.urls_staff")),
    path("oa/calendar/", include("zhengtong.workspace.urls_calendar")),
    path("oa/audit/", include("zhengtong.workspace.urls_audit")),
    path("files/", include("zhengtong.workspace.urls_attachments")),
    path("api/", include("zhengtong.api.urls")),
    path("admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("wj/", include(wagtaildocs_urls)),
    # Public interaction: before the website's page tree takes /hdjl/ and /xxgk/.
    path("hdjl/xx/", include("zhengtong.letters.urls_public")),
    path("hdjl/zj/", include("zhengtong.consultations.urls_public")),
    path("xxgk/ysq/", include("zhengtong.disclosure.urls_public")),
    path("grzx/", include("zhengtong.public.urls_public")),
    path("bsfw/", include("zhengtong.services.urls_public")),
    path("", include("zhengtong.portal.urls")),
    path("", include("zhengtong.core.urls_public")),
]

# The public website's pages: last, so every named path above wins.
urlpatterns += [path("", include(wagtail_urls))]
