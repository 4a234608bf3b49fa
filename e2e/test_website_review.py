"""The website's editorial review (三审三校) as people click it in the Wagtail admin at
/cms/: a department's editor writes a news item in the department's column and submits
it; the department's reviewer (初审, with the secrecy review), the department's head
(复审) and the government office's reviewer (终审) approve it, and it goes live. A
second item is rejected at the second step and goes back to the editor, unpublished.

Each person works in their own browser context and finds the job in their to-do list
at /oa/ (the work items the workflow opens and closes). Wagtail's admin is partly
translated: buttons are found by stable attributes (name, data-*), not by label."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.org.models import Role
from zhengtong.portal import cache as portal_cache
from zhengtong.portal import cms_permissions
from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import ensure_site, section

from .conftest import sign_in

NEWS = "县教育局召开秋季开学工作会议"
NEWS_SUMMARY = "县教育局部署秋季开学各项工作。"
NEWS_BODY = "9月1日，县教育局召开秋季开学工作会议，部署校园安全和教学准备工作。"
REJECTED = "县教育局开展暑期校外培训机构检查"
REJECTED_BODY = "7月以来，县教育局联合有关部门开展校外培训机构专项检查。"


@pytest.fixture
def newsroom(county):
    """A county with its government office (which runs the site) and its education
    bureau, whose news column sits under 政务动态; the bureau's editor, reviewer and
    head and the office's reviewer (no role that needs two-factor sign-in)."""
    # The database is emptied between browser tests, caches are not: Wagtail's site
    # paths and the public pages of an earlier test's site must go.
    cache.clear()
    portal_cache.reset()
    # The government runs the site (its home page's unit, hence the 终审).
    office, bureau = county.government, county.education
    ensure_site(county.root, office=office)  # also sets up the review workflow
    column = pm.SectionPage(title="教育动态", slug="jydt", owner_unit=bureau)
    section("zwdt").add_child(instance=column)
    column.save_revision().publish()

    def staff(username, real_name, unit, role):
        return county.staff(username, unit, real_name, role)

    people = {
        "editor": staff("jy_editor", "赵编辑", bureau, Role.EDITOR),
        "reviewer": staff("jy_reviewer", "钱审核", bureau, Role.REVIEWER),
        "head": staff("jy_head", "孙局长", bureau, Role.UNIT_HEAD),
        "office": staff("bgs_reviewer", "李主任", office, Role.REVIEWER),
    }
    cms_permissions.sync_all()  # what `manage.py sync_cms_permissions` runs
    return {"column": column, "people": people}


# --- what people do ----------------------------------------------------------------------


@pytest.fixture
def desks(browser, live_server, newsroom):
    """Each person's own browser, signed in on first use: desks["jy_head"]."""
    contexts = []

    class Desks(dict):
        def __missing__(self, username):
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15000)
            sign_in(page, live_server, username)
            page.wait_for_url(f"{live_server.url}/oa/")
            self[username] = page
            return page

    yield Desks()
    for context in contexts:
        context.close()


@pytest.fixture
def visitor(browser):
    """A member of the public (no session)."""
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


REVIEWERS = ("jy_reviewer", "jy_head", "bgs_reviewer")


def todo_rows(page, live_server):
    """The rows of the person's to-do list at /oa/, as text."""
    page.goto(f"{live_server.url}/oa/")
    page.locator("main h1").wait_for()
    return page.locator("table.list tbody tr").all_inner_texts()


def who_has_it(desks, live_server, title, usernames=REVIEWERS):
    """Which of these people have an item about `title` in their to-do list."""
    return {u for u in usernames if any(title in row for row in todo_rows(desks[u], live_server))}


def open_from_todo(page, live_server, title):
    """Follow the to-do item about `title` to the page's editor in /cms/."""
    todo_rows(page, live_server)
    row = page.locator("table.list tbody tr", has_text=title)
    row.get_by_role("link", name=re.compile(re.escape(title))).click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/edit/"))
    page.locator("#page-edit-form").wait_for()


def footer_action(page, selector):
    """A button of the editor's footer action menu, opening the menu when needed."""
    button = page.locator(f"footer {selector}").first
    if not button.is_visible():
        page.locator("footer .w-dropdown__toggle").first.click()
    button.wait_for(state="visible")
    return button


def confirmed(page):
    """Wagtail's confirmation after a redirect (it may fade away: attached is enough),
    and no error (such as "no permission" for the page it sends the person to)."""
    page.locator(".messages li.success").first.wait_for(state="attached")
    errors = page.locator(".messages li.error")
    assert errors.count() == 0, errors.all_inner_texts()


def write_article(page, live_server, title, summary, body):
    """The editor finds the department's column from /cms/, adds an article, fills it
    in and submits it to the review workflow."""
    page.goto(f"{live_server.url}/cms/")
    # The dashboard's page count leads to the part of the tree the editor may edit.
    page.locator(".w-summary a[href^='/cms/pages/']").first.click()
    page.get_by_role("heading", name="教育动态").wait_for()
    page.locator("a[href$='/add_subpage/']").first.click()
    page.locator("a[href*='/add/portal/articlepage/']").first.click()
    page.locator("#id_title").fill(title)
    page.locator("#id_summary").fill(summary)
    page.locator("button.c-sf-add-button").first.click()
    page.locator(".w-combobox__option:has(.icon-pilcrow)").first.click()  # the text block
    page.locator("[data-contentpath='body'] .public-DraftEditor-content").first.click()
    page.keyboard.type(body)
    # Draftail writes the text into its hidden field a moment later (and on leaving it).
    page.locator("#id_summary").click()
    expect(page.locator("input[name='body-0-value']")).to_have_value(
        re.compile(re.escape(body[:8]))
    )
    footer_action(page, "button[name='action-submit']").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))  # back to the column
    confirmed(page)
    expect(page.locator("main")).to_contain_text(title)


def review_modal(page, action):
    """Open the decision form of `action` ("approve" / "reject") from the editor."""
    footer_action(
        page, f"[data-workflow-action-name='{action}'][data-workflow-action-modal-url]"
    ).click()
    modal = page.locator(".modal").filter(has=page.locator("textarea[name='comment']"))
    modal.locator("textarea[name='comment']").wait_for()
    return modal


def send(page, modal):
    """Submit the decision; Wagtail saves it with the page and leaves the editor."""
    with page.expect_navigation():
        modal.locator("button[type='submit']").click()
    confirmed(page)


def refused_in_modal(page, modal, field):
    """Submit, and find the form back with an error on `field` (nothing decided)."""
    url = page.url
    modal.locator("button[type='submit']").click()
    error = modal.locator(f".w-field--error:has([name='{field}']) .error-message")
    error.wait_for()
    assert error.inner_text().strip()
    assert page.url == url
    return error.inner_text().strip()


def decide(page, action, comment, secrecy=False):
    modal = review_modal(page, action)
    modal.locator("textarea[name='comment']").fill(comment)
    if secrecy:
        modal.locator("input[name='secrecy_confirmed']").check()
    send(page, modal)


def open_review_items():
    return WorkItem.objects.filter(kind="portal.review", state=WorkItemState.OPEN)


def article(title):
    return pm.ArticlePage.objects.get(title=title)


def current_level(page):
    state = WorkflowState.objects.get(object_id=str(page.pk), status__in=["in_progress"])
    return state.current_task_state.task.specific.level


# --- the review -------------------------------------------------------------------------------


def test_a_news_item_passes_three_reviews_and_goes_live(desks, visitor, live_server, newsroom):
    people = newsroom["people"]
    write_article(desks["jy_editor"], live_server, NEWS, NEWS_SUMMARY, NEWS_BODY)
    news = article(NEWS)
    assert not news.live
    public_url = f"{live_server.url}{news.get_url()}"
    assert who_has_it(desks, live_server, NEWS) == {"jy_reviewer"}

    # 初审: the bureau's reviewer, who must confirm the secrecy review.
    reviewer = desks["jy_reviewer"]
    open_from_todo(reviewer, live_server, NEWS)
    modal = review_modal(reviewer, "approve")
    modal.locator("textarea[name='comment']").fill("内容无误")
    refused_in_modal(reviewer, modal, "secrecy_confirmed")
    assert current_level(news) == 1
    modal.locator("input[name='secrecy_confirmed']").check()
    send(reviewer, modal)
    assert who_has_it(desks, live_server, NEWS) == {"jy_head"}

    # 复审: the bureau's head.
    open_from_todo(desks["jy_head"], live_server, NEWS)
    decide(desks["jy_head"], "approve", "同意")
    assert who_has_it(desks, live_server, NEWS) == {"bgs_reviewer"}
    assert visitor.goto(public_url).status == 404  # not before the final review

    # 终审: the government office's reviewer; the approval publishes.
    open_from_todo(desks["bgs_reviewer"], live_server, NEWS)
    decide(desks["bgs_reviewer"], "approve", "同意发布")
    assert who_has_it(desks, live_server, NEWS) == set()

    response = visitor.goto(public_url)
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(NEWS)
    expect(visitor.locator("main")).to_contain_text(NEWS_BODY)

    news.refresh_from_db()
    assert news.live
    assert not open_review_items().exists()
    state = WorkflowState.objects.get(object_id=str(news.pk))
    assert state.status == WorkflowState.STATUS_APPROVED
    steps = list(state.task_states.order_by("started_at").select_related("finished_by"))
    assert [s.task.specific.level for s in steps] == [1, 2, 3]
    assert [s.finished_by for s in steps] == [people["reviewer"], people["head"], people["office"]]
    assert [s.comment for s in steps] == ["内容无误", "同意", "同意发布"]
    assert steps[0].specific.secrecy_confirmed is True


def test_a_news_item_rejected_at_the_second_step_goes_back_to_the_editor(
    desks, visitor, live_server, newsroom
):
    editor = desks["jy_editor"]
    write_article(editor, live_server, REJECTED, "校外培训机构专项检查情况。", REJECTED_BODY)
    item = article(REJECTED)
    public_url = f"{live_server.url}{item.get_url()}"

    open_from_todo(desks["jy_reviewer"], live_server, REJECTED)
    decide(desks["jy_reviewer"], "approve", "不涉密", secrecy=True)
    assert who_has_it(desks, live_server, REJECTED) == {"jy_head"}

    # 复审: the head sends it back; a rejection without a word is refused.
    head = desks["jy_head"]
    open_from_todo(head, live_server, REJECTED)
    modal = review_modal(head, "reject")
    refused_in_modal(head, modal, "comment")
    assert current_level(item) == 2
    modal.locator("textarea[name='comment']").fill("检查数据需与监管平台核对后再报")
    send(head, modal)

    # Nobody reviews it any more (the office never saw it); the editor has it back.
    assert who_has_it(desks, live_server, REJECTED) == set()
    assert not open_review_items().exists()
    assert any(REJECTED in row for row in todo_rows(editor, live_server))
    editor.goto(f"{live_server.url}/oa/messages/")
    expect(editor.locator("main")).to_contain_text(REJECTED)
    expect(editor.locator("main")).to_contain_text("检查数据需与监管平台核对后再报")
    # The to-do item leads to the page's editor, where the editor can fix it.
    open_from_todo(editor, live_server, REJECTED)
    expect(editor.locator("#id_title")).to_have_value(REJECTED)

    assert visitor.goto(public_url).status == 404
    item.refresh_from_db()
    assert not item.live
    state = WorkflowState.objects.get(object_id=str(item.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    changes = WorkItem.objects.get(kind="portal.review_changes", state=WorkItemState.OPEN)
    assert changes.assignee_user == newsroom["people"]["editor"]
