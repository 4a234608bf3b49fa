"""The site's fixed skeleton: the home page and its sections at the paths of
docs/architecture.md's public URL map. `manage.py setup_website` (and the demo) call
`ensure_site`, which creates whatever is missing and leaves the rest alone."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Locale, Page, Site

from . import models as m


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    model: type


# Titles are the county's words for its sections; they are page titles, edited in /cms/.
SECTIONS = [
    Section("zwdt", "政务动态", m.SectionPage),
    Section("tzgg", "通知公告", m.SectionPage),
    Section("xxgk", "政府信息公开", m.DisclosureIndexPage),
    Section("zcfg", "政策文件", m.PolicyIndexPage),
    Section("bsfw", "办事服务", m.StandardPage),
    Section("hdjl", "互动交流", m.StandardPage),
    Section("zsyz", "招商引资", m.InvestmentIndexPage),
    Section("ztzl", "专题专栏", m.SectionPage),
    Section("zjxq", "走进县情", m.StandardPage),
    Section("jgsz", "机构设置", m.UnitDirectoryPage),
    Section("ldxx", "领导信息", m.LeaderIndexPage),
]


def home_page():
    """The live home page of the default site, or None before the site is set up."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    home = site.root_page.specific
    # Before set-up the default site is Wagtail's own "Welcome" page, not ours.
    return home if isinstance(home, m.HomePage) else None


def section(slug):
    """The section page at /<slug>/ (specific), or None."""
    home = home_page()
    if home is None:
        return None
    page = home.get_children().filter(slug=slug).first()
    return page.specific if page else None


@transaction.atomic
def ensure_site(county, *, hostname="localhost", port=80, office=None):
    """Create the home page (titled with the county's name) and every section, publish
    them, and make the home page the default site's root. `office` (the government
    office) is the responsible unit of the home page and the sections."""
    # Wagtail's migrations create the default locale and the tree's root; a flushed
    # database (browser tests) has neither.
    if not Locale.objects.exists():
        Locale.objects.create(language_code="zh-hans")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    # A flushed database leaves Wagtail's cached site paths pointing at vanished pages.
    Site.clear_site_root_paths_cache()
    home = m.HomePage.objects.first()
    if home is None:
        # Wagtail's initial migration leaves a "Welcome" page as the default root.
        for stray in root.get_children().exclude(content_type__model="homepage"):
            if stray.slug == "home" and not stray.get_children().exists():
                Site.objects.filter(root_page=stray).delete()
                stray.delete()
        home = m.HomePage(title=county.name, slug="home", owner_unit=office)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    site.hostname, site.port, site.root_page, site.site_name = hostname, port, home, county.name
    site.save()
    for spec in SECTIONS:
        if home.get_children().filter(slug=spec.slug).exists():
            continue
        page = spec.model(title=spec.title, slug=spec.slug, owner_unit=office)
        home.add_child(instance=page)
        page.save_revision().publish()
    from .workflow import ensure_review_workflow

    ensure_review_workflow()
    return home


SECTION_LABELS = {
    # Untranslated titles above are content; these are the interface's names for them.
    "zwdt": _("News"),
    "tzgg": _("Notices"),
    "xxgk": _("Information disclosure"),
    "zcfg": _("Policies"),
    "bsfw": _("Services"),
    "hdjl": _("Interaction"),
    "zsyz": _("Investment"),
    "ztzl": _("Topics"),
    "zjxq": _("About the county"),
    "jgsz": pgettext_lazy("website section", "Organisation"),
    "ldxx": _("Leaders"),
}
