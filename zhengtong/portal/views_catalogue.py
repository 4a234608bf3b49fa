"""The public disclosure catalogue (/xxgk/ml/). (The staff pages of the hand-off of
issued documents are in views_staff.py.)

The catalogue page is the same for everyone (the public pages are cached whole): no
CSRF token, no per-user content. Its filters are a GET form; a bad value gets a clear
message (status 400) and the unfiltered list.
"""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

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
