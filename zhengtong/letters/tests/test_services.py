"""Letters from the public, as the county's rules say they must behave (issue 5,
docs/conformance.md LET)."""

import datetime

import pytest
from django.utils import timezone

from zhengtong.core import calendar
from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import AuditRecord, Notification, WorkItem
from zhengtong.core.notifications import LoggingSmsBackend
from zhengtong.letters import services
from zhengtong.letters.models import (
    DeadlinePolicy,
    DeclineReason,
    FollowUp,
    Letter,
    LetterState,
    Reply,
    ReplyState,
    RoutingState,
    StepKind,
)
from zhengtong.letters.tests.conftest import WRITER_MOBILE, replied, routed, submit

S = LetterState


def open_items(letter, kind=None):
    qs = WorkItem.objects.filter(subject_id=str(letter.pk), state="open")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


# --- submitting -----------------------------------------------------------------------


def test_a_submitted_letter_is_stored_with_a_valid_code_and_a_hashed_password(
    box, django_capture_on_commit_callbacks
):
    LoggingSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(box.mailbox)
    letter = Letter.objects.get()
    assert result.created and letter.state == S.RECEIVED
    assert services.is_valid_code(letter.tracking_code) and len(letter.tracking_code) == 12
    assert result.password not in letter.query_password
    assert len(result.password) == 8 and result.password.isdigit()
    # The writer gets code and password by SMS, after commit.
    mobile, text = LoggingSmsBackend.sent[-1]
    assert mobile == WRITER_MOBILE
    assert letter.display_code in text and result.password in text


def test_personal_data_is_encrypted_at_rest(box):
    submit(box.mailbox)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT writer_name, writer_mobile FROM letters_letter")
        name, mobile = cursor.fetchone()
    assert "Chen" not in name and WRITER_MOBILE not in mobile
    assert Letter.objects.get().writer_name == "Chen Xiaoming"


def test_the_same_submission_key_twice_creates_one_letter_with_the_same_password(box):
    first = submit(box.mailbox, submission_key="k" * 40)
    again = submit(box.mailbox, submission_key="k" * 40)
    assert Letter.objects.count() == 1
    assert not again.created and again.letter.pk == first.letter.pk
    assert again.password == first.password


def test_submitting_opens_an_acceptance_item_due_in_the_mailbox_period(box):
    DeadlinePolicy.objects.create(mailbox=box.mailbox, category="complaint", accept_days=1)
    letter = submit(box.mailbox).letter
    (item,) = open_items(letter)
    assert item.kind == services.KIND_ACCEPT and item.assignee_unit == box.office
    assert item.due_date == calendar.add_working_days(timezone.localdate(), 1).date


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": "  "}, "title"),
        ({"content": ""}, "content"),
        ({"content": "x" * 5001}, "content"),
        ({"name": ""}, "name"),
        ({"mobile": "12345"}, "mobile"),
        ({"category": "gossip"}, "category"),
        ({"credit_code": "91350100M000100Y4X"}, "credit_code"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_stored(box, fields, field):
    with pytest.raises(Invalid) as caught:
        submit(box.mailbox, **fields)
    assert caught.value.field == field
    assert not Letter.objects.exists()


def test_a_closed_mailbox_takes_no_letters(box):
    box.mailbox.is_active = False
    box.mailbox.save()
    with pytest.raises(Invalid):
        submit(box.mailbox)


def test_script_in_a_letter_is_stored_as_text(box):
    payload = "<script>alert(1)</script>' OR 1=1; --"
    letter = submit(box.mailbox, title=payload, content=payload).letter
    letter.refresh_from_db()
    assert letter.title == payload and letter.content == payload


def test_only_the_office_enters_letters_for_a_writer(box):
    with pytest.raises(NotPermitted):
        submit(box.mailbox, actor=box.clerk_b)
    result = submit(box.mailbox, actor=box.office_clerk, source="12345")
    assert result.letter.source == "12345"


# --- tracking -------------------------------------------------------------------------


def test_tracking_needs_the_right_password(box):
    result = submit(box.mailbox)
    code = result.letter.display_code.lower()
    assert services.find_for_tracking(code, result.password) == result.letter
    assert services.find_for_tracking(code, "00000000") is None
    assert services.find_for_tracking("AAAA-AAAA-AAAA", result.password) is None


def test_a_mistyped_code_character_is_detected_by_the_check_character(box):
    code = submit(box.mailbox).letter.tracking_code
    wrong = ("3" if code[3] != "3" else "4").join([code[:3], code[4:]])
    assert not services.is_valid_code(wrong)


# --- accepting, declining, routing ----------------------------------------------------


def test_accepting_starts_the_reply_clock_and_opens_the_routing_item(box):
    letter = submit(box.mailbox).letter
    services.accept_letter(box.office_clerk, letter)
    letter.refresh_from_db()
    assert letter.state == S.ACCEPTED
    assert letter.reply_due == calendar.add_working_days(timezone.localdate(), 10).date
    assert [i.kind for i in open_items(letter)] == [services.KIND_ROUTE]
    assert AuditRecord.objects.filter(action="letters.accept", object_id=str(letter.pk)).exists()


def test_only_the_mailbox_office_accepts_and_routes(box):
    letter = submit(box.mailbox).letter
    for outsider in (box.clerk_a, box.clerk_b, box.leader):
        with pytest.raises(NotPermitted):
            services.accept_letter(outsider, letter)
        with pytest.raises(NotPermitted):
            services.route_letter(outsider, letter, lead_unit=box.county.a)


def test_a_declined_letter_tells_the_writer_the_reason_and_closes(box):
    letter = submit(box.mailbox).letter
    reason = DeclineReason.objects.first()
    services.decline_letter(box.office_clerk, letter, reason=reason, note="请向法院咨询。")
    letter.refresh_from_db()
    assert letter.state == S.DECLINED and letter.closed_at
    step = letter.steps.get(kind=StepKind.DECLINED)
    assert reason.text in step.public_note and "法院" in step.public_note
    assert open_items(letter) == []
    with pytest.raises(Conflict):
        services.route_letter(box.office_clerk, letter, lead_unit=box.county.a)


def test_declining_needs_a_reason_from_the_list(box):
    letter = submit(box.mailbox).letter
    with pytest.raises(Invalid):
        services.decline_letter(box.office_clerk, letter, reason=None)


def test_routing_gives_the_lead_and_assisting_units_their_items(box):
    letter = submit(box.mailbox).letter
    services.route_letter(
        box.office_clerk, letter, lead_unit=box.county.a, assisting_units=[box.county.b]
    )
    letter.refresh_from_db()
    assert letter.state == S.ROUTED and letter.lead_unit == box.county.a
    assert letter.accepted_at is not None  # routing a received letter accepts it
    kinds = {(i.kind, i.assignee_unit_id) for i in open_items(letter)}
    assert kinds == {
        (services.KIND_REPLY, box.county.a.pk),
        (services.KIND_ASSIST, box.county.b.pk),
    }


def test_a_unit_may_hand_a_letter_back_within_the_period_and_the_office_reroutes(box):
    letter = routed(box)
    routing = services.routing_for(box.clerk_a, letter)
    services.hand_back_letter(box.clerk_a, routing, reason="Roads belong to the town.")
    letter.refresh_from_db()
    assert letter.state == S.HANDED_BACK
    assert [i.kind for i in open_items(letter)] == [services.KIND_ROUTE]
    services.reroute_letter(box.office_clerk, letter, lead_unit=box.county.town)
    letter.refresh_from_db()
    assert letter.lead_unit == box.county.town
    assert letter.steps.filter(kind=StepKind.REROUTED).exists()


def test_handing_back_after_the_period_is_refused(box):
    letter = routed(box)
    Letter.objects.filter(pk=letter.pk).update(
        hand_back_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    routing = services.routing_for(box.clerk_a, letter)
    with pytest.raises(Conflict) as caught:
        services.hand_back_letter(box.clerk_a, routing, reason="Not ours")
    assert caught.value.code == "hand_back_too_late"


def test_another_unit_cannot_hand_back_or_reply(box):
    letter = routed(box)
    routing = letter.routings.get()
    with pytest.raises(NotPermitted):
        services.hand_back_letter(box.clerk_b, routing, reason="x")
    with pytest.raises(NotPermitted):
        services.draft_reply(box.clerk_b, routing, text="x")


# --- petitions and the pause ----------------------------------------------------------


def test_a_petition_follows_the_calendar_day_timetable(box):
    letter = submit(box.mailbox).letter
    services.accept_letter(box.office_clerk, letter)
    services.register_as_petition(box.office_clerk, letter)
    letter.refresh_from_db()
    received = timezone.localdate(letter.received_at)
    accepted = timezone.localdate(letter.accepted_at)
    assert letter.petition_notice_due == received + datetime.timedelta(days=15)
    assert letter.reply_due == accepted + datetime.timedelta(days=60)
    services.extend_petition(box.office_head, letter, reason="Needs a site survey.")
    letter.refresh_from_db()
    assert letter.reply_due == accepted + datetime.timedelta(days=90)
    with pytest.raises(Conflict):
        services.extend_petition(box.office_head, letter, reason="again")


def test_only_a_petition_is_extended_and_only_by_the_office_head(box):
    letter = submit(box.mailbox).letter
    with pytest.raises(Conflict):
        services.extend_petition(box.office_head, letter, reason="x")
    services.register_as_petition(box.office_clerk, letter)
    with pytest.raises(NotPermitted):
        services.extend_petition(box.office_clerk, letter, reason="x")


def test_waiting_for_the_writer_pauses_the_clock_and_moves_the_due_dates(box):
    letter = routed(box)
    due = letter.reply_due
    services.request_more_information(box.office_clerk, letter, question="Which street?")
    letter.refresh_from_db()
    assert letter.state == S.WAITING and open_items(letter) == []
    # Five days later the writer answers: the due date moves by the paused working days.
    paused_at = letter.paused_at - datetime.timedelta(days=5)
    Letter.objects.filter(pk=letter.pk).update(paused_at=paused_at)
    services.information_supplied(None, letter, text="Hexi Road, near No. 12.")
    letter.refresh_from_db()
    paused = calendar.working_days_between(timezone.localdate(paused_at), timezone.localdate())
    assert letter.state == S.ROUTED
    assert letter.reply_due == calendar.add_working_days(due, paused.count).date
    (item,) = open_items(letter)
    assert item.due_date == letter.reply_due
    kinds = [s.kind for s in letter.steps.all()]
    assert StepKind.INFO_REQUESTED in kinds and StepKind.INFO_SUPPLIED in kinds


# --- the reply ------------------------------------------------------------------------


def test_the_full_path_to_a_sent_reply(box, django_capture_on_commit_callbacks):
    LoggingSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        letter = replied(box)
    assert letter.state == S.REPLIED and letter.replied_at
    assert letter.replied_on_time is True and letter.reply_days is not None
    reply = letter.sent_reply()
    assert reply.approved_by == box.office_head and reply.unit == box.county.a
    assert open_items(letter) == []
    assert letter.routings.get().state == RoutingState.DONE
    assert LoggingSmsBackend.sent[-1][0] == WRITER_MOBILE
    assert letter.display_code in LoggingSmsBackend.sent[-1][1]


def test_the_office_returns_a_draft_to_the_unit(box):
    letter = routed(box)
    routing = services.routing_for(box.clerk_a, letter)
    services.draft_reply(box.clerk_a, routing, text="Draft")
    services.return_reply(box.office_head, letter, reason="Say when it was fixed.")
    letter.refresh_from_db()
    assert letter.state == S.ROUTED
    assert Reply.objects.get().state == ReplyState.RETURNED
    assert [i.kind for i in open_items(letter)] == [services.KIND_REPLY]


def test_a_reply_is_approved_only_by_the_office_head_or_reviewer(box):
    letter = routed(box)
    services.draft_reply(box.clerk_a, services.routing_for(box.clerk_a, letter), text="Reply")
    for someone in (box.office_clerk, box.clerk_a, box.head_a):
        with pytest.raises(NotPermitted):
            services.approve_reply(someone, letter)


def test_a_reply_cannot_be_sent_before_approval(box):
    letter = routed(box)
    services.draft_reply(box.clerk_a, services.routing_for(box.clerk_a, letter), text="Reply")
    with pytest.raises(Conflict):
        services.send_reply(box.office_clerk, letter)


def test_an_assisting_unit_gives_its_opinion(box):
    letter = submit(box.mailbox).letter
    services.route_letter(
        box.office_clerk, letter, lead_unit=box.county.a, assisting_units=[box.county.b]
    )
    routing = services.routing_for(box.clerk_b, letter, role="assist")
    services.submit_assist_opinion(box.clerk_b, routing, opinion="Budget is available.")
    assert open_items(letter, services.KIND_ASSIST) == []
    with pytest.raises(NotPermitted):
        services.submit_assist_opinion(box.clerk_a, routing, opinion="x")


# --- duplicates -----------------------------------------------------------------------


def test_a_duplicate_is_answered_with_the_earlier_letter(box):
    earlier = routed(box)
    later = submit(box.mailbox, title="Lights again").letter
    services.link_duplicate(box.office_clerk, later, earlier=earlier)
    later.refresh_from_db()
    assert later.duplicate_of == earlier and open_items(later) == []
    services.draft_reply(box.clerk_a, services.routing_for(box.clerk_a, earlier), text="Fixed.")
    services.approve_reply(box.office_head, earlier)
    services.send_reply(box.office_clerk, earlier)
    later.refresh_from_db()
    assert later.state == S.REPLIED and later.sent_reply().text == "Fixed."


def test_a_letter_cannot_be_its_own_duplicate(box):
    letter = submit(box.mailbox).letter
    with pytest.raises(Invalid):
        services.link_duplicate(box.office_clerk, letter, earlier=letter)


# --- publishing -----------------------------------------------------------------------


def test_publishing_masks_personal_data_and_refuses_unmasked_text(box):
    letter = replied(box, content="I am Chen Xiaoming, call 13900001111, ID 11010519491231002X.")
    preview = services.publication_preview(letter)
    assert "13900001111" not in preview.content
    assert "11010519491231002X" not in preview.content
    assert "Chen Xiaoming" not in preview.content
    with pytest.raises(Invalid) as caught:
        services.publish_letter(
            box.office_clerk,
            letter,
            title=preview.title,
            content=letter.content,
            reply=preview.reply,
        )
    assert caught.value.code == "personal_data"
    services.publish_letter(
        box.office_clerk,
        letter,
        title=preview.title,
        content=preview.content,
        reply=preview.reply,
    )
    letter.refresh_from_db()
    assert letter.is_published and "139****1111" in letter.published_content


def test_publishing_masks_addresses_and_other_peoples_names_but_not_the_countys_places(box):
    from zhengtong.conftest import make_unit
    from zhengtong.org.models import UnitKind

    make_unit("张庄镇人民政府", UnitKind.TOWN, box.county.root)
    letter = replied(
        box,
        name="王建国",
        title="张庄镇东风村三组王建国反映邻居占道",
        content=(
            "我是张庄镇东风村三组村民王建国，家住东风村三组12号，电话13900001111。"
            "邻居李秀英在门前违法搭建，村支书张伟说不归他管。我儿子在县城人民路35号"
            "3栋2单元602室租房，也受影响。请张庄镇政府处理。"
        ),
        text="经张庄镇调查，李秀英已于3月5日自行拆除搭建物。联系人：刘洋。",
    )
    preview = services.publication_preview(letter)
    for secret in ("王建国", "李秀英", "张伟", "刘洋", "13900001111", "三组12号", "602室"):
        assert secret not in preview.title + preview.content + preview.reply, secret
    assert "王某某" in preview.content and "李某某" in preview.content
    assert "张某说" in preview.content and "联系人：刘某" in preview.reply
    # The area down to the town stays, and so do the county's place names.
    assert preview.content.startswith("我是张庄镇*****村民王某某")
    assert "县城" + "*" * 15 + "租房" in preview.content
    assert "请张庄镇政府处理" in preview.content and preview.reply.startswith("经张庄镇调查")
    services.publish_letter(
        box.office_clerk,
        letter,
        title=preview.title,
        content=preview.content,
        reply=preview.reply,
    )
    letter.refresh_from_db()
    assert letter.is_published and "王建国" not in letter.published_content


def test_the_reviewer_may_publish_a_place_the_masking_did_not_touch(box):
    """Addresses and other names are proposals for the reviewer: the publication is
    refused only for ID and mobile numbers and the writer's own name."""
    letter = replied(box, content="东风村三组12号门前的路灯坏了。")
    services.publish_letter(
        box.office_clerk,
        letter,
        title=letter.title,
        content=letter.content,
        reply=letter.sent_reply().text,
    )
    letter.refresh_from_db()
    assert letter.is_published


def test_a_letter_is_published_only_if_the_writer_allowed_it(box):
    letter = replied(box, may_publish=False)
    preview = services.publication_preview(letter)
    with pytest.raises(Conflict):
        services.publish_letter(
            box.office_clerk,
            letter,
            title=preview.title,
            content=preview.content,
            reply=preview.reply,
        )


def test_an_unanswered_letter_is_not_published(box):
    letter = routed(box)
    with pytest.raises(Conflict):
        services.publish_letter(box.office_clerk, letter, title="t", content="c", reply="r")


# --- leaders and supervision ----------------------------------------------------------


def test_a_leader_instructs_and_the_office_and_unit_are_told(box):
    letter = routed(box)
    services.add_instruction(box.leader, letter, text="Fix it this week.")
    assert Notification.objects.filter(recipient=box.clerk_a).exists()
    assert Notification.objects.filter(recipient=box.office_clerk).exists()
    with pytest.raises(NotPermitted):
        services.add_instruction(box.clerk_a, letter, text="x")


def test_a_supervision_order_becomes_a_work_item_of_the_unit(box):
    letter = routed(box)
    services.issue_supervision_order(box.supervisor, letter, text="Report by Friday.")
    (item,) = open_items(letter, services.KIND_SUPERVISION)
    assert item.assignee_unit == box.county.a and item.closes_by_hand
    with pytest.raises(NotPermitted):
        services.issue_supervision_order(box.clerk_b, letter, text="x")


# --- rating, follow-up, reopening -----------------------------------------------------


def test_a_satisfied_rating_closes_the_letter(box):
    letter = replied(box)
    services.rate_letter(None, letter, level=5, comment="Thanks")
    letter.refresh_from_db()
    assert letter.state == S.CLOSED
    with pytest.raises(Conflict):
        services.rate_letter(None, letter, level=4)


def test_an_unsatisfied_rating_opens_a_follow_up_for_the_unit(box):
    letter = replied(box)
    services.rate_letter(None, letter, level=2, comment="Still dark")
    (item,) = open_items(letter, services.KIND_FOLLOW_UP)
    assert item.assignee_unit == box.county.a
    with pytest.raises(NotPermitted):
        services.record_follow_up(box.clerk_b, letter, action="called_back", note="x")
    services.record_follow_up(box.clerk_a, letter, action="called_back", note="Called.")
    letter.refresh_from_db()
    assert letter.state == S.CLOSED and FollowUp.objects.count() == 1
    assert open_items(letter) == []


def test_the_writer_may_reopen_once_after_an_unsatisfied_rating(box):
    letter = replied(box)
    with pytest.raises(Conflict):
        services.request_reopen(None, letter, reason="no")  # not rated yet
    services.rate_letter(None, letter, level=1)
    services.request_reopen(None, letter, reason="Still dark.")
    letter.refresh_from_db()
    assert letter.state == S.REOPENED and letter.reopened_count == 1
    services.route_letter(box.office_clerk, letter, lead_unit=box.county.a)
    routing = services.routing_for(box.clerk_a, letter)
    services.draft_reply(box.clerk_a, routing, text="Now repaired.")
    services.approve_reply(box.office_head, letter)
    services.send_reply(box.office_clerk, letter)
    services.rate_letter(None, letter, level=2)
    with pytest.raises(Conflict) as caught:
        services.request_reopen(None, letter, reason="again")
    assert caught.value.code == "reopened"


def test_a_rating_needs_a_valid_level(box):
    letter = replied(box)
    with pytest.raises(Invalid):
        services.rate_letter(None, letter, level=9)


# --- escalation -----------------------------------------------------------------------


def test_overdue_items_escalate_step_by_step_once_each(box):
    letter = submit(box.mailbox).letter
    (item,) = open_items(letter)
    today = timezone.localdate()
    WorkItem.objects.filter(pk=item.pk).update(due_date=calendar.add_working_days(today, -1).date)
    assert services.escalate_overdue(today) == 1
    assert Notification.objects.filter(recipient=box.office_clerk).exists()
    assert services.escalate_overdue(today) == 0
    WorkItem.objects.filter(pk=item.pk).update(due_date=calendar.add_working_days(today, -6).date)
    assert services.escalate_overdue(today) == 2
    assert Notification.objects.filter(recipient=box.office_head).exists()
    assert Notification.objects.filter(recipient=box.supervisor).exists()


def test_grades(box):
    today = timezone.localdate()
    assert services.grade(calendar.add_working_days(today, 5).date, today) == ""
    assert services.grade(today, today) == "soon"
    assert services.grade(calendar.add_working_days(today, -1).date, today) == "overdue"
    assert services.grade(calendar.add_working_days(today, -6).date, today) == "serious"
