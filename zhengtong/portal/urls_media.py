"""Public paths of the templates' part of the website, included from portal/urls.py:

    /media/images/<path>            Wagtail renditions (MEDIA_ROOT/images/)
    /media/original_images/<path>   Wagtail original images (MEDIA_ROOT/original_images/)
    /elderly/?on=1|0&next=<path>    the elderly-mode switch (sets the zt_elderly cookie)
    /wza/                           无障碍与适老化声明, the accessibility statement

(The human site map /sitemap/ is the search helper's, in portal/sitemaps.py.)

Nothing else under /media/ is served here: attachments and documents have their own
views with permission checks.
"""

from django.urls import path, re_path

from . import views_public

urlpatterns = [
    re_path(
        r"^media/(?P<folder>images|original_images)/(?P<path>.+)$",
        views_public.image_file,
        name="portal_image_file",
    ),
    path("elderly/", views_public.elderly_switch, name="portal_elderly"),
    path("wza/", views_public.accessibility_statement, name="portal_accessibility"),
]
