"""The incoming-documents API (/api/v1/incoming/) and the documents API's withdraw,
archive, PDF/DOCX and archive-export actions: the whole incoming flow, and for each
endpoint bad input (400, nothing changed), no permission (403), another unit (404) and
the wrong step (409). Every write goes through `documents.services`."""

import csv
import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from zhengtong.conftest import make_delegation, make_user
from zhengtong.core.models import Attachment, AuditRecord, Notification, WorkItem
from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.documents import services
from zhengtong.documents.models import (
    ArchiveEntry,
    DocState,
    Document,
    IncomingRecord,
    TrailEntry,
)
from zhengtong.documents.tests.conftest import (
    closed,
    draft,
    handled,
    instructed,
    proposed,
    through_sign_off,
)
from zhengtong.org.models import Role

pytestmark = pytest.mark.django_db

API = "/api/v1/incoming"
DOCS = "/api/v1/documents"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- fixtures and steps -----------------------------------------------------------------------


@pytest.fixture
def as_user(api_client):
    """as_user(user) authenticates the API client with the user's token (English)."""

    def authenticate(user):
        key = Token.objects.get_or_create(user=user)[0].key
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
        return api_client

    return authenticate


@pytest.fixture
def town(office):
    """The town's people besides its clerk, and a notice of department A issued to the
    town (not yet signed for)."""
    office.town_head = make_user("town_head", office.county.town, roles=[Role.UNIT_HEAD])
    office.handler = make_user("town_handler", office.county.town, real_name="孙干事")
    office.reader = make_user("town_reader", office.county.town, real_name="周副镇长")
    office.clerk_b = make_user("clerk_b2", office.county.b, roles=[Role.CLERK])
    office.document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    return office


@pytest.fixture
def received(town):
    """The town has signed for the notice: its incoming record, registered."""
    distribution = town.document.distributions.get(unit=town.county.town)
    services.sign_for(town.town_clerk, distribution)
    town.record = distribution.incoming
    return town


@pytest.fixture
def paper(received):
    """A paper document registered by the town's clerk (no sender on the platform)."""
    received.paper = services.register_external(
        received.town_clerk,
        unit=received.county.town,
        title="关于做好防汛工作的通知",
        source_name="某市人民政府办公室",
        source_number="市政办发〔2026〕8号",
    )
    return received


def snapshot(record=None):
    """What a refused request must leave alone."""
    rows = []
    if record is not None:
        record = IncomingRecord.objects.get(pk=record.pk)
        rows = [
            record.state,
            record.proposal,
            record.instruction,
            record.result,
            record.due_date,
            record.closed_at,
            list(record.tasks.values_list("kind", "person_id", "done_at", "comment")),
        ]
    return (
        *rows,
        IncomingRecord.objects.count(),
        ArchiveEntry.objects.count(),
        Attachment.objects.count(),
        AuditRecord.objects.count(),
        list(WorkItem.objects.order_by("pk").values_list("kind", "state")),
        Notification.objects.count(),
    )


def post(as_user, user, record, action, data=None):
    return as_user(user).post(f"{API}/{record.pk}/{action}/", data or {}, format="json")


def ids(response):
    assert response.status_code == 200, response.json()
    return [r["id"] for r in response.json()["results"]]


# --- the whole flow ---------------------------------------------------------------------------


def test_the_whole_incoming_flow_through_the_api(as_user, town):
    county = town.county
    assert ids(as_user(town.town_clerk).get(f"{API}/")) == []

    # 签收 registers the document in the town's book
    response = as_user(town.town_clerk).post(f"{DOCS}/{town.document.pk}/sign-for/")
    assert response.status_code == 200
    listed = as_user(town.town_clerk).get(f"{API}/").json()["results"]
    assert len(listed) == 1
    row = listed[0]
    year = timezone.localdate().year
    assert row["serial"] == f"收〔{year}〕1号"
    assert row["state"] == "registered"
    assert row["document"] == town.document.pk
    assert row["source_number"] == town.document.number
    assert row["unit"] == {"id": county.town.pk, "name": county.town.name}
    assert row["overdue"] is False
    pk = row["id"]
    # every member of the town reads it; the issuer does not
    assert ids(as_user(town.handler).get(f"{API}/")) == [pk]
    assert ids(as_user(town.drafter).get(f"{API}/")) == []

    # 拟办
    response = post(
        as_user,
        town.town_clerk,
        IncomingRecord(pk=pk),
        "propose",
        {"proposal": "请孙干事办理，周副镇长阅。", "head": town.town_head.pk},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "proposed"
    assert response.json()["proposal"] == "请孙干事办理，周副镇长阅。"

    # 批办: a handler, two readers in order, a deadline
    response = post(
        as_user,
        town.town_head,
        IncomingRecord(pk=pk),
        "instruct",
        {
            "instruction": "同意",
            "handlers": [town.handler.pk],
            "readers": [town.reader.pk, town.town_head.pk],
            "due_in_working_days": 5,
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "handling"
    assert body["instruction"] == "同意"
    assert body["due_date"]
    assert [(t["kind"], t["person"]["id"], t["done_at"]) for t in body["tasks"]] == [
        ("handle", town.handler.pk, None),
        ("read", town.reader.pk, None),
        ("read", town.town_head.pk, None),
    ]

    # 传阅 in order: the second reader waits for the first
    record = IncomingRecord(pk=pk)
    assert post(as_user, town.town_head, record, "finish", {"comment": "已阅"}).status_code == 403
    assert post(as_user, town.reader, record, "finish", {"comment": "已阅"}).status_code == 200
    # 承办
    response = post(as_user, town.handler, record, "finish", {"comment": "已完成排查。"})
    assert response.status_code == 200
    handle = response.json()["tasks"][0]
    assert handle["comment"] == "已完成排查。" and handle["done_at"]
    assert post(as_user, town.town_head, record, "finish").status_code == 200  # reads, no comment

    # 办结, with a reply to the sender
    response = post(
        as_user,
        town.town_clerk,
        record,
        "close",
        {"result": "已按要求完成。", "reply_to_sender": True},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "closed"
    assert response.json()["result"] == "已按要求完成。"
    assert Notification.objects.filter(recipient=town.drafter, body="已按要求完成。").exists()
    assert not (
        WorkItem.objects.filter(subject_id=str(pk), state="open", kind__startswith="documents.")
        .exclude(kind="documents.sign_for")
        .exists()
    )

    # 归档
    response = post(as_user, town.town_clerk, record, "archive", {"retention": "10y"})
    assert response.status_code == 201, response.json()
    entry = response.json()
    assert entry["archive_number"].endswith(f"-{year}-D10-0001")
    assert entry["is_original"] is False  # the issuer keeps the original
    assert entry["incoming"] == pk and entry["document"] == town.document.pk
    body = as_user(town.handler).get(f"{API}/{pk}/").json()
    assert body["archive_number"] == entry["archive_number"]
    assert body["archive"]["retention"] == "10y"
    assert body["state"] == "closed"

    # the year's archive, exported by the town's clerk
    response = as_user(town.town_clerk).get(
        f"{DOCS}/archive-export/", {"unit": county.town.pk, "year": year}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names, sheet = unzip(response)
    assert f"{entry['archive_number']}.pdf" in names
    assert any(row[0] == entry["archive_number"] and row[6] == "复制件" for row in sheet)


def unzip(response):
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        [catalogue] = [n for n in names if n.endswith("目录.csv")]
        text = archive.read(catalogue).decode("utf-8-sig")
    return names, list(csv.reader(io.StringIO(text)))


def test_a_paper_document_is_registered_with_its_scan_and_returned(as_user, received):
    response = as_user(received.town_clerk).post(
        f"{API}/",
        {
            "unit": received.county.town.pk,
            "title": "关于做好防汛工作的通知",
            "source_name": "某市人民政府办公室",
            "source_number": "市政办发〔2026〕8号",
            "scan": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["serial"].endswith("2号")  # the town's second registration this year
    assert body["document"] is None
    assert body["registered_by"]["id"] == received.town_clerk.pk
    assert body["scan"]["original_name"] == "scan.pdf"
    assert body["scan"]["url"] == f"/files/{body['scan']['id']}/"
    attachment = Attachment.objects.get(pk=body["scan"]["id"])
    assert attachment.unit == received.county.town
    assert IncomingRecord.objects.get(pk=body["id"]).scan == attachment
    # 初审: it does not belong here
    record = IncomingRecord(pk=body["id"])
    response = post(as_user, received.town_clerk, record, "return", {"reason": "不属于本镇职责"})
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    assert response.json()["result"] == "不属于本镇职责"
    # a returned document is archived too (the original of a paper one)
    response = post(as_user, received.town_clerk, record, "archive", {"retention": "permanent"})
    assert response.status_code == 201
    assert response.json()["is_original"] is True


def test_a_paper_document_is_registered_without_a_scan_as_json(as_user, received):
    response = as_user(received.town_clerk).post(
        f"{API}/",
        {"unit": received.county.town.pk, "title": "通知", "source_name": "某机关"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["scan"] is None
    assert response.json()["source_number"] == ""
    assert response.json()["state"] == "registered"


def test_a_delegate_sees_and_instructs_for_the_absent_head(as_user, received):
    record = proposed(received)
    deputy = make_user("deputy_b", received.county.b)
    assert ids(as_user(deputy).get(f"{API}/")) == []
    make_delegation(received.town_head, deputy)
    assert ids(as_user(deputy).get(f"{API}/")) == [record.pk]
    response = post(as_user, deputy, record, "instruct", {"handlers": [received.handler.pk]})
    assert response.status_code == 200, response.json()
    assert response.json()["instruction"]  # empty: agreed as proposed
    assert response.json()["state"] == "handling"


# --- list and retrieve ------------------------------------------------------------------------


def test_the_list_is_filtered_by_state_and_year(as_user, paper):
    client = as_user(paper.town_clerk)
    record, other = paper.record, paper.paper
    proposed(paper)
    year = timezone.localdate().year
    assert ids(client.get(f"{API}/")) == [other.pk, record.pk]  # newest first
    assert ids(client.get(f"{API}/", {"state": "proposed"})) == [record.pk]
    assert ids(client.get(f"{API}/", {"state": "registered", "year": year})) == [other.pk]
    earlier = timezone.now() - datetime.timedelta(days=800)
    IncomingRecord.objects.filter(pk=record.pk).update(received_at=earlier)
    assert ids(client.get(f"{API}/", {"year": year})) == [other.pk]
    assert ids(client.get(f"{API}/", {"year": timezone.localtime(earlier).year})) == [record.pk]


@pytest.mark.parametrize(
    "params, field",
    [({"state": "lost"}, "state"), ({"year": "last"}, "year"), ({"year": "0"}, "year")],
)
def test_bad_list_filters_are_a_400(as_user, received, params, field):
    response = as_user(received.town_clerk).get(f"{API}/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["detail"]


def test_the_list_takes_a_fixed_number_of_queries(as_user, received, django_assert_max_num_queries):
    for n in range(5):
        services.register_external(
            received.town_clerk, unit=received.county.town, title=f"来文{n}", source_name="某机关"
        )
    client = as_user(received.town_clerk)
    client.get(f"{API}/")
    with django_assert_max_num_queries(8):
        assert len(ids(client.get(f"{API}/"))) == 6


def test_a_record_is_read_with_its_tasks(as_user, received):
    record = instructed(received)
    body = as_user(received.reader).get(f"{API}/{record.pk}/").json()
    assert body["proposal"] == "请孙干事办理。"
    assert body["instruction"] == "同意"
    assert [t["kind"] for t in body["tasks"]] == ["handle", "read"]
    assert body["archive_number"] is None and body["archive"] is None
    assert body["result"] == ""


def test_an_overdue_record_is_marked(as_user, received):
    record = instructed(received)
    IncomingRecord.objects.filter(pk=record.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    body = as_user(received.town_clerk).get(f"{API}/{record.pk}/").json()
    assert body["overdue"] is True


@pytest.mark.parametrize("pk", ["abc", "99999", "1e3", "٣", "123456789012345678901234567890"])
def test_a_bad_or_unknown_id_is_a_404(as_user, received, pk):
    response = as_user(received.town_clerk).get(f"{API}/{pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_callers_are_refused(api_client, received):
    before = snapshot(received.record)
    assert api_client.get(f"{API}/").status_code in (401, 403)
    assert api_client.get(f"{API}/{received.record.pk}/").status_code in (401, 403)
    response = api_client.post(
        f"{API}/{received.record.pk}/propose/", {"proposal": "x"}, format="json"
    )
    assert response.status_code in (401, 403)
    assert snapshot(received.record) == before


ACTIONS = [
    ("return", {"reason": "不属于本镇职责"}),
    ("propose", {"proposal": "办理", "head": None}),
    ("instruct", {"handlers": []}),
    ("finish", {"comment": "已阅"}),
    ("close", {"result": "完成"}),
    ("archive", {"retention": "10y"}),
]


@pytest.mark.parametrize("who", ["drafter", "head_a", "outsider", "clerk_b"])
def test_another_units_user_gets_404_for_every_endpoint(as_user, received, who):
    record = received.record
    before = snapshot(record)
    client = as_user(getattr(received, who))
    assert client.get(f"{API}/{record.pk}/").status_code == 404
    assert record.pk not in ids(client.get(f"{API}/"))
    for action, data in ACTIONS:
        if "head" in data:
            data = {**data, "head": received.town_head.pk}
        if "handlers" in data:
            data = {"handlers": [received.handler.pk]}
        response = client.post(f"{API}/{record.pk}/{action}/", data, format="json")
        assert response.status_code == 404, action
        assert response.json()["code"] == "not_found"
    assert snapshot(record) == before


def test_put_patch_and_delete_are_not_offered(as_user, received):
    client = as_user(received.town_clerk)
    url = f"{API}/{received.record.pk}/"
    assert client.put(url, {"title": "X"}, format="json").status_code == 405
    assert client.patch(url, {"title": "X"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert IncomingRecord.objects.filter(pk=received.record.pk).exists()


# --- register (create) ------------------------------------------------------------------------


def register_payload(received, **changes):
    payload = {
        "unit": received.county.town.pk,
        "title": "关于做好防汛工作的通知",
        "source_name": "某市人民政府办公室",
        "source_number": "市政办发〔2026〕8号",
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not ...}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": ...}, "title"),
        ({"title": "通" * 201}, "title"),
        ({"source_name": ""}, "source_name"),
        ({"source_name": ...}, "source_name"),
        ({"source_number": "号" * 61}, "source_number"),
        ({"unit": 99999}, "unit"),
        ({"unit": "Hexi Town"}, "unit"),
        ({"unit": None}, "unit"),
        ({"unit": ...}, "unit"),
        ({"scan": "scan.pdf"}, "scan"),
        ({"state": "closed"}, "state"),
        ({"serial": "收〔2026〕99号"}, "serial"),
    ],
)
def test_bad_registrations_are_a_400_and_nothing_is_saved(as_user, received, changes, field):
    before = snapshot()
    response = as_user(received.town_clerk).post(
        f"{API}/", register_payload(received, **changes), format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert field in response.json()["detail"]
    assert snapshot() == before


def test_a_missing_unit_is_named_clearly(as_user, received):
    response = as_user(received.town_clerk).post(
        f"{API}/", register_payload(received, unit=99999), format="json"
    )
    assert response.json()["detail"]["unit"] == ["There is no unit with id 99999."]


def test_a_classified_paper_document_is_refused_and_its_scan_not_kept(as_user, received):
    before = snapshot()
    content = PDF + b"% classified-api-test\n"
    response = as_user(received.town_clerk).post(
        f"{API}/",
        register_payload(
            received,
            title="机密★ 某文件",
            scan=SimpleUploadedFile("scan.pdf", content, content_type="application/pdf"),
        ),
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "classified"
    assert snapshot() == before
    sha256 = hashlib.sha256(content).hexdigest()
    storage = Attachment._meta.get_field("file").storage
    assert not storage.exists(f"attachments/{sha256[:2]}/{sha256}")


def test_a_scan_that_is_not_a_document_is_refused_on_its_field(as_user, received):
    before = snapshot()
    program = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = as_user(received.town_clerk).post(
        f"{API}/", register_payload(received, scan=program), format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "scan"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["handler", "town_head", "drafter"])
def test_only_the_units_clerk_registers(as_user, received, who):
    """A member who is not the clerk, and another unit's clerk (the unit is named in the
    request, and units are public): 403, and the scan is not even stored."""
    before = snapshot()
    response = as_user(getattr(received, who)).post(
        f"{API}/",
        register_payload(
            received, scan=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
        ),
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert response.json()["field"] == "unit"
    assert snapshot() == before


# --- return -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}, {"reason": "x", "to": 1}]
)
def test_returning_needs_a_reason(as_user, received, data):
    before = snapshot(received.record)
    response = post(as_user, received.town_clerk, received.record, "return", data)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert snapshot(received.record) == before


@pytest.mark.parametrize("who", ["handler", "town_head"])
def test_only_the_clerk_returns(as_user, received, who):
    before = snapshot(received.record)
    response = post(as_user, getattr(received, who), received.record, "return", {"reason": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert snapshot(received.record) == before


def test_returning_after_the_proposal_is_a_conflict(as_user, received):
    record = proposed(received)
    before = snapshot(record)
    response = post(as_user, received.town_clerk, record, "return", {"reason": "x"})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert snapshot(record) == before


# --- propose ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field",
    [
        ({"proposal": "", "head": "town_head"}, "proposal"),
        ({"proposal": "  ", "head": "town_head"}, "proposal"),
        ({"head": "town_head"}, "proposal"),
        ({"proposal": "办理"}, "head"),
        ({"proposal": "办理", "head": 99999}, "head"),
        ({"proposal": "办理", "head": "李镇长"}, "head"),
        ({"proposal": "办理", "head": None}, "head"),
        ({"proposal": "办理", "head": "handler"}, "head"),  # not a head of the town
        ({"proposal": "办理", "head": "head_a"}, "head"),  # a head of another unit
        ({"proposal": "办理", "head": "town_head", "state": "handling"}, "state"),
    ],
)
def test_bad_proposals_are_a_400_and_change_nothing(as_user, received, data, field):
    if isinstance(data.get("head"), str) and hasattr(received, data["head"]):
        data = {**data, "head": getattr(received, data["head"]).pk}
    before = snapshot(received.record)
    response = post(as_user, received.town_clerk, received.record, "propose", data)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["detail"] or body.get("field") == field
    assert snapshot(received.record) == before


def test_an_inactive_head_is_named(as_user, received):
    received.town_head.is_active = False
    received.town_head.save()
    response = post(
        as_user,
        received.town_clerk,
        received.record,
        "propose",
        {"proposal": "办理", "head": received.town_head.pk},
    )
    assert response.status_code == 400
    assert response.json()["detail"]["head"] == [
        f"There is no active staff member with id {received.town_head.pk}."
    ]


@pytest.mark.parametrize("who", ["handler", "town_head"])
def test_only_the_clerk_proposes(as_user, received, who):
    before = snapshot(received.record)
    response = post(
        as_user,
        getattr(received, who),
        received.record,
        "propose",
        {"proposal": "办理", "head": received.town_head.pk},
    )
    assert response.status_code == 403
    assert snapshot(received.record) == before


def test_proposing_twice_is_a_conflict(as_user, received):
    record = proposed(received)
    before = snapshot(record)
    response = post(
        as_user,
        received.town_clerk,
        record,
        "propose",
        {"proposal": "再议", "head": received.town_head.pk},
    )
    assert response.status_code == 409
    assert snapshot(record) == before


# --- instruct ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "handlers"),
        ({"handlers": []}, "handlers"),
        ({"handlers": None}, "handlers"),
        ({"handlers": "handler"}, "handlers"),
        ({"handlers": [99999]}, "handlers"),
        ({"handlers": ["孙干事"]}, "handlers"),
        ({"handlers": ["handler", "handler"]}, "handlers"),
        ({"handlers": ["head_b"]}, "handlers"),  # not a member of the town
        ({"handlers": ["handler"], "readers": [99999]}, "readers"),
        ({"handlers": ["handler"], "readers": ["reader", "reader"]}, "readers"),
        ({"handlers": ["handler"], "readers": 5}, "readers"),
        ({"handlers": ["handler"], "due_in_working_days": 0}, "due_in_working_days"),
        ({"handlers": ["handler"], "due_in_working_days": 61}, "due_in_working_days"),
        ({"handlers": ["handler"], "due_in_working_days": "soon"}, "due_in_working_days"),
        ({"handlers": ["handler"], "due_in_working_days": 2.5}, "due_in_working_days"),
        ({"handlers": ["handler"], "due_date": "2026-12-31"}, "due_date"),
    ],
)
def test_bad_instructions_are_a_400_and_change_nothing(as_user, received, data, field):
    def resolve(value):
        if isinstance(value, str) and hasattr(received, value):
            return getattr(received, value).pk
        return value

    data = {
        k: [resolve(v) for v in value] if isinstance(value, list) else value
        for k, value in data.items()
    }
    record = proposed(received)
    before = snapshot(record)
    response = post(as_user, received.town_head, record, "instruct", data)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["detail"] or body.get("field") == field
    assert snapshot(record) == before


def test_only_the_units_head_instructs(as_user, received):
    record = proposed(received)
    before = snapshot(record)
    for user in (received.town_clerk, received.handler):
        response = post(as_user, user, record, "instruct", {"handlers": [received.handler.pk]})
        assert response.status_code == 403
    assert snapshot(record) == before


def test_instructing_before_the_proposal_or_twice_is_a_conflict(as_user, received):
    before = snapshot(received.record)
    data = {"handlers": [received.handler.pk]}
    assert post(as_user, received.town_head, received.record, "instruct", data).status_code == 409
    assert snapshot(received.record) == before
    record = instructed(received)
    before = snapshot(record)
    assert post(as_user, received.town_head, record, "instruct", data).status_code == 409
    assert snapshot(record) == before


# --- finish -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [{}, {"comment": ""}, {"comment": "   "}, {"comment": ["done"]}, {"done": True}]
)
def test_a_handler_must_say_what_was_done(as_user, received, data):
    record = instructed(received)
    before = snapshot(record)
    response = post(as_user, received.handler, record, "finish", data)
    assert response.status_code == 400
    assert snapshot(record) == before


def test_finishing_needs_a_task_waiting_for_you(as_user, received):
    record = instructed(received, readers=[received.reader, received.town_head])
    before = snapshot(record)
    for user in (received.town_clerk, received.town_head):  # nothing; not yet their turn
        response = post(as_user, user, record, "finish", {"comment": "已阅"})
        assert response.status_code == 403
        assert response.json()["code"] == "not_permitted"
    assert snapshot(record) == before


def test_finishing_before_the_instruction_or_twice_is_refused(as_user, received):
    record = proposed(received)
    before = snapshot(record)
    response = post(as_user, received.handler, record, "finish", {"comment": "完成"})
    assert response.status_code == 409
    assert snapshot(record) == before
    record = closed_after_proposal(received)
    before = snapshot(record)
    response = post(as_user, received.handler, record, "finish", {"comment": "完成"})
    assert response.status_code == 409
    assert snapshot(record) == before


def closed_after_proposal(received):
    services.instruct(
        received.town_head, received.record, instruction="", handlers=[received.handler]
    )
    services.finish_task(received.handler, received.record, comment="已办理完毕。")
    services.close_incoming(received.town_clerk, received.record, result="完成")
    return received.record


# --- close ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "result"),
        ({"result": ""}, "result"),
        ({"result": "   "}, "result"),
        ({"result": "完成", "reply_to_sender": "maybe"}, "reply_to_sender"),
        ({"result": "完成", "closed_at": "2026-01-01"}, "closed_at"),
    ],
)
def test_bad_closings_are_a_400_and_change_nothing(as_user, received, data, field):
    record = handled(received)
    before = snapshot(record)
    response = post(as_user, received.town_clerk, record, "close", data)
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert snapshot(record) == before


def test_a_paper_document_has_no_sender_to_reply_to(as_user, paper):
    record = paper.paper
    services.propose(paper.town_clerk, record, proposal="办理", head=paper.town_head)
    services.instruct(paper.town_head, record, instruction="", handlers=[paper.handler])
    services.finish_task(paper.handler, record, comment="已办理")
    before = snapshot(record)
    response = post(
        as_user, paper.town_clerk, record, "close", {"result": "完成", "reply_to_sender": True}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "reply_to_sender"
    assert snapshot(record) == before
    response = post(as_user, paper.town_clerk, record, "close", {"result": "完成"})
    assert response.status_code == 200
    assert response.json()["state"] == "closed"


def test_only_the_clerk_closes(as_user, received):
    record = handled(received)
    before = snapshot(record)
    for user in (received.handler, received.town_head):
        assert post(as_user, user, record, "close", {"result": "完成"}).status_code == 403
    assert snapshot(record) == before


def test_closing_before_the_handlers_finish_or_at_the_wrong_step_is_a_conflict(as_user, received):
    before = snapshot(received.record)
    response = post(as_user, received.town_clerk, received.record, "close", {"result": "完成"})
    assert response.status_code == 409  # only registered
    assert snapshot(received.record) == before
    record = instructed(received)
    before = snapshot(record)
    response = post(as_user, received.town_clerk, record, "close", {"result": "完成"})
    assert response.status_code == 409
    assert "handler" in response.json()["detail"]
    assert snapshot(record) == before


# --- archive (incoming) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [{}, {"retention": "forever"}, {"retention": ""}, {"retention": "10y", "year": 2020}]
)
def test_bad_retentions_are_a_400(as_user, received, data):
    record = closed(received)
    before = snapshot(record)
    response = post(as_user, received.town_clerk, record, "archive", data)
    assert response.status_code == 400
    assert snapshot(record) == before


def test_only_the_clerk_archives(as_user, received):
    record = closed(received)
    before = snapshot(record)
    for user in (received.handler, received.town_head):
        assert post(as_user, user, record, "archive", {"retention": "10y"}).status_code == 403
    assert snapshot(record) == before


def test_archiving_an_open_record_or_twice_is_a_conflict(as_user, received):
    record = instructed(received)
    before = snapshot(record)
    response = post(as_user, received.town_clerk, record, "archive", {"retention": "10y"})
    assert response.status_code == 409
    assert snapshot(record) == before
    services.finish_task(received.handler, record, comment="完成")
    services.close_incoming(received.town_clerk, record, result="完成")
    assert (
        post(as_user, received.town_clerk, record, "archive", {"retention": "10y"}).status_code
        == 201
    )
    before = snapshot(record)
    response = post(as_user, received.town_clerk, record, "archive", {"retention": "30y"})
    assert response.status_code == 409
    assert snapshot(record) == before


# --- documents: withdraw ----------------------------------------------------------------------


def doc_snapshot(document):
    document = Document.objects.get(pk=document.pk)
    return (
        document.state,
        document.updated_at,
        TrailEntry.objects.filter(document=document).count(),
        ArchiveEntry.objects.count(),
        AuditRecord.objects.count(),
        list(WorkItem.objects.order_by("pk").values_list("kind", "state")),
        Notification.objects.count(),
    )


def test_the_head_withdraws_an_issued_document(as_user, town):
    document = town.document
    response = as_user(town.head_a).post(
        f"{DOCS}/{document.pk}/withdraw/", {"reason": "内容有误，重新发文。"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "withdrawn"
    assert body["number"] == document.number  # the number stays taken
    assert body["trail"][-1]["action"] == "withdraw"
    assert body["trail"][-1]["opinion"] == "内容有误，重新发文。"
    assert Notification.objects.filter(
        recipient=town.town_clerk, body="内容有误，重新发文。"
    ).exists()
    assert not WorkItem.objects.filter(
        subject_id=str(document.pk), state="open", kind="documents.sign_for"
    ).exists()


def test_a_draft_is_withdrawn_too(as_user, office):
    document = draft(office)
    response = as_user(office.head_a).post(
        f"{DOCS}/{document.pk}/withdraw/", {"reason": "不再需要"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"


@pytest.mark.parametrize(
    "data",
    [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}, {"reason": "x", "state": "draft"}],
)
def test_withdrawing_needs_a_reason(as_user, town, data):
    before = doc_snapshot(town.document)
    response = as_user(town.head_a).post(
        f"{DOCS}/{town.document.pk}/withdraw/", data, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert doc_snapshot(town.document) == before


def test_only_the_issuing_units_head_withdraws(as_user, town):
    before = doc_snapshot(town.document)
    # the clerk who drafted it, a countersigning head and a recipient's clerk all see it
    for user in (town.drafter, town.head_b, town.town_clerk):
        response = as_user(user).post(
            f"{DOCS}/{town.document.pk}/withdraw/", {"reason": "x"}, format="json"
        )
        assert response.status_code == 403, user
        assert response.json()["code"] == "not_permitted"
    assert doc_snapshot(town.document) == before


def test_another_units_user_gets_404_for_the_new_document_actions(as_user, town):
    document = town.document
    before = doc_snapshot(document)
    client = as_user(town.outsider)
    for method, path, data in [
        ("post", "withdraw/", {"reason": "x"}),
        ("post", "archive/", {"retention": "10y"}),
        ("get", "pdf/", None),
        ("get", "docx/", None),
    ]:
        response = getattr(client, method)(f"{DOCS}/{document.pk}/{path}", data, format="json")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert doc_snapshot(document) == before


def test_withdrawing_twice_or_an_archived_document_is_a_conflict(as_user, town):
    services.archive_document(town.drafter, town.document, retention="permanent")
    before = doc_snapshot(town.document)
    response = as_user(town.head_a).post(
        f"{DOCS}/{town.document.pk}/withdraw/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert doc_snapshot(town.document) == before
    document = draft(town)
    services.withdraw(town.head_a, document, reason="不再需要")
    before = doc_snapshot(document)
    response = as_user(town.head_a).post(
        f"{DOCS}/{document.pk}/withdraw/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert doc_snapshot(document) == before


# --- documents: archive -----------------------------------------------------------------------


def test_the_issuing_clerk_archives_an_issued_document(as_user, town):
    document = town.document
    response = as_user(town.drafter).post(
        f"{DOCS}/{document.pk}/archive/", {"retention": "permanent"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    year = timezone.localtime(document.issued_at).year
    assert body["archive_number"] == f"{services.fonds_of(town.county.a)}-{year}-Y-0001"
    assert body["retention"] == "permanent"
    assert body["is_original"] is True
    assert body["document"] == document.pk and body["incoming"] is None
    assert body["unit"]["id"] == town.county.a.pk
    assert body["archived_by"]["id"] == town.drafter.pk
    trail = as_user(town.drafter).get(f"{DOCS}/{document.pk}/").json()["trail"]
    assert trail[-1]["action"] == "archive"


@pytest.mark.parametrize(
    "data", [{}, {"retention": "forever"}, {"retention": None}, {"retention": "10y", "unit": 1}]
)
def test_bad_document_retentions_are_a_400(as_user, town, data):
    before = doc_snapshot(town.document)
    response = as_user(town.drafter).post(
        f"{DOCS}/{town.document.pk}/archive/", data, format="json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert doc_snapshot(town.document) == before


def test_only_the_issuing_units_clerk_archives(as_user, town):
    before = doc_snapshot(town.document)
    for user in (town.head_a, town.town_clerk):  # the head; a recipient's clerk
        response = as_user(user).post(
            f"{DOCS}/{town.document.pk}/archive/", {"retention": "10y"}, format="json"
        )
        assert response.status_code == 403
    assert doc_snapshot(town.document) == before


def test_archiving_a_document_not_issued_or_twice_is_a_conflict(as_user, town):
    document = draft(town)
    before = doc_snapshot(document)
    response = as_user(town.drafter).post(
        f"{DOCS}/{document.pk}/archive/", {"retention": "10y"}, format="json"
    )
    assert response.status_code == 409
    assert doc_snapshot(document) == before
    client = as_user(town.drafter)
    url = f"{DOCS}/{town.document.pk}/archive/"
    assert client.post(url, {"retention": "10y"}, format="json").status_code == 201
    before = doc_snapshot(town.document)
    assert client.post(url, {"retention": "30y"}, format="json").status_code == 409
    assert doc_snapshot(town.document) == before


# --- documents: PDF and DOCX ------------------------------------------------------------------


def test_the_document_is_downloaded_as_pdf_and_docx(as_user, town):
    document = town.document
    client = as_user(town.town_clerk)  # a recipient
    response = client.get(f"{DOCS}/{document.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition and disposition.endswith(".pdf")
    assert_safe_download(response)
    response = client.get(f"{DOCS}/{document.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content.startswith(b"PK")
    assert response["Content-Disposition"].endswith(".docx")
    assert_safe_download(response)


def test_a_client_asking_for_the_files_type_gets_it(as_user, town):
    client = as_user(town.drafter)
    response = client.get(f"{DOCS}/{town.document.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # and its errors still come as JSON
    response = client.get(f"{DOCS}/99999/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_draft_is_downloaded_by_its_unit_only(as_user, town):
    document = draft(town)
    assert as_user(town.head_a).get(f"{DOCS}/{document.pk}/docx/").status_code == 200
    assert as_user(town.town_clerk).get(f"{DOCS}/{document.pk}/docx/").status_code == 404


# --- documents: archive export ----------------------------------------------------------------


def test_the_archive_is_exported_by_the_units_clerk_or_head(as_user, town):
    entry = services.archive_document(town.drafter, town.document, retention="permanent")
    year = entry.year
    for user in (town.drafter, town.head_a):
        response = as_user(user).get(
            f"{DOCS}/archive-export/", {"unit": town.county.a.pk, "year": year}
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        fonds = services.fonds_of(town.county.a)
        assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{fonds}-{year}.zip")
        assert_safe_download(response)
        names, sheet = unzip(response)
        assert f"{entry.archive_number}.pdf" in names
        assert sheet[1][:3] == [entry.archive_number, entry.title, town.document.number]
    # another year: an empty catalogue
    response = as_user(town.drafter).get(
        f"{DOCS}/archive-export/", {"unit": town.county.a.pk, "year": year - 1}
    )
    names, sheet = unzip(response)
    assert len(names) == 1 and len(sheet) == 1


@pytest.mark.parametrize(
    "params, field",
    [
        ({"year": 2026}, "unit"),
        ({"unit": 99999, "year": 2026}, "unit"),
        ({"unit": "A", "year": 2026}, "unit"),
        ({"unit": "", "year": 2026}, "unit"),
        ({"unit": "a"}, "year"),
        ({"unit": "a", "year": "last"}, "year"),
        ({"unit": "a", "year": 0}, "year"),
        ({"unit": "a", "year": "2026.5"}, "year"),
    ],
)
def test_bad_export_queries_are_a_400(as_user, town, params, field):
    params = {k: town.county.a.pk if v == "a" else v for k, v in params.items()}
    audits = AuditRecord.objects.count()
    response = as_user(town.drafter).get(f"{DOCS}/archive-export/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["detail"]
    assert AuditRecord.objects.count() == audits


def test_a_unknown_unit_is_named_clearly_in_the_export(as_user, town):
    response = as_user(town.drafter).get(f"{DOCS}/archive-export/", {"unit": 99999, "year": 2026})
    assert response.json()["detail"]["unit"] == ["There is no unit with id 99999."]


def test_exporting_another_units_archive_is_refused(as_user, town):
    audits = AuditRecord.objects.count()
    year = timezone.localdate().year
    # a plain member of B, the town's clerk, and A's clerk asking for the town
    for user, unit in [
        (town.outsider, town.county.b),
        (town.town_clerk, town.county.a),
        (town.drafter, town.county.town),
    ]:
        response = as_user(user).get(f"{DOCS}/archive-export/", {"unit": unit.pk, "year": year})
        assert response.status_code == 403
        assert response.json()["code"] == "not_permitted"
    assert AuditRecord.objects.count() == audits


def test_downloads_change_nothing(as_user, town):
    before = doc_snapshot(town.document)
    assert as_user(town.drafter).get(f"{DOCS}/{town.document.pk}/docx/").status_code == 200
    assert doc_snapshot(town.document) == before
    assert Document.objects.get(pk=town.document.pk).state == DocState.ISSUED
