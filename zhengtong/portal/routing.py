"""Finding the page a public URL names, in few queries.

Wagtail finds a page by looking up the site of the request (one query with a `Case`
over every site), loading the site's home page as its specific class, then walking
the tree one level at a time (two queries per level: the child, then its specific
class), and checks view restrictions with two more. An uncached render of an article
at /<section>/<article>/ spent half its queries and about a third of its time there.

Here (same answers):
* the site of a host name and its home page are kept in process memory
  (`cache.remember`, tags "site" and the home page's), and set on the request by the
  page cache middleware before Wagtail looks (`preset_site`);
* `HomePage.route` finds a page below the home page by its `url_path` (Wagtail keeps
  it in step with the slugs on every save and move) in one query, then loads it as its
  specific class with what its template shows (`context.DETAIL_RELATIONS`, the
  catalogue entry) in a second. No page type of the site overrides `route`; one that
  did would still be asked for its own address (`_custom_route`), and an address below
  it that is no page's falls back to Wagtail's walk;
* whether any view restriction exists at all is kept in memory (tag "restrictions",
  written whenever one is saved or deleted): with none, `get_view_restrictions` needs
  no query (`no_view_restrictions`).
Without the page cache (tests, PORTAL_CACHE off) nothing is kept and each step queries.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import Http404
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.url_routing import RouteResult

from . import cache, prepared


def _find_site(hostname, port):
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    # Wagtail's route_for_request asks for `root_page.localized.specific`: made here,
    # it is kept (a cached property of the kept root page) with the site.
    site.root_page.localized.specific  # noqa: B018
    return site


def site_for_host(hostname, port):
    """The site serving `hostname`:`port` (Wagtail's choice), or None."""
    return cache.remember(
        ("site", hostname, port), lambda: _find_site(hostname, port), tags=("site",)
    )


def preset_site(request):
    """Set Wagtail's per-request site (what `Site.find_for_request` would find) from
    process memory. Only while the page cache is on."""
    if hasattr(request, "_wagtail_site") or not cache.enabled():
        return
    hostname = split_domain_port(request._get_raw_host())[0]
    request._wagtail_site = site_for_host(hostname, request.get_port())


def no_view_restrictions():
    """True when no page of any site has a view restriction (kept in memory while the
    page cache is on; a query otherwise)."""
    return cache.remember(
        "no-view-restrictions",
        lambda: not PageViewRestriction.objects.exists(),
        tags=("restrictions",),
    )


def _custom_route(page_class):
    return page_class.route is not Page.route


def _pages_at(url_path):
    """(pk, content type id) of the pages at `url_path` (at most two), in plain SQL:
    building this query with the ORM cost ten times running it."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('id')}, {quote('content_type_id')} FROM {quote(Page._meta.db_table)}"
        f" WHERE {quote('url_path')} = %s ORDER BY {quote('path')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [url_path])
        return cursor.fetchmany(2)


def route_below(home, request, path_components):
    """Wagtail's `Page.route` from the home page, in two queries."""
    from . import context

    found = _pages_at(home.url_path + "/".join(path_components) + "/")
    if len(found) != 1:
        # Not a page (or beneath a page type with routes of its own): Wagtail's walk.
        return Page.route(home, request, path_components)
    pk, content_type_id = found[0]
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        raise Http404
    relations = context.detail_relations(model)

    def build():
        queryset = model._default_manager.all()
        return queryset.select_related(*relations) if relations is not None else queryset

    page = prepared.fetch_by_pk(("route", model), build, pk)
    if page is None:
        raise Http404
    if relations is not None:
        context.details_loaded(page)
    if _custom_route(type(page)):
        return page.route(request, [])
    if not page.live:
        raise Http404
    return RouteResult(page)
