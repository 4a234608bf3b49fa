"""Investor enquiries: the public form at /zsyz/zxly/ (optionally ?project=<page id>).
(The answering unit's staff pages at /oa/website/enquiries/ are in views_staff.py.)

The form page carries a CSRF token and is never cached (Cache-Control: private,
no-store). Spam is kept out by the public forms' picture captcha and honeypot field
(public.forms.PublicForm; a filled honeypot → nothing is stored, the sender sees the
ordinary thank-you page) and a limit of ENQUIRY_RATE_LIMIT enquiries per address per
hour (the kernel's rate limiter, counted in the database: public/throttle.py)."""

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zhengtong.core.errors import DomainError
from zhengtong.core.validators import validate_phone
from zhengtong.core.web import form_error
from zhengtong.public import throttle
from zhengtong.public.forms import PublicForm
from zhengtong.public.views import send_code_if_asked

from . import enquiries
from .models import ProjectPage

ENQUIRY_RATE_LIMIT = 5
ENQUIRY_RATE_WINDOW = 3600  # seconds
ENQUIRY_RATE_SCOPE = "portal.enquiry:ip"
# What the enquiry operation takes from the form (the rest is PublicForm's).
ENQUIRY_FIELDS = ("name", "company", "phone", "email", "message", "project")


class EnquiryForm(PublicForm):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=50)
    company = forms.CharField(label=gettext_lazy("Company"), max_length=100, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Telephone"),
        max_length=40,
        validators=[validate_phone],
        help_text=gettext_lazy("A mobile number, or a landline with its area code."),
    )
    email = forms.EmailField(label=gettext_lazy("E-mail (optional)"), required=False)
    message = forms.CharField(
        label=gettext_lazy("Your enquiry"),
        max_length=enquiries.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("At most 2000 characters."),
    )
    project = forms.ModelChoiceField(
        queryset=ProjectPage.objects.live(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": gettext_lazy("This project is no longer offered.")},
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Write your enquiry."))
        return message


def _over_limit(request):
    """The address has sent ENQUIRY_RATE_LIMIT enquiries in this hour (nothing counted)."""
    try:
        throttle.check(
            ENQUIRY_RATE_SCOPE,
            throttle.ip_key(request),
            limit=ENQUIRY_RATE_LIMIT,
            window_seconds=ENQUIRY_RATE_WINDOW,
        )
    except throttle.Throttled:
        return True
    return False


def _count(request):
    """Count one sent enquiry of the address."""
    throttle.add(ENQUIRY_RATE_SCOPE, throttle.ip_key(request), window_seconds=ENQUIRY_RATE_WINDOW)


def _project_from(request):
    value = request.GET.get("project", "")
    if not value.isdigit():
        return None
    return ProjectPage.objects.live().filter(pk=int(value)).first()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_form(request):
    """投资咨询: the public form."""
    status = 200
    if request.method == "POST":
        form = EnquiryForm(request.POST, request=request)
        if send_code_if_asked(request, form):
            pass  # "new picture": the form again, as typed, with another picture
        elif _over_limit(request):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many enquiries have been sent from your network in the last hour. "
                    "Please try again in an hour, or telephone us."
                ),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            _count(request)
            if form.is_spam():
                return redirect(reverse("catalogue:enquiry_thanks"))  # a bot: drop it
            try:
                enquiries.submit_enquiry(**{name: data[name] for name in ENQUIRY_FIELDS})
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                return redirect(reverse("catalogue:enquiry_thanks"))
        else:
            status = 400
        project = form.cleaned_data.get("project") if hasattr(form, "cleaned_data") else None
    else:
        project = _project_from(request)
        form = EnquiryForm(initial={"project": project.pk if project else None}, request=request)
    return render(
        request,
        "portal/enquiry.html",
        {"form": form, "project": project, "days": enquiries.REPLY_WORKING_DAYS},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def enquiry_thanks(request):
    return render(
        request,
        "portal/enquiry_thanks.html",
        {"days": enquiries.REPLY_WORKING_DAYS, "due": enquiries.reply_due_date()},
    )
