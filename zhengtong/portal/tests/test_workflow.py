"""The editorial review (三审三校), through Wagtail's own admin views: the unit's
reviewer (初审, with the secrecy review), the unit's head (复审), the government
office's reviewer (终审, which publishes)."""

import json

import pytest
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from zhengtong.conftest import audit_records, make_user
from zhengtong.core.models import Notification, WorkItem, WorkItemState
from zhengtong.org.models import Role
from zhengtong.portal import models as pm
from zhengtong.portal.models_workflow import ReviewTaskState
from zhengtong.portal.workflow import PublicationRefused, act_on_review, ensure_review_workflow

VALID_ID = "11010519491231002X"


# --- helpers shared with the other website tests --------------------------------------------


def unit_section(parent, unit, title="教育局动态", slug="jyj"):
    """A section of `parent` that `unit` is responsible for."""
    page = pm.SectionPage(title=title, slug=slug, owner_unit=unit)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def draft(parent, title="县教育局召开秋季开学工作会议", **fields):
    """An article never published (as the editor's "save draft" leaves it)."""
    page = pm.ArticlePage(title=title, live=False, **fields)
    parent.add_child(instance=page)
    page.save_revision()
    return page


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def edit_form(client, page, **changes):
    """The page's edit form as the browser would post it, with `changes`."""
    response = client.get(edit_url(page))
    assert response.status_code == 200, response
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # Stream fields are drawn by the browser's script: an empty one is posted as its count.
    if "body-count" not in data and hasattr(page.specific, "body"):
        data["body-count"] = "0"
    for name, value in changes.items():
        data[name] = value
    return data


def submit(client, page, **changes):
    return client.post(edit_url(page), edit_form(client, page, **{"action-submit": "1", **changes}))


def current_state(page):
    return TaskState.objects.filter(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    ).first()


def decide(client, page, action, headers=None, **data):
    state = current_state(page)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    return client.post(url, data, headers=headers)


def open_review_items():
    return WorkItem.objects.filter(kind="portal.review", state=WorkItemState.OPEN)


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def workflow(site):
    return ensure_review_workflow()


@pytest.fixture
def section_a(site, news, county):
    return unit_section(news, county.a)


@pytest.fixture
def office_reviewer(county):
    return make_user("office_reviewer", county.government, roles=[Role.REVIEWER])


@pytest.fixture
def people(county, editor_a, reviewer_a, head_a, office_reviewer):
    return {"editor": editor_a, "reviewer": reviewer_a, "head": head_a, "office": office_reviewer}


@pytest.fixture
def submitted(workflow, section_a, people, client):
    """A draft of unit A, submitted for review by A's editor through the page editor."""
    page = draft(section_a, owner_unit=None)
    client.force_login(people["editor"])
    response = submit(client, page)
    assert response.status_code == 302, response.content.decode()[:500]
    client.logout()
    return page


# --- the workflow itself -------------------------------------------------------------------------


def test_the_review_workflow_is_set_up_once_and_covers_the_site(site):
    first = ensure_review_workflow()
    second = ensure_review_workflow()
    assert first.pk == second.pk
    assert [t.specific.level for t in first.tasks] == [1, 2, 3]
    assert [t.name for t in first.tasks] == ["初审", "复审", "终审"]
    assert site.get_workflow() == first


def test_submitting_opens_a_work_item_for_the_units_reviewer(submitted, people, county):
    state = current_state(submitted)
    assert state.task.specific.level == 1
    [item] = open_review_items()
    assert item.assignee_user == people["reviewer"]
    assert item.due_date is not None
    assert item.url == edit_url(submitted)
    assert audit_records("portal.review.submit", object_id=str(submitted.pk))


def test_the_three_levels_in_order_publish_the_page(submitted, people, client):
    client.force_login(people["reviewer"])
    response = decide(client, submitted, "approve", comment="内容无误", secrecy_confirmed="on")
    assert response.status_code == 302
    level_1 = ReviewTaskState.objects.get(task__reviewtask__level=1)
    assert level_1.status == TaskState.STATUS_APPROVED
    assert level_1.secrecy_confirmed is True
    [item] = open_review_items()
    assert item.assignee_user == people["head"]

    client.force_login(people["head"])
    assert decide(client, submitted, "approve").status_code == 302
    [item] = open_review_items()
    assert item.assignee_user == people["office"]

    client.force_login(people["office"])
    assert decide(client, submitted, "approve", comment="同意发布").status_code == 302
    submitted.refresh_from_db()
    assert submitted.live
    assert not open_review_items().exists()
    decisions = audit_records("portal.review.approve", object_id=str(submitted.pk))
    assert [r.changes["level"] for r in decisions] == [1, 2, 3]
    assert decisions[0].changes["secrecy_confirmed"] is True
    assert decisions[0].changes["comment"] == "内容无误"
    assert decisions[2].actor == people["office"]
    assert audit_records("portal.page.publish", object_id=str(submitted.pk))


def test_the_first_review_cannot_be_approved_without_the_secrecy_confirmation(
    submitted, people, client
):
    client.force_login(people["reviewer"])
    response = decide(
        client, submitted, "approve", headers={"x-requested-with": "XMLHttpRequest"}, comment="好"
    )
    # Wagtail shows the modal again with the form's error instead of acting.
    assert json.loads(response.content)["step"] == "action"
    assert "secrecy_confirmed" in json.loads(response.content)["html"]
    assert current_state(submitted).task.specific.level == 1
    assert not audit_records("portal.review.approve")


def test_the_secrecy_confirmation_cannot_be_skipped_by_posting_around_the_form(submitted, people):
    state = current_state(submitted)
    with pytest.raises(Exception) as refused:
        act_on_review(state.task.specific, state, people["reviewer"], "approve", comment="")
    assert getattr(refused.value, "code", "") == "review_form"
    assert current_state(submitted).pk == state.pk


def test_a_reviewer_of_another_unit_cannot_decide(submitted, county, client):
    reviewer_b = make_user("reviewer_b", county.b, roles=[Role.REVIEWER])
    client.force_login(reviewer_b)
    decide(client, submitted, "approve", secrecy_confirmed="on")
    assert current_state(submitted).task.specific.level == 1
    state = current_state(submitted)
    assert state.task.specific.get_actions(submitted, reviewer_b) == []


def test_an_editor_cannot_approve_their_own_units_page(submitted, people, client):
    client.force_login(people["editor"])
    decide(client, submitted, "approve", secrecy_confirmed="on")
    assert current_state(submitted).task.specific.level == 1


def test_one_person_never_approves_two_levels_of_the_same_submission(
    workflow, section_a, county, client
):
    both = make_user("both_a", county.a, roles=[Role.REVIEWER, Role.UNIT_HEAD])
    editor = make_user("writer_a", county.a, roles=[Role.EDITOR])
    page = draft(section_a)
    client.force_login(editor)
    assert submit(client, page).status_code == 302
    client.force_login(both)
    decide(client, page, "approve", secrecy_confirmed="on")
    state = current_state(page)
    assert state.task.specific.level == 2
    # No work item for the second level, no action, and a direct attempt is refused.
    assert not open_review_items().filter(assignee_user=both).exists()
    assert state.task.specific.get_actions(page, both) == []
    decide(client, page, "approve")
    assert current_state(page).pk == state.pk


def test_an_editor_holding_the_reviewer_role_never_reviews_their_own_submission(
    workflow, section_a, county, reviewer_a, client
):
    writer = make_user("writer_reviewer_a", county.a, roles=[Role.EDITOR, Role.REVIEWER])
    page = draft(section_a)
    client.force_login(writer)
    assert submit(client, page).status_code == 302
    state = current_state(page)
    assert state.task.specific.level == 1
    # The work item goes to the other reviewer only; the writer has no action and a
    # direct attempt is refused.
    assignees = set(open_review_items().values_list("assignee_user_id", flat=True))
    assert writer.pk not in assignees and reviewer_a.pk in assignees
    assert state.task.specific.get_actions(page, writer) == []
    decide(client, page, "approve", secrecy_confirmed="on", comment="自己审自己")
    assert current_state(page).pk == state.pk
    client.force_login(reviewer_a)
    decide(client, page, "approve", secrecy_confirmed="on", comment="已审")
    assert current_state(page).task.specific.level == 2


def test_a_rejection_goes_back_to_the_editor_with_the_comment(submitted, people, client):
    client.force_login(people["reviewer"])
    decide(client, submitted, "reject", comment="第二段数据需核实")
    workflow_state = WorkflowState.objects.get(object_id=str(submitted.pk))
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not open_review_items().exists()
    [item] = WorkItem.objects.filter(kind="portal.review_changes", state=WorkItemState.OPEN)
    assert item.assignee_user == people["editor"]
    note = Notification.objects.get(recipient=people["editor"])
    assert note.body == "第二段数据需核实"
    [record] = audit_records("portal.review.reject", object_id=str(submitted.pk))
    assert record.changes["comment"] == "第二段数据需核实"
    assert record.changes["level"] == 1

    # The editor fixes it and submits again: the review starts over at the same level.
    client.force_login(people["editor"])
    assert submit(client, submitted, summary="数据已核实").status_code == 302
    assert not WorkItem.objects.filter(kind="portal.review_changes", state="open").exists()
    [item] = open_review_items()
    assert item.assignee_user == people["reviewer"]


def test_a_rejection_needs_a_comment(submitted, people, client):
    client.force_login(people["reviewer"])
    decide(client, submitted, "reject", comment="")
    assert current_state(submitted).task.specific.level == 1
    assert not audit_records("portal.review.reject")


def test_content_that_fails_the_checks_cannot_be_approved(submitted, people, client, site):
    settings = pm.SiteSettings.for_site(site.get_site())
    settings.sensitive_words = "开学"
    settings.save()
    client.force_login(people["reviewer"])
    response = decide(client, submitted, "approve", secrecy_confirmed="on")
    assert response.status_code == 400
    assert "开学" in response.content.decode()
    assert current_state(submitted).task.specific.level == 1
    state = current_state(submitted)
    with pytest.raises(PublicationRefused):
        act_on_review(
            state.task.specific, state, people["reviewer"], "approve", secrecy_confirmed=True
        )


# --- the editor's side ---------------------------------------------------------------------------


def test_submitting_a_page_with_an_id_number_is_refused_but_saving_the_draft_works(
    workflow, section_a, editor_a, client
):
    page = draft(section_a)
    client.force_login(editor_a)
    response = submit(client, page, summary=f"申请人 {VALID_ID}")
    assert response.status_code == 200  # the form again, with the problem
    assert "1101**********002X" in response.content.decode()
    assert not WorkflowState.objects.exists()
    saved = client.post(edit_url(page), edit_form(client, page, summary=f"申请人 {VALID_ID}"))
    assert saved.status_code == 302
    page.refresh_from_db()
    assert VALID_ID in page.get_latest_revision().as_object().summary


def test_an_editor_cannot_publish_directly(workflow, section_a, editor_a, client):
    page = draft(section_a)
    client.force_login(editor_a)
    client.post(edit_url(page), edit_form(client, page, **{"action-publish": "1"}))
    page.refresh_from_db()
    assert not page.live


def test_the_it_centre_publishes_directly_but_not_past_the_checks(
    workflow, section_a, system_admin, login
):
    page = draft(section_a)
    client = login(system_admin)
    refused = client.post(
        edit_url(page), edit_form(client, page, **{"action-publish": "1", "summary": VALID_ID})
    )
    assert refused.status_code == 200
    page.refresh_from_db()
    assert not page.live
    client.post(edit_url(page), edit_form(client, page, **{"action-publish": "1", "summary": ""}))
    page.refresh_from_db()
    assert page.live


def test_posted_publication_dates_change_nothing(workflow, section_a, system_admin, login):
    page = draft(section_a)
    client = login(system_admin)
    data = edit_form(client, page, **{"action-publish": "1"})
    data["first_published_at"] = "2001-01-01 08:00"
    data["last_published_at"] = "2001-01-01 08:00"
    client.post(edit_url(page), data)
    page.refresh_from_db()
    assert page.live
    assert page.first_published_at.year > 2001
    assert page.last_published_at.year > 2001


def test_the_dashboard_lists_what_awaits_the_reviewer(submitted, people, client):
    client.force_login(people["reviewer"])
    response = client.get("/cms/")
    assert response.status_code == 200
    assert submitted.title in response.content.decode()
    client.force_login(people["head"])
    assert submitted.title not in client.get("/cms/").content.decode()
