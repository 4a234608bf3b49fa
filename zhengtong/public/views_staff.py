"""Staff page /oa/public-users/: the system administrator finds public accounts by
mobile number (blind index), sees them masked, and deactivates or reactivates them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhengtong.core.errors import DomainError
from zhengtong.core.masking import mask_mobile, mask_name
from zhengtong.org import permissions
from zhengtong.org.requests import StaffRequest

from . import services
from .forms_account import StaffSearchForm
from .models import PublicUser


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_list(request: StaffRequest) -> HttpResponse:
    """The accounts, newest first, or the one account of a searched mobile number.
    The search is a POST: a mobile number in the address would reach logs and history."""
    permissions.require(request.user, "public.manage_users")
    form = StaffSearchForm(request.POST or None)
    users = PublicUser.objects.order_by("-date_joined", "-pk")
    searched = False
    if form.is_valid() and form.cleaned_data["mobile"]:
        searched = True
        found = services.find_by_mobile(form.cleaned_data["mobile"])
        users = users.filter(pk=found.pk) if found else users.none()
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "user": u,
            "mobile": mask_mobile(u.mobile),
            "name": u.company_name or mask_name(u.real_name),
        }
        for u in page
    ]
    return render(
        request,
        "public/staff/users.html",
        {"form": form, "page": page, "rows": rows, "searched": searched},
    )


@login_required
@require_POST
def set_active(request: StaffRequest, pk: int) -> HttpResponse:
    """Deactivate or reactivate one account (through the operation)."""
    permissions.require(request.user, "public.manage_users")
    user = get_object_or_404(PublicUser, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.deactivate_public_user(
            request.user, user, active=active, reason=request.POST.get("reason", "")[:200]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("The account was reactivated.") if active else _("The account was deactivated."),
        )
    return redirect(reverse("public_staff:list"))
