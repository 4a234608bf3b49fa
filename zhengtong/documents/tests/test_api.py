"""The official-documents API (/api/v1/documents/): the whole flow from draft to
signing for, and for each endpoint bad input, missing permission, another unit's
user and repeated actions. Every write goes through `documents.services`, so these
tests check the mapping (400/403/404/409) and that a refused request changes nothing."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from zhengtong.conftest import make_delegation, make_unit, make_user
from zhengtong.core.models import AuditRecord, WorkItem
from zhengtong.documents.models import Distribution, DocState, Document, RouteStep, StepState
from zhengtong.org.models import Role, UnitKind

pytestmark = pytest.mark.django_db

API = "/api/v1/documents"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def as_user(api_client):
    """as_user(user) authenticates the API client with the user's token (English)."""

    def authenticate(user):
        key = Token.objects.get_or_create(user=user)[0].key
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
        return api_client

    return authenticate


@pytest.fixture
def org(county, clerk_a, head_a, clerk_b):
    """Department A drafts (prefix 县教); B's head countersigns; an office member of the
    government office reviews; B and the town receive. C is a bystander unit."""
    county.a.doc_prefix = "县教"
    county.a.save()
    office = make_unit("Government Office", UnitKind.OFFICE, county.government)
    dept_c = make_unit("Health Bureau", UnitKind.DEPARTMENT, county.government)
    return type(
        "Org",
        (),
        {
            "county": county,
            "office": office,
            "c": dept_c,
            "clerk_a": clerk_a,
            "head_a": head_a,
            "clerk_b": clerk_b,
            "head_b": make_user("head_b", county.b, roles=[Role.UNIT_HEAD]),
            "office_staff": make_user("office_staff", office),
            "clerk_town": make_user("clerk_town", county.town, roles=[Role.CLERK]),
            "clerk_c": make_user("clerk_c", dept_c, roles=[Role.CLERK]),
        },
    )


def draft_payload(org, **changes):
    payload = {
        "issuing_unit": org.county.a.pk,
        "doc_type": "notice",
        "title": "关于做好秋季开学工作的通知",
        "body": "<p>各有关单位：</p><script>alert(1)</script>",
        "main_recipients": [org.county.b.pk, org.county.town.pk],
        "copy_recipients": [],
    }
    payload.update(changes)
    return payload


def route_payload(org, **changes):
    payload = {
        "reviewer": org.head_a.pk,
        "signer": org.head_a.pk,
        "countersigners": [{"unit": org.county.b.pk, "person": org.head_b.pk}],
        "office_reviewer": org.office_staff.pk,
    }
    payload.update(changes)
    return payload


def create(as_user, org, **changes):
    response = as_user(org.clerk_a).post(f"{API}/", draft_payload(org, **changes), format="json")
    assert response.status_code == 201, response.json()
    return Document.objects.get(pk=response.json()["id"])


def submitted(as_user, org, **route):
    document = create(as_user, org)
    response = as_user(org.clerk_a).post(
        f"{API}/{document.pk}/submit/", route_payload(org, **route), format="json"
    )
    assert response.status_code == 200, response.json()
    return document


def approve(as_user, user, document, **data):
    return as_user(user).post(f"{API}/{document.pk}/approve/", data, format="json")


SIGN_OFF = {"opinion": "同意。", "disclosure": "proactive"}


def signed(as_user, org):
    document = submitted(as_user, org, countersigners=[], office_reviewer=None)
    assert approve(as_user, org.head_a, document).status_code == 200  # review
    assert approve(as_user, org.head_a, document, **SIGN_OFF).status_code == 200
    return document


def issued(as_user, org):
    document = signed(as_user, org)
    assert as_user(org.clerk_a).post(f"{API}/{document.pk}/issue/").status_code == 200
    return document


def ids(response):
    assert response.status_code == 200, response.json()
    return [d["id"] for d in response.json()["results"]]


def snapshot(document):
    """What a refused request must leave alone."""
    document.refresh_from_db()
    return (
        document.state,
        document.title,
        document.doc_type,
        document.updated_at,
        RouteStep.objects.filter(document=document).count(),
        list(RouteStep.objects.filter(document=document).values_list("state", flat=True)),
        Distribution.objects.filter(document=document, signed_for_at__isnull=False).count(),
        AuditRecord.objects.count(),
        WorkItem.objects.count(),
    )


# --- the whole flow ---------------------------------------------------------------------------


def test_the_whole_flow_from_draft_to_signing_for(as_user, org):
    county = org.county
    # 拟稿
    response = as_user(org.clerk_a).post(f"{API}/", draft_payload(org), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "draft"
    assert body["direction"] == "down"
    assert body["issuing_unit"] == {"id": county.a.pk, "name": "Education Bureau"}
    assert body["drafter"]["id"] == org.clerk_a.pk
    assert "<script>" not in body["body"]
    assert body["number"] == ""
    assert [u["id"] for u in body["main_recipients"]] == [county.b.pk, county.town.pk]
    pk = body["id"]

    # a change of the draft
    response = as_user(org.clerk_a).patch(
        f"{API}/{pk}/", {"title": "关于做好2026年秋季开学工作的通知", "urgency": "urgent"}
    )
    assert response.status_code == 200
    assert response.json()["title"] == "关于做好2026年秋季开学工作的通知"
    assert response.json()["urgency"] == "urgent"

    # submit: review → countersign → office review → sign-off
    response = as_user(org.clerk_a).post(f"{API}/{pk}/submit/", route_payload(org), format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "in_route"
    assert [(s["kind"], s["assignee"]["id"], s["state"]) for s in body["route"]] == [
        ("review", org.head_a.pk, "pending"),
        ("countersign", org.head_b.pk, "waiting"),
        ("office_review", org.office_staff.pk, "waiting"),
        ("sign_off", org.head_a.pk, "waiting"),
    ]
    assert ids(as_user(org.head_a).get(f"{API}/", {"box": "awaiting"})) == [pk]
    assert ids(as_user(org.head_b).get(f"{API}/", {"box": "awaiting"})) == []

    # 核稿
    assert approve(as_user, org.head_a, Document(pk=pk), opinion="请会签。").status_code == 200
    # 会签: B's head sees the document (being on its route) and countersigns
    assert ids(as_user(org.head_b).get(f"{API}/", {"box": "awaiting"})) == [pk]
    assert as_user(org.head_b).get(f"{API}/{pk}/").status_code == 200
    assert approve(as_user, org.head_b, Document(pk=pk)).status_code == 200
    # 复核
    assert approve(as_user, org.office_staff, Document(pk=pk)).status_code == 200
    # 签发, with the decision on disclosure
    response = approve(as_user, org.head_a, Document(pk=pk), **SIGN_OFF)
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "signed"
    assert body["signer"]["id"] == org.head_a.pk
    assert body["disclosure"] == "proactive"
    assert [s["state"] for s in body["route"]] == ["approved"] * 4
    assert body["route"][1]["opinion"]  # an empty opinion is a circle-mark (圈阅)

    # recipients see nothing before the document is issued
    assert ids(as_user(org.clerk_b).get(f"{API}/")) == []
    assert as_user(org.clerk_b).get(f"{API}/{pk}/").status_code == 404

    # 登记 and 分发
    response = as_user(org.clerk_a).post(f"{API}/{pk}/issue/")
    assert response.status_code == 200
    body = response.json()
    year = timezone.localdate().year
    assert body["state"] == "issued"
    assert body["number"] == f"县教〔{year}〕1号"
    assert body["number_year"] == year
    assert {d["unit"]["id"]: d["kind"] for d in body["distributions"]} == {
        county.b.pk: "main",
        county.town.pk: "main",
    }

    # 签收 by each recipient unit
    assert ids(as_user(org.clerk_b).get(f"{API}/", {"box": "to_sign_for"})) == [pk]
    response = as_user(org.clerk_b).post(f"{API}/{pk}/sign-for/")
    assert response.status_code == 200
    by_unit = {d["unit"]["id"]: d for d in response.json()["distributions"]}
    assert by_unit[county.b.pk]["signed_for_by"]["id"] == org.clerk_b.pk
    assert by_unit[county.town.pk]["signed_for_at"] is None
    assert ids(as_user(org.clerk_b).get(f"{API}/", {"box": "to_sign_for"})) == []
    assert ids(as_user(org.clerk_b).get(f"{API}/")) == [pk]
    assert as_user(org.clerk_town).post(f"{API}/{pk}/sign-for/").status_code == 200

    # the trail, as people read it
    body = as_user(org.clerk_a).get(f"{API}/{pk}/").json()
    assert [t["action"] for t in body["trail"]] == [
        "draft",
        "submit",
        "review",
        "countersign",
        "office_review",
        "sign_off",
        "issue",
        "sign_for",
        "sign_for",
    ]
    assert body["trail"][2]["opinion"] == "请会签。"
    assert body["trail"][6]["opinion"] == f"县教〔{year}〕1号"
    assert all(d["signed_for_at"] for d in body["distributions"])


def test_sending_back_and_submitting_again(as_user, org):
    document = submitted(as_user, org)
    response = as_user(org.head_a).post(
        f"{API}/{document.pk}/send-back/", {"reason": "请补充经费来源。"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "draft"
    assert {s["state"] for s in body["route"]} == {"returned", "skipped"}
    assert body["trail"][-1]["action"] == "send_back"
    assert body["trail"][-1]["opinion"] == "请补充经费来源。"
    # the draft can be changed and goes round again
    client = as_user(org.clerk_a)
    assert client.patch(f"{API}/{document.pk}/", {"body": "<p>经费…</p>"}).status_code == 200
    response = client.post(f"{API}/{document.pk}/submit/", route_payload(org), format="json")
    assert response.status_code == 200
    current = [s for s in response.json()["route"] if s["round"] == 2]
    assert [s["state"] for s in current] == ["pending", "waiting", "waiting", "waiting"]


def test_a_delegate_sees_and_approves_the_delegators_step(as_user, org):
    document = submitted(as_user, org, countersigners=[], office_reviewer=None)
    deputy = make_user("deputy_c", org.c)
    make_delegation(org.head_a, deputy)
    assert ids(as_user(deputy).get(f"{API}/", {"box": "awaiting"})) == [document.pk]
    response = approve(as_user, deputy, document)
    assert response.status_code == 200
    review = response.json()["route"][0]
    assert review["acted_by"]["id"] == deputy.pk
    assert review["on_behalf_of"]["id"] == org.head_a.pk


# --- list and retrieve -----------------------------------------------------------------------


def test_the_list_holds_exactly_the_documents_one_may_see(as_user, org):
    from zhengtong.org import permissions

    draft = create(as_user, org)
    on_route = submitted(as_user, org)
    out = issued(as_user, org)
    b_own = Document.objects.create(
        doc_type="notice",
        direction="down",
        title="B's own",
        issuing_unit=org.county.b,
        drafter=org.clerk_b,
    )
    expected = {
        org.clerk_a: {draft.pk, on_route.pk, out.pk},
        org.head_a: {draft.pk, on_route.pk, out.pk},
        org.head_b: {on_route.pk, out.pk, b_own.pk},  # on the route; a member of B
        org.clerk_b: {out.pk, b_own.pk},  # issued to B
        org.clerk_town: {out.pk},
        org.office_staff: {on_route.pk},
        org.clerk_c: set(),
    }
    for user, visible in expected.items():
        listed = set(ids(as_user(user).get(f"{API}/")))
        assert listed == visible, user
        # the list agrees with the rule, document by document
        by_rule = {
            d.pk
            for d in Document.objects.all()
            if permissions.may(user, "documents.document.view", d)
        }
        assert listed == by_rule, user


def test_the_list_is_filtered(as_user, org):
    notice = create(as_user, org)
    report = create(
        as_user,
        org,
        doc_type="report",
        title="关于开学准备情况的报告",
        main_recipients=[org.county.government.pk],
    )
    out = issued(as_user, org)
    client = as_user(org.clerk_a)
    assert set(ids(client.get(f"{API}/", {"state": "draft"}))) == {notice.pk, report.pk}
    assert ids(client.get(f"{API}/", {"doc_type": "report"})) == [report.pk]
    assert ids(client.get(f"{API}/", {"state": "issued"})) == [out.pk]
    year = timezone.localdate().year
    assert len(ids(client.get(f"{API}/", {"year": year}))) == 3
    assert ids(client.get(f"{API}/", {"year": year - 1})) == []
    Document.objects.filter(pk=out.pk).update(number_year=year - 1)  # numbered last year
    assert ids(client.get(f"{API}/", {"year": year - 1})) == [out.pk]
    assert ids(client.get(f"{API}/", {"box": "to_sign_for"})) == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"state": "lost"}, "state"),
        ({"doc_type": "memo"}, "doc_type"),
        ({"year": "last"}, "year"),
        ({"year": "2026.5"}, "year"),
        ({"year": "0"}, "year"),
        ({"box": "everything"}, "box"),
    ],
)
def test_bad_list_filters_are_a_400(as_user, org, params, field):
    response = as_user(org.clerk_a).get(f"{API}/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["detail"]


def test_the_list_takes_a_fixed_number_of_queries(as_user, org, django_assert_max_num_queries):
    for _n in range(6):
        create(as_user, org)
    client = as_user(org.clerk_a)
    client.get(f"{API}/")  # warm up (token, session)
    with django_assert_max_num_queries(8):
        assert len(ids(client.get(f"{API}/"))) == 6


def test_a_document_is_read_with_route_trail_distributions_and_number(as_user, org):
    document = issued(as_user, org)
    body = as_user(org.clerk_town).get(f"{API}/{document.pk}/").json()
    assert body["number"].startswith("县教〔")
    assert [s["kind"] for s in body["route"]] == ["review", "sign_off"]
    assert body["trail"][0]["actor"]["id"] == org.clerk_a.pk
    assert len(body["distributions"]) == 2


@pytest.mark.parametrize("pk", ["abc", "99999", "1e3", "٣", "123456789012345678901234567890"])
def test_a_bad_or_unknown_id_is_a_404(as_user, org, pk):
    create(as_user, org)
    response = as_user(org.clerk_a).get(f"{API}/{pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_another_units_user_gets_404_for_every_endpoint(as_user, org):
    document = submitted(as_user, org)
    before = snapshot(document)
    client = as_user(org.clerk_c)
    assert client.get(f"{API}/{document.pk}/").status_code == 404
    for method, path, data in [
        ("patch", "", {"title": "Hijacked"}),
        ("post", "submit/", route_payload(org)),
        ("post", "approve/", SIGN_OFF),
        ("post", "send-back/", {"reason": "no"}),
        ("post", "issue/", {}),
        ("post", "sign-for/", {}),
    ]:
        response = getattr(client, method)(f"{API}/{document.pk}/{path}", data, format="json")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert snapshot(document) == before


def test_anonymous_callers_are_refused(api_client, org):
    assert api_client.get(f"{API}/").status_code in (401, 403)
    response = api_client.post(f"{API}/", draft_payload(org), format="json")
    assert response.status_code in (401, 403)
    assert not Document.objects.exists()


# --- create -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"doc_type": "memo"}, "doc_type"),
        ({"doc_type": None}, "doc_type"),
        ({"direction": "sideways"}, "direction"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"issuing_unit": 99999}, "issuing_unit"),
        ({"issuing_unit": "A"}, "issuing_unit"),
        ({"issuing_unit": None}, "issuing_unit"),
        ({"main_recipients": [99999]}, "main_recipients"),
        ({"main_recipients": ["B"]}, "main_recipients"),
        ({"copy_recipients": 5}, "copy_recipients"),
        ({"classification": "restricted"}, "classification"),
        ({"state": "issued"}, "state"),
        ({"drafter": 1}, "drafter"),
    ],
)
def test_bad_drafts_are_a_400_and_nothing_is_saved(as_user, org, changes, field):
    audits = AuditRecord.objects.count()
    response = as_user(org.clerk_a).post(f"{API}/", draft_payload(org, **changes), format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"][field]
    assert not Document.objects.exists()
    assert AuditRecord.objects.count() == audits


def test_a_missing_unit_is_named_clearly(as_user, org):
    response = as_user(org.clerk_a).post(
        f"{API}/", draft_payload(org, main_recipients=[99999]), format="json"
    )
    assert response.json()["detail"]["main_recipients"] == [
        "There is no unit with id 99999 that can receive documents."
    ]


def test_the_county_itself_and_internal_sections_receive_no_documents(as_user, org):
    section = make_unit("Personnel Section", UnitKind.SECTION, org.county.a)
    for unit in (org.county.root, section):
        response = as_user(org.clerk_a).post(
            f"{API}/", draft_payload(org, main_recipients=[unit.pk]), format="json"
        )
        assert response.status_code == 400
    assert not Document.objects.exists()


def test_drafting_in_another_units_name_is_refused(as_user, org):
    response = as_user(org.clerk_a).post(
        f"{API}/", draft_payload(org, issuing_unit=org.county.b.pk), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert response.json()["field"] == "issuing_unit"
    assert not Document.objects.exists()


def test_an_internal_section_issues_no_documents(as_user, org):
    section = make_unit("Personnel Section", UnitKind.SECTION, org.county.a)
    member = make_user("section_clerk", section)
    response = as_user(member).post(
        f"{API}/", draft_payload(org, issuing_unit=section.pk), format="json"
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"classification": "secret"},
        {"classification": "confidential"},
        {"classification": "top_secret"},
        {"title": "秘密★1年 关于某事项的通知"},
        {"body": "<p>机密★</p>"},
    ],
)
def test_a_classified_draft_is_refused(as_user, org, changes):
    audits = AuditRecord.objects.count()
    response = as_user(org.clerk_a).post(f"{API}/", draft_payload(org, **changes), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "classified"
    assert "classified channel" in body["detail"]
    assert not Document.objects.exists()
    assert AuditRecord.objects.count() == audits


def test_a_fixed_direction_follows_the_type(as_user, org):
    document = create(
        as_user,
        org,
        doc_type="report",
        direction="down",
        main_recipients=[org.county.government.pk],
    )
    assert document.direction == "up"


# --- partial update ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": ""}, "title"),
        ({"doc_type": "memo"}, "doc_type"),
        ({"direction": ""}, "direction"),
        ({"direction": "sideways"}, "direction"),
        ({"urgency": "soon"}, "urgency"),
        ({"main_recipients": [99999]}, "main_recipients"),
        ({"issuing_unit": 1}, "issuing_unit"),
        ({"state": "issued"}, "state"),
        ({"number_seq": 1}, "number_seq"),
    ],
)
def test_bad_changes_are_a_400_and_change_nothing(as_user, org, data, field):
    document = create(as_user, org)
    before = snapshot(document)
    response = as_user(org.clerk_a).patch(f"{API}/{document.pk}/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert snapshot(document) == before


def test_a_classified_change_is_refused(as_user, org):
    document = create(as_user, org)
    before = snapshot(document)
    for data in ({"classification": "secret"}, {"title": "绝密★ 通知"}):
        response = as_user(org.clerk_a).patch(f"{API}/{document.pk}/", data, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "classified"
    assert snapshot(document) == before


def test_recipients_are_changed_only_when_given(as_user, org):
    document = create(as_user, org)
    client = as_user(org.clerk_a)
    client.patch(f"{API}/{document.pk}/", {"note": "联系人：张伟"}, format="json")
    assert document.main_recipients.count() == 2
    response = client.patch(
        f"{API}/{document.pk}/", {"main_recipients": [org.county.b.pk]}, format="json"
    )
    assert [u["id"] for u in response.json()["main_recipients"]] == [org.county.b.pk]


def test_only_the_drafter_or_a_clerk_of_the_unit_changes_a_draft(as_user, org):
    document = create(as_user, org)
    before = snapshot(document)
    # head_a sees the draft (a member of A) but is neither its drafter nor a clerk
    response = as_user(org.head_a).patch(f"{API}/{document.pk}/", {"title": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert snapshot(document) == before


def test_a_submitted_document_is_not_changed(as_user, org):
    document = submitted(as_user, org)
    before = snapshot(document)
    response = as_user(org.clerk_a).patch(f"{API}/{document.pk}/", {"title": "X"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert snapshot(document) == before


def test_put_and_delete_are_not_offered(as_user, org):
    document = create(as_user, org)
    client = as_user(org.clerk_a)
    assert client.put(f"{API}/{document.pk}/", draft_payload(org), format="json").status_code == 405
    assert client.delete(f"{API}/{document.pk}/").status_code == 405
    assert Document.objects.filter(pk=document.pk).exists()


# --- submit -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reviewer": 99999}, "reviewer"),
        ({"reviewer": "head_a"}, "reviewer"),
        ({"signer": None}, "signer"),
        ({"office_reviewer": 99999}, "office_reviewer"),
        ({"countersigners": [{"unit": 99999, "person": 1}]}, "countersigners"),
        ({"countersigners": [{"unit": "B"}]}, "countersigners"),
        ({"countersigners": {"unit": 1}}, "countersigners"),
        ({"route": []}, "route"),
    ],
)
def test_bad_routes_are_a_400_and_change_nothing(as_user, org, changes, field):
    document = create(as_user, org)
    before = snapshot(document)
    response = as_user(org.clerk_a).post(
        f"{API}/{document.pk}/submit/", route_payload(org, **changes), format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert field in response.json()["detail"]
    assert snapshot(document) == before


def test_a_unit_countersigns_once(as_user, org):
    document = create(as_user, org)
    before = snapshot(document)
    twice = [{"unit": org.county.b.pk, "person": org.head_b.pk}] * 2
    response = as_user(org.clerk_a).post(
        f"{API}/{document.pk}/submit/", route_payload(org, countersigners=twice), format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]["countersigners"] == ["Each unit countersigns once."]
    assert snapshot(document) == before


def test_a_missing_signer_is_named(as_user, org):
    document = create(as_user, org)
    payload = route_payload(org)
    del payload["signer"]
    response = as_user(org.clerk_a).post(f"{API}/{document.pk}/submit/", payload, format="json")
    assert response.status_code == 400
    assert "signer" in response.json()["detail"]


def test_an_inactive_person_is_not_put_on_a_route(as_user, org):
    document = create(as_user, org)
    org.head_b.is_active = False
    org.head_b.save()
    response = as_user(org.clerk_a).post(
        f"{API}/{document.pk}/submit/", route_payload(org), format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]["countersigners"]["0"]["person"] == [
        f"There is no active staff member with id {org.head_b.pk}."
    ]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reviewer": "clerk_b"}, "reviewer"),  # not a head of A
        ({"signer": "clerk_a"}, "signer"),  # no authority to sign off
        ({"office_reviewer": "clerk_b"}, "office_reviewer"),  # not in an office
        ({"countersigners": [("b", "clerk_b")]}, "countersigners"),  # not B's head
        ({"countersigners": [("a", "head_a")]}, "countersigners"),  # the issuing unit
    ],
)
def test_the_wrong_people_on_a_route_are_a_400(as_user, org, changes, field):
    def person(name):
        return getattr(org, name).pk

    resolved = {}
    for key, value in changes.items():
        if key == "countersigners":
            resolved[key] = [
                {"unit": getattr(org.county, u).pk, "person": person(p)} for u, p in value
            ]
        else:
            resolved[key] = person(value)
    document = create(as_user, org)
    before = snapshot(document)
    response = as_user(org.clerk_a).post(
        f"{API}/{document.pk}/submit/", route_payload(org, **resolved), format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert snapshot(document) == before


def test_a_draft_missing_its_recipients_is_not_submitted(as_user, org):
    document = create(as_user, org, main_recipients=[])
    before = snapshot(document)
    response = as_user(org.clerk_a).post(
        f"{API}/{document.pk}/submit/", route_payload(org), format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "main_recipients"
    assert snapshot(document) == before


def test_submitting_needs_the_drafter_or_a_clerk(as_user, org):
    document = create(as_user, org)
    before = snapshot(document)
    response = as_user(org.head_a).post(
        f"{API}/{document.pk}/submit/", route_payload(org), format="json"
    )
    assert response.status_code == 403
    assert snapshot(document) == before


def test_submitting_twice_is_a_conflict(as_user, org):
    document = submitted(as_user, org)
    before = snapshot(document)
    response = as_user(org.clerk_a).post(
        f"{API}/{document.pk}/submit/", route_payload(org), format="json"
    )
    assert response.status_code == 409
    assert snapshot(document) == before


# --- approve ----------------------------------------------------------------------------------


def test_approving_a_step_that_is_not_yours_is_refused(as_user, org):
    document = submitted(as_user, org)
    before = snapshot(document)
    # the drafter sees the document but nothing waits for them; B's head waits for review
    for user in (org.clerk_a, org.head_b):
        response = approve(as_user, user, document)
        assert response.status_code == 403
        assert response.json()["code"] == "not_permitted"
    assert snapshot(document) == before


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "disclosure"),
        ({"disclosure": "not_disclosed"}, "disclosure_reason"),
        ({"disclosure": "not_disclosed", "disclosure_reason": "   "}, "disclosure_reason"),
    ],
)
def test_a_sign_off_needs_the_decision_on_disclosure(as_user, org, data, field):
    document = submitted(as_user, org, countersigners=[], office_reviewer=None)
    approve(as_user, org.head_a, document)
    before = snapshot(document)
    response = approve(as_user, org.head_a, document, **data)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert snapshot(document) == before


@pytest.mark.parametrize(
    "data, field",
    [
        ({"disclosure": "maybe"}, "disclosure"),
        ({"opinion": ["a", "b"]}, "opinion"),
        ({"signature": "x"}, "signature"),
    ],
)
def test_bad_approvals_are_a_400_and_change_nothing(as_user, org, data, field):
    document = submitted(as_user, org)
    before = snapshot(document)
    response = approve(as_user, org.head_a, document, **data)
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert snapshot(document) == before


def test_a_second_sign_off_is_a_conflict(as_user, org):
    document = signed(as_user, org)
    before = snapshot(document)
    response = approve(as_user, org.head_a, document, **SIGN_OFF)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert snapshot(document) == before


def test_approving_a_draft_is_a_conflict(as_user, org):
    document = create(as_user, org)
    assert approve(as_user, org.head_a, document).status_code == 409


# --- send back --------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}])
def test_sending_back_needs_a_reason(as_user, org, data):
    document = submitted(as_user, org)
    before = snapshot(document)
    response = as_user(org.head_a).post(f"{API}/{document.pk}/send-back/", data, format="json")
    assert response.status_code == 400
    assert "reason" in str(response.json())
    assert snapshot(document) == before


def test_sending_back_needs_a_step_waiting_for_you(as_user, org):
    document = submitted(as_user, org)
    before = snapshot(document)
    response = as_user(org.head_b).post(
        f"{API}/{document.pk}/send-back/", {"reason": "不同意"}, format="json"
    )
    assert response.status_code == 403
    assert snapshot(document) == before


def test_sending_back_a_signed_document_is_a_conflict(as_user, org):
    document = signed(as_user, org)
    before = snapshot(document)
    response = as_user(org.head_a).post(
        f"{API}/{document.pk}/send-back/", {"reason": "再议"}, format="json"
    )
    assert response.status_code == 409
    assert snapshot(document) == before


# --- issue ------------------------------------------------------------------------------------


def test_issuing_needs_the_issuing_units_clerk(as_user, org):
    document = signed(as_user, org)
    before = snapshot(document)
    response = as_user(org.head_a).post(f"{API}/{document.pk}/issue/")
    assert response.status_code == 403
    assert snapshot(document) == before


def test_issuing_before_sign_off_or_twice_is_a_conflict(as_user, org):
    document = submitted(as_user, org)
    before = snapshot(document)
    assert as_user(org.clerk_a).post(f"{API}/{document.pk}/issue/").status_code == 409
    assert snapshot(document) == before
    document = issued(as_user, org)
    before = snapshot(document)
    response = as_user(org.clerk_a).post(f"{API}/{document.pk}/issue/")
    assert response.status_code == 409
    assert snapshot(document) == before
    assert Document.objects.get(pk=document.pk).number_seq == 1


def test_issuing_without_a_prefix_is_a_400_and_takes_no_number(as_user, org):
    document = signed(as_user, org)
    org.county.a.doc_prefix = ""
    org.county.a.save()
    before = snapshot(document)
    response = as_user(org.clerk_a).post(f"{API}/{document.pk}/issue/")
    assert response.status_code == 400
    assert "prefix" in response.json()["detail"]
    assert snapshot(document) == before


def test_issue_takes_no_body(as_user, org):
    document = signed(as_user, org)
    response = as_user(org.clerk_a).post(
        f"{API}/{document.pk}/issue/", {"number_seq": 99}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["number_seq"] == 1


# --- sign for ---------------------------------------------------------------------------------


def test_signing_for_twice_is_a_conflict(as_user, org):
    document = issued(as_user, org)
    client = as_user(org.clerk_b)
    assert client.post(f"{API}/{document.pk}/sign-for/").status_code == 200
    before = snapshot(document)
    response = client.post(f"{API}/{document.pk}/sign-for/")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert snapshot(document) == before


def test_signing_for_needs_a_recipient_unit(as_user, org):
    document = issued(as_user, org)
    before = snapshot(document)
    response = as_user(org.clerk_a).post(f"{API}/{document.pk}/sign-for/")  # the issuer
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    # a unit that is not a recipient, named by a recipient's clerk
    response = as_user(org.clerk_b).post(
        f"{API}/{document.pk}/sign-for/", {"unit": org.county.town.pk}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["field"] == "unit"
    assert snapshot(document) == before


@pytest.mark.parametrize("data", [{"unit": 99999}, {"unit": "B"}, {"units": [1]}])
def test_bad_sign_for_input_is_a_400(as_user, org, data):
    document = issued(as_user, org)
    before = snapshot(document)
    response = as_user(org.clerk_b).post(f"{API}/{document.pk}/sign-for/", data, format="json")
    assert response.status_code == 400
    assert snapshot(document) == before


def test_a_document_not_yet_issued_is_not_signed_for(as_user, org):
    document = signed(as_user, org)
    # a recipient does not even see it yet; the drafting unit's clerk gets 409
    assert as_user(org.clerk_b).post(f"{API}/{document.pk}/sign-for/").status_code == 404
    assert as_user(org.clerk_a).post(f"{API}/{document.pk}/sign-for/").status_code == 409


def test_a_member_of_two_recipient_units_says_which_signs(as_user, org):
    from zhengtong.org.models import Membership

    Membership.objects.create(user=org.clerk_b, unit=org.county.town)
    document = issued(as_user, org)
    client = as_user(org.clerk_b)
    before = snapshot(document)
    response = client.post(f"{API}/{document.pk}/sign-for/")
    assert response.status_code == 400
    assert response.json()["field"] == "unit"
    assert snapshot(document) == before
    response = client.post(
        f"{API}/{document.pk}/sign-for/", {"unit": org.county.town.pk}, format="json"
    )
    assert response.status_code == 200
    signed_for = Distribution.objects.get(document=document, signed_for_at__isnull=False)
    assert signed_for.unit_id == org.county.town.pk
    # one left open: it is found without naming it
    assert client.post(f"{API}/{document.pk}/sign-for/").status_code == 200
    assert not Distribution.objects.filter(document=document, signed_for_at__isnull=True).exists()


def test_the_route_state_is_stored(as_user, org):
    """The API answers from the database, not from what the request said."""
    document = submitted(as_user, org)
    steps = RouteStep.objects.filter(document=document)
    assert [s.state for s in steps] == [StepState.PENDING] + [StepState.WAITING] * 3
    assert Document.objects.get(pk=document.pk).state == DocState.IN_ROUTE


def test_a_joint_document_through_the_api(county):
    from rest_framework.test import APIClient

    from zhengtong.conftest import make_user
    from zhengtong.documents.models import Document
    from zhengtong.org.models import Role

    clerk = make_user("ja_clerk", county.a, roles=[Role.CLERK])
    head_a = make_user("ja_head_a", county.a, roles=[Role.UNIT_HEAD])
    head_b = make_user("ja_head_b", county.b, roles=[Role.UNIT_HEAD])
    api = APIClient()
    api.force_authenticate(clerk)
    created = api.post(
        "/api/v1/documents/",
        {
            "issuing_unit": county.a.pk,
            "doc_type": "notice",
            "title": "联合通知",
            "main_recipients": [county.town.pk],
            "joint_units": [county.b.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    missing = api.post(
        f"/api/v1/documents/{pk}/submit/",
        {"reviewer": head_a.pk, "signer": head_a.pk},
        format="json",
    )
    assert missing.status_code == 400 and missing.json()["field"] == "joint_signers"
    ok = api.post(
        f"/api/v1/documents/{pk}/submit/",
        {
            "reviewer": head_a.pk,
            "signer": head_a.pk,
            "joint_signers": [{"unit": county.b.pk, "person": head_b.pk}],
        },
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert Document.objects.get(pk=pk).route.filter(kind="sign_off", unit=county.b).exists()
