"""Staff pages of disclosure requests at /oa/disclosure-requests/: the list of requests
awaiting my units, a request with the actions its state and my role allow, the paper
registration form, the reply PDF and the statistics table (docs/conformance.md DIS-14)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zhengtong.api.files import file_response
from zhengtong.core.errors import DomainError, NotPermitted
from zhengtong.core.masking import mask_citizen_id, mask_mobile
from zhengtong.core.web import form_error
from zhengtong.org import permissions
from zhengtong.org.models import Unit

from . import forms, selectors, services
from .models import OPEN_STATES, State


def _request_or_404(user, pk):
    req = selectors.get_visible(user, pk)
    if req is None:
        raise Http404()
    return req


@login_required
@require_safe
def request_list(request):
    """Open requests of my units, soonest due first; `?show=all` lists closed ones too."""
    show_all = request.GET.get("show") == "all"
    rows = (
        selectors.visible_requests(request.user) if show_all else selectors.awaiting(request.user)
    )
    if show_all:
        rows = rows.order_by("-received_on", "-id")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    listed = [(r, mask_mobile(r.mobile), r.due_date and r.due_date < today) for r in page]
    may_register = any(
        permissions.may(request.user, "disclosure.handle", None, unit=u)
        for u in services.organs().filter(pk__in=permissions.unit_ids_of(request.user))
    )
    return render(
        request,
        "disclosure/staff/list.html",
        {"page": page, "rows": listed, "show_all": show_all, "may_register": may_register},
    )


# Each action: (form class, permission rule, states it applies to, the operation).
def _do_correction(user, req, data):
    return services.issue_correction_notice(user, req, **data)


def _do_receive_correction(user, req, data):
    return services.receive_correction(
        user, req, text=data["text"], received_on=data["received_on"]
    )


def _do_extend(user, req, data):
    return services.extend_deadline(user, req, **data)


def _do_consult(user, req, data):
    return services.start_consultation(user, req, **data)


def _do_finish_consultation(user, req, data):
    return services.finish_consultation(user, req, **data)


def _do_reply(user, req, data):
    return services.draft_reply(user, req, **data)


def _do_return(user, req, data):
    return services.return_reply(user, req, reason=data["reason"])


def _do_approve(user, req, data):
    return services.approve_reply(user, req)


def _do_send(user, req, data):
    return services.send_reply(user, req, **data)


def _do_abandon(user, req, data):
    return services.close_as_abandoned(user, req)


ACTIONS = {
    "correction": (forms.CorrectionForm, "disclosure.handle", (State.PROCESSING,), _do_correction),
    "receive-correction": (
        forms.ReceiveCorrectionForm,
        "disclosure.handle",
        (State.CORRECTION,),
        _do_receive_correction,
    ),
    "abandon": (forms.ConfirmForm, "disclosure.handle", (State.CORRECTION,), _do_abandon),
    "extend": (
        forms.ExtensionForm,
        "disclosure.extend",
        (State.PROCESSING, State.CONSULTING, State.REVIEW, State.APPROVED),
        _do_extend,
    ),
    "consult": (forms.ConsultationForm, "disclosure.handle", (State.PROCESSING,), _do_consult),
    "finish-consultation": (
        forms.FinishConsultationForm,
        "disclosure.handle",
        (State.CONSULTING,),
        _do_finish_consultation,
    ),
    "reply": (forms.ReplyForm, "disclosure.handle", (State.PROCESSING, State.REVIEW), _do_reply),
    "return": (forms.ReasonForm, "disclosure.approve", (State.REVIEW,), _do_return),
    "approve": (forms.ConfirmForm, "disclosure.approve", (State.REVIEW,), _do_approve),
    "send": (forms.SendForm, "disclosure.handle", (State.APPROVED,), _do_send),
}
ACTION_TITLES = {
    "correction": gettext_lazy("Issue a correction notice"),
    "receive-correction": gettext_lazy("Record a correction received on paper"),
    "abandon": gettext_lazy("Close: not corrected in time"),
    "extend": gettext_lazy("Extend the reply period"),
    "consult": gettext_lazy("Consult a third party"),
    "finish-consultation": gettext_lazy("Record the third party's answer"),
    "reply": gettext_lazy("Draft the reply"),
    "return": gettext_lazy("Send the draft back"),
    "approve": gettext_lazy("Approve the reply"),
    "send": gettext_lazy("Send the reply"),
}


def _allowed_actions(user, req):
    names = []
    for name, (_form, rule, states, _op) in ACTIONS.items():
        if req.state not in states:
            continue
        if name == "correction" and hasattr(req, "correction"):
            continue
        if name == "extend" and hasattr(req, "extension"):
            continue
        if permissions.may(user, rule, req):
            names.append(name)
    return names


def _initial(name, req):
    today = timezone.localdate()
    if name == "receive-correction":
        return {"received_on": today}
    if name == "reply" and hasattr(req, "reply"):
        reply = req.reply
        return {f: getattr(reply, f) for f in ("kind", *services.REPLY_FIELDS)}
    return None


def _detail_context(user, req, bound=None):
    allowed = _allowed_actions(user, req)
    action_forms = []
    for name in allowed:
        form_class = ACTIONS[name][0]
        form = (
            bound[1]
            if bound and bound[0] == name
            else form_class(initial=_initial(name, req), prefix=name)
        )
        action_forms.append((name, ACTION_TITLES[name], form))
    reply = getattr(req, "reply", None)
    return {
        "req": req,
        "id_masked": mask_citizen_id(req.id_number) if req.id_number else "",
        "correction": getattr(req, "correction", None),
        "extension": getattr(req, "extension", None),
        "consultations": list(req.consultations.all()),
        "reply": reply,
        "actions": action_forms,
        "is_open": req.state in OPEN_STATES,
        "correction_deadline": services.correction_deadline(req),
    }


@login_required
@require_safe
def request_detail(request, pk):
    req = _request_or_404(request.user, pk)
    return render(request, "disclosure/staff/detail.html", _detail_context(request.user, req))


@login_required
@require_POST
def request_action(request, pk, action):
    req = _request_or_404(request.user, pk)
    if action not in ACTIONS:
        raise Http404()
    form_class, rule, _states, operation = ACTIONS[action]
    permissions.require(request.user, rule, req)
    form = form_class(request.POST, request.FILES, prefix=action)
    status = 400
    if form.is_valid():
        try:
            operation(request.user, req, dict(form.cleaned_data))
        except NotPermitted:
            raise
        except DomainError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTION_TITLES[action]})
            return redirect(reverse("disclosure_staff:detail", args=[req.pk]))
    req = _request_or_404(request.user, pk)  # re-read: the operation rolled back
    context = _detail_context(request.user, req, bound=(action, form))
    return render(request, "disclosure/staff/detail.html", context, status=status)


@login_required
@require_safe
def reply_pdf(request, pk):
    req = _request_or_404(request.user, pk)
    reply = getattr(req, "reply", None)
    if reply is None or reply.pdf is None:
        raise Http404()
    with reply.pdf.file.open("rb") as handle:
        content = handle.read()
    return file_response(
        content,
        reply.pdf.original_name,
        "application/pdf",
        personal_data=reply.pdf.contains_personal_data,
        actor=request.user,
        obj=reply.pdf,
        unit=reply.pdf.unit,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register_request(request):
    """A clerk records a request received in person, by post or fax."""
    mine = services.organs().filter(pk__in=permissions.unit_ids_of(request.user))
    units = [u for u in mine if permissions.may(request.user, "disclosure.handle", None, unit=u)]
    if not units:
        raise PermissionDenied()
    queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
    status = 200
    if request.method == "POST":
        form = forms.PaperRequestForm(request.POST, units=queryset)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            unit, channel = data.pop("unit"), data.pop("channel")
            try:
                req, password = services.register_paper_request(
                    request.user, unit=unit, channel=channel, **data
                )
            except NotPermitted:
                raise
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        "Registered as %(number)s. Tell the applicant the query password: "
                        "%(password)s (it is shown only now and sent by SMS)."
                    )
                    % {"number": req.number, "password": password},
                )
                return redirect(reverse("disclosure_staff:detail", args=[req.pk]))
    else:
        form = forms.PaperRequestForm(
            units=queryset,
            initial={
                "received_on": timezone.localdate(),
                "unit": units[0].pk if len(units) == 1 else None,
            },
        )
    return render(request, "disclosure/staff/register.html", {"form": form}, status=status)


@login_required
@require_safe
def statistics(request):
    """The annual report's request table for my units (or all, for county leaders and
    the supervision office)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    see_all = bool(permissions.may(request.user, "disclosure.statistics_all"))
    units = (
        list(services.organs())
        if see_all
        else [u for u in services.organs().filter(pk__in=permissions.unit_ids_of(request.user))]
    )
    if not units:
        raise PermissionDenied()
    rows = [(u, selectors.annual_counts(year, unit=u).report_rows()) for u in units]
    total = selectors.annual_counts(year).report_rows() if see_all else None
    return render(
        request,
        "disclosure/staff/statistics.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "rows": rows,
            "total": total,
            "columns": selectors.report_columns(),
        },
    )
