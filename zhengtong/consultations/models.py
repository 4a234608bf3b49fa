"""Consultations on draft policies (意见征集).

A unit publishes a draft (numbered sections, an explanatory note, attachments) for a
fixed period; the public comments on the whole draft or on one section; comments are
either pre-moderated (published after a check) or private (never published), as the
unit chose; after the deadline the unit publishes a feedback summary (采纳情况).

State changes happen only in `services.py`; the counts on `Consultation` are kept
there too, so the public list shows them without counting rows on every request.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengtong.core.crypto import EncryptedTextField


def _now():
    # Looked up at call time (not bound at import), so the demo can play the past.
    return timezone.now()


class ModerationMode(models.TextChoices):
    PRE_MODERATED = "premoderated", _("Published after a check")
    PRIVATE = "private", _("Kept private (never published)")


class ConsultationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for comments")
    CLOSED = "closed", _("Closed")
    SUMMARISED = "summarised", _("Feedback published")


class Consultation(models.Model):
    """One draft put out for public comment by a unit."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=200)
    explanatory_note = models.TextField(_("explanatory note"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    moderation = models.CharField(
        _("comments"),
        max_length=12,
        choices=ModerationMode.choices,
        default=ModerationMode.PRE_MODERATED,
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ConsultationState.choices,
        default=ConsultationState.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        pgettext_lazy("consultation", "closed at"), null=True, blank=True
    )
    closed_early_reason = models.TextField(_("reason for closing early"), blank=True)
    # Kept by the operations: every comment received (rejected ones included, spam never
    # stored) and those published.
    comments_received = models.PositiveIntegerField(_("comments received"), default=0)
    comments_published = models.PositiveIntegerField(_("comments published"), default=0)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["state", "closes_at"])]

    def __str__(self):
        return self.title

    def accepts_comments(self, now: datetime.datetime | None = None) -> bool:
        """Open, and the period has begun and not yet ended (the closing job may run a
        few minutes late: the deadline itself is what counts)."""
        now = now or timezone.now()
        return (
            self.state == ConsultationState.OPEN
            and self.opens_at is not None
            and self.opens_at <= now
            and self.closes_at is not None
            and now < self.closes_at
        )

    def public_state(self, now=None):
        """The state as the public sees it: an open consultation whose deadline has
        passed reads as closed even before the job has closed it."""
        if self.state == ConsultationState.OPEN and not self.accepts_comments(now):
            now = now or timezone.now()
            if self.closes_at and now >= self.closes_at:
                return ConsultationState.CLOSED
        return self.state

    def get_public_url(self):
        return f"/hdjl/zj/{self.pk}/"

    def get_staff_url(self):
        return f"/oa/consultations/{self.pk}/"


class ConsultationSection(models.Model):
    """A numbered section (条/章) of the draft text."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveIntegerField(_("number"))
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = pgettext_lazy("draft section", "section")
        verbose_name_plural = _("sections")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultations_section_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.heading}" if self.heading else str(self.number)


class CommentState(models.TextChoices):
    PENDING = "pending", _("Waiting for a check")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Not published")
    PRIVATE = "private", _("Received (not published)")


class Comment(models.Model):
    """A comment from the public on the whole draft or on one section."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments"
    )
    section = models.ForeignKey(
        ConsultationSection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=pgettext_lazy("draft section", "section"),
    )
    text = models.TextField(_("comment"))
    # Personal data encrypted at rest; the blind index finds a person's comments.
    name = EncryptedTextField(_("name"))
    mobile = EncryptedTextField(_("mobile"), blank=True, default="")
    mobile_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    public_user = models.ForeignKey(
        "public.PublicUser",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=CommentState.choices, default=CommentState.PENDING
    )
    reject_reason = models.TextField(_("reason"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("received"), default=_now)
    submission_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["consultation", "state", "created_at"])]

    def __str__(self):
        return f"#{self.pk}"


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class FeedbackSummary(models.Model):
    """采纳情况: how the comments were used, published after the deadline."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="summary"
    )
    overview = models.TextField(_("overview"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("feedback summary")
        verbose_name_plural = _("feedback summaries")

    def __str__(self):
        return str(self.consultation)


class SummaryPoint(models.Model):
    """One point raised by the public and what the unit did with it."""

    summary = models.ForeignKey(FeedbackSummary, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveIntegerField(_("number"))
    point = models.TextField(_("point raised"))
    decision = models.CharField(_("decision"), max_length=12, choices=Adoption.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("summary point")
        verbose_name_plural = _("summary points")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.get_decision_display()}"
