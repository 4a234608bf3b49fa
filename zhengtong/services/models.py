"""Service items (政务服务事项) and their guides (办事指南), STANDARDS.md §7.2.

A `ServiceItem` carries the national fields of a guide; its materials, steps and FAQ
are ordered rows. Items are written in draft, published (only with the 8 key elements
of §5.2 present, see `checks.guide_problems`) and withdrawn; every published state is
kept as a `ServiceItemVersion` snapshot, and every change is in the audit trail.

Applications and cases (next part of issue 6) will point at `ServiceItem` and its
`ServiceMaterial` rows (one upload slot per material) and take the time limits from
`statutory_limit` / `promised_limit`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    """事项类型 (§7.2)."""

    LICENSING = "licensing", _("Administrative licensing (行政许可)")
    CONFIRMATION = "confirmation", _("Administrative confirmation (行政确认)")
    PAYMENT = "payment", _("Administrative payment (行政给付)")
    ADJUDICATION = "adjudication", _("Administrative adjudication (行政裁决)")
    REWARD = "reward", _("Administrative reward (行政奖励)")
    FILING = "filing", _("Administrative filing (行政备案)")
    OTHER_POWER = "other_power", _("Other administrative power (其他行政权力)")
    PUBLIC_SERVICE = "public_service", _("Public service (公共服务)")


class Audience(models.TextChoices):
    """服务对象."""

    CITIZENS = "citizens", _("Citizens")
    BUSINESSES = "businesses", _("Businesses and organisations")
    BOTH = "both", _("Citizens and businesses")


class ItemState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OnlineDepth(models.TextChoices):
    """网办深度: how far the matter can be done online (the usual four levels)."""

    GUIDE = "guide", _("Level 1: guide online, done at the window")
    FORMS = "forms", _("Level 2: forms downloaded online")
    PRE_REVIEW = "pre_review", _("Level 3: applied and pre-checked online")
    FULL = "full", _("Level 4: done entirely online")


class Delivery(models.TextChoices):
    """送达方式 of the result."""

    WINDOW = "window", _("Collected at the window")
    POST = "post", _("Sent by post")
    ONLINE = "online", _("Downloaded online (electronic licence)")


class EventKind(models.TextChoices):
    LIFE = "life", _("Life event")
    BUSINESS = "business", _("Business event")


class ServiceEvent(models.Model):
    """A life event (出生, 上学 ...) or business event (开办企业, 工程建设 ...) by which
    the catalogue is browsed. The list is seeded by migration and kept by the IT centre."""

    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["kind", "sort_order", "id"]
        verbose_name = _("life or business event")
        verbose_name_plural = _("life and business events")

    def __str__(self):
        return self.name


class ServiceItem(models.Model):
    """政务服务事项 with its guide (办事指南), STANDARDS.md §7.2."""

    name = models.CharField(_("item name (事项名称)"), max_length=200)
    basic_code = models.CharField(_("basic code (基本编码)"), max_length=40, blank=True)
    implementation_code = models.CharField(
        _("implementation code (实施编码)"), max_length=60, unique=True
    )
    item_type = models.CharField(_("item type"), max_length=20, choices=ItemType.choices)
    legal_basis = models.TextField(_("legal basis (设定依据)"), blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("implementing unit"),
    )
    audience = models.CharField(
        _("who it serves"), max_length=12, choices=Audience.choices, default=Audience.CITIZENS
    )
    conditions = models.TextField(_("conditions (申请条件)"), blank=True)
    statutory_limit = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), null=True, blank=True
    )
    promised_limit = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), null=True, blank=True
    )
    special_steps = models.TextField(
        _("special steps not counted in the time limit"),
        blank=True,
        help_text=_("Hearing, inspection, expert review …: each with how long it may take."),
    )
    fee_charged = models.BooleanField(_("a fee is charged"), default=False)
    fees = models.TextField(_("fees"), blank=True)
    fee_basis = models.TextField(_("basis of the fees"), blank=True)
    place = models.TextField(_("place (办理地点)"), blank=True)
    hours = models.TextField(_("hours (办理时间)"), blank=True)
    phone = models.CharField(_("contact telephone (联系电话)"), max_length=40, blank=True)
    complaint_channel = models.TextField(_("complaints (监督投诉方式)"), blank=True)
    result_name = models.CharField(_("result (办理结果)"), max_length=200, blank=True)
    result_delivery = models.JSONField(_("delivery of the result"), default=list, blank=True)
    result_sample = models.ForeignKey(
        "core.Attachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sample of the result"),
    )
    flow_chart = models.ForeignKey(
        "core.Attachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("flow chart (image)"),
    )
    online_depth = models.CharField(
        _("online depth"), max_length=12, choices=OnlineDepth.choices, default=OnlineDepth.GUIDE
    )
    visits = models.PositiveSmallIntegerField(_("visits to the window"), default=1)
    events = models.ManyToManyField(
        ServiceEvent, blank=True, related_name="items", verbose_name=_("life and business events")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ItemState.choices, default=ItemState.DRAFT
    )
    version = models.PositiveIntegerField(_("published version"), default=0)
    # Bumped by every save through the operations: a form carries it, and a save based on
    # an older revision is refused (two clerks editing the same guide).
    revision = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["unit__sort_order", "unit_id", "name"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        indexes = [models.Index(fields=["state", "unit"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit__isnull=True)
                | Q(statutory_limit__isnull=True)
                | Q(promised_limit__lte=models.F("statutory_limit")),
                name="services_promised_within_statutory",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"/bsfw/sx/{self.implementation_code}/"

    @property
    def is_public(self):
        return self.state == ItemState.PUBLISHED

    def delivery_labels(self):
        labels = dict(Delivery.choices)
        return [labels[d] for d in self.result_delivery or [] if d in labels]


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    BOTH = "both", _("Original and copy")


class Medium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    EITHER = "either", _("Paper or electronic")


class ServiceMaterial(models.Model):
    """申请材料: one material the applicant brings or uploads."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("material"), max_length=200)
    form = models.CharField(
        _("original or copy"), max_length=10, choices=MaterialForm.choices, default="original"
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    medium = models.CharField(
        _("paper or electronic"), max_length=12, choices=Medium.choices, default="paper"
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=True)
    note = models.TextField(_("requirements"), blank=True)
    blank_form = models.ForeignKey(
        "core.Attachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("blank form"),
    )
    sample = models.ForeignKey(
        "core.Attachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filled sample"),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.name


class ServiceStep(models.Model):
    """办理流程: one step, with what happens in it (who does what, within how long)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("step"), max_length=100)
    description = models.TextField(_("what happens"), blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.name


class ServiceFAQ(models.Model):
    """常见问题."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="faqs")
    order = models.PositiveSmallIntegerField(default=0)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")

    def __str__(self):
        return self.question


class ServiceItemVersion(models.Model):
    """A published state of a guide, kept when it is published or changed while
    published: what the public was shown, and when."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField()

    class Meta:
        ordering = ["item", "-version"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="services_version_unique")
        ]

    def __str__(self):
        return f"{self.item} v{self.version}"
