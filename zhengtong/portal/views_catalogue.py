"""The public disclosure catalogue (/xxgk/ml/) and the staff pages of the hand-off of
issued documents (/oa/website/disclosures/). Every change goes through
`portal.catalogue`; a domain error is shown on the page and changes nothing.

The catalogue page is the same for everyone (the public pages are cached whole): no
CSRF token, no per-user content. Its filters are a GET form; a bad value gets a clear
message (status 400) and the unfiltered list.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from zhengtong.core.errors import DomainError, NotPermitted
from zhengtong.core.masking import find_personal_data
from zhengtong.core.web import form_error
from zhengtong.org import permissions
from zhengtong.org.models import Unit

from . import catalogue
from .models import DisclosureCategory, Topic

PAGE_SIZE = 20

# --- public catalogue -------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Keyword"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=gettext_lazy("Statutory category"),
        choices=[("", gettext_lazy("All"))] + list(DisclosureCategory.choices),
        required=False,
    )
    topic = forms.ChoiceField(
        label=gettext_lazy("Topic"),
        choices=[("", gettext_lazy("All"))] + list(Topic.choices),
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Publishing unit"),
        queryset=Unit.objects.all(),
        required=False,
        empty_label=gettext_lazy("All"),
        error_messages={"invalid_choice": gettext_lazy("There is no such publishing unit.")},
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=1990,
        max_value=2100,
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a year such as 2026.")},
    )


def _facet(queryset, field):
    return dict(queryset.order_by().values_list(field).annotate(n=Count("id")))


@require_safe
def catalogue_index(request):
    """公开目录: by statutory category, publishing unit, topic and year; keyword filter."""
    form = CatalogueFilterForm(request.GET or None)
    filters, status, invalid = {}, 200, False
    if form.is_bound:
        if form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        else:
            status, invalid = 400, True
    base = catalogue.public_entries()

    def without(key):
        return catalogue.filter_entries(base, **{k: v for k, v in filters.items() if k != key})

    entries = catalogue.filter_entries(base, **filters).select_related("publisher", "page")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(entry, entry.page.get_url(request) if entry.page_id else "") for entry in page]

    def link(**change):
        params = {k: getattr(v, "pk", v) for k, v in filters.items()}
        params.update(change)
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})

    category_counts = _facet(without("category"), "category")
    categories = [
        (value, label, category_counts.get(value, 0), link(category=value))
        for value, label in DisclosureCategory.choices
    ]
    topic_counts = _facet(without("topic"), "topic")
    topics = [
        (value, label, topic_counts[value], link(topic=value))
        for value, label in Topic.choices
        if topic_counts.get(value)
    ]
    unit_counts = _facet(without("unit"), "publisher")
    units = [
        (unit, unit_counts[unit.pk], link(unit=unit.pk))
        for unit in Unit.objects.filter(pk__in=list(unit_counts))
    ]
    year_counts = _facet(without("year"), "year")
    years = [(y, year_counts[y], link(year=y)) for y in sorted(year_counts, reverse=True)]
    query = {k: getattr(v, "pk", v) for k, v in filters.items()}
    context = {
        "form": form,
        "invalid": invalid,
        "filters": filters,
        "unit": filters.get("unit"),
        "category": dict(DisclosureCategory.choices).get(filters.get("category")),
        "categories": categories,
        "topics": topics,
        "units": units,
        "years": years,
        "page": page,
        "rows": rows,
        "total": page.paginator.count,
        "query_string": urlencode(query),
        "clear_url": request.path,
    }
    return render(request, "portal/catalogue/index.html", context, status=status)


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
