"""What each page type shows beyond its own fields: lists, related pages, the unit
directory. `for_page(page, request, context)` is called by every page's `get_context`
(CountyPage) and dispatches on the page's class.

Only live pages without a view restriction are listed (`.live().public()`); lists are
newest first by `first_published_at`, the date Wagtail sets when a page first goes live
(publication dates are never editable, STANDARDS.md §5.2). Nothing here depends on who
is looking: public pages are cached whole.
"""

from django.core.paginator import Paginator
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from . import models as m

PAGE_SIZE = 20
HOME_LIST_SIZE = 8
HEADLINES = 5


def newest_first(queryset):
    return queryset.order_by(F("first_published_at").desc(nulls_last=True), "-pk")


def live_children(page):
    return newest_first(page.get_children().live().public())


def live_descendants(page):
    return newest_first(page.get_descendants().live().public())


def paginate(request, queryset, size=PAGE_SIZE):
    """One page of `queryset` (specific pages). A page number that is not a number or
    out of range gives the first or the last page, never an error."""
    paginator = Paginator(queryset, size)
    page_obj = paginator.get_page(request.GET.get("page") if request is not None else None)
    return page_obj


def _latest(model, parent=None, limit=HOME_LIST_SIZE, **filters):
    queryset = model.objects.live().public().filter(**filters)
    if parent is not None:
        queryset = queryset.descendant_of(parent)
    return list(newest_first(queryset)[:limit])


# --- Per page type ------------------------------------------------------------------------


def _section(home_page, slug):
    """The section at /<slug>/ under this home page (specific), or None."""
    child = home_page.get_children().filter(slug=slug).first()
    return child.specific if child else None


def home(page, request, context):
    def section(slug):
        return _section(page, slug)

    news = section("zwdt")
    notices = section("tzgg")
    context["headlines"] = (
        _latest(m.ArticlePage, news, HEADLINES, cover__isnull=False) if news else []
    )
    headline_ids = {item.pk for item in context["headlines"]}
    context["news_section"] = news
    context["news"] = (
        [
            item
            for item in _latest(m.ArticlePage, news, HOME_LIST_SIZE + HEADLINES)
            if item.pk not in headline_ids
        ][:HOME_LIST_SIZE]
        if news
        else []
    )
    context["notices_section"] = notices
    context["notices"] = _latest(m.ArticlePage, notices) if notices else []
    context["policies_section"] = section("zcfg")
    context["policies"] = _latest(m.PolicyPage)
    context["interpretations"] = _latest(m.InterpretationPage, limit=4)
    context["topics_section"] = section("ztzl")
    context["topics"] = _latest(m.TopicPage, limit=4)
    entries = []
    for slug, label in (
        ("bsfw", _("Services")),
        ("hdjl", _("Interaction")),
        ("zsyz", _("Investment")),
    ):
        target = section(slug)
        if target is None or not target.live:
            continue
        items = list(live_descendants(target).specific()[:4])
        entries.append({"slug": slug, "label": label, "page": target, "items": items})
    context["entries"] = entries
    return context


def listing(page, request, context):
    """A section or a topic: its pages, newest first, twenty to a page."""
    context["children"] = paginate(request, live_children(page).specific())
    return context


def standard(page, request, context):
    context["children"] = list(live_children(page).specific()[:50])
    return context


def policy_index(page, request, context):
    context["policies"] = paginate(
        request, newest_first(m.PolicyPage.objects.child_of(page).live().public())
    )
    context["interpretations"] = list(
        newest_first(m.InterpretationPage.objects.child_of(page).live().public())[:10]
    )
    return context


def _live(target):
    """`target` (any page) as its specific page when the public can see it, else None."""
    if target is None:
        return None
    public = Page.objects.live().public().filter(pk=target.pk).first()
    return public.specific if public else None


def policy(page, request, context):
    context["interpretations"] = list(newest_first(page.interpretations.live().public()))
    context["replacement"] = _live(page.replaced_by) if page.replaced_by_id else None
    return context


def interpretation(page, request, context):
    context["policy"] = _live(page.policy) if page.policy_id else None
    return context


def disclosure_index(page, request, context):
    context["children"] = list(live_children(page).specific())
    entries = m.CatalogueEntry.objects.filter(is_public=True, page__isnull=False)
    context["latest_entries"] = list(entries.select_related("page", "publisher")[:10])
    return context


def unit_directory(page, request, context):
    context["unit_groups"] = unit_groups(page)
    return context


def leaders(page, request, context):
    context["leaders"] = list(
        m.LeaderPage.objects.child_of(page).live().public().order_by("sort_order", "path")
    )
    return context


def investment(page, request, context):
    projects = m.ProjectPage.objects.child_of(page).live().public()
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
    context["pages"] = list(m.StandardPage.objects.child_of(page).live().public().order_by("path"))
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


def for_page(page, request, context):
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
