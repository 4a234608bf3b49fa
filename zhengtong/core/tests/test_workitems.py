"""Work items (待办): opening, closing, the to-do list, reminders (催办), the workspace."""

import datetime

import pytest
from django.utils import timezone, translation

from zhengtong.conftest import audit_records, make_delegation, make_user, make_work_item
from zhengtong.core import workitems
from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import CalendarYear, Notification, SpecialDay, WorkItem, WorkItemState
from zhengtong.org.models import Role

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# A Friday in a year the calendar package does not know (no seeded data).
FRIDAY = datetime.date(2030, 9, 27)


def load_2030_national_day():
    """2030: Saturday 28 September worked (调休); 1–7 October off."""
    CalendarYear.objects.update_or_create(year=2030, defaults={"source": "test"})
    SpecialDay.objects.filter(date__year=2030).delete()
    SpecialDay.objects.create(date=datetime.date(2030, 9, 28), kind="workday", name="国庆节")
    for day in range(1, 8):
        date = datetime.date(2030, 10, day)
        if date.weekday() < 5:
            SpecialDay.objects.create(date=date, kind="holiday", name="国庆节")


# --- opening and closing ------------------------------------------------------------------


def test_the_due_date_is_computed_through_the_calendar_and_its_rule_stored(clerk_a, county):
    load_2030_national_day()
    with translation.override("en"):
        item = workitems.open_work_item(
            clerk_a,
            kind="test.sign_for",
            title="Sign for document",
            assignee_unit=county.a,
            due_in_working_days=3,
            due_from=FRIDAY,
        )
    # Sat 28 Sep (worked) = 1, Mon 30 Sep = 2, 1–7 Oct off, Tue 8 Oct = 3
    assert item.due_date == datetime.date(2030, 10, 8)
    assert item.due_rule == "3 working days from 2030-09-27"
    assert item.due_fallback is False
    (record,) = audit_records("workitem.open")
    assert record.object_id == str(item.pk)
    assert record.unit_id == county.a.pk


def test_a_due_date_in_a_year_without_holiday_data_is_flagged_as_estimated(clerk_a, county):
    item = workitems.open_work_item(
        clerk_a,
        kind="test",
        title="T",
        assignee_user=clerk_a,
        due_in_working_days=3,
        due_from=datetime.date(2031, 9, 26),
    )
    # Monday to Friday assumed: Mon 29, Tue 30 Sep, Wed 1 Oct
    assert item.due_date == datetime.date(2031, 10, 1)
    assert item.due_fallback is True


def test_a_given_due_date_is_stored_as_it_is(clerk_a):
    item = workitems.open_work_item(
        None, kind="test", title="T", assignee_user=clerk_a, due_date=datetime.date(2030, 1, 5)
    )
    assert item.due_date == datetime.date(2030, 1, 5)
    assert item.due_rule == ""


def test_a_work_item_needs_an_assignee_and_a_title(clerk_a):
    with pytest.raises(Invalid):
        workitems.open_work_item(None, kind="test", title="Nobody's")
    with pytest.raises(Invalid):
        workitems.open_work_item(None, kind="test", title="  ", assignee_user=clerk_a)
    assert not WorkItem.objects.exists()


def test_the_assignee_completes_their_item_and_it_is_audited(clerk_a):
    item = make_work_item(user=clerk_a)
    workitems.complete_work_item(clerk_a, item)
    item.refresh_from_db()
    assert item.state == WorkItemState.DONE
    assert item.closed_by == clerk_a
    assert item.closed_on_behalf_of is None
    assert item.closed_at is not None
    (record,) = audit_records("workitem.done")
    assert record.actor_id == clerk_a.pk and record.on_behalf_of_id is None


def test_any_member_completes_an_item_of_their_unit(head_a, county):
    item = make_work_item(unit=county.a)
    workitems.complete_work_item(head_a, item)
    assert WorkItem.objects.get(pk=item.pk).closed_by == head_a


def test_completing_someone_elses_item_is_not_permitted_and_changes_nothing(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a)
    with pytest.raises(NotPermitted):
        workitems.complete_work_item(clerk_b, item)
    item.refresh_from_db()
    assert item.state == WorkItemState.OPEN
    assert item.closed_by is None and item.closed_at is None
    assert audit_records("workitem.done") == []


def test_completing_another_units_item_is_not_permitted(clerk_b, county):
    item = make_work_item(unit=county.a)
    with pytest.raises(NotPermitted):
        workitems.cancel_work_item(clerk_b, item)
    assert WorkItem.objects.get(pk=item.pk).state == WorkItemState.OPEN


def test_completing_an_item_twice_is_a_conflict(clerk_a, head_a, county):
    item = make_work_item(unit=county.a)
    workitems.complete_work_item(clerk_a, item)
    with pytest.raises(Conflict):
        workitems.complete_work_item(head_a, item)
    item.refresh_from_db()
    assert item.closed_by == clerk_a
    assert len(audit_records("workitem.done")) == 1


def test_an_outsider_learns_nothing_of_a_closed_items_state(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a, state=WorkItemState.DONE)
    with pytest.raises(NotPermitted):
        workitems.complete_work_item(clerk_b, item)


def test_a_subsystem_closes_all_open_items_about_its_object_under_delegation(
    clerk_a, clerk_b, county
):
    from zhengtong.org import permissions

    subject = county.town  # any object will do
    first = workitems.open_work_item(
        None, kind="doc.handle", title="A", assignee_user=clerk_a, subject=subject
    )
    other_kind = workitems.open_work_item(
        None, kind="doc.read", title="B", assignee_user=clerk_a, subject=subject
    )
    unrelated = make_work_item(user=clerk_a)
    make_delegation(clerk_a, clerk_b)
    acting = permissions.may(clerk_b, "core.close_workitem", first)
    closed = workitems.close_items_for(subject, kind="doc.handle", actor=acting)
    assert [i.pk for i in closed] == [first.pk]
    first.refresh_from_db()
    assert first.state == WorkItemState.DONE
    assert first.closed_by == clerk_b and first.closed_on_behalf_of == clerk_a
    assert WorkItem.objects.get(pk=other_kind.pk).state == WorkItemState.OPEN
    assert WorkItem.objects.get(pk=unrelated.pk).state == WorkItemState.OPEN
    (record,) = audit_records("workitem.done")
    assert record.on_behalf_of_id == clerk_a.pk


# --- the to-do list -----------------------------------------------------------------------


def test_the_todo_list_puts_the_soonest_due_first_and_undated_items_last(clerk_a, county):
    today = datetime.date(2030, 6, 12)
    undated = make_work_item(user=clerk_a, title="undated")
    later = make_work_item(user=clerk_a, due_date=today + 5 * DAY, title="later")
    unit_soon = make_work_item(unit=county.a, due_date=today + DAY, title="unit soon")
    overdue = make_work_item(user=clerk_a, due_date=today - 2 * DAY, title="overdue")
    unit_undated = make_work_item(unit=county.a, title="unit undated")
    todo = workitems.todo_list(clerk_a, today=today)
    assert [i.title for i in todo.items] == [
        overdue.title,
        unit_soon.title,
        later.title,
        undated.title,
        unit_undated.title,
    ]


def test_the_todo_list_counts_open_overdue_and_due_today(clerk_a, county):
    today = datetime.date(2030, 6, 12)
    make_work_item(user=clerk_a, due_date=today - DAY)
    make_work_item(unit=county.a, due_date=today - 3 * DAY)
    make_work_item(user=clerk_a, due_date=today)
    make_work_item(user=clerk_a, due_date=today + DAY)
    make_work_item(user=clerk_a)
    make_work_item(user=clerk_a, due_date=today - DAY, state=WorkItemState.DONE)
    make_work_item(unit=county.b, due_date=today - DAY)
    # assigned to the person within their unit: counted once
    make_work_item(user=clerk_a, unit=county.a, due_date=today)
    todo = workitems.todo_list(clerk_a, today=today)
    assert (todo.total, todo.overdue, todo.due_today) == (6, 2, 2)
    assert len(todo.items) == 6


def test_the_todo_list_is_cut_at_the_limit_but_counts_everything(clerk_a):
    for n in range(5):
        make_work_item(user=clerk_a, due_date=datetime.date(2030, 1, 1) + n * DAY)
    todo = workitems.todo_list(clerk_a, limit=2, today=datetime.date(2030, 1, 1))
    assert [i.due_date.day for i in todo.items] == [1, 2]
    assert todo.total == 5


def test_unit_items_are_visible_to_its_members_only(clerk_a, head_a, clerk_b, county):
    item = make_work_item(unit=county.a)
    assert [i.pk for i in workitems.todo_list(head_a).items] == [item.pk]
    assert workitems.todo_list(clerk_b).items == []
    assert not WorkItem.objects.filter(workitems.visible_items_q(clerk_b)).exists()


def test_personal_items_are_visible_to_their_assignee_only(clerk_a, head_a):
    make_work_item(user=clerk_a)
    assert workitems.todo_list(head_a).total == 0


def test_a_delegators_items_are_visible_to_the_delegate(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a)
    assert workitems.todo_list(clerk_b).total == 0
    make_delegation(clerk_a, clerk_b)
    assert item.pk in [i.pk for i in workitems.todo_list(clerk_b).items]
    assert WorkItem.objects.filter(workitems.visible_items_q(clerk_b), pk=item.pk).exists()


def test_a_revoked_delegation_hides_the_delegators_items_again(clerk_a, clerk_b):
    make_work_item(user=clerk_a)
    make_delegation(clerk_a, clerk_b, revoked=True)
    assert workitems.todo_list(clerk_b).total == 0


def test_urgency_marks_overdue_today_and_soon(clerk_a):
    today = datetime.date(2031, 3, 6)  # a Thursday; no holiday data, Monday-Friday
    assert workitems.urgency(make_work_item(user=clerk_a, due_date=today - DAY), today) == "overdue"
    assert workitems.urgency(make_work_item(user=clerk_a, due_date=today), today) == "today"
    assert workitems.urgency(make_work_item(user=clerk_a, due_date=today + DAY), today) == "soon"
    assert workitems.urgency(make_work_item(user=clerk_a, due_date=today + 7 * DAY), today) == ""
    done = make_work_item(user=clerk_a, due_date=today - DAY, state=WorkItemState.DONE)
    assert workitems.urgency(done, today) == ""


# --- reminders (催办) -----------------------------------------------------------------------


def test_reminders_go_to_assignees_of_items_due_soon_or_overdue(clerk_a, head_a):
    due_monday = make_work_item(user=clerk_a, due_date=FRIDAY + 3 * DAY, title="due Monday")
    overdue = make_work_item(user=head_a, due_date=FRIDAY - 4 * DAY, title="overdue one")
    make_work_item(user=clerk_a, due_date=FRIDAY + 4 * DAY, title="due Tuesday")
    make_work_item(user=clerk_a, title="undated")
    make_work_item(user=clerk_a, due_date=FRIDAY, state=WorkItemState.DONE)
    with translation.override("en"):
        sent = workitems.send_reminders(today=FRIDAY)
    assert sent == 2
    titles = sorted(Notification.objects.values_list("recipient__username", "title"))
    assert titles == [("clerk_a", "Due soon: due Monday"), ("head_a", "Overdue: overdue one")]
    due_monday.refresh_from_db()
    overdue.refresh_from_db()
    assert due_monday.last_reminded_on == FRIDAY and overdue.last_reminded_on == FRIDAY


def test_an_item_is_reminded_at_most_once_a_day(clerk_a):
    make_work_item(user=clerk_a, due_date=FRIDAY)
    assert workitems.send_reminders(today=FRIDAY) == 1
    assert workitems.send_reminders(today=FRIDAY) == 0
    assert Notification.objects.count() == 1
    # the next day it is overdue and reminded again
    assert workitems.send_reminders(today=FRIDAY + DAY) == 1


def test_unit_items_remind_the_units_clerks(clerk_a, head_a, clerk_b, county):
    second_clerk = make_user("clerk_a2", county.a, roles=[Role.CLERK])
    make_work_item(unit=county.a, due_date=FRIDAY)
    assert workitems.send_reminders(today=FRIDAY) == 2
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {clerk_a.username, second_clerk.username}


def test_a_unit_without_a_clerk_has_its_items_reminded_to_its_head(head_a, county):
    make_work_item(unit=county.a, due_date=FRIDAY)
    assert workitems.send_reminders(today=FRIDAY) == 1
    assert Notification.objects.get().recipient == head_a


def test_the_reminder_window_counts_working_days(clerk_a):
    load_2030_national_day()
    # From Friday 27 September 2030 the next working day is Saturday 28 (调休).
    make_work_item(user=clerk_a, due_date=datetime.date(2030, 9, 28))
    make_work_item(user=clerk_a, due_date=datetime.date(2030, 9, 30))
    assert workitems.send_reminders(today=FRIDAY) == 1


# --- the workspace page ---------------------------------------------------------------------


def test_the_workspace_lists_the_items_and_marks_the_overdue(login, clerk_a, county, english):
    today = timezone.localdate()
    make_work_item(user=clerk_a, title="Reply to letter 17", due_date=today - DAY)
    make_work_item(unit=county.a, title="Sign for notice 3", due_date=today + 30 * DAY)
    make_work_item(unit=county.b, title="Not for A")
    response = login(clerk_a).get("/oa/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reply to letter 17" in page and "Sign for notice 3" in page
    assert "Not for A" not in page
    assert page.index("Reply to letter 17") < page.index("Sign for notice 3")
    assert '<tr class="overdue">' in page
    assert "tag-overdue" in page
    todo = response.context["todo"]
    assert (todo.total, todo.overdue) == (2, 1)


def test_the_workspace_says_whom_one_is_acting_for(login, clerk_a, clerk_b):
    make_delegation(clerk_a, clerk_b)
    make_work_item(user=clerk_a, title="Zhang's item")
    page = login(clerk_b).get("/oa/").content.decode()
    assert "Zhang Wei" in page
    assert "Zhang&#x27;s item" in page


def test_marking_an_item_done_from_the_workspace(login, clerk_a, county):
    item = make_work_item(unit=county.a)
    response = login(clerk_a).post(f"/oa/items/{item.pk}/done/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == WorkItemState.DONE and item.closed_by == clerk_a


def test_marking_done_another_units_item_is_forbidden_and_changes_nothing(login, clerk_b, county):
    item = make_work_item(unit=county.a)
    response = login(clerk_b).post(f"/oa/items/{item.pk}/done/")
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == WorkItemState.OPEN


def test_marking_done_twice_from_the_workspace_shows_a_message(login, clerk_a, english):
    item = make_work_item(user=clerk_a, state=WorkItemState.DONE)
    response = login(clerk_a).post(f"/oa/items/{item.pk}/done/", follow=True)
    assert response.status_code == 200
    assert "This item is already closed." in response.content.decode()


def test_marking_done_needs_a_post(login, clerk_a):
    item = make_work_item(user=clerk_a)
    assert login(clerk_a).get(f"/oa/items/{item.pk}/done/").status_code == 405
    assert WorkItem.objects.get(pk=item.pk).state == WorkItemState.OPEN


def test_an_item_that_closes_with_its_step_cannot_be_marked_done_by_hand(clerk_a, county):
    subject = county.town  # stands in for the document the item is about
    item = workitems.open_work_item(
        None,
        kind="documents.sign_for",
        title="签收来文",
        assignee_unit=county.a,
        subject=subject,
        url="/oa/x/",
    )
    with pytest.raises(Conflict) as caught:
        workitems.complete_work_item(clerk_a, item)
    assert caught.value.code == "closes_by_step"
    item.refresh_from_db()
    assert item.state == "open"
    # The subsystem's own operation closes it when the step is done.
    (closed,) = workitems.close_items_for(subject, kind="documents.sign_for", actor=clerk_a)
    assert closed.pk == item.pk and closed.state == "done" and closed.closed_by == clerk_a


def test_the_workspace_offers_the_step_not_a_done_button_for_such_items(
    client, login, clerk_a, county
):
    workitems.open_work_item(
        None, kind="documents.sign_for", title="签收来文", assignee_unit=county.a, url="/oa/x/"
    )
    page = login(clerk_a).get("/oa/").content.decode()
    assert 'href="/oa/x/"' in page
    assert "/done/" not in page
