"""The staff pages of the official documents: the lists, a new draft, the document page
and each action (edit, submit, approve, send back, issue, sign for), for the person who
may, with bad input, for someone without the permission and for another unit."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from zhengtong.conftest import make_delegation, make_unit, make_user
from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.documents import services
from zhengtong.documents.models import (
    Disclosure,
    Distribution,
    DocState,
    DocType,
    Document,
    NumberCounter,
    RouteStep,
    StepKind,
    StepState,
    TrailEntry,
)
from zhengtong.org.models import Membership, Role, UnitKind

pytestmark = pytest.mark.django_db

LIST = "/oa/documents/"
NEW = "/oa/documents/new/"


def url(document, action=""):
    return f"/oa/documents/{document.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def staff(county, clerk_a, head_a, clerk_b):
    county.a.doc_prefix = "教发"
    county.a.save()
    town2 = make_unit("Dongshan Town", UnitKind.TOWN, county.root)
    return SimpleNamespace(
        clerk_a=clerk_a,
        head_a=head_a,
        clerk_b=clerk_b,
        head_b=make_user("head_b", county.b, roles=[Role.UNIT_HEAD], real_name="Chen Jun"),
        leader=make_user(
            "leader", county.government, roles=[Role.COUNTY_LEADER], real_name="Xu Ming"
        ),
        town_clerk=make_user("town_clerk", county.town, roles=[Role.CLERK], real_name="He Li"),
        town2=town2,
    )


def make_draft(county, staff, **fields):
    values = {
        "issuing_unit": county.a,
        "doc_type": DocType.NOTICE,
        "title": "关于做好秋季防火工作的通知",
        "body": "各镇：\n请做好防火工作。",
        "main_recipients": [county.town, staff.town2],
    }
    values.update(fields)
    return services.create_draft(staff.clerk_a, **values)


def submitted(county, staff, document=None, *, countersign=True):
    document = document or make_draft(county, staff)
    return services.submit(
        staff.clerk_a,
        document,
        reviewer=staff.head_a,
        signer=staff.head_a,
        countersigners=[(county.b, staff.head_b)] if countersign else [],
    )


def signed(county, staff, document=None):
    document = submitted(county, staff, document, countersign=False)
    services.approve(staff.head_a, document)
    return services.approve(staff.head_a, document, disclosure=Disclosure.PROACTIVE)


def issued(county, staff):
    return services.issue(staff.clerk_a, signed(county, staff))


def draft_post(county, **overrides):
    data = {
        "issuing_unit": county.a.pk,
        "doc_type": DocType.NOTICE,
        "direction": "down",
        "title": "关于开展安全检查的通知",
        "body": "第一段。\n第二段。",
        "urgency": "",
        "classification": "",
        "main_recipients": [county.town.pk],
        "copy_recipients": [county.b.pk],
        "attachment_note": "检查表",
        "note": "联系人：张伟",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def text(response):
    return response.content.decode()


# --- the list ---------------------------------------------------------------------------


def test_the_list_needs_a_signed_in_person(client, staff):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/oa/login/" in response["Location"]


def test_the_drafts_box_lists_my_units_drafts_only(client, login, county, staff):
    mine = make_draft(county, staff)
    login(staff.clerk_a)
    response = client.get(LIST, {"box": "drafts"})
    assert response.status_code == 200
    assert mine.title in text(response)
    login(staff.clerk_b)
    assert mine.title not in text(client.get(LIST, {"box": "drafts"}))


def test_the_list_opens_on_what_waits_for_me(client, login, county, staff, english):
    document = submitted(county, staff)
    login(staff.head_a)
    response = client.get(LIST)
    assert response.context["box"] == "awaiting"
    assert document.title in text(response)
    assert "Review (核稿)" in text(response)
    login(staff.clerk_b)
    assert document.title not in text(client.get(LIST, {"box": "awaiting"}))


def test_the_awaiting_box_shows_steps_of_someone_i_act_for(client, login, county, staff):
    document = submitted(county, staff)
    deputy = make_user("deputy_a", county.a, real_name="Deputy")
    make_delegation(staff.head_a, deputy)
    login(deputy)
    response = client.get(LIST, {"box": "awaiting"})
    assert document.title in text(response)
    assert response.context["rows"][0]["for_whom"] == staff.head_a


def test_sent_received_and_to_sign_for_boxes(client, login, county, staff):
    document = issued(county, staff)
    login(staff.clerk_a)
    assert document.number in text(client.get(LIST, {"box": "sent"}))
    login(staff.town_clerk)
    response = client.get(LIST)
    assert response.context["box"] == "to_sign_for"
    assert document.title in text(response)
    assert document.title in text(client.get(LIST, {"box": "received"}))
    services.sign_for(staff.town_clerk, Distribution.objects.get(unit=county.town))
    assert document.title not in text(client.get(LIST, {"box": "to_sign_for"}))
    assert document.title in text(client.get(LIST, {"box": "received"}))
    login(staff.clerk_b)
    assert document.title not in text(client.get(LIST, {"box": "received"}))


def test_the_list_filters_by_type_year_and_number(client, login, county, staff):
    notice = issued(county, staff)
    letter = make_draft(county, staff, doc_type=DocType.LETTER, title="关于商请支持的函")
    login(staff.clerk_a)
    response = client.get(LIST, {"box": "drafts", "doc_type": DocType.LETTER})
    assert letter.title in text(response)
    response = client.get(LIST, {"box": "drafts", "doc_type": DocType.NOTICE})
    assert letter.title not in text(response)
    year = timezone.localdate().year
    assert notice.title in text(client.get(LIST, {"box": "sent", "year": year}))
    assert response.context["filters"].fields["year"].choices[1][0] == year
    response = client.get(LIST, {"box": "sent", "q": f"教发〔{year}〕1号"})
    assert [r["document"] for r in response.context["rows"]] == [notice]
    response = client.get(LIST, {"box": "sent", "q": f"教发〔{year}〕2号"})
    assert response.context["rows"] == []
    response = client.get(LIST, {"box": "drafts", "q": "商请"})
    assert [r["document"] for r in response.context["rows"]] == [letter]


def test_bad_filters_are_ignored_with_a_message_not_a_crash(client, login, county, staff):
    make_draft(county, staff)
    login(staff.clerk_a)
    response = client.get(LIST, {"box": "nonsense", "year": "abc", "doc_type": "memo"})
    assert response.status_code == 200
    assert response.context["filters"].errors


def test_the_list_is_paginated_by_30(client, login, county, staff):
    for n in range(31):
        make_draft(county, staff, title=f"草稿{n}")
    login(staff.clerk_a)
    first = client.get(LIST, {"box": "drafts"})
    assert len(first.context["rows"]) == 30
    second = client.get(LIST, {"box": "drafts", "page": 2})
    assert len(second.context["rows"]) == 1
    assert "page=2" in text(first)


def test_signing_for_several_documents_at_once(client, login, county, staff):
    one = issued(county, staff)
    two = issued(county, staff)
    login(staff.town_clerk)
    ids = list(Distribution.objects.filter(unit=county.town).values_list("pk", flat=True))
    response = client.post("/oa/documents/sign-for/", {"distribution": ids})
    assert response.status_code == 302
    for document in (one, two):
        assert Distribution.objects.get(document=document, unit=county.town).signed_for_at


def test_signing_for_another_units_copy_from_the_list_is_refused(client, login, county, staff):
    issued(county, staff)
    login(staff.clerk_b)
    theirs = Distribution.objects.get(unit=county.town)
    response = client.post("/oa/documents/sign-for/", {"distribution": [theirs.pk]}, follow=True)
    assert response.status_code == 200
    assert theirs.document.title not in text(response)  # not even named in a message
    theirs.refresh_from_db()
    assert theirs.signed_for_at is None


# --- a new draft ------------------------------------------------------------------------


def test_a_clerk_drafts_a_document(client, login, county, staff):
    login(staff.clerk_a)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, draft_post(county))
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(document)
    assert document.drafter == staff.clerk_a
    assert document.issuing_unit == county.a
    assert document.state == DocState.DRAFT
    assert list(document.main_recipients.all()) == [county.town]
    assert list(document.copy_recipients.all()) == [county.b]
    assert document.attachment_note == "检查表"


def test_a_draft_without_a_title_is_refused(client, login, county, staff):
    login(staff.clerk_a)
    response = client.post(NEW, draft_post(county, title=""))
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not Document.objects.exists()


def test_a_classified_draft_is_refused_with_the_reason_on_the_form(
    client, login, county, staff, english
):
    login(staff.clerk_a)
    response = client.post(NEW, draft_post(county, classification="secret"))
    assert response.status_code == 200
    assert "Classified documents" in " ".join(response.context["form"].errors["classification"])
    assert not Document.objects.exists()


def test_a_person_drafts_in_another_of_their_units(client, login, county, staff):
    Membership.objects.create(user=staff.clerk_a, unit=county.b)
    login(staff.clerk_a)
    response = client.post(NEW, draft_post(county, issuing_unit=county.b.pk))
    assert response.status_code == 302
    assert Document.objects.get().issuing_unit == county.b


def test_nobody_drafts_in_a_unit_they_do_not_belong_to(client, login, county, staff):
    login(staff.clerk_a)
    response = client.post(NEW, draft_post(county, issuing_unit=county.b.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["issuing_unit"]
    assert not Document.objects.exists()


def test_someone_without_a_unit_cannot_draft(client, login, staff):
    loner = make_user("loner")
    login(loner)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"title": "x"}).status_code == 403


# --- the document page ------------------------------------------------------------------


def test_the_document_page_shows_the_document_as_it_will_look(
    client, login, county, staff, english
):
    document = make_draft(county, staff, urgency="urgent", attachment_note="附表一\n附表二")
    login(staff.clerk_a)
    response = client.get(url(document))
    page = text(response)
    assert response.status_code == 200
    assert "Education Bureau文件" in page
    assert "doc-red-line" in page
    assert "<p>请做好防火工作。</p>" in page
    assert "Hexi Town、Dongshan Town：" in page
    assert "附件：1.附表一" in page
    assert "zt/documents.css" in page
    assert f'href="{url(document, "edit")}"' in page
    assert f'action="{url(document, "submit")}"' in page


def test_the_document_page_offers_heads_as_reviewers_and_signers(client, login, county, staff):
    document = make_draft(county, staff)
    login(staff.clerk_a)
    form = client.get(url(document)).context["submit_form"]
    assert list(form.fields["reviewer"].queryset) == [staff.head_a]
    assert list(form.fields["signer"].queryset) == [staff.head_a]
    assert form.fields["countersigners"].choices == [
        (f"{county.b.pk}:{staff.head_b.pk}", "Finance Bureau — Chen Jun")
    ]


def test_a_county_organ_is_signed_off_by_a_county_leader(client, login, county, staff):
    office = make_unit("County Government Office", UnitKind.OFFICE, county.government)
    office_clerk = make_user("office_clerk", office, roles=[Role.CLERK])
    document = services.create_draft(
        office_clerk,
        issuing_unit=office,
        doc_type=DocType.NOTICE,
        title="通知",
        main_recipients=[county.town],
    )
    login(office_clerk)
    form = client.get(url(document)).context["submit_form"]
    assert staff.leader in form.fields["signer"].queryset
    assert office_clerk in form.fields["office_reviewer"].queryset


def test_another_units_draft_is_not_found(client, login, county, staff):
    document = make_draft(county, staff)
    login(staff.clerk_b)
    assert client.get(url(document)).status_code == 404
    assert client.get("/oa/documents/999999/").status_code == 404


def test_a_head_sees_a_draft_of_the_unit_but_cannot_edit_it(client, login, county, staff):
    document = make_draft(county, staff)
    login(staff.head_a)
    response = client.get(url(document))
    assert response.status_code == 200
    assert "submit_form" not in response.context
    assert url(document, "edit") not in text(response)


def test_a_recipient_sees_the_issued_document_and_only_its_own_copy(client, login, county, staff):
    document = issued(county, staff)
    login(staff.town_clerk)
    response = client.get(url(document))
    assert response.status_code == 200
    assert document.number in text(response)
    assert [d.unit for d in response.context["distributions"]] == [county.town]
    assert [d.unit for d in response.context["to_sign"]] == [county.town]


# --- edit -------------------------------------------------------------------------------


def test_the_drafter_edits_a_draft(client, login, county, staff):
    document = make_draft(county, staff)
    login(staff.clerk_a)
    assert client.get(url(document, "edit")).status_code == 200
    response = client.post(url(document, "edit"), draft_post(county, title="新标题"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "新标题"
    assert list(document.copy_recipients.all()) == [county.b]


def test_an_edit_with_bad_input_changes_nothing(client, login, county, staff, english):
    document = make_draft(county, staff)
    login(staff.clerk_a)
    response = client.post(url(document, "edit"), draft_post(county, title=""))
    assert response.context["form"].errors["title"]
    response = client.post(
        url(document, "edit"), draft_post(county, title="新标题", classification="top_secret")
    )
    assert "Classified documents" in text(response)
    response = client.post(url(document, "edit"), draft_post(county, body="秘密★1年 内容"))
    assert "Classified documents" in text(response)
    document.refresh_from_db()
    assert document.title == "关于做好秋季防火工作的通知"
    assert "秘密" not in document.body


def test_only_the_drafter_or_the_clerk_edits(client, login, county, staff):
    document = make_draft(county, staff)
    login(staff.head_a)
    assert client.get(url(document, "edit")).status_code == 403
    assert client.post(url(document, "edit"), draft_post(county)).status_code == 403
    login(staff.clerk_b)
    assert client.get(url(document, "edit")).status_code == 404


def test_a_submitted_document_is_not_edited(client, login, county, staff):
    document = submitted(county, staff)
    login(staff.clerk_a)
    response = client.post(url(document, "edit"), draft_post(county, title="新标题"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title != "新标题"


# --- submit -----------------------------------------------------------------------------


def submit_post(county, staff, **overrides):
    data = {
        "reviewer": staff.head_a.pk,
        "countersigners": [f"{county.b.pk}:{staff.head_b.pk}"],
        "office_reviewer": "",
        "signer": staff.head_a.pk,
    }
    data.update(overrides)
    return data


def test_the_clerk_submits_a_draft_along_its_route(client, login, county, staff):
    document = make_draft(county, staff)
    login(staff.clerk_a)
    response = client.post(url(document, "submit"), submit_post(county, staff))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == DocState.IN_ROUTE
    steps = [(s.kind, s.assignee, s.state) for s in document.route.all()]
    assert steps == [
        (StepKind.REVIEW, staff.head_a, StepState.PENDING),
        (StepKind.COUNTERSIGN, staff.head_b, StepState.WAITING),
        (StepKind.SIGN_OFF, staff.head_a, StepState.WAITING),
    ]


def test_a_route_with_someone_who_may_not_review_is_refused(client, login, county, staff):
    document = make_draft(county, staff)
    login(staff.clerk_a)
    response = client.post(
        url(document, "submit"), submit_post(county, staff, reviewer=staff.clerk_b.pk)
    )
    assert response.status_code == 200
    assert response.context["submit_form"].errors["reviewer"]
    response = client.post(
        url(document, "submit"), submit_post(county, staff, countersigners=["1:2:3"])
    )
    assert response.context["submit_form"].errors["countersigners"]
    document.refresh_from_db()
    assert document.state == DocState.DRAFT
    assert not RouteStep.objects.exists()


def test_a_draft_missing_an_element_is_refused_on_submit(client, login, county, staff, english):
    document = make_draft(county, staff, main_recipients=[])
    login(staff.clerk_a)
    response = client.post(url(document, "submit"), submit_post(county, staff))
    assert response.status_code == 200
    assert "Choose at least one main recipient" in text(response)
    document.refresh_from_db()
    assert document.state == DocState.DRAFT
    assert not RouteStep.objects.exists()


def test_only_the_drafting_side_submits(client, login, county, staff):
    document = make_draft(county, staff)
    login(staff.head_a)
    assert client.post(url(document, "submit"), submit_post(county, staff)).status_code == 403
    login(staff.clerk_b)
    assert client.post(url(document, "submit"), submit_post(county, staff)).status_code == 404
    login(staff.clerk_a)
    assert client.get(url(document, "submit")).status_code == 405
    document.refresh_from_db()
    assert document.state == DocState.DRAFT


# --- approve and send back --------------------------------------------------------------


def test_review_countersign_and_sign_off_through_the_pages(client, login, county, staff):
    document = submitted(county, staff)
    login(staff.head_a)
    page = client.get(url(document))
    assert page.context["step"].kind == StepKind.REVIEW
    assert "disclosure" not in page.context["approve_form"].fields
    response = client.post(url(document, "approve"), {"opinion": "同意"})
    assert response.status_code == 302
    login(staff.head_b)
    assert client.get(url(document)).status_code == 200
    client.post(url(document, "approve"), {"opinion": ""})
    login(staff.head_a)
    page = client.get(url(document))
    assert page.context["step"].kind == StepKind.SIGN_OFF
    assert "disclosure" in page.context["approve_form"].fields
    client.post(url(document, "approve"), {"opinion": "同意印发", "disclosure": "proactive"})
    document.refresh_from_db()
    assert document.state == DocState.SIGNED
    assert document.signer == staff.head_a
    assert document.disclosure == Disclosure.PROACTIVE
    opinions = [s.opinion for s in document.route.all()]
    assert opinions[0] == "同意" and opinions[2] == "同意印发"


def test_a_sign_off_without_a_disclosure_decision_is_refused(client, login, county, staff):
    document = submitted(county, staff, countersign=False)
    services.approve(staff.head_a, document)
    login(staff.head_a)
    response = client.post(url(document, "approve"), {"opinion": "同意"})
    assert response.status_code == 200
    assert response.context["approve_form"].errors["disclosure"]
    response = client.post(url(document, "approve"), {"disclosure": "not_disclosed"})
    assert response.context["approve_form"].errors["disclosure_reason"]
    document.refresh_from_db()
    assert document.state == DocState.IN_ROUTE
    assert document.route.get(kind=StepKind.SIGN_OFF).state == StepState.PENDING


def test_only_the_assignee_approves(client, login, county, staff):
    document = submitted(county, staff)
    login(staff.clerk_a)
    assert client.post(url(document, "approve"), {"opinion": "x"}).status_code == 403
    assert client.post(url(document, "send-back"), {"reason": "x"}).status_code == 403
    login(staff.clerk_b)
    assert client.post(url(document, "approve"), {"opinion": "x"}).status_code == 404
    # B's head is on the route, but their step is not open yet.
    login(staff.head_b)
    assert client.post(url(document, "approve"), {"opinion": "x"}).status_code == 403
    assert document.route.get(kind=StepKind.REVIEW).state == StepState.PENDING


def test_a_deputy_approves_and_the_trail_says_for_whom(client, login, county, staff, english):
    document = submitted(county, staff)
    deputy = make_user("deputy_a", county.a, real_name="Deputy Wu")
    make_delegation(staff.head_a, deputy)
    login(deputy)
    page = client.get(url(document))
    assert "You are acting for Li Na" in text(page)
    client.post(url(document, "approve"), {"opinion": "代为同意"})
    page = text(client.get(url(document)))
    assert "Deputy Wu for Li Na" in page
    step = document.route.get(kind=StepKind.REVIEW)
    assert (step.acted_by, step.on_behalf_of) == (deputy, staff.head_a)


def test_a_head_sends_a_draft_back_with_reasons(client, login, county, staff):
    document = submitted(county, staff)
    login(staff.head_a)
    response = client.post(url(document, "send-back"), {"reason": "请补充依据"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == DocState.DRAFT
    assert document.route.get(kind=StepKind.REVIEW).state == StepState.RETURNED
    assert TrailEntry.objects.filter(document=document, action="send_back").exists()
    # The drafter sees why, may edit and submit again; the page shows both rounds.
    login(staff.clerk_a)
    page = client.get(url(document))
    assert page.context["returned"].opinion == "请补充依据"
    assert "请补充依据" in text(page)
    client.post(url(document, "submit"), submit_post(county, staff))
    page = client.get(url(document))
    assert page.context["rounds"] is True


def test_sending_back_without_a_reason_is_refused(client, login, county, staff):
    document = submitted(county, staff)
    login(staff.head_a)
    response = client.post(url(document, "send-back"), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["send_back_form"].errors["reason"]
    document.refresh_from_db()
    assert document.state == DocState.IN_ROUTE


def test_another_unit_cannot_send_back(client, login, county, staff):
    document = submitted(county, staff)
    login(staff.clerk_b)
    assert client.post(url(document, "send-back"), {"reason": "x"}).status_code == 404
    document.refresh_from_db()
    assert document.state == DocState.IN_ROUTE


# --- issue ------------------------------------------------------------------------------


def test_the_clerk_issues_a_signed_document(client, login, county, staff, english):
    document = signed(county, staff)
    login(staff.clerk_a)
    assert client.get(url(document)).context["can_issue"] is True
    response = client.post(url(document, "issue"))
    assert response.status_code == 302
    document.refresh_from_db()
    year = timezone.localdate().year
    assert document.number == f"教发〔{year}〕1号"
    assert Distribution.objects.filter(document=document).count() == 2
    page = text(client.get(url(document)))
    assert f"教发〔{year}〕1号" in page
    assert "Issued as" in page


def test_issuing_without_a_prefix_shows_why_and_takes_no_number(
    client, login, county, staff, english
):
    document = signed(county, staff)
    county.a.doc_prefix = ""
    county.a.save()
    login(staff.clerk_a)
    response = client.post(url(document, "issue"))
    assert response.status_code == 200
    assert "no document-number prefix" in text(response)
    document.refresh_from_db()
    assert document.state == DocState.SIGNED
    assert not NumberCounter.objects.exists()


def test_issuing_twice_is_refused(client, login, county, staff, english):
    document = issued(county, staff)
    login(staff.clerk_a)
    response = client.post(url(document, "issue"))
    assert response.status_code == 200
    assert "Only a signed-off document can be issued" in text(response)
    assert NumberCounter.objects.get().last == 1


def test_only_the_issuing_units_clerk_issues(client, login, county, staff):
    document = signed(county, staff)
    login(staff.head_a)
    assert client.post(url(document, "issue")).status_code == 403
    login(staff.clerk_b)
    assert client.post(url(document, "issue")).status_code == 404
    document.refresh_from_db()
    assert document.state == DocState.SIGNED


# --- sign for ---------------------------------------------------------------------------


def test_a_town_clerk_signs_for_an_issued_document(client, login, county, staff):
    document = issued(county, staff)
    login(staff.town_clerk)
    response = client.post(url(document, "sign-for"))
    assert response.status_code == 302
    mine = Distribution.objects.get(document=document, unit=county.town)
    assert mine.signed_for_by == staff.town_clerk
    assert timezone.now() - mine.signed_for_at < datetime.timedelta(minutes=1)
    assert not Distribution.objects.get(document=document, unit=staff.town2).signed_for_at
    page = client.get(url(document))
    assert page.context["to_sign"] == []


def test_signing_for_twice_is_refused_with_a_message(client, login, county, staff, english):
    document = issued(county, staff)
    login(staff.town_clerk)
    client.post(url(document, "sign-for"))
    response = client.post(url(document, "sign-for"))
    assert response.status_code == 200
    assert "already been signed for" in text(response)


def test_only_a_recipient_unit_signs_for(client, login, county, staff):
    document = issued(county, staff)
    login(staff.clerk_a)
    assert client.post(url(document, "sign-for")).status_code == 403
    login(staff.clerk_b)
    assert client.post(url(document, "sign-for")).status_code == 404
    login(staff.town_clerk)
    other = Distribution.objects.get(document=document, unit=staff.town2)
    assert client.post(url(document, "sign-for"), {"distribution": other.pk}).status_code == 403
    assert client.post(url(document, "sign-for"), {"distribution": "x"}).status_code == 404
    assert not Distribution.objects.filter(signed_for_at__isnull=False).exists()


# --- the whole way, as the trail shows it -----------------------------------------------


def test_the_trail_lists_every_step_in_order(client, login, county, staff, english):
    login(staff.clerk_a)
    client.post(NEW, draft_post(county))
    document = Document.objects.get()
    client.post(url(document, "submit"), submit_post(county, staff))
    login(staff.head_a)
    client.post(url(document, "approve"), {"opinion": "同意"})
    login(staff.head_b)
    client.post(url(document, "approve"), {"opinion": "会签同意"})
    login(staff.head_a)
    client.post(url(document, "approve"), {"disclosure": "proactive"})
    login(staff.clerk_a)
    client.post(url(document, "issue"))
    login(staff.town_clerk)
    client.post(url(document, "sign-for"))
    response = client.get(url(document))
    labels = [str(row["label"]) for row in response.context["trail"]]
    assert labels == [
        "Drafted",
        "Submitted",
        "Reviewed (核稿)",
        "Countersigned (会签)",
        "Signed off (签发)",
        "Issued (发文)",
        "Signed for (签收)",
    ]
    trail = text(response).split('id="trail-h"')[1]
    positions = [trail.index(f'<th scope="row">{label}</th>') for label in labels]
    assert positions == sorted(positions)


def test_the_body_is_shown_sanitised(client, login, county, staff):
    document = make_draft(
        county, staff, body='<p onclick="x()">正文</p><script>alert(1)</script><img src=x>'
    )
    login(staff.clerk_a)
    page = text(client.get(url(document)))
    assert "<p>正文</p>" in page
    assert "alert(1)" not in page and "onclick" not in page and "<img" not in page


def test_a_withdrawn_document_stays_in_sent_and_is_not_signed_for(client, login, county, staff):
    document = issued(county, staff)
    services.withdraw(staff.head_a, document, reason="内容有误")
    login(staff.clerk_a)
    assert document.title in text(client.get(LIST, {"box": "sent"}))
    login(staff.town_clerk)
    assert document.title not in text(client.get(LIST, {"box": "to_sign_for"}))


def test_the_head_withdraws_an_issued_document_from_its_page(client, login, county):
    from zhengtong.conftest import make_user
    from zhengtong.documents import services as doc_services
    from zhengtong.documents.models import Disclosure, DocState, DocType
    from zhengtong.org.models import Role

    county.a.doc_prefix = "撤发"
    county.a.save()
    head = make_user("w_head", county.a, roles=[Role.UNIT_HEAD])
    clerk = make_user("w_clerk", county.a, roles=[Role.CLERK])
    document = doc_services.create_draft(
        clerk,
        issuing_unit=county.a,
        doc_type=DocType.NOTICE,
        title="待撤回的通知",
        main_recipients=[county.town],
    )
    doc_services.submit(clerk, document, reviewer=head, signer=head)
    doc_services.approve(head, document)
    doc_services.approve(
        head, document, disclosure=Disclosure.NOT_DISCLOSED, disclosure_reason="内部事务"
    )
    doc_services.issue(clerk, document)
    login(clerk)
    assert (
        client.post(f"/oa/documents/{document.pk}/withdraw/", {"reason": "有误"}).status_code == 403
    )
    login(head)
    page = client.get(f"/oa/documents/{document.pk}/").content.decode()
    assert f"/oa/documents/{document.pk}/withdraw/" in page
    response = client.post(f"/oa/documents/{document.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 200  # the page again, with the error
    document.refresh_from_db()
    assert document.state == DocState.ISSUED
    client.post(f"/oa/documents/{document.pk}/withdraw/", {"reason": "内容有误"})
    document.refresh_from_db()
    assert document.state == DocState.WITHDRAWN


def test_the_page_shows_what_changed_between_versions(client, login, county):
    from zhengtong.conftest import make_user
    from zhengtong.documents import services as doc_services
    from zhengtong.documents.models import DocType
    from zhengtong.org.models import Role

    clerk = make_user("v_clerk", county.a, roles=[Role.CLERK])
    document = doc_services.create_draft(
        clerk,
        issuing_unit=county.a,
        doc_type=DocType.NOTICE,
        title="版本测试",
        body="<p>原来的句子。</p>",
        main_recipients=[county.town],
    )
    doc_services.update_draft(clerk, document, body="<p>修改后的句子。</p>")
    page = login(clerk).get(f"/oa/documents/{document.pk}/").content.decode()
    assert "<del>原来的句子。</del>" in page and "<ins>修改后的句子。</ins>" in page


def test_a_joint_document_is_drafted_and_submitted_with_each_units_signer(client, login, county):
    from zhengtong.conftest import make_user
    from zhengtong.documents.models import DocState, Document
    from zhengtong.org.models import Role

    clerk = make_user("j_clerk", county.a, roles=[Role.CLERK])
    head_a = make_user("j_head_a", county.a, roles=[Role.UNIT_HEAD])
    head_b = make_user("j_head_b", county.b, roles=[Role.UNIT_HEAD])
    login(clerk)
    response = client.post(
        "/oa/documents/new/",
        {
            "issuing_unit": county.a.pk,
            "doc_type": "notice",
            "direction": "down",
            "title": "联合通知",
            "body": "正文",
            "main_recipients": [county.town.pk],
            "joint_units": [county.b.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    document = Document.objects.get(title="联合通知")
    assert list(document.joint_units.all()) == [county.b]
    page = client.get(f"/oa/documents/{document.pk}/").content.decode()
    assert f'value="{county.b.pk}:{head_b.pk}"' in page
    client.post(
        f"/oa/documents/{document.pk}/submit/",
        {
            "reviewer": head_a.pk,
            "signer": head_a.pk,
            "joint_signers": [f"{county.b.pk}:{head_b.pk}"],
        },
    )
    document.refresh_from_db()
    assert document.state == DocState.IN_ROUTE
    assert document.route.filter(kind="sign_off", unit=county.b, assignee=head_b).exists()


def test_the_document_downloads_as_pdf_and_word_for_those_who_may_see_it(client, login, county):
    from zhengtong.conftest import make_user
    from zhengtong.documents import services as doc_services
    from zhengtong.documents.models import DocType
    from zhengtong.org.models import Role

    clerk = make_user("dl_clerk", county.a, roles=[Role.CLERK])
    outsider = make_user("dl_out", county.b)
    document = doc_services.create_draft(
        clerk,
        issuing_unit=county.a,
        doc_type=DocType.NOTICE,
        title="下载测试",
        body="<p>正文。</p>",
        main_recipients=[county.town],
    )
    login(clerk)
    pdf = client.get(f"/oa/documents/{document.pk}/file.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment")
    assert_safe_download(pdf)
    word = client.get(f"/oa/documents/{document.pk}/file.docx")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    assert_safe_download(word)
    login(outsider)
    assert client.get(f"/oa/documents/{document.pk}/file.pdf").status_code == 404


def test_amending_a_signed_document_from_its_page_sends_it_back_to_the_signer(
    client, login, county
):
    from zhengtong.conftest import make_user
    from zhengtong.documents import services as doc_services
    from zhengtong.documents.models import Disclosure, DocState, DocType
    from zhengtong.org.models import Role

    head = make_user("am_head", county.a, roles=[Role.UNIT_HEAD])
    clerk = make_user("am_clerk", county.a, roles=[Role.CLERK])
    document = doc_services.create_draft(
        clerk,
        issuing_unit=county.a,
        doc_type=DocType.NOTICE,
        title="待修改",
        main_recipients=[county.town],
    )
    doc_services.submit(clerk, document, reviewer=head, signer=head)
    doc_services.approve(head, document)
    doc_services.approve(head, document, disclosure=Disclosure.PROACTIVE)
    login(clerk)
    assert (
        f"/oa/documents/{document.pk}/amend/"
        in client.get(f"/oa/documents/{document.pk}/").content.decode()
    )
    response = client.post(
        f"/oa/documents/{document.pk}/amend/", {"body": "<p>新</p>", "reason": ""}
    )
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.state == DocState.SIGNED
    client.post(f"/oa/documents/{document.pk}/amend/", {"body": "<p>新正文</p>", "reason": "补充"})
    document.refresh_from_db()
    assert document.state == DocState.IN_ROUTE and "新正文" in document.body


def test_the_unit_head_records_the_usual_route_and_a_clerk_cannot(client, login, county):
    from zhengtong.conftest import make_user
    from zhengtong.documents.models import RouteDefault
    from zhengtong.org.models import Role

    head = make_user("rd_head", county.a, roles=[Role.UNIT_HEAD])
    clerk = make_user("rd_clerk", county.a, roles=[Role.CLERK])
    login(clerk)
    assert client.get("/oa/documents/route-defaults/").status_code == 403
    login(head)
    response = client.post(
        "/oa/documents/route-defaults/", {"doc_type": "", "reviewer": head.pk, "signer": head.pk}
    )
    assert response.status_code == 302
    assert RouteDefault.objects.get(unit=county.a, doc_type="").signer == head
    bad = client.post("/oa/documents/route-defaults/", {"doc_type": "", "signer": clerk.pk})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_the_list_finds_documents_by_words_in_their_text(client, login, county):
    from zhengtong.conftest import make_user
    from zhengtong.documents import services as doc_services
    from zhengtong.documents.models import DocType
    from zhengtong.org.models import Role

    clerk = make_user("fs_clerk", county.a, roles=[Role.CLERK])
    found = doc_services.create_draft(
        clerk,
        issuing_unit=county.a,
        doc_type=DocType.NOTICE,
        title="关于做好有关工作的通知",
        body="<p>各乡镇要做好森林防火工作。</p>",
        main_recipients=[county.town],
    )
    doc_services.create_draft(
        clerk,
        issuing_unit=county.a,
        doc_type=DocType.NOTICE,
        title="关于报送统计数据的通知",
        body="<p>按时报送。</p>",
        main_recipients=[county.town],
    )
    page = login(clerk).get("/oa/documents/", {"box": "drafts", "q": "森林防火"}).content.decode()
    assert f"/oa/documents/{found.pk}/" in page
    assert "关于报送统计数据的通知" not in page
