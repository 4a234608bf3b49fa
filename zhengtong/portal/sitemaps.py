"""sitemap.xml (for search engines) and the human site map page (/sitemap/).

Wagtail's sitemap lists the live public pages of the request's site; its URLs would
carry the hostname stored on the Site record, so each location is rebuilt here from
the page's path and the host the request came to."""

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from .sitetree import home_page


class PublicSitemap(WagtailSitemap):
    def _urls(self, page, protocol, domain):
        urls = []
        last_mods = set()
        for item in self.paginator.page(page).object_list.iterator():
            for info in item.get_sitemap_urls(self.request):
                parts = item.get_url_parts(self.request)
                if parts is None:
                    continue
                info = dict(info, location=f"{protocol}://{domain}{parts[2]}")
                urls.append(info)
                last_mods.add(info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


def sitemap_xml(request):
    return django_sitemap(
        request,
        sitemaps={"pages": PublicSitemap(request)},
        template_name="sitemap.xml",
        content_type="application/xml",
    )


def site_tree():
    """The live public sections of the home page, each with its live public
    subsections (listing pages, not the articles, policies and projects in them):
    [(section, [subsection, ...]), ...]."""
    from . import models as m

    home = home_page()
    if home is None:
        return None, []
    items = (
        m.ArticlePage,
        m.PolicyPage,
        m.InterpretationPage,
        m.DisclosedDocumentPage,
        m.AnnualReportPage,
        m.ProjectPage,
        m.LeaderPage,
    )
    tree = []
    for top in home.get_children().live().public().order_by("path"):
        children = top.get_children().live().public().not_type(*items).order_by("path")
        tree.append((top, list(children)))
    return home, tree


@cache_control(public=True, max_age=600)
def site_map_page(request):
    home, tree = site_tree()
    return TemplateResponse(request, "portal/site_map.html", {"home": home, "tree": tree})
