"""The shared kernel's data: calendar, work items, audit trail, attachments,
notifications and the scheduler's run log."""

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- Working-day calendar -------------------------------------------------------------


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Adjusted working day (调休)")


class CalendarYear(models.Model):
    """A year whose holiday schedule is known. A year without a row here is computed
    Monday–Friday, and every deadline computed that way is flagged."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class SpecialDay(models.Model):
    """A day that differs from the Monday–Friday pattern: a statutory holiday on a
    weekday, or a weekend day that is an adjusted working day."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("holidays and adjusted working days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


# --- Work items -----------------------------------------------------------------------


class WorkItemState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class WorkItem(models.Model):
    """One thing a person or a unit must do (待办), about one object, by a due date.

    Subsystems open and close items only through `core.workitems`; the workspace,
    reminders and assessment all read this table.
    """

    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
        verbose_name=_("assigned person"),
    )
    assignee_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
        verbose_name=_("assigned unit"),
    )
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_rule = models.CharField(
        _("deadline rule"),
        max_length=200,
        blank=True,
        help_text=_("How the due date was computed, e.g. '3 working days from 2026-09-30'."),
    )
    due_fallback = models.BooleanField(
        _("computed without holiday data"),
        default=False,
        help_text=_("The calendar had no data for a year involved; Monday–Friday was assumed."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=WorkItemState.choices, default=WorkItemState.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed on behalf of"),
    )
    last_reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    closes_by_hand = models.BooleanField(
        _("can be marked done by hand"),
        default=False,
        help_text=_(
            "Most items close by themselves when their step is done (a document signed "
            "for, a letter answered); only simple tasks are marked done by hand."
        ),
    )

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        indexes = [
            models.Index(fields=["assignee_user", "state", "due_date"], name="core_wi_user_due"),
            models.Index(fields=["assignee_unit", "state", "due_date"], name="core_wi_unit_due"),
            models.Index(fields=["subject_type", "subject_id"], name="core_wi_subject"),
            models.Index(fields=["state", "due_date"], name="core_wi_state_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_user__isnull=False) | Q(assignee_unit__isnull=False),
                name="core_wi_has_assignee",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- Audit trail ----------------------------------------------------------------------


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit records are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        from . import audit

        return audit.purge_queryset(self)


class AuditRecord(models.Model):
    """One entry of the append-only, hash-chained audit trail.

    `hash` = H(prev_hash || canonical content); H is SM3 by default (settings
    `AUDIT_HASH_ALGORITHM`). `verify_audit` recomputes the chain.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        verbose_name=_("on behalf of"),
    )
    on_behalf_of_name = models.CharField(_("on behalf of (name)"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        verbose_name=_("unit"),
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    algorithm = models.CharField(max_length=10)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_zt_append", False):
            raise PermissionError("Audit records are append-only.")
        kwargs.pop("_zt_append", None)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from . import audit

        return audit.purge_queryset(AuditRecord.objects.filter(pk=self.pk))


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash. Locked while appending, so two
    writers can never chain onto the same predecessor."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


# --- Attachments ----------------------------------------------------------------------


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is the checksum: the original name never reaches the file system.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class ScanStatus(models.TextChoices):
    CLEAN = "clean", _("Clean")
    NOT_SCANNED = "not_scanned", _("Not scanned (no scanner configured)")


class Attachment(models.Model):
    """An uploaded file, accepted through `core.attachments.store_upload` only."""

    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(_("type"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    scan_status = models.CharField(max_length=12, choices=ScanStatus.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.CharField(max_length=64, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    contains_personal_data = models.BooleanField(_("contains personal data"), default=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


# --- Notifications --------------------------------------------------------------------


class Notification(models.Model):
    """An in-app message; e-mailed at once or in the daily digest per the person's choice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_unread")]

    def __str__(self) -> str:
        return self.title


# --- Scheduler ------------------------------------------------------------------------


class ScheduledRun(models.Model):
    """One run of a periodic job for one period; the unique key makes each job run
    once per period however many schedulers are running."""

    job = models.CharField(max_length=60)
    period = models.CharField(max_length=20)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="core_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


# --- Escalation of overdue work items -------------------------------------------------


class WorkItemEscalation(models.Model):
    """One escalation of an overdue work item (core/escalation.py: level 1 the handling
    unit's clerks, 2 its head, 3 the supervision office), for every subsystem; unique per
    (work item, level) so the daily jobs never repeat one. The subject (the letter, the
    case …) is kept with it so a subject's escalations are listed without the work item."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"))
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    at = models.DateTimeField(_("escalated at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["work_item", "level"], name="core_escalation_once")
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="core_escalation_subject")
        ]

    def __str__(self) -> str:
        return f"{self.work_item_id}: level {self.level}"
