"""The staff workspace (待办), the inbox and the IT centre's dashboard."""

import shutil

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengtong.core import calendar, notifications, workitems
from zhengtong.core.errors import DomainError, NotPermitted
from zhengtong.core.models import Notification, WorkItem
from zhengtong.core.views import readiness
from zhengtong.org import permissions
from zhengtong.org.requests import StaffRequest


@login_required
def workspace(request: StaffRequest) -> HttpResponse:
    """The signed-in person's to-do list: their own items and their units', soonest
    due first, overdue marked, with counts."""
    today = timezone.localdate()
    todo = workitems.todo_list(request.user, limit=100, today=today)
    rows = [{"item": i, "urgency": workitems.urgency(i, today)} for i in todo.items]
    return render(
        request,
        "workspace/workspace.html",
        {
            "todo": todo,
            "rows": rows,
            "today": today,
            "delegators": permissions.delegators_of(request.user),
        },
    )


@login_required
@require_POST
def workitem_done(request: StaffRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(WorkItem, pk=pk)
    if not permissions.may(request.user, "core.view_workitem", item):
        raise NotPermitted()
    try:
        workitems.complete_work_item(request.user, item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as done: %(title)s") % {"title": item.title})
    return redirect("core:workspace")


@login_required
def inbox(request: StaffRequest) -> HttpResponse:
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "workspace/inbox.html", {"page": page})


@login_required
@require_POST
def notification_read(request: StaffRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(request.user, note)
    # Only a link within this site ("//other.host/" is not one).
    if note.url and url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.url)
    return redirect("core:notifications")


def _disk_free_percent() -> float:
    usage = shutil.disk_usage(
        settings.MEDIA_ROOT if settings.MEDIA_ROOT.exists() else settings.BASE_DIR
    )
    return round(100 * usage.free / usage.total, 1)


@login_required
def dashboard(request: StaffRequest) -> HttpResponse:
    """The IT centre's page: health, calendar warnings, queue, disk."""
    permissions.require(request.user, "core.view_dashboard")
    from django_tasks_db.models import DBTaskResult

    today = timezone.localdate()
    missing = calendar.missing_years_ahead(today)
    checks = readiness()
    return render(
        request,
        "workspace/dashboard.html",
        {
            "missing_years": missing,
            "checks": checks,
            "disk_free": _disk_free_percent(),
            "queue_waiting": DBTaskResult.objects.filter(status="READY").count(),
            "queue_failed": DBTaskResult.objects.filter(status="FAILED").count(),
            "fallback_items": WorkItem.objects.filter(state="open", due_fallback=True).count(),
            "overdue_items": WorkItem.objects.filter(state="open", due_date__lt=today).count(),
        },
    )
