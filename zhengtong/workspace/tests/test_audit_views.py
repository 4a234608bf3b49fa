"""The audit administrator's search, export and chain check (/oa/audit/)."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengtong.core import audit
from zhengtong.core.models import AuditRecord
from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.org.models import Membership, Role, RoleAssignment, Unit, UnitKind, User

pytestmark = pytest.mark.django_db


def make_user(username, real_name, unit, role=None):
    user = User.objects.create_user(
        username=username, password="x-Password-1", real_name=real_name, must_change_password=False
    )
    Membership.objects.create(user=user, unit=unit, is_primary=True)
    if role:
        RoleAssignment.objects.create(
            user=user, role=role, unit=None if role == Role.AUDIT_ADMIN else unit
        )
    return user


@pytest.fixture
def unit():
    return Unit.objects.create(kind=UnitKind.OFFICE, name="县政府办公室")


@pytest.fixture
def auditor(unit):
    return make_user("auditor", "审计员甲", unit, Role.AUDIT_ADMIN)


@pytest.fixture
def clerk(unit):
    return make_user("clerk", "李文书", unit, Role.CLERK)


@pytest.fixture
def auditor_client(client, auditor):
    """Signed in with the second factor confirmed (administrators must use it)."""
    device = TOTPDevice.objects.create(user=auditor, name="phone", confirmed=True)
    client.force_login(auditor)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def trail(clerk, auditor, unit):
    """Four records (signing in, e.g. by `auditor_client`, adds its own)."""
    doc = {"object_type": "documents.document", "object_id": 1, "object_repr": "关于春节放假的通知"}
    return {
        "create": audit.record(clerk, "document.create", unit=unit, **doc).seq,
        "sign_off": audit.record(clerk, "document.sign_off", unit=unit, **doc).seq,
        "viewed": audit.record(auditor, "audit.view", auditor).seq,
        "route": audit.record(
            None,
            "letter.route",
            object_type="letters.letter",
            object_id=7,
            object_repr='=HYPERLINK("http://evil")',
        ).seq,
    }


def list_url(**params):
    url = reverse("audit:list")
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def seqs(response):
    return [r.seq for r in response.context["records"]]


def read_csv(response):
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- who may --------------------------------------------------------------------------


def test_the_audit_administrator_sees_the_list(auditor_client, trail):
    response = auditor_client.get(list_url())
    assert response.status_code == 200
    shown = seqs(response)
    assert shown == sorted(shown, reverse=True)  # newest first
    assert set(trail.values()) <= set(shown)
    html = response.content.decode()
    assert "<caption>" in html and 'scope="col"' in html
    assert "关于春节放假的通知" in html


def test_a_clerk_gets_403_for_the_list_and_the_export(client, clerk, trail):
    client.force_login(clerk)
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
    assert not AuditRecord.objects.filter(action="audit.export").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, trail):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert reverse("org:login") in response["Location"]


def test_audit_access_cannot_be_delegated(client, auditor, clerk, trail):
    from zhengtong.org.models import Delegation

    now = timezone.now()
    Delegation.objects.create(
        delegator=auditor,
        delegate=clerk,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(days=1),
    )
    client.force_login(clerk)
    assert client.get(reverse("audit:list")).status_code == 403


# --- filters --------------------------------------------------------------------------


def test_filter_by_actor_name(auditor_client, trail):
    assert seqs(auditor_client.get(list_url(actor="李文"))) == [trail["sign_off"], trail["create"]]


def test_filter_by_exact_action_and_by_action_prefix(auditor_client, trail):
    assert seqs(auditor_client.get(list_url(action="document.sign_off"))) == [trail["sign_off"]]
    assert seqs(auditor_client.get(list_url(action="document."))) == [
        trail["sign_off"],
        trail["create"],
    ]


def test_filter_by_object_type(auditor_client, trail):
    assert seqs(auditor_client.get(list_url(object_type="letters.letter"))) == [trail["route"]]


def test_filter_by_date_range(auditor_client, trail):
    old = timezone.now() - datetime.timedelta(days=10)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditrecord SET at = %s WHERE seq = %s",
            [connection.ops.adapt_datetimefield_value(old), trail["create"]],
        )
    today = timezone.localdate().isoformat()
    recent = seqs(auditor_client.get(list_url(date_from=today)))
    assert trail["create"] not in recent and trail["sign_off"] in recent
    old_day = timezone.localtime(old).date().isoformat()
    assert seqs(auditor_client.get(list_url(date_from=old_day, date_to=old_day))) == [
        trail["create"]
    ]
    assert trail["sign_off"] not in seqs(auditor_client.get(list_url(date_to=old_day)))


def test_a_reversed_date_range_shows_an_error(auditor_client, trail):
    response = auditor_client.get(list_url(date_from="2026-05-02", date_to="2026-05-01"))
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_list_is_paginated_by_50(auditor_client, trail):
    for i in range(60):
        audit.record(None, "test.bulk", object_repr=str(i))
    first = auditor_client.get(list_url())
    assert len(first.context["records"]) == 50
    second = auditor_client.get(list_url(page=2))
    assert len(second.context["records"]) == AuditRecord.objects.count() - 50


# --- export ---------------------------------------------------------------------------


def test_the_export_is_csv_with_bom_and_the_filtered_rows(auditor_client, trail):
    response = auditor_client.get(reverse("audit:export") + "?action=document.")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert_safe_download(response)
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == [str(trail["sign_off"]), str(trail["create"])]
    assert rows[1][2] == "李文书"
    assert rows[1][9] == "关于春节放假的通知"


def test_the_export_defuses_spreadsheet_formulas(auditor_client, trail):
    rows = read_csv(auditor_client.get(reverse("audit:export") + "?object_type=letters.letter"))
    assert rows[1][9].startswith("'=")


def test_the_export_itself_is_audited(auditor_client, auditor, trail):
    read_csv(auditor_client.get(reverse("audit:export") + "?actor=李文"))
    rec = AuditRecord.objects.get(action="audit.export")
    assert rec.actor_id == auditor.pk
    assert rec.changes == {"filters": {"actor": "李文"}, "rows": 2}


# --- verify now -----------------------------------------------------------------------


def test_verify_now_reports_an_intact_chain(auditor_client, trail):
    response = auditor_client.post(list_url(), {"verify": "1"})
    assert response.status_code == 200
    assert response.context["verification"]["intact"] is True
    assert response.context["verification"]["count"] == AuditRecord.objects.count()


def test_verify_now_names_the_first_bad_record(auditor_client, trail):
    bad = trail["sign_off"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditrecord SET object_repr = %s WHERE seq = %s", ["改过了", bad]
        )
    response = auditor_client.post(list_url(), {"verify": "1"})
    verification = response.context["verification"]
    assert verification["intact"] is False
    assert verification["problem"].seq == bad
    assert f"#{bad}" in response.content.decode()
