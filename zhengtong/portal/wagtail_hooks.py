"""Wagtail admin hooks of the website: unit-scoped editing and the pre-publication
checks shown to the editor.

Wagtail's page permissions reach every descendant of the page they are given on; a
unit's page inside another unit's subtree is its own unit's business. These hooks ask
the permission rules (portal/rules.py) before a page is edited, created, copied, moved
or deleted, so an editor acts on their own unit's pages and nothing else. Reviewers
reach the editor of a page under review through the review task (models_workflow.py).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.permissions import page_permission_policy

from zhengtong.org.permissions import may


def _may_edit(user, page):
    if user.is_superuser:
        return True
    page = page.specific
    if may(user, "portal.edit_page", page):
        return True
    task = page.current_workflow_task
    return bool(task and task.specific.user_can_access_editor(page, user))


def _own_unit_only(request, page):
    if not hasattr(page.specific, "unit"):
        return  # the tree's root and foreign page types: Wagtail's own permissions
    if not _may_edit(request.user, page):
        raise PermissionDenied(_("This page belongs to another unit."))


@hooks.register("before_edit_page")
def edit_own_unit_only(request, page):
    _own_unit_only(request, page)
    if request.method == "GET":
        _show_problems(request, page)


@hooks.register("before_delete_page")
def delete_own_unit_only(request, page):
    _own_unit_only(request, page)


@hooks.register("before_copy_page")
def copy_own_unit_only(request, page):
    _own_unit_only(request, page)


@hooks.register("before_move_page")
def move_own_unit_only(request, page, destination):
    _own_unit_only(request, page)
    _own_unit_only(request, destination)


@hooks.register("before_create_page")
def create_in_own_unit_only(request, parent_page, page_class):
    _own_unit_only(request, parent_page)


@hooks.register("before_unpublish_page")
def unpublish_own_unit_only(request, page):
    _own_unit_only(request, page)


@hooks.register("after_edit_page")
def reviewers_leave_to_the_dashboard(request, page):
    """A review decision taken in the page editor ends, in Wagtail, on the explorer of
    the page's parent, which a reviewer without page permissions of their own may not
    open ("no permission" after a decision that was made). Send them to the admin's
    dashboard instead, which lists what still awaits their review."""
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    if get_valid_next_url_from_request(request):
        return None
    root = page_permission_policy.explorable_root_instance(request.user)
    parent = page.get_parent()
    if root is not None and (parent.pk == root.pk or parent.is_descendant_of(root)):
        return None
    return redirect("wagtailadmin_home")


def _show_problems(request, page):
    """Tell the editor, on opening the page, what would keep it from being published."""
    from .checks import check_page

    revision = page.get_latest_revision()
    problems = check_page(revision.as_object() if revision else page.specific)
    if not problems:
        return
    messages.warning(
        request,
        _("Before this page can be submitted or published: %(problems)s")
        % {"problems": " ".join(str(p.message) for p in problems)},
    )
