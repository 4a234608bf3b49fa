"""Letters from the public to the county (县长信箱) and to each department's mailbox.

A letter is stored the moment it is submitted and gets a tracking code (查询码) and a
query password at once. The receiving office accepts (受理) or declines it, routes it
(分办) to one lead unit and any assisting units; the lead unit drafts the reply, the
office approves and sends it, and — when the writer allowed it — publishes it with
personal data masked. The writer rates the reply; a poor rating opens a follow-up.

Deadlines: per mailbox and category in working days (DeadlinePolicy), or the petition
timetable in calendar days when the office registers the letter as a 信访事项
(docs/conformance.md LET-3: notice within 15 日, handling within 60 日, + at most 30 日).
The state machine is `LetterState` with the allowed moves in `TRANSITIONS`; only
`services.py` changes a letter.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengtong.core.crypto import EncryptedTextField, mobile_index
from zhengtong.core.ratings import BAD_LEVELS, Satisfaction
from zhengtong.core.validators import validate_credit_code

TITLE_MAX = 100
CONTENT_MAX = 5000
REPLY_MAX = 10000


class Category(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of wrongdoing")
    OTHER = "other", _("Other")


class MailboxKind(models.TextChoices):
    COUNTY_HEAD = "county_head", _("County head's mailbox")
    DEPARTMENT = "department", _("Department mailbox")


class LetterState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("letter state", "Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ROUTED = "routed", _("Being handled")
    HANDED_BACK = "handed_back", _("Handed back for rerouting")
    WAITING = "waiting", _("Waiting for the writer")
    REPLY_DRAFTED = "reply_drafted", _("Reply drafted")
    REPLY_APPROVED = "reply_approved", _("Reply approved")
    REPLIED = "replied", _("Replied")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", pgettext_lazy("letter state", "Closed")


S = LetterState
# The allowed moves. Publishing is a flag beside the state (a replied letter may be
# published before or after it is rated); the waiting pause returns to where it was.
TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.ACCEPTED, S.DECLINED, S.WAITING},
    S.ACCEPTED: {S.ROUTED, S.WAITING},
    S.ROUTED: {S.HANDED_BACK, S.REPLY_DRAFTED, S.WAITING, S.ROUTED},
    S.HANDED_BACK: {S.ROUTED},
    S.WAITING: {S.RECEIVED, S.ACCEPTED, S.ROUTED},
    S.REPLY_DRAFTED: {S.REPLY_APPROVED, S.ROUTED},
    S.REPLY_APPROVED: {S.REPLIED, S.ROUTED},
    S.REPLIED: {S.RATED, S.CLOSED, S.REOPENED},
    S.RATED: {S.CLOSED, S.REOPENED},
    S.REOPENED: {S.ROUTED},
    S.DECLINED: set(),
    S.CLOSED: {S.REOPENED},
}
# States in which the letter waits for the office (not for a unit or the writer).
OFFICE_STATES = {S.RECEIVED, S.ACCEPTED, S.HANDED_BACK, S.REPLY_DRAFTED, S.REPLY_APPROVED}
# States after which the writer has an answer.
ANSWERED_STATES = {S.REPLIED, S.RATED, S.CLOSED}
FINISHED_STATES = {S.DECLINED, S.CLOSED}


class Mailbox(models.Model):
    """A mailbox the public writes to: the county head's (owned by the government
    office) or one department's. `office_unit` receives, accepts and routes its letters
    and approves their replies."""

    kind = models.CharField(_("kind"), max_length=20, choices=MailboxKind.choices)
    name = models.CharField(_("name"), max_length=100)
    owner_unit = models.OneToOneField(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="mailbox",
        verbose_name=_("unit the mailbox belongs to"),
    )
    office_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving office"),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("open for letters"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self):
        return self.name


class DeadlinePolicy(models.Model):
    """Acceptance and reply deadlines (working days) of one mailbox and category; a
    policy without category covers the mailbox's other categories."""

    DEFAULT_ACCEPT_DAYS = 2
    DEFAULT_REPLY_DAYS = 10

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="policies")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    accept_days = models.PositiveSmallIntegerField(
        _("accept within (working days)"), default=DEFAULT_ACCEPT_DAYS
    )
    reply_days = models.PositiveSmallIntegerField(
        _("reply within (working days)"), default=DEFAULT_REPLY_DAYS
    )
    hand_back_days = models.PositiveSmallIntegerField(
        _("hand back within (working days)"), default=3
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "category"], name="letters_policy_unique")
        ]

    def __str__(self):
        return f"{self.mailbox} · {self.get_category_display() or '*'}"


class DeclineReason(models.Model):
    """An out-of-scope matter a letter may be declined for (docs/conformance.md LET-5)."""

    text = models.CharField(_("reason"), max_length=200)
    public_text = models.TextField(
        _("explanation for the writer"),
        blank=True,
        help_text=_("Where the writer should turn instead."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("decline reason")
        verbose_name_plural = _("decline reasons")

    def __str__(self):
        return self.text


class StandardReply(models.Model):
    """A standard reply text (常用回复) a unit may start its draft from."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["category", "sort_order", "id"]
        verbose_name = _("standard reply")
        verbose_name_plural = _("standard replies")

    def __str__(self):
        return self.title


class Letter(models.Model):
    """One letter from the public. Personal data (name, mobile) is encrypted at rest."""

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    query_password = models.CharField(max_length=128, editable=False)
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="letters", verbose_name=_("mailbox")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    content = models.TextField(_("content"))
    may_publish = models.BooleanField(_("may be published"), default=False)
    # The writer.
    writer_name = EncryptedTextField(pgettext_lazy("person", "name"))
    writer_mobile = EncryptedTextField(_("mobile"))
    writer_mobile_index = models.CharField(max_length=64, db_index=True, editable=False)
    company_name = models.CharField(_("business name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    public_user = models.ForeignKey(
        "public.PublicUser",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
        verbose_name=_("account"),
    )
    source = models.CharField(_("source"), max_length=20, default="web")
    submission_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    # Where it stands.
    state = models.CharField(
        _("state"), max_length=20, choices=LetterState.choices, default=LetterState.RECEIVED
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Kept when the first reply is sent, for the statistics (on-time rate, reply time).
    replied_on_time = models.BooleanField(null=True, editable=False)
    reply_days = models.PositiveIntegerField(null=True, editable=False)
    decline_reason = models.ForeignKey(
        DeclineReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead unit"),
    )
    # Deadlines (dates, Asia/Shanghai), recomputed when the clock pauses or extends.
    accept_due = models.DateField(_("accept by"), null=True, blank=True)
    reply_due = models.DateField(_("reply by"), null=True, blank=True)
    hand_back_due = models.DateField(_("hand back by"), null=True, blank=True)
    route_due = models.DateField(_("route by"), null=True, blank=True)
    due_rule = models.CharField(_("deadline rule"), max_length=200, blank=True)
    # Petition (信访事项): calendar-day timetable.
    is_petition = models.BooleanField(_("registered as a petition"), default=False)
    petition_notice_due = models.DateField(_("notice to the petitioner by"), null=True, blank=True)
    petition_extended = models.BooleanField(_("handling period extended"), default=False)
    # The waiting-for-the-writer pause.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_from = models.CharField(max_length=20, blank=True)
    info_request = models.TextField(_("information asked for"), blank=True)
    # Rating and reopening.
    reopened_count = models.PositiveSmallIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("same matter as"),
    )
    # Publishing: masked copies, checked by the reviewer.
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    published_title = models.CharField(max_length=TITLE_MAX, blank=True)
    published_content = models.TextField(blank=True)
    published_reply = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [
            models.Index(fields=["mailbox", "state", "received_at"], name="letters_box_state"),
            models.Index(fields=["lead_unit", "state"], name="letters_lead_state"),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title}"[:200]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.writer_mobile_index = mobile_index(self.writer_mobile) if self.writer_mobile else ""
        super().save(*args, **kwargs)

    @property
    def display_code(self) -> str:
        c = self.tracking_code
        return f"{c[:4]}-{c[4:8]}-{c[8:]}"

    @property
    def is_paused(self) -> bool:
        return self.state == LetterState.WAITING

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def current_reply(self) -> "Reply | None":
        return self.replies.order_by("-id").first()

    def sent_reply(self) -> "Reply | None":
        return self.replies.filter(state=ReplyState.SENT).order_by("-id").first()


class RoutingRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    ASSIST = "assist", _("Assisting unit")


class RoutingState(models.TextChoices):
    ACTIVE = "active", _("Handling")
    HANDED_BACK = "handed_back", _("Handed back")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LetterRouting(models.Model):
    """A unit the letter was routed to (分办), as lead or assisting unit."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="routings")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="letter_routings")
    role = models.CharField(_("role"), max_length=10, choices=RoutingRole.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=RoutingState.choices, default=RoutingState.ACTIVE
    )
    routed_at = models.DateTimeField(_("routed"))
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    hand_back_reason = models.TextField(_("reason for handing back"), blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("routing")
        verbose_name_plural = _("routings")
        indexes = [models.Index(fields=["unit", "state"], name="letters_routing_unit")]
        constraints = [
            models.UniqueConstraint(
                fields=["letter"],
                condition=Q(role="lead", state="active"),
                name="letters_one_active_lead",
            )
        ]

    def __str__(self):
        return f"{self.letter_id} → {self.unit_id} ({self.role})"


class StepKind(models.TextChoices):
    """The public label of each timeline step (shown to the writer)."""

    RECEIVED = "received", _("Letter received")
    ACCEPTED = "accepted", _("Letter accepted")
    DECLINED = "declined", _("Letter not accepted")
    ROUTED = "routed", _("Passed to the responsible unit")
    HANDED_BACK = "handed_back", _("Being passed to the right unit")
    REROUTED = "rerouted", _("Passed to another responsible unit")
    PETITION = "petition", _("Registered as a petition")
    EXTENDED = "extended", _("Handling period extended")
    INFO_REQUESTED = "info_requested", _("More information asked for (clock paused)")
    INFO_SUPPLIED = "info_supplied", _("Information supplied (clock running again)")
    REPLY_DRAFTED = "reply_drafted", _("Reply being prepared")
    REPLY_RETURNED = "reply_returned", _("Reply being revised")
    REPLY_APPROVED = "reply_approved", _("Reply approved")
    REPLIED = "replied", _("Replied")
    PUBLISHED = "published", _("Published on the website")
    RATED = "rated", _("Rated by the writer")
    FOLLOW_UP = "follow_up", _("Followed up")
    REOPENED = "reopened", _("Reopened at the writer's request")
    CLOSED = "closed", pgettext_lazy("letter state", "Closed")
    DUPLICATE = "duplicate", _("Answered together with an earlier letter")
    INSTRUCTION = "instruction", _("Leader's instruction")
    SUPERVISION = "supervision", _("Supervision order")
    ASSIST_OPINION = "assist_opinion", _("Assisting unit's opinion")


# Steps that are internal to the county: never shown on the tracking page.
INTERNAL_STEPS = {
    StepKind.INSTRUCTION,
    StepKind.SUPERVISION,
    StepKind.ASSIST_OPINION,
    StepKind.REPLY_RETURNED,
    StepKind.HANDED_BACK,
}


class LetterStep(models.Model):
    """One step of the letter's timeline. The writer sees the date, the public label,
    the public note and the unit; never `internal_comment` nor who acted."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(_("date"))
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_note = models.TextField(_("note for the writer"), blank=True)
    internal_comment = models.TextField(_("internal comment"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.get_kind_display()

    @property
    def is_public(self):
        return self.kind not in INTERNAL_STEPS


class ReplyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    SENT = "sent", pgettext_lazy("reply state", "Sent")


class Reply(models.Model):
    """The unit's answer; reviewed and approved by the office before it goes out."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("reply"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=10, choices=ReplyState.choices, default=ReplyState.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return f"{self.letter_id}: {self.text[:40]}"


class Instruction(models.Model):
    """A leader's instruction (批示) on a letter."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="instructions")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("instruction"))
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")

    def __str__(self):
        return f"{self.letter_id}: {self.at:%Y-%m-%d}"


class SupervisionOrder(models.Model):
    """A supervision order (督办) the office issues on a letter to a unit."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="supervision_orders")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("order"))
    due_date = models.DateField(_("due date"))
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")

    def __str__(self):
        return f"{self.letter_id}: {self.at:%Y-%m-%d}"


# Letters are rated on the national scale (core/ratings.py), wording level 3 their own way.
RatingLevel = Satisfaction
RATING_CHOICES = Satisfaction.worded(
    {Satisfaction.BASICALLY_SATISFIED: _("Neither satisfied nor dissatisfied")}
)
UNSATISFIED_LEVELS = BAD_LEVELS


class Rating(models.Model):
    """The writer's rating of one sent reply (one per reply)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="ratings")
    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="rating")
    level = models.PositiveSmallIntegerField(_("rating"), choices=RATING_CHOICES)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self):
        return f"{self.letter_id}: {self.at:%Y-%m-%d}"

    @property
    def is_unsatisfied(self):
        return self.level in UNSATISFIED_LEVELS


class FollowUp(models.Model):
    """What the unit did about a poor rating (called back, fixed, explained)."""

    class Action(models.TextChoices):
        CALLED_BACK = "called_back", _("Called the writer back")
        FIXED = "fixed", _("Fixed the problem")
        EXPLAINED = "explained", _("Explained again")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="follow_ups")
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="follow_ups")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return f"{self.letter_id}: {self.at:%Y-%m-%d}"
