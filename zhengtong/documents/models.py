"""Official documents (公文): the document, its route (who reviews, countersigns and
signs it off, stored with the document), its trail, its number and its distribution.

Rules: docs/conformance.md DOC (党政机关公文处理工作条例, 中办发〔2012〕14号) — types Art. 8 (§1.1),
elements Art. 9 (§1.2), 行文规则 Arts. 13–17 (§1.3), drafting and sign-off Arts. 18–22
(§1.4), handling Arts. 23–27 (§1.5); classified material never on this system (§10.3).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocType(models.TextChoices):
    """The 15 regulated types (Art. 8, docs/conformance.md DOC-1)."""

    RESOLUTION = "resolution", _("Resolution (决议)")
    DECISION = "decision", _("Decision (决定)")
    ORDER = "order", _("Order (命令/令)")
    COMMUNIQUE = "communique", _("Communiqué (公报)")
    ANNOUNCEMENT = "announcement", _("Announcement (公告)")
    PUBLIC_NOTICE = "public_notice", _("Public notice (通告)")
    OPINION = "opinion", _("Opinion (意见)")
    NOTICE = "notice", _("Notice (通知)")
    CIRCULAR = "circular", _("Circular (通报)")
    REPORT = "report", _("Report (报告)")
    REQUEST = "request", _("Request for instructions (请示)")
    REPLY = "reply", _("Reply (批复)")
    MOTION = "motion", _("Motion (议案)")
    LETTER = "letter", _("Letter (函)")
    MINUTES = "minutes", _("Minutes (纪要)")


class Direction(models.TextChoices):
    UP = "up", _("Upward (上行文)")
    DOWN = "down", _("Downward (下行文)")
    PARALLEL = "parallel", _("Parallel (平行文)")


# The usual direction of each type (§1.1); the drafter may change it where the type
# allows (an 意见 goes any way).
DEFAULT_DIRECTION: dict[str, str] = {
    DocType.REPORT: Direction.UP,
    DocType.REQUEST: Direction.UP,
    DocType.MOTION: Direction.UP,
    DocType.LETTER: Direction.PARALLEL,
    DocType.OPINION: Direction.DOWN,
}
FIXED_DIRECTION: set[str] = {DocType.REPORT, DocType.REQUEST, DocType.MOTION, DocType.LETTER}


class Urgency(models.TextChoices):
    NORMAL = "", _("Normal")
    URGENT = "urgent", _("加急")
    EXTRA_URGENT = "extra_urgent", _("特急")


class Classification(models.TextChoices):
    """Offered on the form only so that a classified document is refused (§10.3)."""

    NONE = "", _("Not classified")
    SECRET = "secret", _("秘密")
    CONFIDENTIAL = "confidential", _("机密")
    TOP_SECRET = "top_secret", _("绝密")


class DocState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_ROUTE = "in_route", _("Under review")
    SIGNED = "signed", _("Signed off")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Disclosure(models.TextChoices):
    """The signer's decision on disclosure (docs/conformance.md DOC-22)."""

    UNDECIDED = "", _("Not decided")
    PROACTIVE = "proactive", _("主动公开")
    ON_REQUEST = "on_request", _("依申请公开")
    NOT_DISCLOSED = "not_disclosed", _("不予公开")


class Document(models.Model):
    """An outgoing official document of one issuing unit (the lead unit of a joint
    document), from draft to issue."""

    doc_type = models.CharField(_("type"), max_length=20, choices=DocType.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    issuing_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="documents_issued",
        verbose_name=_("issuing unit"),
    )
    joint_units = models.ManyToManyField(
        "org.Unit",
        blank=True,
        related_name="documents_joint",
        verbose_name=_("joint issuing units"),
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="documents_drafted",
        verbose_name=_("drafter"),
    )
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True)
    classification = models.CharField(
        _("classification (密级)"), max_length=12, choices=Classification.choices, blank=True
    )
    main_recipients = models.ManyToManyField(
        "org.Unit", blank=True, related_name="documents_main", verbose_name=_("main recipients")
    )
    copy_recipients = models.ManyToManyField(
        "org.Unit", blank=True, related_name="documents_copy", verbose_name=_("copy recipients")
    )
    attachment_note = models.TextField(_("attachments (附件说明)"), blank=True)
    note = models.CharField(_("note (附注)"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=DocState.choices, default=DocState.DRAFT
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_signed",
        verbose_name=_("signer (签发人)"),
    )
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    disclosure = models.CharField(
        _("disclosure"), max_length=16, choices=Disclosure.choices, blank=True
    )
    disclosure_reason = models.CharField(_("reason not disclosed"), max_length=200, blank=True)
    number_prefix = models.CharField(_("document-number prefix"), max_length=20, blank=True)
    number_year = models.PositiveIntegerField(_("number year"), null=True, blank=True)
    number_seq = models.PositiveIntegerField(_("sequence number"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        constraints = [
            models.UniqueConstraint(
                fields=["number_prefix", "number_year", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="documents_number_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["issuing_unit", "state", "-created_at"], name="documents_unit_state"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def number(self):
        """发文字号 in the national form: 代字〔YYYY〕N号, no leading zeros (§2.3)."""
        if self.number_seq is None:
            return ""
        return f"{self.number_prefix}〔{self.number_year}〕{self.number_seq}号"


class StepKind(models.TextChoices):
    REVIEW = "review", _("Review (核稿)")
    COUNTERSIGN = "countersign", _("Countersign (会签)")
    OFFICE_REVIEW = "office_review", _("Office review (复核)")
    SIGN_OFF = "sign_off", _("Sign-off (签发)")


class StepState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    PENDING = "pending", _("Awaiting action")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Sent back")
    SKIPPED = "skipped", _("Not needed")


class RouteStep(models.Model):
    """One step of a document's route, chosen when the draft is submitted and stored
    with it, so a later change of staff does not rewrite history. Steps with the same
    `order` run in parallel (countersign by several units)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="route")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_steps"
    )
    state = models.CharField(max_length=10, choices=StepState.choices, default=StepState.WAITING)
    round = models.PositiveIntegerField(
        default=1, help_text="Which submission this step belongs to."
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.TextField(blank=True)

    class Meta:
        ordering = ["round", "order", "id"]
        indexes = [models.Index(fields=["assignee", "state"], name="documents_step_assignee")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.assignee}"


class TrailEntry(models.Model):
    """The document's trail as people read it: every step, who, when, opinion."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="trail")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class NumberCounter(models.Model):
    """The last number taken for one prefix and year. Locked (select_for_update) while a
    number is taken, so numbers are never skipped or repeated (§1.5 登记)."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="documents_counter_unique")
        ]

    def __str__(self):
        return f"{self.prefix}〔{self.year}〕{self.last}"


class RecipientKind(models.TextChoices):
    MAIN = "main", _("Main recipient (主送)")
    COPY = "copy", _("Copy (抄送)")


class Distribution(models.Model):
    """The issued document sent to one recipient unit, which signs for it (签收)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="distributions")
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="documents_received"
    )
    kind = models.CharField(max_length=6, choices=RecipientKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField(null=True, blank=True)
    signed_for_at = models.DateTimeField(null=True, blank=True)
    signed_for_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "unit"], name="documents_one_copy_per_unit")
        ]
        indexes = [models.Index(fields=["unit", "signed_for_at"], name="documents_dist_unit")]

    def __str__(self):
        return f"{self.document} → {self.unit}"


class IncomingState(models.TextChoices):
    REGISTERED = "registered", _("Registered (登记)")
    PROPOSED = "proposed", _("Handling proposed (拟办)")
    HANDLING = "handling", _("Being handled (承办)")
    CLOSED = "closed", _("Closed (办结)")
    RETURNED = "returned", _("Returned to the sender (退回)")


class IncomingRecord(models.Model):
    """A document received by a unit (收文, docs/conformance.md DOC-15): signed for on
    the platform (then `distribution` links the issued document) or registered by hand
    from paper, with a scan attached (then the source fields describe it)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="incoming")
    distribution = models.OneToOneField(
        Distribution, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    source_name = models.CharField(_("sending organ"), max_length=100, blank=True)
    source_number = models.CharField(_("its document number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    received_at = models.DateTimeField(_("received at"))
    scan = models.ForeignKey(
        "core.Attachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("scan"),
    )
    serial = models.CharField(_("registration number"), max_length=30)
    state = models.CharField(
        max_length=12, choices=IncomingState.choices, default=IncomingState.REGISTERED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.TextField(_("proposed handling (拟办意见)"), blank=True)
    instruction = models.TextField(_("instruction (批办意见)"), blank=True)
    due_date = models.DateField(_("handling due"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("result (办理结果)"), blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "serial"], name="documents_incoming_serial"),
        ]

    def __str__(self):
        return f"{self.serial} {self.title}"


class HandlingTask(models.Model):
    """One handler's (承办人) or reader's (传阅) part in an incoming record."""

    class Kind(models.TextChoices):
        HANDLE = "handle", _("Handle (承办)")
        READ = "read", _("Read (传阅)")

    record = models.ForeignKey(IncomingRecord, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    order = models.PositiveIntegerField(default=0)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "order", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person}"


class DocumentVersion(models.Model):
    """A saved version of the draft's text: every change is kept, so a reviewer's changes
    can be shown as a difference."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documents_version_unique")
        ]

    def __str__(self):
        return f"v{self.number} {self.title}"


class DisclosureHandoff(models.Model):
    """An issued document marked 主动公开, waiting for the website's disclosure catalogue
    (docs/conformance.md DIS-4). The website picks items up through
    `documents.services.pending_disclosures()` and marks them taken with
    `mark_disclosure_taken()`; nothing here knows about the website."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="handoff")
    queued_at = models.DateTimeField(auto_now_add=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["queued_at"]

    def __str__(self):
        return str(self.document)


class Retention(models.TextChoices):
    """保管期限 (国家档案局令第8号, docs/conformance.md DOC-19)."""

    PERMANENT = "permanent", _("永久")
    YEARS_30 = "30y", _("定期30年")
    YEARS_10 = "10y", _("定期10年")


class ArchiveEntry(models.Model):
    """A document filed in a unit's archive (归档), read-only from then on. The lead
    unit keeps the original, co-handlers a copy (Art. 27, §1.6). The archive number
    follows DA/T 22-2015: 全宗号-年度-保管期限-件号."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="archive")
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="archive_entries"
    )
    incoming = models.OneToOneField(
        "IncomingRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_entry",
    )
    is_original = models.BooleanField(default=True)
    fonds = models.CharField(_("fonds number (全宗号)"), max_length=20)
    year = models.PositiveIntegerField(_("year"))
    retention = models.CharField(_("retention"), max_length=10, choices=Retention.choices)
    item_number = models.PositiveIntegerField(_("item number (件号)"))
    title = models.CharField(max_length=200)
    archived_at = models.DateTimeField(auto_now_add=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["year", "retention", "item_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "retention", "item_number"], name="documents_archive_number"
            ),
        ]

    def __str__(self):
        return self.archive_number

    # DA/T 22-2015 codes of the retention periods, fixed whatever the interface language.
    RETENTION_CODES = {"permanent": "Y", "30y": "D30", "10y": "D10"}

    @property
    def archive_number(self):
        code = self.RETENTION_CODES[self.retention]
        return f"{self.fonds}-{self.year}-{code}-{self.item_number:04d}"


class RouteDefault(models.Model):
    """Who usually reviews and signs a unit's documents (of one type, or of every type
    when `doc_type` is empty): offered first when a draft is submitted. The route itself
    is still stored with each document."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="route_defaults")
    doc_type = models.CharField(max_length=20, choices=DocType.choices, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    office_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "doc_type"], name="documents_route_default_unique"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.doc_type or '*'}"
