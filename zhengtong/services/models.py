"""Service items (政务服务事项) and their guides (办事指南), docs/conformance.md SRV-1.

A `ServiceItem` carries the national fields of a guide; its materials, steps and FAQ
are ordered rows. Items are written in draft, published (only with the 8 key elements
of §5.2 present, see `checks.guide_problems`) and withdrawn; every published state is
kept as a `ServiceItemVersion` snapshot, and every change is in the audit trail.

Applications (办件) point at `ServiceItem` and its
`ServiceMaterial` rows (one upload slot per material) and take the time limits from
`statutory_limit` / `promised_limit`.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengtong.core.crypto import EncryptedTextField

# 好差评 is rated on the national scale (core/ratings.py); the names stay importable here.
from zhengtong.core.ratings import BAD_LEVELS as BAD_LEVELS
from zhengtong.core.ratings import Satisfaction as Satisfaction


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
    """政务服务事项 with its guide (办事指南), docs/conformance.md SRV-1."""

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


# --- online applications and cases (办件), docs/conformance.md SRV-4–SRV-13 --------------


class FieldType(models.TextChoices):
    """The kinds of answer an online form may ask for."""

    TEXT = "text", _("Short text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice from a list")
    ID_NUMBER = "id_number", _("Citizen ID number")
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    PHONE = "phone", _("Telephone")
    ADDRESS = "address", _("Address")
    TABLE = "table", _("Table (rows)")


class ServiceForm(models.Model):
    """The online application form of one item, defined by its unit without code.

    `fields` is a list of {key, label, type, required, choices, columns, help,
    show_if: {field, equals}}; a field with `show_if` is shown, and then only then
    required, when the other answer equals the value. Every change bumps `version`;
    an application keeps a copy of the fields it was filled with."""

    item = models.OneToOneField(ServiceItem, on_delete=models.CASCADE, related_name="online_form")
    fields = models.JSONField(_("fields"), default=list, blank=True)
    version = models.PositiveIntegerField(_("form version"), default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("online form")
        verbose_name_plural = _("online forms")

    def __str__(self):
        return f"{self.item} v{self.version}"


class ApplicationCounter(models.Model):
    """The last serial of application numbers of one unit and year
    (core.counters.take_next): numbers are never reused."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="services_counter_unique")
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.year}: {self.last}"


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for intake")
    NOTICE_SENT = "notice_sent", _("Materials to supply (one-time notice)")
    ACCEPTED = "accepted", _("Accepted")
    IN_REVIEW = "in_review", _("Under review")
    SUSPENDED = "suspended", _("Special step (time limit paused)")
    APPROVED = "approved", _("Approved")
    REFUSED_AT_INTAKE = "refused_at_intake", _("Not accepted")
    REFUSED = "refused", _("Refused")
    DELIVERED = "delivered", _("Completed (result delivered)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


A = ApplicationState
# The allowed moves (cases.py `_move`).
APPLICATION_TRANSITIONS = {
    A.DRAFT: {A.SUBMITTED, A.WITHDRAWN},
    A.SUBMITTED: {A.ACCEPTED, A.REFUSED_AT_INTAKE, A.NOTICE_SENT, A.WITHDRAWN},
    A.NOTICE_SENT: {A.SUBMITTED, A.WITHDRAWN},
    A.ACCEPTED: {A.IN_REVIEW, A.SUSPENDED, A.APPROVED, A.REFUSED, A.WITHDRAWN},
    A.IN_REVIEW: {A.SUSPENDED, A.APPROVED, A.REFUSED, A.WITHDRAWN, A.IN_REVIEW},
    A.SUSPENDED: {A.IN_REVIEW},
    A.APPROVED: {A.DELIVERED},
    A.REFUSED_AT_INTAKE: set(),
    A.REFUSED: set(),
    A.DELIVERED: set(),
    A.WITHDRAWN: set(),
}
# Waiting for the unit (the case list's "open" filter; the decision clock runs).
OPEN_STATES = {A.SUBMITTED, A.ACCEPTED, A.IN_REVIEW, A.SUSPENDED, A.APPROVED}
# The matter is over: the applicant may rate it (好差评, 一事一评).
COMPLETED_STATES = {A.DELIVERED, A.REFUSED, A.REFUSED_AT_INTAKE}


class DeliveryWay(models.TextChoices):
    ONLINE = "online", _("Online download")
    POST = "post", _("By post")
    COLLECTION = "collection", _("Collected at the window")


class Application(models.Model):
    """办件: one application for a service item, from the applicant's draft to the
    delivered result. The applicant's name, ID number and mobile are kept encrypted,
    with blind indexes for the public progress lookup."""

    number = models.CharField(_("application number"), max_length=24, unique=True, null=True)
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="applications", verbose_name=_("item")
    )
    # The implementing unit when submitted (kept: an item may move to another unit later).
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    form_version = models.PositiveIntegerField(default=0)
    form_fields = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    applicant = models.ForeignKey(
        "public.PublicUser",
        on_delete=models.PROTECT,
        related_name="service_applications",
        verbose_name=_("applicant"),
    )
    applicant_kind = models.CharField(max_length=10, default="citizen")
    applicant_name = EncryptedTextField(_("applicant"), blank=True, default="")
    applicant_id_number = EncryptedTextField(_("citizen ID number"), blank=True, default="")
    id_number_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    applicant_mobile = EncryptedTextField(_("mobile"), blank=True, default="")
    mobile_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    company_name = models.CharField(_("business name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=A.DRAFT
    )
    state_before_pause = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    intake_due = models.DateField(_("intake decision by"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(
        _("accepted by lapse of the notice period"), default=False
    )
    decision_due = models.DateField(_("statutory decision date"), null=True, blank=True)
    promised_due = models.DateField(_("promised decision date"), null=True, blank=True)
    extended = models.BooleanField(_("time limit extended"), default=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    paused_days = models.PositiveIntegerField(_("working days paused"), default=0)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    delivery_due = models.DateField(_("deliver by"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    delivery_way = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryWay.choices, blank=True
    )
    delivery_note = models.CharField(_("delivery details"), max_length=200, blank=True)
    # The dated receipt of acceptance or refusal (PDF with the unit's seal), kept.
    receipt = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reasons = models.TextField(_("reasons for not accepting"), blank=True)
    right_unit = models.CharField(_("competent unit"), max_length=200, blank=True)
    decided_on_time = models.BooleanField(null=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            # The unit's case list (by state, newest first) and its overdue filter.
            models.Index(fields=["unit", "state", "-submitted_at"], name="services_app_unit_state"),
            models.Index(fields=["unit", "-submitted_at"], name="services_app_unit_recent"),
            models.Index(fields=["unit", "decision_due"], name="services_app_unit_due"),
            models.Index(fields=["applicant", "-created_at"], name="services_app_applicant"),
            models.Index(fields=["state", "-decided_at"], name="services_app_state_decided"),
        ]

    def __str__(self):
        return self.number or f"draft {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from zhengtong.core.crypto import citizen_id_index, mobile_index

        self.id_number_index = (
            citizen_id_index(self.applicant_id_number) if self.applicant_id_number else ""
        )
        self.mobile_index = mobile_index(self.applicant_mobile) if self.applicant_mobile else ""
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "id_number_index", "mobile_index"}
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_completed(self):
        return self.state in COMPLETED_STATES


class Verdict(models.TextChoices):
    PENDING = "", _("Not checked")
    OK = "ok", _("In order")
    MISSING = "missing", _("Missing")
    WRONG = "wrong", _("Not as required")


class ApplicationMaterial(models.Model):
    """The upload for one material slot of the guide, with its intake verdict."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        ServiceMaterial, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("material"), max_length=200)
    attachment = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)
    verdict = models.CharField(
        _("intake verdict"), max_length=10, choices=Verdict.choices, blank=True, default=""
    )
    note = models.TextField(_("what to do"), blank=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("application material")
        verbose_name_plural = _("application materials")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "material"], name="services_one_upload_per_slot"
            )
        ]

    def __str__(self):
        return self.name


class CaseStepKind(models.TextChoices):
    """The public label of each step of a case (shown to the applicant)."""

    SUBMITTED = "submitted", _("Application submitted")
    NOTICE = "notice", _("One-time notice of materials to supply")
    SUPPLIED = "supplied", _("Materials supplied")
    ACCEPTED = "accepted", _("Application accepted")
    DEEMED_ACCEPTED = "deemed_accepted", _("Accepted (no notice within the notice period)")
    REFUSED_AT_INTAKE = "refused_at_intake", _("Application not accepted")
    REVIEW = "review", _("Under review")
    EXTENDED = "extended", _("Time limit extended")
    SPECIAL_STARTED = "special_started", _("Special step started (time limit paused)")
    SPECIAL_ENDED = "special_ended", _("Special step ended (time limit running again)")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    DELIVERED = "delivered", _("Result delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    RATED = "rated", _("Rated by the applicant")
    RECTIFIED = "rectified", _("Rating followed up")


class CaseStep(models.Model):
    """One step of the case's timeline: the applicant sees the date, the label and the
    public text, never the internal note nor who acted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(_("date"))
    kind = models.CharField(_("step"), max_length=20, choices=CaseStepKind.choices)
    public_text = models.TextField(_("note for the applicant"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")

    def __str__(self):
        return self.get_kind_display()


class OneTimeNotice(models.Model):
    """一次告知: every missing or wrong material, in one notice (行政许可法 Art. 32).
    `items`: [{material (id or null), name, problem (missing|wrong), what_to_do}]."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="notice")
    items = models.JSONField(default=list)
    note = models.TextField(_("note"), blank=True)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supplied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time notice")
        verbose_name_plural = _("one-time notices")

    def __str__(self):
        return f"{self.application}: {len(self.items)}"


class SpecialStepKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    INSPECTION = "inspection", _("On-site inspection")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    OTHER = "other", _("Other")


class SpecialStep(models.Model):
    """特殊环节: a step not counted in the time limit (行政许可法 Art. 45)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="special_steps"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SpecialStepKind.choices)
    reason = models.TextField(_("reason"))
    planned_days = models.PositiveSmallIntegerField(_("planned working days"))
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("special step")
        verbose_name_plural = _("special steps")

    def __str__(self):
        return self.get_kind_display()


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")


class Review(models.Model):
    """One reviewer's opinion in the substantive check (two different staff, §7.1)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.TextField(_("opinion"))
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="services_one_review_per_person"
            )
        ]

    def __str__(self):
        return f"{self.application}: {self.recommendation}"


class Decision(models.Model):
    """The decision on the application: approval (with the result document) or
    refusal (reasons and the notice of the right to reconsideration or litigation)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Recommendation.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    remedy_notice = models.TextField(_("notice of remedies"), blank=True)
    document = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.application}: {self.outcome}"


RATING_DIMENSIONS = ("overall", "efficiency", "guide_accuracy", "convenience")


class CaseRating(models.Model):
    """The applicant's rating of a completed case (一事一评), on the national dimensions."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="rating")
    # Denormalised for the public statistics per unit and item.
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="ratings")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    overall = models.PositiveSmallIntegerField(_("overall"), choices=Satisfaction.choices)
    efficiency = models.PositiveSmallIntegerField(_("efficiency"), choices=Satisfaction.choices)
    guide_accuracy = models.PositiveSmallIntegerField(
        _("accuracy of the guide"), choices=Satisfaction.choices
    )
    convenience = models.PositiveSmallIntegerField(_("convenience"), choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["unit", "item"], name="services_rating_unit_item")]

    def __str__(self):
        return f"{self.application}: {self.overall}"

    @property
    def is_bad(self):
        return any(getattr(self, d) in BAD_LEVELS for d in RATING_DIMENSIONS)


class Rectification(models.Model):
    """整改: what the unit did about a bad rating — the call-back record (internal)
    and the result shown to the applicant."""

    rating = models.OneToOneField(
        CaseRating, on_delete=models.CASCADE, related_name="rectification"
    )
    call_back = models.TextField(_("call-back record"))
    result = models.TextField(_("result for the applicant"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self):
        return f"{self.rating}"
