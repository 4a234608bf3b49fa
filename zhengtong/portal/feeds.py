"""RSS 2.0 feeds of news (/rss/zwdt.xml), notices (/rss/tzgg.xml) and policies
(/rss/zcfg.xml): the newest 20 live public pages of the section, dated by their first
publication (the system's date, never an editable one)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from . import models as m
from .search_index import page_text
from .sitetree import section

# Section slug -> the page types its feed lists.
FEEDS = {
    "zwdt": (m.ArticlePage,),
    "tzgg": (m.ArticlePage,),
    "zcfg": (m.PolicyPage, m.InterpretationPage),
}
ITEMS = 20


def feed_pages(slug):
    """The newest live public pages of a feed's section (specific), newest first."""
    parent = section(slug)
    if parent is None or not parent.live:
        return Page.objects.none()
    return (
        Page.objects.live()
        .public()
        .descendant_of(parent)
        .type(*FEEDS[slug])
        .filter(first_published_at__isnull=False)
        .order_by("-first_published_at", "-pk")
        .specific()[:ITEMS]
    )


class SectionFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, slug):
        if slug not in FEEDS:
            raise Http404(_("There is no feed of this section."))
        page = section(slug)
        if page is None or not page.live:
            raise Http404(_("There is no feed of this section."))
        self.request = request
        return page

    def title(self, obj):
        site = obj.get_site()
        name = site.site_name if site and site.site_name else ""
        return f"{obj.title} - {name}" if name else obj.title

    def link(self, obj):
        return obj.get_url(self.request)

    def description(self, obj):
        intro = strip_tags(getattr(obj, "intro", "") or "").strip()
        return intro or _("The newest pages of %(section)s.") % {"section": obj.title}

    def items(self, obj):
        return feed_pages(obj.slug)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        summary = getattr(item, "summary", "") or ""
        return summary or Truncator(page_text(item)).chars(200)

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        source = getattr(item, "source", "")
        if source:
            return source
        unit = getattr(item, "issuing_unit", None)
        return unit.name if unit else None
