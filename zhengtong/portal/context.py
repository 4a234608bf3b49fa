"""What each page type shows beyond its own fields: lists, related pages, the unit
directory. `for_page(page, request, context)` is called by every page's `get_context`
(CountyPage) and dispatches on the page's class.

Only live pages without a view restriction are listed; lists are newest first by
`first_published_at`, the date Wagtail sets when a page first goes live (publication
dates are never editable, STANDARDS.md §5.2). Nothing here depends on who is looking:
public pages are cached whole.

Rendering without the cache must stay cheap (≤ 10 queries, bench/portal.py):
* "no view restriction" is an SQL condition (`public_q`), not Wagtail's `.public()`,
  which reads every restriction on each call (and loading a restriction stops the
  page cache from storing the page);
* the home page's children are read once per request (`home_children`) and serve the
  navigation, the breadcrumbs and the home page's sections;
* the home page's lists come from a few queries: one per page type shown, the top
  items of several lists at once with a window function (`_top`);
* lists never load StreamField bodies (`defer_streamfields`), and the pictures and
  units they show come with them (`select_related`, `attach_related`).
"""

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageViewRestriction

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


def _latest(model, parent=None, limit=HOME_LIST_SIZE, **filters):
    queryset = public(model.objects.live().filter(**filters))
    if parent is not None:
        queryset = queryset.descendant_of(parent)
    queryset = newest_first(queryset).defer_streamfields()
    return attach_related(list(queryset[:limit]))


def _top(queryset, groups, limit):
    """{group: [the `limit` newest pages of that group]} from one query. `groups` is a
    list of (name, Q); a page falls in the first group it matches."""
    group = Case(*(When(q, then=Value(name)) for name, q in groups), default=Value(""))
    condition = Q()
    for _name, q in groups:
        condition |= q
    ranked = queryset.filter(condition).annotate(
        zt_group=group,
        zt_rank=Window(
            RowNumber(),
            partition_by=[group],
            order_by=[F("first_published_at").desc(nulls_last=True), F("pk").desc()],
        ),
    )
    result = {name: [] for name, _q in groups}
    for page in ranked.filter(zt_rank__lte=limit):
        result[page.zt_group].append(page)
    for items in result.values():
        items.sort(key=_newest_key, reverse=True)
    return result


def home_children(home, request=None):
    """The home page's children (every one, live or not, in tree order), each marked
    `zt_public` when neither it nor the home page has a view restriction. Read once per
    request: the navigation, the breadcrumbs and the home page's sections use it."""
    memo = getattr(request, "_zt_home_children", None) if request is not None else None
    if memo is not None and memo[0] == home.pk:
        return memo[1]
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
    if request is not None:
        request._zt_home_children = (home.pk, children)
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
    # News (with and without pictures, for the headlines) and notices: one query.
    article_groups = []
    if news is not None:
        article_groups += [
            ("news-pictures", Q(path__startswith=news.path, cover__isnull=False)),
            ("news-text", Q(path__startswith=news.path, cover__isnull=True)),
        ]
    if notices is not None:
        article_groups.append(("notices", Q(path__startswith=notices.path)))
    articles = (
        _top(
            public(m.ArticlePage.objects.live())
            .defer_streamfields()
            .select_related("cover", "source_unit"),
            article_groups,
            HOME_LIST_SIZE + HEADLINES,
        )
        if article_groups
        else {}
    )
    pictures = articles.get("news-pictures", [])
    context["headlines"] = pictures[:HEADLINES]
    headline_ids = {item.pk for item in context["headlines"]}
    latest_news = sorted(pictures + articles.get("news-text", []), key=_newest_key, reverse=True)[
        : HOME_LIST_SIZE + HEADLINES
    ]
    context["news"] = [item for item in latest_news if item.pk not in headline_ids][:HOME_LIST_SIZE]
    context["notices"] = articles.get("notices", [])[:HOME_LIST_SIZE]
    context["policies_section"] = section("zcfg")
    context["policies"] = _latest(m.PolicyPage)
    context["topics_section"] = section("ztzl")
    context["topics"] = list(
        newest_first(public(m.TopicPage.objects.live()))
        .defer_streamfields()
        .select_related("banner")[:4]
    )
    # Interpretations and the three ways in (services, interaction, investment): one
    # query; these lists show titles and dates only, so plain pages do. (A page lies in
    # one list only: an interpretation placed under one of the three would be listed
    # there, not among the interpretations; they live under the policies section.)
    entry_sections = []
    for slug, label in (
        ("bsfw", _("Services")),
        ("hdjl", _("Interaction")),
        ("zsyz", _("Investment")),
    ):
        target = section(slug)
        if target is not None and target.live:
            entry_sections.append((slug, label, target))
    groups = [("interpretations", Q(content_type=_content_type(m.InterpretationPage)))]
    groups += [
        (slug, Q(path__startswith=target.path, depth__gt=target.depth))
        for slug, _label, target in entry_sections
    ]
    lists = _top(public(Page.objects.live()), groups, max(4, ENTRY_LIST_SIZE))
    context["interpretations"] = lists["interpretations"][:4]
    context["entries"] = [
        {"slug": slug, "label": label, "page": target, "items": lists[slug][:ENTRY_LIST_SIZE]}
        for slug, label, target in entry_sections
    ]
    return context


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


HANDLERS = {
    m.HomePage: home,
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


def load_details(page):
    """The units and pictures a page shows and its catalogue entry with the publishing
    unit, in one query (instead of one per relation). The entry is kept on the page as
    `zt_catalogue_entry` (None when there is none) for the `catalogue_entry` tag."""
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
