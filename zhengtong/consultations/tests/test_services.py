import datetime

import pytest
from django.utils import timezone

from zhengtong.conftest import audit_records
from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.public.throttle import Throttled

from .. import selectors, services
from ..models import Comment, CommentState, ConsultationState
from .factories import MOBILE, comment, make_draft, make_editor, make_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_a(county):
    return make_editor(county.a, "editor_a")


def open_items(consultation, kind):
    return WorkItem.objects.filter(
        kind=kind, state=WorkItemState.OPEN, subject_id=str(consultation.pk)
    )


# --- drafting and opening -------------------------------------------------------------


def test_an_editor_or_clerk_of_the_unit_drafts_a_consultation(county, editor_a, clerk_a):
    by_editor = make_draft(editor_a, county.a)
    by_clerk = make_draft(clerk_a, county.a)
    assert by_editor.state == by_clerk.state == ConsultationState.DRAFT
    assert [s.number for s in by_editor.sections.all()] == [1, 2]
    assert audit_records("consultations.create", object_id=str(by_editor.pk))


def test_a_unit_head_without_the_editor_or_clerk_role_may_not_draft(county, head_a):
    with pytest.raises(NotPermitted):
        make_draft(head_a, county.a)


def test_a_clerk_of_another_unit_may_not_draft_in_its_name(county, clerk_b):
    with pytest.raises(NotPermitted):
        make_draft(clerk_b, county.a)


def test_a_draft_needs_a_title_and_text_in_each_section(county, clerk_a):
    with pytest.raises(Invalid) as exc:
        make_draft(clerk_a, county.a, title="  ")
    assert exc.value.field == "title"
    with pytest.raises(Invalid) as exc:
        make_draft(clerk_a, county.a, sections=[{"heading": "总则", "text": ""}])
    assert exc.value.field == "sections"


def test_the_period_must_end_after_it_begins(county, clerk_a):
    now = timezone.now()
    with pytest.raises(Invalid) as exc:
        make_draft(clerk_a, county.a, opens_at=now + datetime.timedelta(days=40))
    assert exc.value.field == "closes_at"


def test_another_unit_may_not_edit_or_open_the_draft(county, clerk_a, clerk_b):
    draft = make_draft(clerk_a, county.a)
    with pytest.raises(NotPermitted):
        services.edit_consultation(clerk_b, draft, title="x", sections=[("a", "b")])
    with pytest.raises(NotPermitted):
        services.open_consultation(clerk_b, draft)


def test_opening_publishes_the_draft_and_freezes_its_text(county, clerk_a):
    draft = make_draft(clerk_a, county.a)
    opened = services.open_consultation(clerk_a, draft)
    assert opened.state == ConsultationState.OPEN
    assert opened.opens_at <= timezone.now()
    assert selectors.public_consultation(opened.pk) is not None
    with pytest.raises(Conflict):
        services.edit_consultation(
            clerk_a, opened, title="changed", sections=[("a", "b")], closes_at=opened.closes_at
        )
    with pytest.raises(Conflict):
        services.open_consultation(clerk_a, opened)


def test_a_draft_is_not_public(county, clerk_a):
    draft = make_draft(clerk_a, county.a)
    assert selectors.public_consultation(draft.pk) is None


def test_a_draft_without_a_future_closing_time_cannot_open(county, clerk_a):
    draft = make_draft(clerk_a, county.a, days=-1, opens_at=timezone.now() - datetime.timedelta(2))
    with pytest.raises(Invalid) as exc:
        services.open_consultation(clerk_a, draft)
    assert exc.value.field == "closes_at"


# --- comments ---------------------------------------------------------------------------


def test_a_comment_on_a_section_waits_for_a_check_and_opens_one_work_item(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    section = consultation.sections.get(number=2)
    first = comment(consultation, section=section)
    comment(consultation, text="第二条的收费标准偏高。", mobile="13900002222")
    assert first.state == CommentState.PENDING and first.section == section
    consultation.refresh_from_db()
    assert consultation.comments_received == 2 and consultation.comments_published == 0
    items = open_items(consultation, services.MODERATE_KIND)
    assert items.count() == 1
    assert items.get().assignee_unit == county.a and items.get().due_date is not None


def test_the_same_submission_key_stores_one_comment(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    one = comment(consultation, key="same-key-0000000001")
    two = comment(consultation, key="same-key-0000000001")
    assert one.pk == two.pk
    consultation.refresh_from_db()
    assert consultation.comments_received == 1


def test_a_closed_consultation_refuses_comments(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    services.close_consultation(clerk_a, consultation, reason="政策调整，提前结束。")
    with pytest.raises(Conflict) as exc:
        comment(consultation)
    assert exc.value.code == "not_open"
    assert not Comment.objects.exists()


def test_a_comment_after_the_deadline_is_refused_even_before_the_job_runs(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    with pytest.raises(Conflict):
        comment(consultation)


def test_a_draft_refuses_comments(county, clerk_a):
    with pytest.raises(Conflict):
        comment(make_draft(clerk_a, county.a))


def test_bad_comment_input_is_refused_with_the_field(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    for fields, field in [
        ({"text": " "}, "text"),
        ({"text": "长" * (services.COMMENT_MAX + 1)}, "text"),
        ({"name": ""}, "name"),
        ({"mobile": "12345"}, "mobile"),
        ({"organisation": "x" * 101}, "organisation"),
    ]:
        with pytest.raises(Invalid) as exc:
            comment(consultation, **fields)
        assert exc.value.field == field
    assert not Comment.objects.exists()


def test_a_section_of_another_draft_is_refused(county, clerk_a):
    one = make_open(clerk_a, county.a)
    other = make_open(clerk_a, county.a)
    with pytest.raises(Invalid) as exc:
        comment(one, section=other.sections.first())
    assert exc.value.field == "section"


def test_comments_are_rate_limited_per_mobile_number(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    limit, _window = __import__("zhengtong.public.throttle", fromlist=["x"]).SUBMIT_PER_NUMBER_DAY
    for _ in range(limit):
        comment(consultation)
    with pytest.raises(Throttled):
        comment(consultation)


def test_private_comments_are_never_published_nor_moderated(county, clerk_a):
    consultation = make_open(clerk_a, county.a, moderation="private")
    received = comment(consultation)
    assert received.state == CommentState.PRIVATE
    assert not open_items(consultation, services.MODERATE_KIND).exists()
    assert list(selectors.published_comments(consultation)) == []
    with pytest.raises(Conflict):
        services.moderate_comment(clerk_a, received, approve=True)
    # Even a row marked approved by mistake stays hidden in the private mode.
    Comment.objects.filter(pk=received.pk).update(state=CommentState.APPROVED)
    assert list(selectors.published_comments(consultation)) == []


# --- moderation -------------------------------------------------------------------------


def test_approving_publishes_masked_and_closes_the_item_when_none_waits(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    first = comment(consultation, text=f"请联系我 {MOBILE}，身份证 110101199003074514。")
    second = comment(consultation, mobile="13900002222")
    services.moderate_comment(clerk_a, first, approve=True)
    assert open_items(consultation, services.MODERATE_KIND).exists()
    services.moderate_comment(clerk_a, second, approve=False, reason="与征求意见内容无关。")
    assert not open_items(consultation, services.MODERATE_KIND).exists()
    shown = [selectors.public_comment_view(c) for c in selectors.published_comments(consultation)]
    assert len(shown) == 1
    assert MOBILE not in shown[0]["text"] and "110101199003074514" not in shown[0]["text"]
    assert shown[0]["name"] == "刘**"
    consultation.refresh_from_db()
    assert consultation.comments_published == 1
    assert audit_records("consultations.reject")


def test_published_comments_hide_addresses_and_names_but_not_units(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    text = (
        "我是刘小明，住在城关镇人民路35号3栋2单元602室。邻居王秀英也认为夜间收费太高，"
        "建议Education Bureau听取意见。"
    )
    services.moderate_comment(clerk_a, comment(consultation, text=text), approve=True)
    (shown,) = selectors.public_comment_views(consultation)
    assert "刘小明" not in shown["text"] and "刘某某" in shown["text"]
    assert "王秀英" not in shown["text"] and "王某某" in shown["text"]
    assert "城关镇" + "*" * 15 + "。" in shown["text"]
    assert "Education Bureau" in shown["text"]


def test_rejecting_needs_a_reason(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    waiting = comment(consultation)
    with pytest.raises(Invalid) as exc:
        services.moderate_comment(clerk_a, waiting, approve=False, reason="")
    assert exc.value.field == "reason"


def test_another_unit_may_not_moderate(county, clerk_a, clerk_b):
    consultation = make_open(clerk_a, county.a)
    waiting = comment(consultation)
    with pytest.raises(NotPermitted):
        services.moderate_comment(clerk_b, waiting, approve=True)


def test_a_comment_is_checked_once(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    waiting = comment(consultation)
    services.moderate_comment(clerk_a, waiting, approve=True)
    with pytest.raises(Conflict):
        services.moderate_comment(clerk_a, waiting, approve=False, reason="x")


# --- closing and the summary ------------------------------------------------------------


def test_the_scheduler_closes_at_the_deadline_and_opens_the_summary_item(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    later = make_open(clerk_a, county.a)
    closed = services.close_due_consultations(now=consultation.closes_at)
    assert [c.pk for c in closed] == [consultation.pk, later.pk] or consultation.pk in [
        c.pk for c in closed
    ]
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.CLOSED
    assert open_items(consultation, services.SUMMARY_KIND).count() == 1
    assert services.close_due_consultations(now=consultation.closes_at) == []


def test_the_scheduler_leaves_consultations_still_running(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    assert services.close_due_consultations() == []
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.OPEN


def test_closing_early_needs_a_reason_and_the_unit(county, clerk_a, clerk_b):
    consultation = make_open(clerk_a, county.a)
    with pytest.raises(NotPermitted):
        services.close_consultation(clerk_b, consultation, reason="x")
    with pytest.raises(Invalid):
        services.close_consultation(clerk_a, consultation, reason=" ")
    closed = services.close_consultation(clerk_a, consultation, reason="上位法修订，暂停征求。")
    assert closed.state == ConsultationState.CLOSED
    assert closed.closes_at <= timezone.now()
    with pytest.raises(Conflict):
        services.close_consultation(clerk_a, consultation, reason="again")


def test_the_summary_is_published_only_after_closing(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    with pytest.raises(Conflict) as exc:
        services.publish_summary(clerk_a, consultation, overview="共收到意见。")
    assert exc.value.code == "not_closed"


def test_publishing_the_summary_closes_its_work_item(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    services.moderate_comment(clerk_a, comment(consultation), approve=True)
    services.close_consultation(clerk_a, consultation, reason="征求期满前已充分听取意见。")
    summary = services.publish_summary(
        clerk_a,
        consultation,
        overview="共收到意见1条，采纳1条。",
        points=[{"point": "增加夜间免费时段", "decision": "adopted", "reason": ""}],
    )
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.SUMMARISED
    assert [p.get_decision_display() for p in summary.points.all()]
    assert not open_items(consultation, services.SUMMARY_KIND).exists()
    with pytest.raises(Conflict):
        services.publish_summary(clerk_a, consultation, overview="again")


def test_the_summary_waits_for_comments_still_to_be_checked(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    comment(consultation)
    services.close_consultation(clerk_a, consultation, reason="提前结束。")
    with pytest.raises(Conflict) as exc:
        services.publish_summary(clerk_a, consultation, overview="x")
    assert exc.value.code == "pending_comments"


def test_a_point_not_adopted_needs_its_reason(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    services.close_consultation(clerk_a, consultation, reason="提前结束。")
    with pytest.raises(Invalid) as exc:
        services.publish_summary(
            clerk_a,
            consultation,
            overview="x",
            points=[{"point": "取消收费", "decision": "not_adopted", "reason": ""}],
        )
    assert exc.value.field == "points"


def test_another_unit_may_not_publish_the_summary(county, clerk_a, clerk_b):
    consultation = make_open(clerk_a, county.a)
    services.close_consultation(clerk_a, consultation, reason="提前结束。")
    with pytest.raises(NotPermitted):
        services.publish_summary(clerk_b, consultation, overview="x")


def test_the_summary_closes_a_consultation_whose_deadline_passed(county, clerk_a):
    consultation = make_open(clerk_a, county.a)
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    services.publish_summary(clerk_a, consultation, overview="未收到意见。")
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.SUMMARISED


def test_my_comments_lists_those_made_with_the_accounts_mobile(county, clerk_a):
    from zhengtong.public.models import PublicUser

    from ..registry import my_comments

    user = PublicUser(mobile=MOBILE)
    user.set_password("x")
    user.save()
    consultation = make_open(clerk_a, county.a)
    comment(consultation)
    comment(consultation, mobile="13900002222")
    items = my_comments(user)
    assert [i.title for i in items] == [consultation.title]


def test_a_signed_in_public_user_comments_with_the_accounts_mobile(county, clerk_a):
    from zhengtong.public.models import PublicUser

    user = PublicUser(mobile="13900003333", real_name="赵一")
    user.set_password("x")
    user.save()
    consultation = make_open(clerk_a, county.a)
    stored = services.submit_comment(
        consultation, text="赞成。", public_user=user, submission_key="signed-in-key-000001"
    )
    assert stored.public_user == user and stored.mobile == "13900003333"
    assert stored.name == "赵一"


def test_the_closing_job_is_registered_with_the_scheduler():
    from zhengtong.core import scheduler

    job = next(j for j in scheduler.JOBS if j.name == "consultations_close")
    assert job.every is not None
