"""Disclosure on application (依申请公开): the request, its correction notice (补正),
extension (延期), third-party consultations (征求第三方意见) and the reply (答复).

Rules: docs/conformance.md DIS-7–DIS-13 (政府信息公开条例 Arts. 29–39), with these day counts:
correction notice within 7 working days of receipt, once; reply within 20 working days
of receipt (of the corrected request, if corrected), extendable once by up to 20 with
the disclosure-office head's consent; a third party has 15 working days, and that time
is not counted. The annual report's request table (§3.4) is computed from these rows
(`selectors.annual_counts`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengtong.core.crypto import EncryptedTextField
from zhengtong.core.validators import validate_credit_code, validate_mobile


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ORGANISATION = "organisation", _("Legal person or other organisation")


class Channel(models.TextChoices):
    """How the request arrived (Art. 29, 31: the receipt date depends on it)."""

    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    FAX = "fax", _("By fax")


class DeliveryForm(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")


class DeliveryWay(models.TextChoices):
    POST = "post", _("By post")
    COLLECT = "collect", _("Collect in person")
    EMAIL = "email", _("By e-mail")
    ONLINE = "online", _("Online download")


class State(models.TextChoices):
    PROCESSING = "processing", _("Being processed")
    CORRECTION = "correction", _("Waiting for the applicant's correction")
    CONSULTING = "consulting", _("Consulting a third party")
    REVIEW = "review", _("Reply awaiting approval")
    APPROVED = "approved", _("Reply approved, to be sent")
    REPLIED = "replied", _("Replied")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ABANDONED = "abandoned", _("Closed: not corrected in time")


OPEN_STATES = (State.PROCESSING, State.CORRECTION, State.CONSULTING, State.REVIEW, State.APPROVED)
CLOSED_STATES = (State.REPLIED, State.WITHDRAWN, State.ABANDONED)


class ReplyKind(models.TextChoices):
    """The seven statutory reply types (Art. 36; Art. 39 for requests that are not
    disclosure requests), docs/conformance.md DIS-7–DIS-13."""

    ALREADY_PUBLIC = "already_public", _("Already public: where to find it")
    PROVIDED = "provided", _("Disclosed: the information is provided")
    NOT_DISCLOSED = "not_disclosed", _("Not to be disclosed")
    NOT_EXIST = "not_exist", _("The information does not exist")
    NOT_HELD = "not_held", _("Not held by this organ")
    REPEAT = "repeat", _("Repeated request: not handled again")
    OTHER_ROUTE = "other_route", _("Not a disclosure request: another route applies")


class RequestCounter(models.Model):
    """The last request number taken for one organ and year (core.counters.take_next)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="disclosure_counter_unique")
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.year}: {self.last}"


class DisclosureRequest(models.Model):
    """One request for government information (政府信息公开申请)."""

    number = models.CharField(_("request number"), max_length=80, unique=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
        verbose_name=_("organ asked"),
    )
    year = models.PositiveIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    # The applicant (Art. 29: name, proof of identity, contact).
    applicant_kind = models.CharField(
        _("applicant"), max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN
    )
    name = models.CharField(_("name"), max_length=100)
    id_number = EncryptedTextField(_("citizen ID number"), blank=True, default="")
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        default="",
        validators=[validate_credit_code],
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True, default="")
    mobile = EncryptedTextField(_("mobile"), validators=[validate_mobile])
    mobile_index = models.CharField(max_length=64, db_index=True, editable=False)
    address = EncryptedTextField(_("postal address"), blank=True, default="")
    postcode = models.CharField(_("postcode"), max_length=6, blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    # The information sought.
    description = models.TextField(_("description of the information sought"))
    document_ref = models.CharField(
        _("title or document number of the information"), max_length=200, blank=True, default=""
    )
    purpose = models.TextField(_("purpose (optional)"), blank=True, default="")
    delivery_form = models.CharField(
        _("form of delivery"), max_length=10, choices=DeliveryForm.choices
    )
    delivery_way = models.CharField(
        _("way of delivery"), max_length=10, choices=DeliveryWay.choices
    )
    public_user = models.ForeignKey(
        "public.PublicUser",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosure_requests",
        verbose_name=_("account"),
    )
    submission_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    query_password = models.CharField(max_length=128, editable=False)
    # State and clock.
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROCESSING
    )
    received_on = models.DateField(
        _("received on"),
        help_text=_("The day the request was received (online: the day submission was confirmed)."),
    )
    clock_start = models.DateField(
        _("clock starts on"),
        help_text=_("The receipt day, or the day the corrected request arrived."),
    )
    due_date = models.DateField(_("reply due"), null=True, blank=True)
    due_fallback = models.BooleanField(default=False)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    paused_days = models.PositiveSmallIntegerField(
        _("paused (working days)"),
        default=0,
        help_text=_("Working days spent consulting third parties; not counted."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.TextField(_("reason"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("disclosure request")
        verbose_name_plural = _("disclosure requests")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "serial"], name="disclosure_serial")
        ]
        indexes = [
            models.Index(fields=["unit", "state", "due_date"], name="disclosure_unit_state"),
            models.Index(fields=["received_on"], name="disclosure_received"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def applicant_display(self):
        return self.name


class CorrectionNotice(models.Model):
    """补正: a one-time notice (Art. 30) listing what the applicant must complete."""

    request = models.OneToOneField(
        DisclosureRequest, on_delete=models.CASCADE, related_name="correction"
    )
    items = models.TextField(_("what to correct"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer_due = models.DateField(_("correct by"))
    answer = models.TextField(_("the applicant's correction"), blank=True, default="")
    answered_on = models.DateField(_("corrected on"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")

    def __str__(self):
        return f"{self.request} 补正"


class Extension(models.Model):
    """延期: once, by up to 20 working days, with the head's approval (Art. 33)."""

    request = models.OneToOneField(
        DisclosureRequest, on_delete=models.CASCADE, related_name="extension"
    )
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(_("approved on"))
    old_due = models.DateField(_("previous due date"))
    new_due = models.DateField(_("new due date"))
    notified_at = models.DateTimeField(_("applicant notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self):
        return f"{self.request} +{self.days}"


class Opinion(models.TextChoices):
    AGREES = "agrees", _("Agrees to disclosure")
    OBJECTS = "objects", _("Objects to disclosure")
    NO_ANSWER = "no_answer", _("No answer within the period")


class ThirdPartyConsultation(models.Model):
    """征求第三方意见 (Art. 32): 15 working days; the time is not counted (Art. 33)."""

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="consultations"
    )
    third_party = models.CharField(_("third party"), max_length=200)
    matter = models.TextField(_("what is asked"))
    started_on = models.DateField(_("sent on"))
    answer_due = models.DateField(_("answer due"))
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    opinion = models.CharField(
        _("opinion"), max_length=10, choices=Opinion.choices, blank=True, default=""
    )
    opinion_text = models.TextField(_("opinion in detail"), blank=True, default="")
    paused_days = models.PositiveSmallIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("third-party consultation")
        verbose_name_plural = _("third-party consultations")

    def __str__(self):
        return f"{self.request} / {self.third_party}"


class Reply(models.Model):
    """答复: one of the seven statutory types with its fields; drafted by the unit,
    approved by its head, rendered as a PDF and sent."""

    request = models.OneToOneField(
        DisclosureRequest, on_delete=models.CASCADE, related_name="reply"
    )
    kind = models.CharField(_("type of reply"), max_length=16, choices=ReplyKind.choices)
    body = models.TextField(_("reply text"), blank=True, default="")
    # already_public
    where_public = models.CharField(
        _("where the information is published"), max_length=300, blank=True, default=""
    )
    # provided
    information = models.TextField(_("the information provided"), blank=True, default="")
    attachment = models.ForeignKey(
        "core.Attachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attached information"),
    )
    is_partial = models.BooleanField(
        _("partly disclosed"),
        default=False,
        help_text=_("Some parts are withheld (Art. 37); give the reason and basis for them."),
    )
    # not_disclosed (and the withheld part of a partial disclosure)
    reason = models.TextField(_("reason"), blank=True, default="")
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True, default="")
    # not_held
    right_organ = models.CharField(
        _("the organ responsible"), max_length=200, blank=True, default=""
    )
    right_organ_contact = models.CharField(
        _("its contact details"), max_length=200, blank=True, default=""
    )
    # repeat
    earlier_number = models.CharField(
        _("number of the earlier request"), max_length=80, blank=True, default=""
    )
    # other_route
    other_route = models.TextField(_("the route to take"), blank=True, default="")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    returned_reason = models.TextField(_("sent back because"), blank=True, default="")
    pdf = models.ForeignKey(
        "core.Attachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reply PDF"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery_note = models.CharField(
        _("delivery record"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("E.g. the registered-post number, or who collected it and when."),
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return f"{self.request} {self.kind}"
