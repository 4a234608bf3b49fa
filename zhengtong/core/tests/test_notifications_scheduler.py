"""Notifications (inbox, e-mail, SMS), the scheduler, the daily jobs and health checks."""

import datetime
import logging
import zoneinfo

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from zhengtong.conftest import make_user, make_work_item
from zhengtong.core import notifications, scheduler
from zhengtong.core.models import CalendarYear, Notification, ScheduledRun
from zhengtong.org.models import Role

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def shanghai(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def no_sms_left_over():
    notifications.LoggingSmsBackend.sent.clear()
    yield
    notifications.LoggingSmsBackend.sent.clear()


# --- immediate e-mail ----------------------------------------------------------------------


def test_a_notification_is_e_mailed_at_once_after_commit(
    clerk_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = notifications.notify(
            clerk_a, "Document to sign for", body="No. 12", url="/oa/docs/12/"
        )
        assert mail.outbox == []  # nothing leaves before the commit
    (message,) = mail.outbox
    assert message.to == ["clerk_a@example.cn"]
    assert message.subject == "Document to sign for"
    assert "No. 12" in message.body and "/oa/docs/12/" in message.body
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_rolled_back_notification_sends_no_e_mail(clerk_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notifications.notify(clerk_a, "Never happened")
            raise RuntimeError
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_mail_outage_does_not_break_the_operation(
    clerk_a, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        note = notifications.notify(clerk_a, "Still noted")
    note.refresh_from_db()
    assert note.emailed_at is None  # left for a later attempt


def test_daily_digest_readers_and_people_without_e_mail_get_no_immediate_mail(
    clerk_a, head_a, django_capture_on_commit_callbacks
):
    clerk_a.notification_mode = "daily"
    clerk_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(clerk_a, "For the digest")
        notifications.notify(head_a, "Inbox only")  # head_a has no e-mail address
    assert mail.outbox == []
    assert Notification.objects.count() == 2


# --- daily digest ---------------------------------------------------------------------------


def test_the_daily_digest_sends_one_mail_with_all_items_and_marks_them(clerk_a, clerk_b):
    clerk_a.notification_mode = "daily"
    clerk_a.save()
    for title in ["First", "Second", "Third"]:
        notifications.notify(clerk_a, title, body=f"{title} body")
    notifications.notify(clerk_b, "Immediate reader's message")
    assert notifications.send_daily_digests() == 1
    (message,) = mail.outbox
    assert message.to == ["clerk_a@example.cn"]
    assert "3" in message.subject
    for title in ["First", "Second", "Third"]:
        assert title in message.body
    assert "Immediate reader" not in message.body
    assert not Notification.objects.filter(recipient=clerk_a, emailed_at__isnull=True).exists()
    # nothing new: no second digest
    assert notifications.send_daily_digests() == 0
    assert len(mail.outbox) == 1


def test_one_failing_digest_does_not_stop_the_others(clerk_a, clerk_b, monkeypatch):
    for person in (clerk_a, clerk_b):
        person.notification_mode = "daily"
        person.save()
        notifications.notify(person, f"For {person.username}")
    real_send_mail = notifications.send_mail

    def flaky(subject, body, sender, recipients, **kwargs):
        if recipients == ["clerk_a@example.cn"]:
            raise OSError("mailbox full")
        return real_send_mail(subject, body, sender, recipients, **kwargs)

    monkeypatch.setattr(notifications, "send_mail", flaky)
    assert notifications.send_daily_digests() == 1
    assert [m.to for m in mail.outbox] == [["clerk_b@example.cn"]]
    assert Notification.objects.get(recipient=clerk_a).emailed_at is None
    assert Notification.objects.get(recipient=clerk_b).emailed_at is not None


# --- SMS -------------------------------------------------------------------------------------


def test_the_logging_sms_backend_logs_a_masked_number_after_commit(
    django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.INFO, logger="zhengtong.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            notifications.send_sms("13812345678", "Your application was accepted")
            assert notifications.LoggingSmsBackend.sent == []
    assert notifications.LoggingSmsBackend.sent == [
        ("13812345678", "Your application was accepted")
    ]
    assert "138****5678" in caplog.text
    assert "13812345678" not in caplog.text


def test_no_sms_leaves_for_a_rolled_back_change(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notifications.send_sms("13812345678", "Never")
            raise RuntimeError
    assert notifications.LoggingSmsBackend.sent == []


# --- inbox ------------------------------------------------------------------------------------


def test_the_inbox_lists_ones_own_messages_and_marks_them_read(login, clerk_a, clerk_b):
    mine = notifications.notify(clerk_a, "For Zhang", url="/oa/me/")
    notifications.notify(clerk_b, "For Wang")
    client = login(clerk_a)
    page = client.get("/oa/messages/").content.decode()
    assert "For Zhang" in page and "For Wang" not in page
    response = client.post(f"/oa/messages/{mine.pk}/read/")
    assert response.status_code == 302 and response.url == "/oa/me/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_someone_elses_message_cannot_be_marked_read(login, clerk_a, clerk_b):
    theirs = notifications.notify(clerk_b, "For Wang")
    assert login(clerk_a).post(f"/oa/messages/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("url", ["//evil.example/", "https://evil.example/x", "/\\evil.example"])
def test_a_message_link_never_leads_off_the_site(login, clerk_a, url):
    note = notifications.notify(clerk_a, "Odd link", url=url)
    response = login(clerk_a).post(f"/oa/messages/{note.pk}/read/")
    assert response.status_code == 302
    assert response.url == "/oa/messages/"


# --- scheduler -----------------------------------------------------------------------------------


# The kernel's own daily jobs; the subsystems register theirs beside them.
KERNEL_JOBS = ("audit_chain", "daily_digests", "reminders", "calendar_years")


def kernel(names):
    return [name for name in names if name in KERNEL_JOBS]


def test_the_scheduler_enqueues_each_job_once_a_day(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduler.tick(now=shanghai(2030, 6, 12, 8, 10))
    assert kernel(first) == list(KERNEL_JOBS)
    assert "disclosure_items" in first  # a subsystem's job runs through the same tick
    assert len(first) == len(set(first))
    with django_capture_on_commit_callbacks(execute=True):
        again = scheduler.tick(now=shanghai(2030, 6, 12, 17, 0))
    assert kernel(again) == []
    assert not set(again) & set(first)
    with django_capture_on_commit_callbacks(execute=True):
        next_day = scheduler.tick(now=shanghai(2030, 6, 13, 9, 0))
    assert kernel(next_day) == list(KERNEL_JOBS)
    assert ScheduledRun.objects.filter(job="reminders").count() == 2


def test_a_job_waits_until_its_time_of_day(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert kernel(scheduler.tick(now=shanghai(2030, 6, 12, 2, 0))) == []
        assert kernel(scheduler.tick(now=shanghai(2030, 6, 12, 7, 0))) == ["audit_chain"]
        assert kernel(scheduler.tick(now=shanghai(2030, 6, 12, 7, 45))) == ["daily_digests"]


def test_the_schedule_follows_shanghai_time_not_utc(django_capture_on_commit_callbacks):
    # 23:30 UTC on 11 June is 07:30 on 12 June in Shanghai: the digest is due that day.
    utc = datetime.datetime(2030, 6, 11, 23, 30, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert kernel(scheduler.tick(now=utc)) == ["audit_chain", "daily_digests"]
    assert set(ScheduledRun.objects.values_list("period", flat=True)) == {"2030-06-12"}


def test_the_reminder_job_runs_when_enqueued(clerk_a, django_capture_on_commit_callbacks):
    make_work_item(
        user=clerk_a, due_date=timezone.localdate() - datetime.timedelta(days=1), title="Late reply"
    )
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.tick(now=timezone.localtime().replace(hour=8, minute=30))
    assert Notification.objects.filter(recipient=clerk_a, title__contains="Late reply").exists()


def test_the_calendar_job_warns_the_system_administrators_of_a_missing_year(system_admin, clerk_a):
    from zhengtong.core import tasks

    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year=next_year).delete()
    result = tasks.warn_missing_calendar_years.enqueue()
    assert result.return_value == 1
    (note,) = Notification.objects.all()
    assert note.recipient == system_admin
    assert str(next_year) in note.title


def test_the_digest_task_sends_the_digests(clerk_a):
    from zhengtong.core import tasks

    clerk_a.notification_mode = "daily"
    clerk_a.save()
    notifications.notify(clerk_a, "Digest me")
    assert tasks.send_daily_digests.enqueue().return_value == 1
    assert len(mail.outbox) == 1


# --- health checks ------------------------------------------------------------------------------


def test_healthz_answers_without_signing_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database_cache_and_queue(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": True, "cache": True, "task_queue": True}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_says_503_and_names_what_failed(client, db, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] is False


def test_health_checks_are_not_redirected_for_a_signed_in_administrator(login, system_admin):
    client = login(system_admin, otp=False)
    assert client.get("/healthz").status_code == 200


# --- the IT centre's dashboard ----------------------------------------------------------------------


def test_the_dashboard_is_for_the_system_administrator(login, system_admin):
    response = login(system_admin).get("/oa/it/")
    assert response.status_code == 200
    assert response.context["checks"]["database"] is True


def test_the_dashboard_is_forbidden_to_a_clerk(login, clerk_a):
    assert login(clerk_a).get("/oa/it/").status_code == 403


def test_the_dashboard_warns_of_a_missing_holiday_schedule(login, system_admin):
    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year=next_year).delete()
    response = login(system_admin).get("/oa/it/")
    assert next_year in response.context["missing_years"]
    assert str(next_year) in response.content.decode()


def test_the_staff_menu_shows_the_it_centre_only_to_the_system_administrator(
    login, clerk_a, county
):
    page = login(clerk_a).get("/oa/").content.decode()
    assert 'href="/oa/it/"' not in page
    admin = make_user("sys2", county.government, roles=[Role.SYSTEM_ADMIN])
    page = login(admin).get("/oa/").content.decode()
    assert 'href="/oa/it/"' in page


def test_the_nightly_audit_check_alerts_the_audit_administrators_of_an_altered_record(
    audit_admin, system_admin
):
    from django.db import connection

    from zhengtong.core import audit, tasks

    audit.record(system_admin, "test.one")
    rec = audit.record(system_admin, "test.two")
    assert tasks.verify_audit_chain.enqueue().return_value == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditrecord SET action = 'test.forged' WHERE seq = %s", [rec.seq]
        )
    assert tasks.verify_audit_chain.enqueue().return_value == 1
    (note,) = Notification.objects.filter(recipient=audit_admin)
    assert f"#{rec.seq}" in note.title
    assert not Notification.objects.filter(recipient=system_admin).exists()
