"""What each page type shows beyond its own fields: lists, related pages, the unit
directory. `for_page(page, request, context)` is called by every page's `get_context`
(CountyPage) and dispatches on the page's class.

Only live pages without a view restriction are listed; lists are newest first by
`first_published_at`, the date Wagtail sets when a page first goes live (publication
dates are never editable, docs/conformance.md WEB-1). Nothing here depends on who is looking:
public pages are cached whole.

Rendering without the cache must stay cheap (≤ 15 ms and ≤ 10 queries, bench/portal.py;
most of a simple query's time in Django is building its SQL, not running it):
* "no view restriction" is an SQL condition (`public_q`), not Wagtail's `.public()`,
  which reads every restriction on each call (and loading a restriction stops the
  page cache from storing the page);
* the home page's children are read once per request (`home_children`), and kept in
  process memory while the page cache is on (`cache.remember`); they serve the
  navigation, the breadcrumbs and the home page's sections;
* the home page's nine lists come from one plain-SQL query (`home_lists`) and their
  pictures from a second;
* a page routed to by portal/routing.py comes with its details (`detail_relations`);
* lists never load StreamField bodies (`defer_streamfields`), and the pictures and
  units they show come with them (`select_related`, `attach_related`).
"""

from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
)
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageViewRestriction

from . import cache
from . import models as m

PAGE_SIZE = 20
HOME_LIST_SIZE = 8
HEADLINES = 5
ENTRY_LIST_SIZE = 4


def newest_first(queryset):
    return queryset.order_by(F("first_published_at").desc(nulls_last=True), "-pk")


def _newest_key(page):
    # The same order as `newest_first`, for merging lists in Python.
    published = page.first_published_at
    return (published is not None, published.timestamp() if published else 0, page.pk)


def restricted_q():
    """An SQL condition true for pages with a view restriction on themselves or an
    ancestor (no query is run to build it)."""
    target = ExpressionWrapper(OuterRef("path"), output_field=CharField())
    restrictions = PageViewRestriction.objects.annotate(target=target).filter(
        target__startswith=F("page__path")
    )
    return Exists(restrictions)


def public_q():
    """Pages the public may see as far as view restrictions go (Wagtail's `.public()`
    in one SQL condition)."""
    return ~restricted_q()


def public(queryset):
    return queryset.filter(public_q())


def live_children(page):
    return newest_first(public(page.get_children().live()))


def live_descendants(page):
    return newest_first(public(page.get_descendants().live()))


def paginate(request, queryset, size=PAGE_SIZE):
    """One page of `queryset` (specific pages). A page number that is not a number or
    out of range gives the first or the last page, never an error."""
    paginator = Paginator(queryset, size)
    page_obj = paginator.get_page(request.GET.get("page") if request is not None else None)
    page_obj.object_list = attach_related(list(page_obj.object_list))
    return page_obj


def _specific_list(queryset, limit=None):
    """Specific pages of `queryset` without their bodies, with pictures and units."""
    queryset = queryset.defer_streamfields().specific()
    items = list(queryset[:limit] if limit is not None else queryset)
    attach_related(items)
    return items


# Foreign keys a list shows: pictures and the source unit; a page of its own shows the
# issuing unit and the PDF as well (never owner_unit, which no template shows).
LIST_RELATIONS = ("cover", "banner", "photo", "source_unit")
DETAIL_RELATIONS = LIST_RELATIONS + ("issuing_unit", "pdf")


def attach_related(items):
    """Load the pictures and units that `items` (specific pages of any types) show,
    one query per related model instead of one per page."""
    wanted = {}  # related model -> {pk: [(item, field name), ...]}
    for item in items:
        for name in LIST_RELATIONS:
            try:
                field = item._meta.get_field(name)
            except Exception:  # noqa: BLE001 (FieldDoesNotExist: not on this page type)
                continue
            if not field.many_to_one or field.is_cached(item):
                continue
            pk = getattr(item, field.attname)
            if pk is not None:
                wanted.setdefault(field.related_model, {}).setdefault(pk, []).append((item, name))
    for model, by_pk in wanted.items():
        found = model._default_manager.in_bulk(list(by_pk))
        for pk, targets in by_pk.items():
            for item, name in targets:
                setattr(item, name, found.get(pk))
    return items


def home_children(home, request=None):
    """The home page's children (every one, live or not, in tree order), each marked
    `zt_public` when neither it nor the home page has a view restriction. Read once per
    request, and kept in process memory while the page cache is on (any change to a
    child, to the list of children or to a view restriction forgets it): the
    navigation, the breadcrumbs and the home page's sections use it."""
    memo = getattr(request, "_zt_home_children", None) if request is not None else None
    if memo is not None and memo[0] == home.pk:
        return memo[1]
    children = cache.remember(
        ("home-children", home.pk),
        lambda: _read_home_children(home),
        tags=(f"kids.{home.path}", f"page.{home.pk}", "restrictions"),
    )
    if request is not None:
        request._zt_home_children = (home.pk, children)
    return children


def _read_home_children(home):
    # A single-page section (办事服务, 互动交流) shows its summary on the home page: read
    # it in the same query.
    summary = m.StandardPage.objects.filter(page_ptr=OuterRef("pk")).values("summary")[:1]
    children = list(
        home.get_children()
        .annotate(zt_restricted=restricted_q(), zt_summary=Subquery(summary))
        .order_by("path")
    )
    for child in children:
        child.zt_public = not child.zt_restricted
    return children


# --- Per page type ------------------------------------------------------------------------


def _section(home_page, slug, request=None):
    """The section at /<slug>/ under this home page (a plain Page: title, url, live), or
    None."""
    for child in home_children(home_page, request):
        if child.slug == slug:
            return child
    return None


def home(page, request, context):
    def section(slug):
        return _section(page, slug, request)

    news = section("zwdt")
    notices = section("tzgg")
    context["news_section"] = news
    context["notices_section"] = notices
    entry_sections = []
    for slug, label in (
        ("bsfw", _("Services")),
        ("hdjl", _("Interaction")),
        ("zsyz", _("Investment")),
    ):
        target = section(slug)
        if target is not None and target.live:
            entry_sections.append((slug, label, target))
    boxes = home_lists(news, notices, [(slug, target) for slug, _label, target in entry_sections])
    pictures = boxes["news-pictures"]
    context["headlines"] = pictures[:HEADLINES]
    headline_ids = {item.pk for item in context["headlines"]}
    latest_news = sorted(pictures + boxes["news-text"], key=_newest_key, reverse=True)[
        : HOME_LIST_SIZE + HEADLINES
    ]
    context["news"] = [item for item in latest_news if item.pk not in headline_ids][:HOME_LIST_SIZE]
    context["notices"] = boxes["notices"]
    context["policies_section"] = section("zcfg")
    context["policies"] = boxes["policies"]
    context["topics_section"] = section("ztzl")
    context["topics"] = boxes["topics"]
    context["interpretations"] = boxes["interpretations"]
    context["entries"] = [
        {"slug": slug, "label": label, "page": target, "items": boxes[slug]}
        for slug, label, target in entry_sections
    ]
    return context


# --- The home page's lists in one query ------------------------------------------------------
#
# The home page shows nine short lists. Built with the ORM (a window function over the
# page tree, or one query per list) the SQL took 15–180 ms to *compile* and 5 ms to run;
# written out here it is one UNION ALL of plain "newest N" queries that need no
# compiling, each using the page tree's indexes. Rows become pages of the right class
# holding only the fields the home page shows (`Model.from_db`: any other field read
# later would cost a query, which portal/tests/test_render_queries.py would notice).

# The fields the home page's lists show, beyond the extra columns below.
_PAGE_FIELDS = (
    "id",
    "path",
    "depth",
    "numchild",
    "title",
    "slug",
    "url_path",
    "live",
    "first_published_at",
    "locale_id",
    "content_type_id",
)
# Extra columns: (name, SQL type when the list has none).
_EXTRAS = (
    ("zt_cover_id", "INTEGER"),
    ("zt_source_text", "VARCHAR(200)"),
    ("zt_source_unit_id", "INTEGER"),
    ("zt_unit_name", "VARCHAR(200)"),
    ("zt_validity", "VARCHAR(20)"),
    ("zt_banner_id", "INTEGER"),
)


def _table(model):
    return model._meta.db_table


def _list_sql(box, limit, *, join="", where="", extras=None):
    """One list of the home page: the `limit` newest live public pages matching
    `where`, with the columns `_EXTRAS` names (NULL unless `extras` gives them)."""
    q = connection.ops.quote_name
    extras = extras or {}
    columns = [f"p.{q(name)}" for name in _PAGE_FIELDS]
    columns.append(f"'{box}' AS zt_box")
    for name, sql_type in _EXTRAS:
        columns.append(f"{extras.get(name, f'CAST(NULL AS {sql_type})')} AS {name}")
    restricted = (
        f"SELECT 1 FROM {q(_table(PageViewRestriction))} r"
        f" INNER JOIN {q(_table(Page))} rp ON rp.{q('id')} = r.{q('page_id')}"
        f" WHERE p.{q('path')} LIKE rp.{q('path')} || '%%'"
    )
    published = f"p.{q('first_published_at')}"
    return (
        f"SELECT * FROM (SELECT {', '.join(columns)} FROM {q(_table(Page))} p {join}"
        f" WHERE p.{q('live')} = %s {where} AND NOT EXISTS ({restricted})"
        f" ORDER BY {published} DESC NULLS LAST,"
        f" p.{q('id')} DESC LIMIT {int(limit)}) {q('zt_' + box.replace('-', '_'))}"
    )


def home_lists(news, notices, entry_sections):
    """{list name: pages, newest first} for the home page in one query (and one for
    the pictures): headlines and news under `news`, `notices`, the policies, the
    interpretations and the topics of the whole site, and the pages under each of
    `entry_sections` [(slug, section)]; only live pages without a view restriction."""
    q = connection.ops.quote_name
    page_id = f"p.{q('id')}"
    article = f"INNER JOIN {q(_table(m.ArticlePage))} a ON a.{q('page_ptr_id')} = {page_id}"
    article_extras = {
        "zt_cover_id": f"a.{q('cover_id')}",
        "zt_source_text": f"a.{q('source_text')}",
        "zt_source_unit_id": f"a.{q('source_unit_id')}",
        "zt_unit_name": f"u.{q('name')}",
    }
    from zhengtong.org.models import Unit

    article += f" LEFT OUTER JOIN {q(_table(Unit))} u ON u.{q('id')} = a.{q('source_unit_id')}"
    parts, params = [], []
    path = f"p.{q('path')}"

    def add(sql, *extra_params):
        parts.append(sql)
        params.extend([True, *extra_params])

    # News with pictures (headlines) and without; the news list merges them.
    for box, cover, parent, limit in (
        ("news-pictures", "IS NOT NULL", news, HOME_LIST_SIZE + HEADLINES),
        ("news-text", "IS NULL", news, HOME_LIST_SIZE + HEADLINES),
        ("notices", None, notices, HOME_LIST_SIZE),
    ):
        if parent is None:
            continue
        where = f"AND {path} LIKE %s"
        if cover is not None:
            where += f" AND a.{q('cover_id')} {cover}"
        add(
            _list_sql(box, limit, join=article, where=where, extras=article_extras),
            parent.path + "%",
        )
    policy = f"INNER JOIN {q(_table(m.PolicyPage))} x ON x.{q('page_ptr_id')} = {page_id}"
    add(
        _list_sql(
            "policies", HOME_LIST_SIZE, join=policy, extras={"zt_validity": f"x.{q('validity')}"}
        )
    )
    topic = f"INNER JOIN {q(_table(m.TopicPage))} x ON x.{q('page_ptr_id')} = {page_id}"
    add(_list_sql("topics", 4, join=topic, extras={"zt_banner_id": f"x.{q('banner_id')}"}))
    interpretation = _content_type(m.InterpretationPage).pk
    content_type = f"p.{q('content_type_id')}"
    add(_list_sql("interpretations", 4, where=f"AND {content_type} = %s"), interpretation)
    # A page lies in one list only: an interpretation is listed among the
    # interpretations even when it was placed in one of these sections.
    for slug, target in entry_sections:
        where = f"AND {path} LIKE %s AND p.{q('depth')} > %s AND {content_type} <> %s"
        add(
            _list_sql(slug, ENTRY_LIST_SIZE, where=where),
            target.path + "%",
            target.depth,
            interpretation,
        )
    boxes = {
        name: []
        for name in (
            "news-pictures",
            "news-text",
            "notices",
            "policies",
            "topics",
            "interpretations",
        )
    }
    boxes.update({slug: [] for slug, _target in entry_sections})
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    converters = _converters()
    for row in rows:
        values = dict(zip(_COLUMNS, row, strict=True))
        for name, convert in converters:
            values[name] = convert(values[name])
        boxes[values["zt_box"]].append(_home_item(values))
    items = [item for items in boxes.values() for item in items]
    cache.depends_on(*(f"page.{item.pk}" for item in items))
    _attach_images(items)
    return boxes


_COLUMNS = (*_PAGE_FIELDS, "zt_box", *(name for name, _type in _EXTRAS))


def _field_converters(model, fields):
    """[(attname, function)]: the database's values to Python's for `fields` of
    `model`, as the ORM converts them when it loads a row."""
    result = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:

            def convert(value, functions=functions, column=column):
                for function in functions:
                    value = function(value, column, connection)
                return value

            result.append((field.attname, convert))
    return result


def _converters():
    """[(column, function)]: the database's values to Python's, as Django converts
    them for the page's fields (SQLite returns dates as text, for one)."""
    return _field_converters(Page, [Page._meta.get_field(name) for name in _PAGE_FIELDS])


def _home_item(values):
    """The page of the right class for a row of `home_lists` (a dict by column)."""
    box = values["zt_box"]
    known = {name: values[name] for name in _PAGE_FIELDS}
    if box in ("news-pictures", "news-text", "notices"):
        model = m.ArticlePage
        known.update(
            cover_id=values["zt_cover_id"],
            source_text=values["zt_source_text"] or "",
            source_unit_id=values["zt_source_unit_id"],
        )
    elif box == "policies":
        model = m.PolicyPage
        known["validity"] = values["zt_validity"]
    elif box == "topics":
        model = m.TopicPage
        known["banner_id"] = values["zt_banner_id"]
    else:
        model = Page  # titles and dates only: the plain page does
    if model is not Page:
        known["page_ptr_id"] = values["id"]
    item = _loaded(model, known)
    if model is m.ArticlePage:
        from zhengtong.org.models import Unit

        unit_id = values["zt_source_unit_id"]
        item.source_unit = (
            _loaded(Unit, {"id": unit_id, "name": values["zt_unit_name"]})
            if unit_id is not None
            else None
        )
    return item


def _loaded(model, values):
    """An instance of `model` as loaded from the database with only `values` (attname:
    value); any other field is deferred (read on access, one query). What
    `Model.from_db` makes, without running `__init__`: a Wagtail page's goes through
    modelcluster's, which inspects every child relation of the model and cost more
    than the whole query for the fifty pages of the home page. (So no post_init
    signal: `home_lists` declares the pages to the page cache itself.)"""
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = ModelState()
    instance._state.adding = False
    # `connection` is the default database's; its alias read once (a lookup through
    # the connection proxy per instance was a tenth of the home page's lists).
    instance._state.db = DEFAULT_DB_ALIAS
    return instance


def _attach_images(items):
    """Load the covers and banners `items` show, in one query."""
    from wagtail.images import get_image_model

    names = ("cover", "banner")
    wanted = {item.__dict__.get(f"{name}_id") for item in items for name in names} - {None}
    found = {}
    if wanted:
        # Plain SQL for the same reason as the lists: the ORM's query cost ten times more
        # to build than to run; and the pictures made as `_loaded` makes the pages (no
        # __init__, no signals: building fifteen pictures the ORM's way cost four times
        # the query), so their cache tags are declared here.
        model = get_image_model()
        q = connection.ops.quote_name
        fields = [f for f in model._meta.concrete_fields]
        columns = ", ".join(q(f.column) for f in fields)
        sql = (
            f"SELECT {columns} FROM {q(model._meta.db_table)} WHERE {q(model._meta.pk.column)}"
            f" IN ({', '.join(['%s'] * len(wanted))})"
        )
        converters = _field_converters(model, fields)
        with connection.cursor() as cursor:
            cursor.execute(sql, sorted(wanted))
            for row in cursor.fetchall():
                values = {f.attname: value for f, value in zip(fields, row, strict=True)}
                for name, convert in converters:
                    values[name] = convert(values[name])
                image = _loaded(model, values)
                found[image.pk] = image
        cache.depends_on(*(f"image.{pk}" for pk in found))
    for item in items:
        for name in names:
            if f"{name}_id" in item.__dict__:
                pk = item.__dict__[f"{name}_id"]
                setattr(item, name, found.get(pk) if pk is not None else None)


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


def listing(page, request, context):
    """A section or a topic: its pages, newest first, twenty to a page."""
    context["children"] = paginate(request, live_children(page).defer_streamfields().specific())
    return context


def standard(page, request, context):
    context["children"] = _specific_list(live_children(page), 50)
    return context


def policy_index(page, request, context):
    context["policies"] = paginate(
        request,
        newest_first(public(m.PolicyPage.objects.child_of(page).live())).defer_streamfields(),
    )
    context["interpretations"] = list(
        newest_first(
            public(m.InterpretationPage.objects.child_of(page).live())
        ).defer_streamfields()[:10]
    )
    return context


def _live(model, pk):
    """The page `pk` (specific; `model` is its class or Page) when the public can see
    it, else None."""
    if pk is None:
        return None
    found = public(model.objects.live().filter(pk=pk)).first()
    if found is not None and model is Page:
        found = found.specific
    return found


def policy(page, request, context):
    context["interpretations"] = list(
        newest_first(public(page.interpretations.live())).defer_streamfields()
    )
    context["replacement"] = _live(Page, page.replaced_by_id)
    return context


def interpretation(page, request, context):
    context["policy"] = _live(m.PolicyPage, page.policy_id)
    return context


def disclosure_index(page, request, context):
    context["children"] = _specific_list(live_children(page))
    entries = m.CatalogueEntry.objects.filter(is_public=True, page__isnull=False)
    context["latest_entries"] = list(entries.select_related("page", "publisher")[:10])
    return context


def unit_directory(page, request, context):
    context["unit_groups"] = unit_groups(page)
    return context


def leaders(page, request, context):
    context["leaders"] = list(
        public(m.LeaderPage.objects.child_of(page).live())
        .defer_streamfields()
        .select_related("photo")
        .order_by("sort_order", "path")
    )
    return context


def investment(page, request, context):
    projects = public(m.ProjectPage.objects.child_of(page).live()).defer_streamfields()
    chosen = {}
    problems = []
    for field, choices, message in (
        ("sector", m.Sector, _("There is no such sector; all sectors are shown.")),
        ("status", m.ProjectStatus, _("There is no such status; all projects are shown.")),
    ):
        value = (request.GET.get(field, "") if request is not None else "").strip()
        if not value:
            continue
        if value in choices.values:
            chosen[field] = value
            projects = projects.filter(**{field: value})
        else:
            problems.append(message)
    context["projects"] = paginate(request, newest_first(projects).select_related("cover"))
    context["sectors"] = m.Sector.choices
    context["statuses"] = m.ProjectStatus.choices
    context["chosen"] = chosen
    context["filter_problems"] = problems
    context["pages"] = list(
        public(m.StandardPage.objects.child_of(page).live()).defer_streamfields().order_by("path")
    )
    return context


def annual_report(page, request, context):
    """The request table of the report's year (§3.4), counted from the requests."""
    from zhengtong.core.handoffs import ANNUAL_REQUEST_TABLE

    # The disclosure app provides the table (core/handoffs.py); without it, no table.
    table = ANNUAL_REQUEST_TABLE.get()
    context["request_table"] = table(page.year, page.request_organ_id) if table else []
    if page.year >= timezone.localdate().year:
        # This year's figures change with every request: never kept whole.
        cache.do_not_cache()
    return context


HANDLERS = {
    m.HomePage: home,
    m.AnnualReportPage: annual_report,
    m.SectionPage: listing,
    m.TopicPage: listing,
    m.StandardPage: standard,
    m.PolicyIndexPage: policy_index,
    m.PolicyPage: policy,
    m.InterpretationPage: interpretation,
    m.DisclosureIndexPage: disclosure_index,
    m.UnitDirectoryPage: unit_directory,
    m.LeaderIndexPage: leaders,
    m.InvestmentIndexPage: investment,
}


# Pages whose templates show their catalogue entry (索引号 …) and units or pictures.
DETAIL_PAGES = (
    m.ArticlePage,
    m.PolicyPage,
    m.InterpretationPage,
    m.AnnualReportPage,
    m.DisclosedDocumentPage,
    m.ProjectPage,
    m.LeaderPage,
    m.TopicPage,
)


def detail_relations(model):
    """What `load_details` reads with a page of `model` (select_related names), or None
    when its template shows none of it. routing.py loads the page with them."""
    if not issubclass(model, DETAIL_PAGES):
        return None
    names = []
    for name in DETAIL_RELATIONS:
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 (FieldDoesNotExist: not on this page type)
            continue
        if field.many_to_one:
            names.append(name)
    return names + ["catalogue_entry__publisher"]


def details_loaded(page):
    """Mark `page`, loaded with `detail_relations`, as needing no `load_details`."""
    try:
        page.zt_catalogue_entry = page.catalogue_entry
    except m.CatalogueEntry.DoesNotExist:
        page.zt_catalogue_entry = None
    page._zt_details_loaded = True
    return page


def load_details(page):
    """The units and pictures a page shows and its catalogue entry with the publishing
    unit, in one query (instead of one per relation). The entry is kept on the page as
    `zt_catalogue_entry` (None when there is none) for the `catalogue_entry` tag.
    Nothing to do when routing loaded them with the page (`details_loaded`)."""
    if getattr(page, "_zt_details_loaded", False):
        return page
    names = []
    for name in DETAIL_RELATIONS:
        try:
            field = page._meta.get_field(name)
        except Exception:  # noqa: BLE001 (FieldDoesNotExist: not on this page type)
            continue
        if field.many_to_one and getattr(page, field.attname) is not None:
            names.append(name)
    fetched = (
        type(page)
        .objects.filter(pk=page.pk)
        .defer_streamfields()
        .select_related(*names, "catalogue_entry__publisher")
        .first()
    )
    if fetched is None:
        return page
    for name in names:
        setattr(page, name, getattr(fetched, name))
    try:
        page.zt_catalogue_entry = fetched.catalogue_entry
    except m.CatalogueEntry.DoesNotExist:
        page.zt_catalogue_entry = None
    return page


def for_page(page, request, context):
    if isinstance(page, DETAIL_PAGES) and page.pk:
        load_details(page)
    handler = HANDLERS.get(type(page))
    if handler is not None:
        context = handler(page, request, context)
    return context


# --- The unit directory --------------------------------------------------------------------

DIRECTORY_GROUPS = [
    # (heading, unit kinds) in the order county sites list them.
    (_("Leading bodies"), ("committee", "government")),
    (_("Offices"), ("office",)),
    (_("Departments"), ("department",)),
    (_("Towns"), ("town",)),
]


def unit_groups(page):
    """The active units of the page's county (its responsible unit's tree), grouped by
    kind, each with duties, telephone and address; internal sections are left out."""
    from zhengtong.org.models import Unit, UnitKind

    units = list(
        Unit.objects.filter(is_active=True, merged_into__isnull=True).exclude(kind=UnitKind.SECTION)
    )
    owner = page.unit()
    root = owner.county() if owner is not None else None
    if root is not None:
        children = {}
        for unit in units:
            children.setdefault(unit.parent_id, []).append(unit)
        keep, queue = set(), [root.pk]
        while queue:
            parent_id = queue.pop()
            for child in children.get(parent_id, []):
                if child.pk not in keep:
                    keep.add(child.pk)
                    queue.append(child.pk)
        units = [unit for unit in units if unit.pk in keep]
    groups = []
    for heading, kinds in DIRECTORY_GROUPS:
        members = [unit for unit in units if unit.kind in kinds]
        if members:
            groups.append({"heading": heading, "units": members})
    return groups
