"""Notifications: an in-app inbox, e-mail (Django's mail backends, at once or as a
daily digest per the person's choice) and an SMS adapter interface.

The SMS adapter is chosen by settings.SMS_BACKEND; the default only logs, so nothing
leaves the machine until the county configures its SMS gateway.
"""

import abc
import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .access import Person
from .models import Notification

log = logging.getLogger("zhengtong.notifications")


class SmsBackend(abc.ABC):
    """Interface of an SMS gateway adapter: the county's gateway gets a subclass."""

    @abc.abstractmethod
    def send(self, mobile: str, text: str) -> None:
        """Send `text` to the mainland mobile number `mobile` (11 digits)."""


_SECRET_DIGITS = re.compile(r"\d{4,}")


def mask_sms_text(text: str) -> str:
    """The message with every run of four or more digits (verification codes, query
    passwords, numbers) replaced by as many "*": what a log may keep of an SMS."""
    return _SECRET_DIGITS.sub(lambda match: "*" * len(match.group()), text)


class LoggingSmsBackend(SmsBackend):
    """Writes the message to the log instead of sending it (the default), with codes
    and passwords masked (mask_sms_text): logs are read by more people than the
    recipient. Production refuses this backend unless SMS_ALLOW_LOG_BACKEND=1
    (core/deploy_policy.py)."""

    sent: list[tuple[str, str]] = []  # the last messages, in memory only, for tests

    def send(self, mobile: str, text: str) -> None:
        from .masking import mask_mobile

        log.info("SMS to %s: %s", mask_mobile(mobile), mask_sms_text(text))
        LoggingSmsBackend.sent.append((mobile, text))
        del LoggingSmsBackend.sent[:-100]


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def send_sms(mobile: str, text: str) -> None:
    """Send an SMS after the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: sms_backend().send(mobile, text))


def notify(recipient: Person, title: str, *, body: str = "", url: str = "") -> Notification:
    """Put a message in the person's inbox; e-mail it after commit if they chose
    immediate notifications and have an address."""
    note = Notification.objects.create(recipient=recipient, title=title[:200], body=body, url=url)
    if recipient.notification_mode == "immediate" and recipient.email:
        transaction.on_commit(lambda: _email_one(note.pk))
    return note


def _email_one(pk: int) -> None:
    note = Notification.objects.select_related("recipient").get(pk=pk)
    try:
        send_mail(note.title, _mail_text(note), None, [note.recipient.email])
    except Exception:  # a mail server outage must not break the operation
        log.exception("Could not e-mail notification %s", pk)
        return
    Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())


def _mail_text(note: Notification) -> str:
    text = note.body or ""
    if note.url:
        text += "\n" + note.url
    return text


def send_daily_digests() -> int:
    """E-mail each person who chose the daily digest one message with everything
    not yet e-mailed. Run once a day by the scheduler."""
    sent = 0
    people = (
        get_user_model()
        .objects.filter(
            is_active=True, notification_mode="daily", notifications__emailed_at__isnull=True
        )
        .exclude(email="")
        .distinct()
    )
    for person in people:
        try:
            with transaction.atomic():
                notes = list(
                    Notification.objects.select_for_update()
                    .filter(recipient=person, emailed_at__isnull=True)
                    .order_by("created_at")
                )
                if not notes:
                    continue
                lines = [f"· {n.title}" + (f" — {n.body}" if n.body else "") for n in notes]
                subject = _("Your daily digest: %(count)d new messages") % {"count": len(notes)}
                send_mail(subject, "\n".join(lines), None, [person.email])
                Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
                    emailed_at=timezone.now()
                )
        except Exception:
            # One bad address or a mail outage must not stop everyone else's digest;
            # the messages stay unsent and go out with tomorrow's digest.
            log.exception("Could not e-mail the daily digest to user %s", person.pk)
            continue
        sent += 1
    return sent


@transaction.atomic
def mark_read(person: Person, notification: Notification) -> Notification:
    """Mark one of the person's own messages read."""
    from .errors import NotFound

    if notification.recipient_id != person.pk:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
