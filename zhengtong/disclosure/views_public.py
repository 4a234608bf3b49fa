"""Public pages of disclosure on application at /xxgk/ysq/: the guide, the online
application (PublicForm: picture captcha, honeypot, confirmed mobile or the signed-in
account, one request per submission key), the receipt with the number and query
password, the lookup by number and password (one generic error, rate-limited), the
request's status with the applicant's own actions (answer the correction notice,
withdraw) and the reply PDF.

After a successful lookup the session remembers the request and its password (the
server-side session only; never a cookie), so the status page can act for the
applicant; a signed-in account sees its own requests without the password.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from zhengtong.api.files import file_response
from zhengtong.core.errors import DomainError, NotFound
from zhengtong.core.web import form_error
from zhengtong.public import lookup as public_lookup
from zhengtong.public import throttle
from zhengtong.public.session import current_public_user
from zhengtong.public.views import send_code_if_asked, throttled_response

from . import forms, selectors, services
from .models import OPEN_STATES, DisclosureRequest, State

ACCESS_KEY = "_zt_disclosure_access"  # {request pk: query password}
RECEIPT_KEY = "_zt_disclosure_receipt"
LOOKUP_SCOPE = "disclosure.lookup"  # the throttle counter of wrong numbers and passwords


def _grant(request, req, password):
    access = dict(request.session.get(ACCESS_KEY, {}))
    access[str(req.pk)] = services.normalise_password(password)
    request.session[ACCESS_KEY] = access


def _applicant_access(request, pk):
    """(request, actor, password) for the applicant, or Http404."""
    req = DisclosureRequest.objects.select_related("unit").filter(pk=pk).first()
    if req is None:
        raise Http404()
    user = current_public_user(request)
    if user is not None and req.public_user_id == user.pk:
        return req, user, None
    password = request.session.get(ACCESS_KEY, {}).get(str(pk))
    if password and services.password_matches(req, password):
        return req, None, password
    raise Http404()


@require_safe
def guide(request):
    """The guide to asking for government information (cacheable: no form)."""
    return render(
        request,
        "disclosure/public/guide.html",
        {
            "organs": services.organs(),
            "reply_days": services.REPLY_DAYS,
            "extension_days": services.MAX_EXTENSION_DAYS,
            "correction_days": services.CORRECTION_NOTICE_DAYS,
            "consultation_days": services.CONSULTATION_DAYS,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    status = 200
    if request.method == "POST":
        form = forms.ApplicationForm(request.POST, request=request)
        if send_code_if_asked(request, form):
            status = 429 if getattr(form, "throttled", False) else 200
        elif form.is_spam():
            return redirect(reverse("disclosure:receipt"))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                throttle.hit_submission(request, "disclosure", mobile=data.get("mobile"))
                req, password = services.submit_request(
                    data["public_user"],
                    submission_key=data["submission_key"],
                    **form.request_fields(),
                )
            except throttle.Throttled as exc:
                return throttled_response(request, exc)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                if password:
                    _grant(request, req, password)
                    public_lookup.remember_receipt(request, RECEIPT_KEY, req, password)
                return redirect(reverse("disclosure:receipt"))
        else:
            status = 400
    else:
        form = forms.ApplicationForm(request=request)
    return render(
        request,
        "disclosure/public/apply.html",
        {"form": form, "reply_days": services.REPLY_DAYS},
        status=status,
    )


@never_cache
@require_safe
def receipt(request):
    """The number and query password, shown once after submitting."""
    return public_lookup.receipt_page(
        request,
        session_key=RECEIPT_KEY,
        queryset=DisclosureRequest.objects.select_related("unit"),
        template="disclosure/public/receipt.html",
        name="req",
    )


def _find(data):
    try:
        return services.find_by_number(data["number"], data["password"])
    except NotFound:
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request):
    """查询: number and password open the request's status page."""

    def found(req, data):
        _grant(request, req, data["password"])
        return redirect(reverse("disclosure:status", args=[req.pk]))

    return public_lookup.lookup_page(
        request,
        form_class=forms.LookupForm,
        scope=LOOKUP_SCOPE,
        find=_find,
        found=found,
        code_of=lambda data: "".join(data["number"].split()),
        not_found_message=_("No request matches this number and password."),
        template="disclosure/public/lookup.html",
    )


def _steps(req):
    """The request's history as the applicant sees it: dates and steps, no staff names
    and no internal notes."""
    steps = [(req.received_on, _("Request received"))]
    correction = getattr(req, "correction", None)
    if correction:
        steps.append((correction.issued_on, _("Correction notice issued")))
        if correction.answered_on:
            steps.append((correction.answered_on, _("Corrected request received")))
    for c in req.consultations.all():
        steps.append((c.started_on, _("Third party consulted")))
        if c.finished_on:
            steps.append((c.finished_on, _("Third party's consultation finished")))
    extension = getattr(req, "extension", None)
    if extension:
        steps.append(
            (
                extension.approved_on,
                _("Reply period extended to %(date)s") % {"date": extension.new_due.isoformat()},
            )
        )
    reply = getattr(req, "reply", None)
    if req.state == State.REPLIED and reply:
        steps.append((req.closed_on, _("Replied")))
    if req.state == State.WITHDRAWN:
        steps.append((req.closed_on, _("Withdrawn")))
    if req.state == State.ABANDONED:
        steps.append((req.closed_on, _("Closed: not corrected in time")))
    return sorted(steps, key=lambda s: s[0])


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status_page(request, pk):
    req, actor, password = _applicant_access(request, pk)
    correct_form = forms.ApplicantCorrectionForm(prefix="correct")
    withdraw_form = forms.WithdrawForm(prefix="withdraw")
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if "correct" in request.POST:
                correct_form = forms.ApplicantCorrectionForm(request.POST, prefix="correct")
                if correct_form.is_valid():
                    services.receive_correction(
                        actor, req, text=correct_form.cleaned_data["text"], query_password=password
                    )
                    return redirect(reverse("disclosure:status", args=[req.pk]))
            elif "withdraw" in request.POST:
                withdraw_form = forms.WithdrawForm(request.POST, prefix="withdraw")
                if withdraw_form.is_valid():
                    services.withdraw(
                        actor,
                        req,
                        query_password=password,
                        reason=withdraw_form.cleaned_data["reason"],
                    )
                    return redirect(reverse("disclosure:status", args=[req.pk]))
        except DomainError as exc:
            target = correct_form if "correct" in request.POST else withdraw_form
            form_error(target, exc)
            status = exc.status
        req, actor, password = _applicant_access(request, pk)
    reply = getattr(req, "reply", None)
    return render(
        request,
        "disclosure/public/status.html",
        {
            "req": req,
            "steps": _steps(req),
            "correction": getattr(req, "correction", None),
            "correct_form": correct_form if req.state == State.CORRECTION else None,
            "withdraw_form": withdraw_form if req.state in OPEN_STATES else None,
            "reply": reply if req.state == State.REPLIED else None,
        },
        status=status,
    )


@never_cache
@require_safe
def reply_download(request, pk):
    req, _actor, _password = _applicant_access(request, pk)
    reply = getattr(req, "reply", None)
    if req.state != State.REPLIED or reply is None or reply.pdf is None:
        raise Http404()
    with reply.pdf.file.open("rb") as handle:
        content = handle.read()
    # The applicant's own reply: the data subject's download is not audited.
    return file_response(content, reply.pdf.original_name, "application/pdf")


# --- the personal centre (/grzx/) -----------------------------------------------------------


def my_requests(public_user):
    from zhengtong.public.registry import MyItem

    return [
        MyItem(
            title=f"{r.number} · {r.unit.name}",
            url=reverse("disclosure:status", args=[r.pk]),
            status=str(r.get_state_display()),
            date=r.received_on,
        )
        for r in selectors.of_public_user(public_user).order_by("-received_on", "-id")[:50]
    ]


def register_my_requests():
    from zhengtong.public.registry import register_my_items

    register_my_items("disclosure", gettext_lazy("My disclosure requests"), my_requests)
