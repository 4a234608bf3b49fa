"""Template helpers of the public pages: dates in the county's time, the site's home and
sections for the header, breadcrumbs, the catalogue entry of a page.

Nothing here depends on who is looking: public pages are cached whole and may be served
as files, so they must be the same for everyone."""

import datetime
from zoneinfo import ZoneInfo

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from wagtail.models import Page, Site

register = template.Library()

SHANGHAI = ZoneInfo("Asia/Shanghai")


@register.filter
def pubdate(value):
    """A publication date as the county reads it: YYYY-MM-DD in Asia/Shanghai."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(SHANGHAI)
        return value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return ""


@register.filter
def isodatetime(value):
    """The machine-readable form for <time datetime=...>."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(SHANGHAI)
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


def _site(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None  # kept on request
    if site is None:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site


@register.simple_tag(takes_context=True)
def site_home(context):
    """The home page of the site being viewed (None before the site is set up)."""
    if "_portal_home" not in context.render_context:
        site = _site(context)
        context.render_context["_portal_home"] = site.root_page if site else None
    return context.render_context["_portal_home"]


@register.simple_tag(takes_context=True)
def site_title(context):
    """The name shown in the header: the site's name, else its home page's title (the
    county's name, set up from `org`); never written into a template."""
    site = _site(context)
    if site is None:
        return context.get("site_name", "")
    return site.site_name or site.root_page.title


@register.simple_tag(takes_context=True)
def nav_sections(context):
    """The live, public sections under the home page, in the order of the page tree
    (read once per request with the home page's other children: portal/context.py)."""
    from ..context import home_children

    home = site_home(context)
    if home is None:
        return []
    return [
        child
        for child in home_children(home, context.get("request"))
        if child.live and child.zt_public
    ]


@register.filter
def is_within(page, section):
    """True when `page` is `section` or lies beneath it (for aria-current)."""
    if page is None or section is None or not hasattr(page, "path"):
        return False
    return page.path.startswith(section.path)


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page):
    """The ancestors of `page` from the home page down (the tree's root excluded). The
    home page and its children are known already (the header's navigation); only a
    page deeper than a section's child reads the pages between, in one query."""
    from ..context import home_children

    if page is None or not isinstance(page, Page):
        return []
    home = site_home(context)
    step = len(page.path) // page.depth if page.depth else 4
    if home is None or page.depth < 3 or not page.path.startswith(home.path):
        return list(page.get_ancestors().filter(depth__gt=1))
    trail = [home]
    if page.depth > 3:
        section_path = page.path[: step * 3]
        section = next(
            (c for c in home_children(home, context.get("request")) if c.path == section_path),
            None,
        )
        if section is None:
            return list(page.get_ancestors().filter(depth__gt=1))
        trail.append(section)
        if page.depth > 4:
            trail += list(page.get_ancestors().filter(depth__gt=3))
    return trail


@register.simple_tag
def catalogue_entry(page):
    """The page's public catalogue entry (索引号 and the rest), or None. Not every page
    has one: pages outside the catalogue, or published before the catalogue existed.
    portal/context.py loads it with the page's details (`zt_catalogue_entry`)."""
    entry = getattr(page, "zt_catalogue_entry", False)
    if entry is False:
        try:
            entry = page.catalogue_entry
        except (ObjectDoesNotExist, AttributeError):
            return None
    return entry if entry is not None and entry.is_public else None


@register.simple_tag(takes_context=True)
def page_query(context, number):
    """The current query string with `page` set to `number` (filters are kept)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?page={number}"
    query["page"] = number
    return "?" + query.urlencode()
