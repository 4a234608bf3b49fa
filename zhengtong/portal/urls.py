"""Public paths of the website that are not pages of the tree: search, feeds, sitemap,
robots.txt, the disclosure catalogue and the enquiry form (urls_catalogue), public
image files and the elderly-mode switch (urls_media). (Pages themselves are served
by Wagtail, last in zhengtong/urls.py.)"""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import feeds, sitemaps, views_search

# Paths the public site keeps out of search engines: staff, editing, administration,
# the API, stored files and the (endless) search result pages.
ROBOTS_DISALLOW = ["/oa/", "/cms/", "/admin/", "/api/", "/files/", "/search/"]


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {p}" for p in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("search/", views_search.search, name="portal-search"),
    path("rss/<slug:slug>.xml", feeds.SectionFeed(), name="portal-feed"),
    path("sitemap.xml", sitemaps.sitemap_xml, name="portal-sitemap-xml"),
    path("sitemap/", sitemaps.site_map_page, name="portal-sitemap"),
    path("robots.txt", robots_txt, name="portal-robots"),
    path("", include("zhengtong.portal.urls_catalogue")),
    path("", include("zhengtong.portal.urls_media")),
]
