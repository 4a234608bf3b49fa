"""The government website's page types (Wagtail), its settings and the disclosure
catalogue. docs/conformance.md DIS (信息公开条例), WEB (网站指引, 检查指标).

Public URLs follow docs/architecture.md: the home page is the site root and each section is
a child page with its pinyin slug (zwdt, tzgg, xxgk, zcfg, bsfw, hdjl, zsyz, ztzl …).
Publication dates are Wagtail's own `first_published_at` / `last_published_at`, set by
the system when a page goes live; no page type has an editable publication date (faking
dates is a veto item, §5.2).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from zhengtong.core.validators import validate_phone

from .blocks import RICH_TEXT_FEATURES, BodyBlock
from .forms import CountyPageForm

# --- Choices ----------------------------------------------------------------------------


class Validity(models.TextChoices):
    """A policy's validity, shown on its own page (§4.1: amended, repealed and expired
    documents are marked on the original page)."""

    VALID = "valid", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")
    EXPIRED = "expired", _("Expired")


class Topic(models.TextChoices):
    """主题分类: the subject classes of the disclosure catalogue."""

    GENERAL = "general", _("General government affairs")
    ECONOMY = "economy", _("Economic management")
    FINANCE = "finance", _("Finance and budget")
    LAND = "land", _("Land and natural resources")
    CONSTRUCTION = "construction", _("Urban and rural construction")
    AGRICULTURE = "agriculture", _("Agriculture and rural affairs")
    INDUSTRY = "industry", _("Industry and transport")
    COMMERCE = "commerce", _("Commerce and investment")
    EDUCATION = "education", _("Education, science and technology")
    CULTURE = "culture", _("Culture and tourism")
    HEALTH = "health", pgettext_lazy("disclosure topic", "Health")
    EMPLOYMENT = "employment", _("Employment and social security")
    CIVIL = "civil", _("Civil affairs and social assistance")
    JUSTICE = "justice", _("Public security and justice")
    ENVIRONMENT = "environment", _("Ecology and environment")
    MARKET = "market", _("Market regulation")
    EMERGENCY = "emergency", _("Emergency management")


class DisclosureCategory(models.TextChoices):
    """The statutory categories of proactive disclosure: Art. 20's fifteen, then the
    county's extra ones of Art. 21 (docs/conformance.md DIS-3). The catalogue is built on them."""

    REGULATIONS = "a20_01", _("Regulations, rules and normative documents")
    ORGANISATION = "a20_02", _("Functions, organisation, address, hours, contacts, heads")
    PLANS = "a20_03", _("Development plans and related policies")
    STATISTICS = "a20_04", _("Statistics on the economy and society")
    LICENSING = "a20_05", _("Licensing and other services: basis, conditions, procedure, results")
    PENALTIES = "a20_06", _("Administrative penalties and enforcement")
    BUDGET = "a20_07", _("Budgets and final accounts")
    FEES = "a20_08", _("Administrative fees, their basis and rates")
    PROCUREMENT = "a20_09", _("Government procurement")
    PROJECTS = "a20_10", _("Major construction projects")
    LIVELIHOOD = "a20_11", _("Poverty relief, education, health, social security, employment")
    EMERGENCIES = "a20_12", _("Emergency plans, warnings and responses")
    INSPECTIONS = "a20_13", _("Environmental, health, safety, food, drug and quality inspections")
    RECRUITMENT = "a20_14", _("Civil service recruitment and results")
    OTHER = "a20_15", _("Other information to be disclosed by law")
    COUNTY_PUBLIC = "a21_01", _("Municipal construction, public services and public welfare")
    COUNTY_LAND = "a21_02", _("Land expropriation and housing expropriation")
    COUNTY_ORDER = "a21_03", _("Public order and social assistance")


class ProjectStatus(models.TextChoices):
    SEEKING = "seeking", _("Seeking investors")
    NEGOTIATING = "negotiating", _("In negotiation")
    SIGNED = "signed", _("Signed")


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Modern agriculture")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TOURISM = "tourism", _("Culture and tourism")
    LOGISTICS = "logistics", _("Trade and logistics")
    ENERGY = "energy", _("New energy")
    SERVICES = "services", pgettext_lazy("investment sector", "Services")


# --- Shared pieces ------------------------------------------------------------------------


class CountyPage(Page):
    """Every page of the site belongs to a unit: its editors edit it, its reviewers
    review it (portal/permissions.py, portal/workflow.py). New pages take their parent's
    unit unless the editor picks one."""

    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The unit whose editors and reviewers look after this page."),
    )

    promote_panels = Page.promote_panels + [FieldPanel("owner_unit")]
    # Refuses submitting or publishing while the pre-publication checks find problems.
    base_form_class = CountyPageForm

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        # What each page type shows beyond its own fields (lists, related pages) is
        # gathered in portal/context.py, one function per page type.
        from . import context as page_context

        context = super().get_context(request, *args, **kwargs)
        return page_context.for_page(self, request, context)

    def get_view_restrictions(self):
        # Asked by Wagtail before serving every page: no query when no page has a view
        # restriction (portal/routing.py keeps that in memory with the page cache on).
        from .routing import no_view_restrictions

        if no_view_restrictions():
            from wagtail.models import PageViewRestriction

            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def unit(self):
        """The responsible unit: this page's, or the nearest ancestor's."""
        if self.owner_unit_id:
            return self.owner_unit
        for ancestor in self.get_ancestors().specific().reverse():
            if getattr(ancestor, "owner_unit_id", None):
                return ancestor.owner_unit
        return None


class DisclosureFields(models.Model):
    """Catalogue metadata a content page carries (docs/conformance.md DIS-2). When such a page
    is published with `in_catalogue` set, it gets a catalogue entry and its 索引号."""

    in_catalogue = models.BooleanField(
        _("list in the disclosure catalogue"),
        default=True,
        help_text=_(
            "Proactively disclosed information appears in the catalogue with an index number."
        ),
    )
    topic = models.CharField(
        _("topic"), max_length=20, choices=Topic.choices, default=Topic.GENERAL
    )
    category = models.CharField(
        _("statutory category"),
        max_length=8,
        choices=DisclosureCategory.choices,
        default=DisclosureCategory.OTHER,
    )

    disclosure_panels = [
        MultiFieldPanel(
            [
                FieldPanel("in_catalogue"),
                FieldRowPanel([FieldPanel("topic"), FieldPanel("category")]),
            ],
            heading=_("Information disclosure"),
        )
    ]

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


def _body_field():
    return StreamField(BodyBlock(), verbose_name=_("body"), blank=True)


# --- Home and sections ------------------------------------------------------------------------


class HomePage(CountyPage):
    """The county's home page: headlines with pictures, notices, policies, and the ways in
    to services, interaction and investment; every block shows publication dates."""

    intro = models.CharField(_("welcome line"), max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        # A page below the home page in two queries, not two per level (routing.py).
        if not path_components:
            return super().route(request, path_components)
        from .routing import route_below

        return route_below(self, request, path_components)


class SectionPage(CountyPage):
    """A section (栏目) that lists its pages newest first: news, notices, topics, a
    department's own column. Lists are paginated; the routes give an RSS feed."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = [
        "portal.SectionPage",
        "portal.ArticlePage",
        "portal.StandardPage",
        "portal.TopicPage",
        "portal.DisclosedDocumentPage",
    ]

    class Meta:
        verbose_name = _("section")


class StandardPage(CountyPage):
    """A page of text, pictures and video: about the county, the disclosure guide, the
    investment policies, resources and environment, and the like."""

    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = _body_field()

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class ArticlePage(DisclosureFields, CountyPage):
    """A news item (政务动态) or a notice (通知公告): dates, source unit, picture, body,
    attachments."""

    source_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("source unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_text = models.CharField(
        _("source (other)"),
        max_length=100,
        blank=True,
        help_text=_("When the source is not one of the county's units."),
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("headline picture"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = _body_field()

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("source_unit"), FieldPanel("source_text")]),
        FieldPanel("cover"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    promote_panels = CountyPage.promote_panels + DisclosureFields.disclosure_panels
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["portal.SectionPage", "portal.TopicPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")

    @property
    def source(self):
        return self.source_text or (self.source_unit.name if self.source_unit_id else "")


class PolicyIndexPage(CountyPage):
    """政策文件: policies with their interpretations."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["portal.PolicyPage", "portal.InterpretationPage"]

    class Meta:
        verbose_name = _("policy section")


class PolicyPage(DisclosureFields, CountyPage):
    """A policy document with its validity shown on the page itself and a link to what
    replaced it (§4.1); its interpretations link back to it."""

    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuing_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    replaced_by = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For an amended, repealed or expired policy: the page that replaced it."),
    )
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = _body_field()

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("doc_number"), FieldPanel("issued_on")]),
        FieldPanel("issuing_unit"),
        FieldRowPanel([FieldPanel("validity"), FieldPanel("replaced_by")]),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    promote_panels = CountyPage.promote_panels + DisclosureFields.disclosure_panels
    search_fields = Page.search_fields + [
        index.SearchField("doc_number"),
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["portal.PolicyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("policy")


class InterpretationPage(DisclosureFields, CountyPage):
    """政策解读: an interpretation of one policy; the policy's page lists it."""

    policy = models.ForeignKey(
        PolicyPage,
        verbose_name=_("policy interpreted"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpretations",
    )
    source_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("source unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = _body_field()

    content_panels = Page.content_panels + [
        FieldPanel("policy"),
        FieldPanel("source_unit"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    promote_panels = CountyPage.promote_panels + DisclosureFields.disclosure_panels
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["portal.PolicyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("policy interpretation")


# --- Information disclosure ---------------------------------------------------------------------


class DisclosureIndexPage(CountyPage):
    """政府信息公开 (/xxgk/): the guide and annual reports are child pages; the catalogue
    (目录, /xxgk/ml/), browsable by unit, topic, category and year, is a view
    (portal/views_catalogue.py) over CatalogueEntry."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = [
        "portal.StandardPage",
        "portal.AnnualReportPage",
        "portal.DisclosedDocumentPage",
        "portal.SectionPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("information disclosure section")


class AnnualReportPage(DisclosureFields, CountyPage):
    """政府信息公开工作年度报告 for one year (docs/conformance.md DIS-14)."""

    year = models.PositiveIntegerField(
        _("year reported"), validators=[MinValueValidator(2008), MaxValueValidator(2100)]
    )
    body = _body_field()
    # The report's request table (§3.4) is counted from the disclosure requests
    # themselves (disclosure.selectors.annual_counts), never typed in.
    request_organ = models.ForeignKey(
        "org.Unit",
        verbose_name=_("organ whose requests are counted"),
        help_text=_("Leave empty to count the requests to every organ of the county."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("year"),
        FieldPanel("request_organ"),
        FieldPanel("body"),
    ]
    promote_panels = CountyPage.promote_panels + DisclosureFields.disclosure_panels
    parent_page_types = ["portal.DisclosureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("annual disclosure report")
        ordering = ["-year"]


class DisclosedDocumentPage(DisclosureFields, CountyPage):
    """An issued official document (公文) marked 主动公开, taken over from the documents
    subsystem with its metadata after an editor's check (portal/catalogue.py)."""

    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("official document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosed_page",
    )
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuing_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body_html = RichTextField(_("text"), features=RICH_TEXT_FEATURES, blank=True)
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("doc_number"), FieldPanel("issued_on")]),
        FieldPanel("issuing_unit"),
        FieldPanel("validity"),
        FieldPanel("summary"),
        FieldPanel("body_html"),
        FieldPanel("pdf"),
    ]
    promote_panels = CountyPage.promote_panels + DisclosureFields.disclosure_panels
    search_fields = Page.search_fields + [
        index.SearchField("doc_number"),
        index.SearchField("body_html"),
    ]
    parent_page_types = ["portal.DisclosureIndexPage", "portal.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("disclosed official document")


class IndexNumberCounter(models.Model):
    """The last serial of 索引号 given to one publisher in one year (docs/conformance.md DIS-1).
    Incremented under a row lock, so numbers are unique and never reused."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="portal_index_counter_unique")
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.year}: {self.last}"


class CatalogueEntry(models.Model):
    """One item of the disclosure catalogue (公开目录). The 索引号 is given once, when
    the item is first published, and never changes (§3.5); the entry stays when the page
    is unpublished but is then hidden from the public."""

    index_number = models.CharField(_("index number"), max_length=40, unique=True)
    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="catalogue_entry",
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    publisher = models.ForeignKey(
        "org.Unit", verbose_name=_("publishing unit"), on_delete=models.PROTECT, related_name="+"
    )
    generated_on = models.DateField(_("date generated"))
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    category = models.CharField(
        _("statutory category"), max_length=8, choices=DisclosureCategory.choices
    )
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    year = models.PositiveIntegerField(_("year"))
    published_at = models.DateTimeField(_("published"))
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        indexes = [
            models.Index(fields=["is_public", "publisher", "year"]),
            models.Index(fields=["is_public", "topic"]),
            models.Index(fields=["is_public", "category"]),
        ]

    def __str__(self):
        return f"{self.index_number} {self.title}"


# --- About the county ------------------------------------------------------------------------------


class UnitDirectoryPage(CountyPage):
    """机构设置: the county's units with duties and contacts, read live from `org`."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("unit directory")


class LeaderIndexPage(CountyPage):
    """领导信息: the county's leaders."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["portal.LeaderPage"]
    max_count = 1

    class Meta:
        verbose_name = _("leaders section")


class LeaderPage(CountyPage):
    """One leader: name, position, photo, portfolio (分工) and curriculum vitae (§4.1)."""

    position = models.CharField(_("position"), max_length=100)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    portfolio = models.TextField(_("responsibilities"), blank=True)
    biography = models.TextField(_("curriculum vitae"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    content_panels = Page.content_panels + [
        FieldPanel("position"),
        FieldPanel("photo"),
        FieldPanel("portfolio"),
        FieldPanel("biography"),
        FieldPanel("sort_order"),
    ]
    parent_page_types = ["portal.LeaderIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("leader")


# --- Investment promotion -------------------------------------------------------------------------


class InvestmentIndexPage(CountyPage):
    """招商引资 (/zsyz/): projects, policies for investors, resources and environment
    pages; the investor enquiry form is at /zsyz/zxly/ (portal/enquiries.py)."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["portal.ProjectPage", "portal.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("investment section")


class ProjectPage(CountyPage):
    """A project offered to investors."""

    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    location = models.CharField(_("location"), max_length=200)
    investment = models.DecimalField(
        _("total investment (10,000 yuan)"), max_digits=12, decimal_places=2
    )
    land_area = models.DecimalField(
        _("land (mu)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.SEEKING
    )
    contact_name = models.CharField(_("contact"), max_length=50)
    contact_phone = models.CharField(
        _("contact telephone"), max_length=40, validators=[validate_phone]
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("picture"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = _body_field()

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("sector"), FieldPanel("status")]),
        FieldPanel("location"),
        FieldRowPanel([FieldPanel("investment"), FieldPanel("land_area")]),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")]),
        FieldPanel("cover"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("location"),
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["portal.InvestmentIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("investment project")


class InvestorEnquiry(models.Model):
    """An enquiry from an investor; it becomes a work item for the investment promotion
    bureau named in the site settings."""

    project = models.ForeignKey(
        ProjectPage,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries",
    )
    name = models.CharField(_("name"), max_length=50)
    company = models.CharField(_("company"), max_length=100, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    message = models.TextField(_("enquiry"), max_length=2000)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_note = models.TextField(_("how it was answered"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("investor enquiry")
        verbose_name_plural = _("investor enquiries")

    def __str__(self):
        return f"{self.name} · {self.created_at:%Y-%m-%d}"


# --- Topics -----------------------------------------------------------------------------------------


class TopicPage(CountyPage):
    """专题专栏: a topic with its own banner, introduction and articles."""

    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = _body_field()

    content_panels = Page.content_panels + [
        FieldPanel("banner"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    parent_page_types = ["portal.SectionPage"]
    subpage_types = ["portal.ArticlePage"]

    class Meta:
        verbose_name = _("topic")


# --- Site settings ---------------------------------------------------------------------------------


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What the footer and the checks need, per site (several counties can share one
    platform later): sponsor, contacts, the identification and filing numbers (§4.2),
    the investment bureau, the sensitive words list."""

    sponsor = models.CharField(_("sponsor (主办单位)"), max_length=100, blank=True)
    organiser = models.CharField(_("organiser (承办单位)"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    site_code = models.CharField(_("website identification code"), max_length=20, blank=True)
    icp_number = models.CharField(_("ICP filing number"), max_length=60, blank=True)
    police_number = models.CharField(_("public security filing number"), max_length=60, blank=True)
    police_code = models.CharField(
        _("public security filing code"),
        max_length=20,
        blank=True,
        help_text=_("The digits of the filing number, used in the link to the filing record."),
    )
    investment_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit answering investor enquiries"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sensitive_words = models.TextField(
        _("sensitive words"),
        blank=True,
        help_text=_("One per line. A page containing any of them cannot be published."),
    )
    review_days = models.PositiveSmallIntegerField(
        _("working days for each review step"), default=1
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("sponsor"),
                FieldPanel("organiser"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_email"),
                FieldPanel("address"),
            ],
            heading=_("Footer"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("site_code"),
                FieldPanel("icp_number"),
                FieldPanel("police_number"),
                FieldPanel("police_code"),
            ],
            heading=_("Identification and filing"),
        ),
        FieldPanel("investment_unit"),
        FieldPanel("sensitive_words"),
        FieldPanel("review_days"),
    ]

    class Meta:
        verbose_name = _("website settings")

    @classmethod
    def for_request(cls, request):
        # Every public page's footer reads these: kept in process memory with the page
        # cache on (tag "settings", invalidated on save); a copy per request, as the
        # request is set on it.
        import copy

        from wagtail.models import Site

        from .cache import remember

        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        kept = remember(("settings", site.pk), lambda: cls.for_site(site), tags=("settings",))
        site_settings = copy.copy(kept)
        site_settings._request = request
        setattr(request, attr_name, site_settings)
        return site_settings

    def sensitive_word_list(self):
        return [w.strip() for w in self.sensitive_words.splitlines() if w.strip()]


# Review workflow and editing permissions (portal/workflow.py, portal/cms_permissions.py).
from .models_workflow import *  # noqa: E402,F403
