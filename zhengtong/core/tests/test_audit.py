"""The audit trail: hash chain, tamper detection, retention, sign-in events."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhengtong.core import audit
from zhengtong.core.models import AuditChainHead, AuditRecord
from zhengtong.org.models import Membership, Unit, UnitKind, User

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-42"


def make_unit(name="县财政局"):
    return Unit.objects.create(kind=UnitKind.DEPARTMENT, name=name)


def make_user(username="zhangsan", unit=None, **extra):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        real_name=extra.pop("real_name", "张三"),
        must_change_password=False,
        **extra,
    )
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, is_primary=True)
    return user


def write_records(n, actor=None):
    return [
        audit.record(
            actor,
            f"test.step{i}",
            object_type="test.thing",
            object_id=i,
            object_repr=f"第{i}件",
            changes={"n": [i - 1, i]},
        )
        for i in range(1, n + 1)
    ]


def set_time(seq, when):
    value = connection.ops.adapt_datetimefield_value(when)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditrecord SET at = %s WHERE seq = %s", [value, seq])


def verify_command():
    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())
    return out.getvalue()


# --- the chain ------------------------------------------------------------------------


def test_a_chain_of_several_records_verifies():
    records = write_records(5)
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(records, records[1:], strict=False))
    assert audit.verify_chain() is None
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (5, records[-1].hash)


def test_verify_audit_command_reports_an_intact_chain_with_its_length():
    write_records(3)
    assert "audit chain intact: 3 records" in verify_command()


def test_the_hash_is_sm3_by_default():
    rec = write_records(1)[0]
    assert rec.algorithm == "sm3"
    assert len(rec.hash) == 64
    assert rec.hash != hashlib.sha256(rec.prev_hash.encode() + audit._content(rec)).hexdigest()


@override_settings(AUDIT_HASH_ALGORITHM="sha256")
def test_sha256_is_selectable_through_settings():
    rec = write_records(1)[0]
    assert rec.algorithm == "sha256"
    assert rec.hash == hashlib.sha256(rec.prev_hash.encode() + audit._content(rec)).hexdigest()
    assert audit.verify_chain() is None


def test_a_chain_mixing_sm3_and_sha256_records_still_verifies():
    write_records(2)
    with override_settings(AUDIT_HASH_ALGORITHM="sha256"):
        write_records(2)
    assert list(AuditRecord.objects.values_list("algorithm", flat=True)) == [
        "sm3",
        "sm3",
        "sha256",
        "sha256",
    ]
    assert audit.verify_chain() is None


def test_editing_a_record_with_raw_sql_is_detected_and_names_that_record():
    write_records(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditrecord SET action = %s WHERE seq = 2", ["test.forged"])
    problem = audit.verify_chain()
    assert problem is not None
    assert problem.seq == 2
    assert "#2" in str(problem)


def test_verify_audit_command_fails_with_status_1_naming_the_altered_record():
    write_records(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditrecord SET action = %s WHERE seq = 2", ["test.forged"])
    with pytest.raises(CommandError, match="#2") as excinfo:
        verify_command()
    assert excinfo.value.returncode == 1


def test_deleting_a_middle_record_with_raw_sql_is_detected():
    write_records(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditrecord WHERE seq = 3")
    problem = audit.verify_chain()
    assert problem is not None
    assert problem.seq == 3
    with pytest.raises(CommandError, match="#3"):
        verify_command()


def test_deleting_the_newest_record_with_raw_sql_is_detected():
    write_records(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditrecord WHERE seq = 3")
    problem = audit.verify_chain()
    assert problem is not None and problem.seq == 3


def test_rewriting_a_record_and_its_hash_still_breaks_the_link_to_the_next():
    write_records(3)
    rec = AuditRecord.objects.get(seq=2)
    rec.action = "test.forged"
    forged_hash = audit.compute_hash(rec)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditrecord SET action = %s, hash = %s WHERE seq = 2",
            ["test.forged", forged_hash],
        )
    problem = audit.verify_chain()
    assert problem is not None and problem.seq == 3


# --- append-only and retention --------------------------------------------------------


def test_queryset_update_of_audit_records_is_refused():
    write_records(2)
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(seq=1).update(action="test.forged")
    assert AuditRecord.objects.get(seq=1).action == "test.step1"


def test_saving_a_changed_audit_record_is_refused():
    rec = write_records(1)[0]
    rec.action = "test.forged"
    with pytest.raises(PermissionError):
        rec.save()


def test_deleting_a_young_record_through_the_orm_is_refused():
    write_records(3)
    with pytest.raises(PermissionError):
        AuditRecord.objects.get(seq=1).delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(seq__lte=2).delete()
    assert AuditRecord.objects.count() == 3


def test_records_older_than_180_days_can_be_purged_from_the_oldest_end():
    write_records(4)
    old = timezone.now() - datetime.timedelta(days=200)
    set_time(1, old)
    set_time(2, old + datetime.timedelta(minutes=1))
    deleted, _ = AuditRecord.objects.filter(
        at__lt=timezone.now() - datetime.timedelta(days=180)
    ).delete()
    assert deleted == 2
    assert list(AuditRecord.objects.values_list("seq", flat=True)) == [3, 4]
    # The remaining chain starts after the purged records and still verifies.
    assert audit.verify_chain() is None


def test_old_records_cannot_be_purged_from_the_middle_of_the_chain():
    write_records(4)
    set_time(2, timezone.now() - datetime.timedelta(days=200))
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(seq=2).delete()
    assert AuditRecord.objects.count() == 4


def test_a_record_just_younger_than_the_retention_period_cannot_be_purged():
    write_records(2)
    set_time(1, timezone.now() - datetime.timedelta(days=179))
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(seq=1).delete()


# --- sign-in events -------------------------------------------------------------------


def _login_url():
    try:
        return reverse("org:login")
    except NoReverseMatch:
        return None


def test_login_is_recorded_with_the_primary_unit(client):
    unit = make_unit()
    user = make_user(unit=unit)
    url = _login_url()
    if url:
        response = client.post(
            url, {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
        )
        assert response.status_code == 302
    else:
        user_logged_in.send(sender=User, request=RequestFactory().get("/"), user=user)
    rec = AuditRecord.objects.get(action="auth.login")
    assert rec.actor_id == user.pk
    assert rec.unit_id == unit.pk
    assert rec.object_type == "org.user" and rec.object_id == str(user.pk)
    if url:
        assert rec.ip == "10.0.0.7"


def test_logout_is_recorded(client):
    unit = make_unit()
    user = make_user(unit=unit)
    client.force_login(user)
    try:
        url = reverse("org:logout")
    except NoReverseMatch:
        url = None
    if url:
        client.post(url)
    else:
        user_logged_out.send(sender=User, request=RequestFactory().get("/"), user=user)
    rec = AuditRecord.objects.get(action="auth.logout")
    assert rec.actor_id == user.pk
    assert rec.unit_id == unit.pk


def test_failed_login_records_the_attempted_user_name_but_never_the_password(client):
    unit = make_unit()
    make_user(unit=unit)
    url = _login_url()
    wrong = "Wrong-Password-99"
    if url:
        client.post(url, {"username": "zhangsan", "password": wrong})
        client.post(url, {"username": "nobody", "password": wrong})
    else:
        user_login_failed.send(
            sender=__name__, credentials={"username": "zhangsan", "password": wrong}
        )
        user_login_failed.send(
            sender=__name__, credentials={"username": "nobody", "password": wrong}
        )
    failed = list(AuditRecord.objects.filter(action="auth.login_failed").order_by("seq"))
    assert [r.changes["username"] for r in failed] == ["zhangsan", "nobody"]
    # A known account: the record points at it and carries its unit.
    assert failed[0].object_type == "org.user" and failed[0].unit_id == unit.pk
    assert failed[0].actor_id is None
    # An unknown name is still recorded, as typed.
    assert failed[1].object_repr == "nobody" and failed[1].object_id == ""
    for rec in failed:
        assert wrong not in repr(
            [rec.actor_name, rec.object_repr, rec.object_id, rec.changes, rec.action]
        )
    assert not AuditRecord.objects.filter(action="auth.login").exists()


def test_failed_login_signal_without_request_is_recorded():
    user_login_failed.send(sender=__name__, credentials={"username": "ghost", "password": "x"})
    rec = AuditRecord.objects.get(action="auth.login_failed")
    assert rec.changes == {"username": "ghost"}
    assert rec.ip is None
