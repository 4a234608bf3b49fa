"""Disclosure requests behave as the Regulations say (docs/conformance.md DIS-7–DIS-13)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengtong.core import calendar
from zhengtong.core.errors import Conflict, Invalid, NotFound, NotPermitted
from zhengtong.core.models import AuditRecord, WorkItem
from zhengtong.disclosure import services
from zhengtong.disclosure.models import DisclosureRequest, ReplyKind, State
from zhengtong.disclosure.tests.conftest import MONDAY, applicant, submit


def wd(start, n):
    return calendar.add_working_days(start, n).date


def open_items(req, kind=None):
    qs = WorkItem.objects.filter(subject_id=str(req.pk), state="open")
    return list(qs.filter(kind=kind) if kind else qs)


# --- receiving ---------------------------------------------------------------------------


def test_an_online_request_is_received_the_day_it_is_submitted_and_due_in_20_working_days(
    request_a, county
):
    req = request_a
    assert req.received_on == MONDAY
    assert req.due_date == wd(MONDAY, 20)
    assert req.number == f"{county.a.display_short_name}依申请〔2026〕1号"
    assert req.state == State.PROCESSING
    (item,) = open_items(req, services.ITEM_REPLY)
    assert item.assignee_unit_id == county.a.pk and item.due_date == req.due_date
    assert AuditRecord.objects.filter(action="disclosure.receive", object_id=str(req.pk)).exists()


def test_request_numbers_run_per_organ_and_year(county, clerk_a, clerk_b):
    a1, _ = submit(county.a)
    a2, _ = submit(county.a)
    b1, _ = submit(county.b)
    a2027, _ = submit(county.a, today=datetime.date(2027, 1, 4))
    assert (a1.serial, a2.serial, b1.serial, a2027.serial) == (1, 2, 1, 1)
    assert "〔2027〕1号" in a2027.number


def test_personal_data_is_encrypted_at_rest(request_a):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, mobile FROM disclosure_disclosurerequest WHERE id = %s",
            [request_a.pk],
        )
        id_number, mobile = cursor.fetchone()
    assert id_number.startswith("sm4gcm1:") and mobile.startswith("sm4gcm1:")
    fresh = DisclosureRequest.objects.get(pk=request_a.pk)
    assert fresh.mobile == "13600001111"


def test_the_same_submission_key_creates_one_request(county):
    first, password = submit(county.a, key="k" * 24)
    again, none = submit(county.a, key="k" * 24)
    assert again.pk == first.pk and password and none is None
    assert DisclosureRequest.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"id_number": "330102199003071234"}, "id_number"),
        ({"applicant_kind": "organisation", "credit_code": "91330100ABCDEFGH12"}, "credit_code"),
        ({"mobile": "12345"}, "mobile"),
        ({"description": "   "}, "description"),
        ({"description": "字" * 4001}, "description"),
        ({"delivery_form": "paper", "delivery_way": "online"}, "delivery_way"),
        ({"delivery_way": "post", "delivery_form": "paper", "address": ""}, "address"),
        ({"delivery_way": "email", "email": ""}, "email"),
        ({"postcode": "12ab"}, "postcode"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(county, overrides, field):
    with pytest.raises(Invalid) as caught:
        submit(county.a, **overrides)
    assert caught.value.field == field
    assert not DisclosureRequest.objects.exists()


def test_a_request_cannot_be_addressed_to_an_internal_section_or_the_county_root(county):
    with pytest.raises(Invalid) as caught:
        submit(county.root)
    assert caught.value.field == "unit"


def test_an_organisation_gives_a_valid_credit_code_and_a_contact_person(county):
    from zhengtong.core.validators import credit_code_check_char, organisation_code_check_char

    body = "MA1B2C3D"
    org17 = "91330102" + body + organisation_code_check_char(body)
    code = org17 + credit_code_check_char(org17)
    req, _ = submit(
        county.a,
        applicant_kind="organisation",
        id_number="",
        credit_code=code,
        contact_person="王经理",
        name="禾溪示例有限公司",
    )
    assert req.credit_code == code and req.id_number == ""


def test_a_clerk_registers_a_paper_request_with_its_receipt_date(county, clerk_a):
    req, password = services.register_paper_request(
        clerk_a,
        unit=county.a,
        channel="post",
        received_on=MONDAY,
        today=MONDAY + datetime.timedelta(days=2),
        **{k: v for k, v in applicant(county.a).items() if k != "unit"},
    )
    assert req.channel == "post" and req.received_on == MONDAY and req.registered_by == clerk_a
    assert password


def test_a_clerk_of_another_unit_cannot_register_for_this_unit(county, clerk_b):
    fields = {k: v for k, v in applicant(county.a).items() if k != "unit"}
    with pytest.raises(NotPermitted):
        services.register_paper_request(clerk_b, unit=county.a, channel="post", **fields)


def test_a_paper_request_cannot_be_dated_in_the_future(county, clerk_a):
    fields = {k: v for k, v in applicant(county.a).items() if k != "unit"}
    with pytest.raises(Invalid) as caught:
        services.register_paper_request(
            clerk_a,
            unit=county.a,
            channel="post",
            received_on=MONDAY,
            today=MONDAY - datetime.timedelta(days=1),
            **fields,
        )
    assert caught.value.field == "received_on"


# --- correction (补正) -------------------------------------------------------------------


def test_a_correction_restarts_the_clock_on_the_day_the_corrected_request_arrives(
    request_a, clerk_a
):
    req = services.issue_correction_notice(
        clerk_a, request_a, items="请写明项目名称", period_days=10, today=MONDAY
    )
    assert req.state == State.CORRECTION and req.due_date is None
    assert req.correction.answer_due == wd(MONDAY, 10)
    assert open_items(req, services.ITEM_CORRECTION) and not open_items(req, services.ITEM_REPLY)
    arrived = datetime.date(2026, 3, 9)
    req = services.receive_correction(
        None,
        req,
        text="禾溪县第二实验小学新建项目",
        query_password=request_a.password,
        today=arrived,
    )
    assert req.state == State.PROCESSING
    assert req.clock_start == arrived and req.received_on == MONDAY
    assert req.due_date == wd(arrived, 20)
    (item,) = open_items(req, services.ITEM_REPLY)
    assert item.due_date == req.due_date


def test_a_correction_notice_is_issued_once_only(request_a, clerk_a):
    req = services.issue_correction_notice(clerk_a, request_a, items="补充", today=MONDAY)
    services.receive_correction(
        None, req, text="已补充", query_password=request_a.password, today=MONDAY
    )
    with pytest.raises(Conflict) as caught:
        services.issue_correction_notice(clerk_a, req, items="再补充", today=MONDAY)
    assert caught.value.code == "correction_once"


def test_a_correction_notice_comes_within_7_working_days_of_receipt(request_a, clerk_a):
    with pytest.raises(Conflict) as caught:
        services.issue_correction_notice(clerk_a, request_a, items="补充", today=wd(MONDAY, 8))
    assert caught.value.code == "correction_too_late"
    services.issue_correction_notice(clerk_a, request_a, items="补充", today=wd(MONDAY, 7))


def test_a_wrong_password_cannot_answer_the_correction(request_a, clerk_a):
    req = services.issue_correction_notice(clerk_a, request_a, items="补充", today=MONDAY)
    with pytest.raises(NotFound):
        services.receive_correction(None, req, text="x", query_password="WRONG123", today=MONDAY)


def test_a_clerk_records_a_correction_that_arrived_on_paper(request_a, clerk_a):
    req = services.issue_correction_notice(clerk_a, request_a, items="补充", today=MONDAY)
    day = datetime.date(2026, 3, 4)
    req = services.receive_correction(clerk_a, req, text="邮寄补正", received_on=day, today=day)
    assert req.clock_start == day


def test_an_uncorrected_request_is_closed_as_abandoned_only_after_the_period(request_a, clerk_a):
    req = services.issue_correction_notice(
        clerk_a, request_a, items="补充", period_days=5, today=MONDAY
    )
    with pytest.raises(Conflict):
        services.close_as_abandoned(clerk_a, req, today=wd(MONDAY, 5))
    req = services.close_as_abandoned(clerk_a, req, today=wd(MONDAY, 6))
    assert req.state == State.ABANDONED and not open_items(req)


# --- extension -------------------------------------------------------------------------


def test_the_head_extends_once_by_at_most_20_working_days(request_a, head_a):
    with pytest.raises(Invalid):
        services.extend_deadline(head_a, request_a, days=21, reason="量大", today=MONDAY)
    req = services.extend_deadline(head_a, request_a, days=20, reason="需调档", today=MONDAY)
    assert req.due_date == wd(MONDAY, 40)
    assert req.extension.new_due == req.due_date and req.extension.approved_by == head_a
    (item,) = open_items(req, services.ITEM_REPLY)
    assert item.due_date == req.due_date
    with pytest.raises(Conflict) as caught:
        services.extend_deadline(head_a, req, days=1, reason="再延", today=MONDAY)
    assert caught.value.code == "extension_once"


def test_a_clerk_cannot_extend_the_deadline(request_a, clerk_a):
    with pytest.raises(NotPermitted):
        services.extend_deadline(clerk_a, request_a, days=5, reason="x", today=MONDAY)


def test_the_head_of_another_unit_cannot_extend(request_a, head_b):
    with pytest.raises(NotPermitted):
        services.extend_deadline(head_b, request_a, days=5, reason="x", today=MONDAY)


def test_no_extension_after_the_period_has_ended(request_a, head_a):
    with pytest.raises(Conflict):
        services.extend_deadline(head_a, request_a, days=5, reason="x", today=wd(MONDAY, 21))


# --- third-party consultation --------------------------------------------------------------


def test_a_third_party_consultation_pauses_the_clock(request_a, clerk_a):
    started = wd(MONDAY, 3)
    req = services.start_consultation(
        clerk_a, request_a, third_party="禾溪建设公司", matter="是否同意公开合同", today=started
    )
    assert req.state == State.CONSULTING and req.due_date is None
    (item,) = open_items(req, services.ITEM_CONSULTATION)
    assert item.due_date == wd(started, 15)
    finished = wd(started, 6)
    req = services.finish_consultation(
        clerk_a, req, opinion="objects", opinion_text="涉及商业秘密", today=finished
    )
    assert req.paused_days == 6
    assert req.due_date == wd(MONDAY, 26)
    assert req.state == State.PROCESSING


def test_silence_counts_only_after_the_15_working_days(request_a, clerk_a):
    req = services.start_consultation(
        clerk_a, request_a, third_party="甲", matter="乙", today=MONDAY
    )
    with pytest.raises(Conflict):
        services.finish_consultation(clerk_a, req, opinion="no_answer", today=wd(MONDAY, 15))
    req = services.finish_consultation(clerk_a, req, opinion="no_answer", today=wd(MONDAY, 16))
    assert req.paused_days == 16


def test_an_objection_needs_its_reasons(request_a, clerk_a):
    req = services.start_consultation(
        clerk_a, request_a, third_party="甲", matter="乙", today=MONDAY
    )
    with pytest.raises(Invalid) as caught:
        services.finish_consultation(clerk_a, req, opinion="objects", opinion_text="", today=MONDAY)
    assert caught.value.field == "opinion_text"


def test_a_clerk_of_another_unit_cannot_consult(request_a, clerk_b):
    with pytest.raises(NotPermitted):
        services.start_consultation(clerk_b, request_a, third_party="甲", matter="乙")


# --- reply ---------------------------------------------------------------------------------


def test_a_reply_is_drafted_approved_by_the_head_rendered_as_pdf_and_sent(
    request_a, clerk_a, head_a
):
    upload = SimpleUploadedFile("批复.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    req = services.draft_reply(
        clerk_a, request_a, kind=ReplyKind.PROVIDED, information="见附件", upload=upload
    )
    assert req.state == State.REVIEW
    (approve_item,) = open_items(req, services.ITEM_APPROVE)
    assert approve_item.assignee_user_id == head_a.pk
    with pytest.raises(NotPermitted):
        services.approve_reply(clerk_a, req)
    req = services.approve_reply(head_a, req)
    assert req.state == State.APPROVED
    pdf = req.reply.pdf
    assert pdf is not None and pdf.extension == "pdf"
    with pdf.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    req = services.send_reply(clerk_a, req, today=wd(MONDAY, 10))
    assert req.state == State.REPLIED and req.closed_on == wd(MONDAY, 10)
    assert not open_items(req)


@pytest.mark.parametrize(
    "kind, data, field",
    [
        ("already_public", {}, "where_public"),
        ("provided", {}, "information"),
        ("provided", {"information": "x", "is_partial": True}, "reason"),
        ("not_disclosed", {"reason": "涉及国家秘密"}, "legal_basis"),
        ("not_exist", {}, "body"),
        ("not_held", {}, "right_organ"),
        ("repeat", {}, "earlier_number"),
        ("other_route", {}, "other_route"),
        ("nonsense", {}, "kind"),
    ],
)
def test_each_reply_type_needs_its_own_fields(request_a, clerk_a, kind, data, field):
    with pytest.raises(Invalid) as caught:
        services.draft_reply(clerk_a, request_a, kind=kind, **data)
    assert caught.value.field == field


def test_the_head_sends_a_draft_back_and_it_is_redrafted(request_a, clerk_a, head_a):
    req = services.draft_reply(clerk_a, request_a, kind="not_exist", body="经检索档案室，未找到。")
    req = services.return_reply(head_a, req, reason="写明检索范围")
    assert req.state == State.PROCESSING and req.reply.returned_reason
    req = services.draft_reply(
        clerk_a, req, kind="not_exist", body="经检索2019—2025年档案，未找到。"
    )
    assert req.state == State.REVIEW


def test_a_reply_by_post_needs_its_delivery_record(county, clerk_a, head_a):
    req, _ = submit(county.a, delivery_form="paper", delivery_way="post")
    req = services.draft_reply(clerk_a, req, kind="already_public", where_public="县政府网站")
    req = services.approve_reply(head_a, req)
    with pytest.raises(Invalid) as caught:
        services.send_reply(clerk_a, req)
    assert caught.value.field == "delivery_note"
    services.send_reply(clerk_a, req, delivery_note="挂号信 XA123456789CN")


def test_a_clerk_of_another_unit_cannot_draft_a_reply(request_a, clerk_b):
    with pytest.raises(NotPermitted):
        services.draft_reply(clerk_b, request_a, kind="not_exist", body="x")


# --- withdrawal ----------------------------------------------------------------------------


def test_the_applicant_withdraws_with_the_password(request_a):
    req = services.withdraw(None, request_a, query_password=request_a.password.lower())
    assert req.state == State.WITHDRAWN and not open_items(req)
    with pytest.raises(Conflict):
        services.withdraw(None, req, query_password=request_a.password)


def test_someone_without_the_password_cannot_withdraw(request_a):
    with pytest.raises(NotFound):
        services.withdraw(None, request_a, query_password="")


def test_find_by_number_answers_the_same_for_a_wrong_number_and_a_wrong_password(request_a):
    with pytest.raises(NotFound) as wrong_pw:
        services.find_by_number(request_a.number, "AAAAAAAA")
    with pytest.raises(NotFound) as wrong_no:
        services.find_by_number("不存在〔2026〕9号", request_a.password)
    assert str(wrong_pw.value.message) == str(wrong_no.value.message)
    assert services.find_by_number(f" {request_a.number} ", request_a.password).pk == request_a.pk


def test_an_extension_during_a_consultation_adds_to_the_paused_days(request_a, clerk_a, head_a):
    req = services.start_consultation(
        clerk_a, request_a, third_party="甲", matter="乙", today=MONDAY
    )
    req = services.extend_deadline(head_a, req, days=10, reason="量大", today=MONDAY)
    assert req.due_date is None and req.extension.new_due == wd(MONDAY, 30)
    req = services.finish_consultation(clerk_a, req, opinion="agrees", today=wd(MONDAY, 4))
    assert req.due_date == wd(MONDAY, 34)


# --- query passwords (public.passwords) ---------------------------------------------------


def test_the_query_password_is_kept_as_a_keyed_hash_bound_to_the_number(request_a):
    from zhengtong.public.passwords import PASSWORD_HASH_PREFIX

    req = DisclosureRequest.objects.get(pk=request_a.pk)
    assert req.query_password.startswith(PASSWORD_HASH_PREFIX)
    assert request_a.password not in req.query_password
    assert services.password_matches(req, request_a.password)
    assert services.password_matches(req, " " + request_a.password.lower())
    assert not services.password_matches(req, "WRONG123")
    assert services.find_by_number(req.number, request_a.password) == req


def test_a_request_stored_with_the_old_argon2_hash_is_still_accepted(request_a):
    from django.contrib.auth.hashers import make_password

    DisclosureRequest.objects.filter(pk=request_a.pk).update(
        query_password=make_password(request_a.password)
    )
    req = DisclosureRequest.objects.get(pk=request_a.pk)
    assert services.password_matches(req, request_a.password.lower())
    assert not services.password_matches(req, "WRONG123")
    assert services.find_by_number(req.number, request_a.password) == req
    with pytest.raises(NotFound):
        services.find_by_number(req.number, "WRONG123")
    req = services.withdraw(None, req, query_password=request_a.password, today=MONDAY)
    assert req.state == State.WITHDRAWN


# --- back to processing (the correction arrived, the third party answered) ----------------


def _last_audit(req, action):
    return AuditRecord.objects.filter(action=action, object_id=str(req.pk)).order_by("-id").first()


def test_both_ways_back_to_processing_close_the_stop_reopen_the_reply_and_audit(request_a, clerk_a):
    req = services.issue_correction_notice(clerk_a, request_a, items="补充", today=MONDAY)
    arrived = datetime.date(2026, 3, 9)
    req = services.receive_correction(
        None, req, text="已补充", query_password=request_a.password, today=arrived
    )
    assert not open_items(req, services.ITEM_CORRECTION)
    (item,) = open_items(req, services.ITEM_REPLY)
    assert item.due_date == req.due_date == wd(arrived, 20)
    record = _last_audit(req, "disclosure.correction_received")
    assert record.changes["state"] == [State.CORRECTION, State.PROCESSING]
    assert record.changes["clock_start"] == [MONDAY.isoformat(), arrived.isoformat()]
    assert record.changes["due_date"][1] == req.due_date.isoformat()

    req = services.start_consultation(clerk_a, req, third_party="甲", matter="乙", today=arrived)
    assert not open_items(req, services.ITEM_REPLY)
    req = services.finish_consultation(clerk_a, req, opinion="agrees", today=wd(arrived, 3))
    assert DisclosureRequest.objects.get(pk=req.pk).paused_days == 3
    assert not open_items(req, services.ITEM_CONSULTATION)
    (item,) = open_items(req, services.ITEM_REPLY)
    assert item.due_date == req.due_date == wd(arrived, 23)
    record = _last_audit(req, "disclosure.consultation_finish")
    assert record.changes["state"] == [State.CONSULTING, State.PROCESSING]
    assert record.changes["paused_days"] == [0, 3]
    assert record.changes["opinion"] == [None, "agrees"]
