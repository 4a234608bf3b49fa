"""The editorial review of the website (三审三校) as a Wagtail workflow.

Three `ReviewTask` steps (models_workflow.py) make the workflow "三审三校", assigned to
the home page so that it covers the whole site (`ensure_review_workflow`):

1. 初审 — a reviewer (Role.REVIEWER) of the page's responsible unit; this step is also
   the secrecy review (保密审查, docs/conformance.md DIS-5): the approval records an explicit
   confirmation that the content holds no state secret, and is refused without it;
2. 复审 — the head (Role.UNIT_HEAD) of the page's responsible unit;
3. 终审 — a reviewer of the government office (the home page's unit); the approval
   publishes the page.

One person never approves two levels of the same submission. Each step opens a work
item (core.workitems) for every eligible reviewer, due in SiteSettings.review_days
working days; the decision closes them. A rejection gives the editor a work item and a
notification with the reviewer's comment. Every decision, publication and
unpublication is written to the audit trail with the level and the comment.

Nothing unchecked goes live: the final approval and every other way of publishing (the
IT centre's direct publish, scheduled publishing, code) run the pre-publication checks
(portal/checks.py) and are refused while they find problems.

This module is named by settings.WAGTAIL_FINISH_WORKFLOW_ACTION, which Wagtail imports
while its own models load: the imports of models stay inside the functions.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.signals import (
    page_published,
    page_unpublished,
    task_cancelled,
    task_submitted,
    workflow_cancelled,
    workflow_submitted,
)

from zhengtong.core import audit, workitems
from zhengtong.core.errors import Invalid, NotPermitted
from zhengtong.org import permissions

from . import rules

log = logging.getLogger("zhengtong.portal.workflow")

WORKFLOW_NAME = "三审三校"
# Content (the county's words for its steps), like page titles; edited in /cms/.
LEVEL_NAMES = {1: "初审", 2: "复审", 3: "终审"}
REVIEW_KIND = "portal.review"
CHANGES_KIND = "portal.review_changes"


class PublicationRefused(Invalid):
    code = "prepublication_checks"


# --- who reviews ---------------------------------------------------------------------


def may_review(user, page, level):
    """An `Acting` when `user` may decide `page`'s review step at `level`, else None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return permissions.Acting(user, user)
    return permissions.may(user, f"portal.review_level_{level}", page)


def _approved_levels_by(user_ids, workflow_state, excluding_level):
    """Ids of the people (of `user_ids`) who approved another level of this submission."""
    from .models_workflow import ReviewTaskState

    return set(
        ReviewTaskState.objects.filter(
            workflow_state=workflow_state,
            status=ReviewTaskState.STATUS_APPROVED,
            finished_by_id__in=user_ids,
        )
        .exclude(task__reviewtask__level=excluding_level)
        .values_list("finished_by_id", flat=True)
    )


def _current_state(page, task):
    from wagtail.models import TaskState

    return (
        TaskState.objects.filter(
            workflow_state__base_content_type=page.get_base_content_type(),
            workflow_state__object_id=str(page.pk),
            task=task,
            status=TaskState.STATUS_IN_PROGRESS,
        )
        .select_related("workflow_state")
        .first()
    )


def already_approved_another_level(person, workflow_state, level):
    return bool(_approved_levels_by([person.pk], workflow_state, level))


def submitted_it(person, workflow_state):
    """Whoever sent the page to review never decides it (no one reviews their own
    text, even holding the reviewer's role)."""
    return (
        workflow_state.requested_by_id is not None and workflow_state.requested_by_id == person.pk
    )


def may_not_decide(person, workflow_state, level):
    """Why `person` may not decide this submission at `level` (a NotPermitted), else None."""
    if submitted_it(person, workflow_state):
        return NotPermitted(
            _("You submitted this page for review: someone else decides it."),
            code="own_submission",
        )
    if already_approved_another_level(person, workflow_state, level):
        return NotPermitted(
            _("You approved another level of this submission: someone else decides this one."),
            code="second_level",
        )
    return None


def actions_for(task, page, user):
    """The Wagtail actions `user` has on `page` at this step."""
    acting = may_review(user, page, task.level)
    if acting is None:
        return []
    state = _current_state(page, task)
    if state is not None and may_not_decide(acting.person, state.workflow_state, task.level):
        return []
    reject = ("reject", _("Request changes"), True)
    if task.level == 1:
        # The secrecy review needs the approval form: there is no one-click approval.
        return [reject, ("approve", _("Approve (secrecy review done)"), True)]
    return [reject, ("approve", _("Approve"), False), ("approve", _("Approve with comment"), True)]


def states_awaiting(task, user):
    """Task states of this step that `user` may decide now (for Wagtail's dashboard)."""
    from .models_workflow import ReviewTaskState

    in_progress = task.task_states.filter(status=ReviewTaskState.STATUS_IN_PROGRESS)
    ids = []
    for state in in_progress.select_related("workflow_state"):
        page = state.workflow_state.content_object
        if page is None or may_review(user, page, task.level) is None:
            continue
        if may_not_decide(user, state.workflow_state, task.level):
            continue
        ids.append(state.pk)
    return in_progress.filter(pk__in=ids)


def eligible_reviewers(page, level, workflow_state=None):
    """Active people who may decide `page` at `level` (excluding those who approved
    another level of this submission)."""
    from zhengtong.org.models import User

    role, unit = rules.reviewer_role_and_unit(page, level)
    if role is None or unit is None:
        return []
    people = list(
        User.objects.filter(
            is_active=True, role_assignments__role=role, role_assignments__unit=unit
        )
        .distinct()
        .order_by("pk")
    )
    if workflow_state is not None and people:
        done = _approved_levels_by([p.pk for p in people], workflow_state, level)
        people = [p for p in people if p.pk not in done and not submitted_it(p, workflow_state)]
    return people


# --- the workflow itself ------------------------------------------------------------------


@transaction.atomic
def ensure_review_workflow(home=None):
    """Create the three-step review workflow and assign it to the home page (idempotent).
    Returns the workflow, or None when the site has no home page yet."""
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    from .models_workflow import ReviewTask
    from .sitetree import home_page

    home = home or home_page()
    tasks = []
    for level, name in LEVEL_NAMES.items():
        task = ReviewTask.objects.filter(level=level).order_by("pk").first()
        if task is None:
            task = ReviewTask.objects.create(name=name, level=level)
        elif not task.active:
            task.active = True
            task.save(update_fields=["active"])
        tasks.append(task)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    elif not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for order, task in enumerate(tasks):
        link, _created = WorkflowTask.objects.get_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
        if link.sort_order != order:
            link.sort_order = order
            link.save(update_fields=["sort_order"])
    if home is not None:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


def _review_days(page):
    from wagtail.models import Site

    from .models import SiteSettings

    site = page.get_site() if page.pk else None
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return settings.PORTAL_REVIEW_DAYS
    return SiteSettings.for_site(site).review_days or settings.PORTAL_REVIEW_DAYS


def _edit_url(page):
    from django.urls import reverse

    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _page_of(workflow_state):
    page = workflow_state.content_object
    return getattr(page, "specific", page)


def act_on_review(task, task_state, user, action_name, **data):
    """Approve or reject one review step (Task.on_action). Refuses what the person may
    not do, an approval without the secrecy confirmation (level 1) and an approval of
    content that fails the pre-publication checks."""
    from .checks import check_page
    from .forms import review_decision_errors

    with transaction.atomic():
        task_state = task_state.specific
        workflow_state = task_state.workflow_state
        page = _page_of(workflow_state)
        acting = may_review(user, page, task.level)
        if acting is None or action_name not in ("approve", "reject"):
            raise NotPermitted()
        refused = may_not_decide(acting.person, workflow_state, task.level)
        if refused is not None:
            raise refused
        errors, cleaned = review_decision_errors(task.level, action_name, data)
        if errors:
            raise Invalid(" ".join(errors), code="review_form")
        comment = cleaned.get("comment", "")
        secrecy = bool(cleaned.get("secrecy_confirmed", False))
        if action_name == "approve":
            revision = page.get_latest_revision()
            problems = check_page(revision.as_object() if revision else page)
            if problems:
                raise PublicationRefused(
                    _("This page cannot be approved yet: %(problems)s")
                    % {"problems": " ".join(str(p.message) for p in problems)}
                )
        audit.record(
            acting,
            f"portal.review.{action_name}",
            page,
            unit=rules.responsible_unit(page),
            changes={
                "level": task.level,
                "step": task.name,
                "comment": comment,
                "secrecy_confirmed": secrecy if task.level == 1 else None,
                "revision": task_state.revision_id,
                "task_state": task_state.pk,
            },
        )
        if action_name == "approve":
            if task.level == 1:
                task_state.secrecy_confirmed = secrecy
                task_state.save(update_fields=["secrecy_confirmed"])
            workitems.close_items_for(task_state, kind=REVIEW_KIND, actor=acting)
            task_state.approve(user=user, comment=comment)
        else:
            workitems.close_items_for(task_state, kind=REVIEW_KIND, actor=acting)
            task_state.reject(user=user, comment=comment)
            _tell_editor_of_rejection(acting, task, workflow_state, page, comment)
    return None


def _tell_editor_of_rejection(acting, task, workflow_state, page, comment):
    from zhengtong.core.notifications import notify

    editor = workflow_state.requested_by
    if editor is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Changes requested (%(level)s): %(title)s") % {
            "level": task.name,
            "title": page.get_admin_display_title(),
        }
    workitems.open_work_item(
        acting,
        kind=CHANGES_KIND,
        title=title,
        assignee_user=editor,
        subject=workflow_state,
        url=_edit_url(page),
        due_in_working_days=_review_days(page),
        unit=rules.responsible_unit(page),
    )
    notify(editor, title, body=comment, url=_edit_url(page))


def publish_approved(workflow_state, user=None):
    """settings.WAGTAIL_FINISH_WORKFLOW_ACTION: the final approval publishes the page.
    The reviewer needs no publish permission of their own (the workflow gave it); the
    pre-publication checks still apply."""
    from .checks import check_page

    page = workflow_state.content_object
    revision = page.get_latest_revision()
    problems = check_page(revision.as_object())
    if problems:
        raise PublicationRefused(
            _("This page cannot be published: %(problems)s")
            % {"problems": " ".join(str(p.message) for p in problems)}
        )
    revision.publish(user=user, skip_permission_checks=True)


# --- receivers: work items, audit, the publication guard ---------------------------------


def _is_review_state(task_state):
    from .models_workflow import ReviewTaskState

    return isinstance(task_state, ReviewTaskState)


@receiver(task_submitted, dispatch_uid="zt_portal_review_started")
def open_review_items(sender, instance=None, user=None, **kwargs):
    """A review step started: a work item for each eligible reviewer."""
    if instance is None or not _is_review_state(instance):
        return
    task = instance.task.specific
    workflow_state = instance.workflow_state
    page = _page_of(workflow_state)
    unit = rules.responsible_unit(page)
    # A resubmission after changes: the editor's "changes requested" item is done.
    workitems.close_items_for(workflow_state, kind=CHANGES_KIND, actor=user)
    reviewers = eligible_reviewers(page, task.level, workflow_state)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Review the page (%(level)s): %(title)s") % {
            "level": task.name,
            "title": page.get_admin_display_title(),
        }
    common = {
        "kind": REVIEW_KIND,
        "title": title,
        "subject": instance,
        "url": _edit_url(page),
        "due_in_working_days": _review_days(page),
        "unit": unit,
    }
    if not reviewers:
        role, review_unit = rules.reviewer_role_and_unit(page, task.level)
        log.warning("Nobody can review page %s at level %s", page.pk, task.level)
        if review_unit is not None:
            workitems.open_work_item(user, assignee_unit=review_unit, **common)
        return
    for person in reviewers:
        workitems.open_work_item(user, assignee_user=person, **common)


@receiver(task_cancelled, dispatch_uid="zt_portal_review_cancelled")
def cancel_review_items(sender, instance=None, user=None, **kwargs):
    if instance is None or not _is_review_state(instance):
        return
    from zhengtong.core.models import WorkItemState

    workitems.close_items_for(instance, kind=REVIEW_KIND, state=WorkItemState.CANCELLED, actor=user)


@receiver(workflow_submitted, dispatch_uid="zt_portal_review_submitted")
def audit_submission(sender, instance=None, user=None, **kwargs):
    page = _page_of(instance)
    audit.record(
        user,
        "portal.review.submit",
        page,
        unit=rules.responsible_unit(page),
        changes={"workflow": instance.workflow.name, "revision": page.latest_revision_id},
    )


@receiver(workflow_cancelled, dispatch_uid="zt_portal_review_withdrawn")
def audit_cancellation(sender, instance=None, user=None, **kwargs):
    from zhengtong.core.models import WorkItemState

    page = _page_of(instance)
    workitems.close_items_for(
        instance, kind=CHANGES_KIND, state=WorkItemState.CANCELLED, actor=user
    )
    audit.record(
        user,
        "portal.review.cancel",
        page,
        unit=rules.responsible_unit(page),
        changes={"workflow": instance.workflow.name},
    )


def _request_user():
    from zhengtong.core.middleware import current_request

    request = current_request()
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@receiver(page_published, dispatch_uid="zt_portal_audit_publish")
def audit_publication(sender, instance=None, revision=None, **kwargs):
    audit.record(
        _request_user(),
        "portal.page.publish",
        instance,
        unit=rules.responsible_unit(instance),
        changes={
            "revision": getattr(revision, "pk", None),
            "url_path": instance.url_path,
            "first_published_at": instance.first_published_at,
            "last_published_at": instance.last_published_at,
        },
    )


@receiver(page_unpublished, dispatch_uid="zt_portal_audit_unpublish")
def audit_unpublication(sender, instance=None, **kwargs):
    audit.record(
        _request_user(),
        "portal.page.unpublish",
        instance,
        unit=rules.responsible_unit(instance),
        changes={"url_path": instance.url_path},
    )


@receiver(pre_save, dispatch_uid="zt_portal_publication_guard")
def refuse_unchecked_publication(sender, instance=None, raw=False, **kwargs):
    """The last line: a page row that is about to show a new revision to the public
    is checked, whoever or whatever publishes it."""
    if raw or instance is None or not getattr(instance, "live", False):
        return
    from .models import CountyPage

    if not isinstance(instance, CountyPage):
        return
    from wagtail.models import Page

    if instance.pk:
        before = Page.objects.filter(pk=instance.pk).values("live", "live_revision_id").first()
        if before and before["live"] and before["live_revision_id"] == instance.live_revision_id:
            return  # nothing new goes online (a move, a lock, a title of the draft…)
    from .checks import check_page

    problems = check_page(instance)
    if problems:
        raise PublicationRefused(
            _("This page cannot be published: %(problems)s")
            % {"problems": " ".join(str(p.message) for p in problems)}
        )


from . import cms_permissions  # noqa: E402,F401  (its signal receivers keep the groups in step)
