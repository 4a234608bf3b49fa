"""Template helpers of the public pages: dates in the county's time, the site's home and
sections for the header, breadcrumbs, the catalogue entry of a page.

Nothing here depends on who is looking: public pages are cached whole and may be served
as files, so they must be the same for everyone."""

import datetime
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Page, Site
from wagtail.templatetags.wagtailcore_tags import pageurl

from .. import cache

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


@register.filter(is_safe=True)
def pubtime(value):
    """What portal/includes/date.html renders, newline included: `<time>` with the
    date, or only the newline without one. A filter, as an include per date cost more
    than the rest of a list's line."""
    if not value:
        return "\n"
    return mark_safe(f'<time datetime="{isodatetime(value)}">{pubdate(value)}</time>\n')


# Django's reverse() quotes a URL keeping these; wagtail_serve's pattern.
_URL_SAFE = "!$&'()*+,;=" + "/~:@"
_SERVE_PATH = re.compile(r"(?:[\w\-]+/)*")


def _single_site_base(request):
    """(root path, URL of the root) when Wagtail's `pageurl` reduces to "the page's
    path below the site's root": one site, no Wagtail i18n, trailing slashes; else None.
    Worked out once per request."""
    try:
        return request._zt_href_base
    except AttributeError:
        pass
    base = None
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False) and getattr(
        settings, "WAGTAIL_APPEND_SLASH", True
    ):
        try:
            roots = request._wagtail_cached_site_root_paths  # Wagtail's own per-request copy
        except AttributeError:
            roots = request._wagtail_cached_site_root_paths = Site.get_site_root_paths()
        if len(roots) == 1:
            try:
                base = (roots[0].root_path, reverse("wagtail_serve", args=("",)))
            except NoReverseMatch:
                base = None
    request._zt_href_base = base
    return base


@register.simple_tag(takes_context=True)
def page_href(context, page):
    """Wagtail's `{% pageurl page %}`, the same text, without its per-link work
    (finding the sites again, reversing the URL pattern) in the common case of one
    site: the home page's lists have some sixty links."""
    request = context.get("request")
    base = _single_site_base(request) if request is not None else None
    if base is not None and isinstance(page, Page) and "url_path" in page.__dict__:
        root_path, root_url = base
        if page.url_path.startswith(root_path):
            rest = page.url_path[len(root_path) :]
            if _SERVE_PATH.fullmatch(rest):
                return root_url + quote(rest, safe=_URL_SAFE)
    return pageurl(context, page)


@register.simple_tag(takes_context=True)
def page_list(context, items):
    """portal/includes/page_list.html, the same text (portal/tests/test_render_queries.py
    compares them), built in Python: the home page shows five such lists, and the
    template engine's per-item work was a good part of the page's render."""
    parts = ['\n<ul class="page-list">\n  ']
    for item in items or ():
        parts.append(
            format_html(
                '\n  <li><a href="{}">{}</a> {}</li>\n  ',
                page_href(context, item),
                item.title,
                pubtime(item.first_published_at),
            )
        )
    if not items:
        parts.append(
            format_html(
                '\n  <li class="empty">{}</li>\n  ', gettext("Nothing has been published here yet.")
            )
        )
    parts.append("\n</ul>\n")
    return mark_safe("".join(parts))


@register.simple_tag
def portal_image(image, spec, **attrs):
    """Wagtail's `{% image image spec name=value … %}`, the same <img>, kept in process
    memory per picture, size and attributes while the page cache is on (tag
    `image.<pk>`: saving the picture or deleting a rendition forgets it). Finding the
    rendition (a cache read and a cache write, each pickling it) was a third of the
    home page's template."""
    if not image:
        return ""

    def render():
        rendition = get_rendition_or_not_found(image, Filter(spec=spec))
        if rendition.pk is None:  # the file is missing: the placeholder, kept nowhere
            cache.do_not_cache()
        return rendition.img_tag(attrs)

    return cache.remember(
        ("img", image.pk, spec, tuple(attrs.items())), render, tags=(f"image.{image.pk}",)
    )


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
