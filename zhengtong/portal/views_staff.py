"""The website's staff pages outside Wagtail's /cms/: the hand-off of issued documents
(/oa/website/disclosures/) and the investor enquiries of the answering unit
(/oa/website/enquiries/). Every change goes through `portal.catalogue` or
`portal.enquiries`; a domain error is shown on the page and changes nothing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from zhengtong.core.errors import DomainError, NotPermitted
from zhengtong.core.masking import find_personal_data, mask_phone
from zhengtong.core.web import form_error
from zhengtong.org import permissions

from . import catalogue, enquiries
from .models import DisclosureCategory, InvestorEnquiry, Topic

# --- staff: the hand-off of issued documents ---------------------------------------------


class AcceptForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=Topic.choices)
    category = forms.ChoiceField(
        label=gettext_lazy("Statutory category"), choices=DisclosureCategory.choices
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary (内容概述)"),
        max_length=catalogue.SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One or two sentences for the catalogue: what the document is about."
        ),
    )


def _handoff_or_404(pk):
    try:
        return catalogue.get_handoff(pk)
    except ObjectDoesNotExist as exc:
        raise Http404() from exc


@login_required
@require_safe
def disclosure_list(request):
    """Issued documents marked 主动公开 waiting for the website, oldest first."""
    permissions.require(request.user, "portal.disclosure_queue")
    queue = catalogue.disclosure_queue_for(request.user)
    page = Paginator(queue, 30).get_page(request.GET.get("page"))
    return render(request, "portal/staff/disclosures.html", {"page": page, "rows": list(page)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disclosure_detail(request, pk):
    """Check one document's metadata and text, and accept it into the catalogue."""
    handoff = _handoff_or_404(pk)
    permissions.require(request.user, "portal.accept_disclosure", handoff)
    document = catalogue.describe(handoff)
    status = 200
    if request.method == "POST":
        form = AcceptForm(request.POST)
        if form.is_valid():
            try:
                page = catalogue.accept_disclosed_document(
                    request.user, handoff, **form.cleaned_data
                )
            except NotPermitted:
                raise
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
                handoff = _handoff_or_404(pk)
                document = catalogue.describe(handoff)
            else:
                entry = page.catalogue_entry
                messages.success(
                    request,
                    _("Published at %(url)s with index number %(number)s.")
                    % {"url": page.url or page.url_path, "number": entry.index_number},
                )
                return redirect(reverse("catalogue:disclosures"))
        else:
            status = 400
    else:
        form = AcceptForm(initial={"topic": Topic.GENERAL, "category": DisclosureCategory.OTHER})
    body_html = catalogue.document_html(handoff)
    found = find_personal_data(document.plain_text)
    context = {
        "handoff": handoff,
        "document": document,
        "body_html": body_html,
        "personal_data": found,
        "form": form,
        "issued_on": document.signed_at or document.issued_at,
    }
    return render(request, "portal/staff/disclosure_detail.html", context, status=status)


# --- staff ----------------------------------------------------------------------------


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("How was it answered?"),
        max_length=enquiries.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: telephoned on 12 May, site visit arranged."),
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def enquiry_list(request):
    """The enquiries of the person's units, unanswered first; phones masked."""
    mine = permissions.unit_ids_of(request.user)
    rows = InvestorEnquiry.objects.filter(unit_id__in=mine).select_related("project", "unit")
    unit = enquiries.enquiry_unit()
    if not permissions.may(request.user, "portal.enquiries", unit=unit) and not rows.exists():
        raise PermissionDenied()
    # Unanswered first (NULL answered_at), newest first within each group.
    ordered = rows.order_by(F("answered_at").desc(nulls_first=True), "-created_at")
    page = Paginator(ordered, 30).get_page(request.GET.get("page"))
    listed = [(e, mask_phone(e.phone)) for e in page]
    return render(
        request, "portal/staff/enquiries.html", {"page": page, "rows": listed, "unit": unit}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_detail(request, pk):
    try:
        enquiry = InvestorEnquiry.objects.select_related("project", "unit").get(pk=pk)
    except InvestorEnquiry.DoesNotExist as exc:
        raise Http404() from exc
    permissions.require(request.user, "portal.investorenquiry.view", enquiry)
    status = 200
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "portal.answer_enquiry", enquiry)
        if form.is_valid():
            try:
                enquiries.answer_enquiry(request.user, enquiry, form.cleaned_data["note"])
            except NotPermitted:
                raise
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Marked as answered."))
                return redirect(reverse("catalogue:enquiries"))
        else:
            status = 400
    return render(
        request,
        "portal/staff/enquiry_detail.html",
        {"enquiry": enquiry, "form": form},
        status=status,
    )
