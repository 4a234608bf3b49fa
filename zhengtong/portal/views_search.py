"""Site search (/search/): the platform's one search engine (search/engine.py), public
entries of the website only, filtered by section, unit and year.

`?q=一网通办&section=zwdt&unit=3&year=2026&page=2`. A section page's own search box
passes `section=` ("search within this section", template portal/search_box.html).
Results are never cached (they change with every publication) and need no CSRF
token (a GET form).
"""

import html
import re
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from zhengtong.org.models import Unit
from zhengtong.search import engine
from zhengtong.search.models import SearchEntry

from .search_index import OBJECT_TYPE, section_of_path
from .sitetree import home_page

# What the public site search finds: the website's pages and the published service
# guides (/bsfw/sx/..., indexed by the services app).
PUBLIC_TYPES = (OBJECT_TYPE, "services.serviceitem")

MAX_QUERY = 50
MAX_RESULTS = 1000  # a county site: enough to page through; the engine ranks the best first
PER_PAGE = 10
SNIPPET_WIDTH = 120


def sections():
    """(slug, title) of the site's live top-level sections, in menu order."""
    home = home_page()
    if home is None:
        return []
    return [(p.slug, p.title) for p in home.get_children().live().public().order_by("path")]


def indexed_units():
    ids = (
        SearchEntry.objects.filter(object_type__in=PUBLIC_TYPES, public=True, unit__isnull=False)
        .values("unit_id")
        .distinct()
    )
    return Unit.objects.filter(pk__in=ids).order_by("sort_order", "name")


def indexed_years():
    dates = SearchEntry.objects.filter(
        object_type__in=PUBLIC_TYPES, public=True, date__isnull=False
    ).dates("date", "year", order="DESC")
    return [d.year for d in dates]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY,
        strip=True,
        error_messages={
            "max_length": _(
                "The search words are too long: at most %(limit_value)d characters, "
                "this has %(show_value)d."
            )
        },
    )
    section = forms.ChoiceField(
        label=_("Section"),
        required=False,
        error_messages={"invalid_choice": _("There is no such section; choose one from the list.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
        error_messages={"invalid_choice": _("There is no such unit; choose one from the list.")},
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a year from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_titles = dict(sections())
        self.fields["section"].choices = [("", _("Whole site")), *self.section_titles.items()]
        self.fields["unit"].queryset = indexed_units()
        self.fields["year"].choices = [("", _("Any year"))] + [
            (str(y), str(y)) for y in indexed_years()
        ]

    def clean_q(self):
        q = " ".join(self.cleaned_data["q"].split())
        if q and not engine.query_words(q):
            raise forms.ValidationError(
                _("These search words contain nothing that can be searched for."),
                code="no_words",
            )
        return q


def highlight(text, words, width=SNIPPET_WIDTH):
    """A piece of `text` around the first query word, every occurrence of the words
    wrapped in <mark>; everything else escaped."""
    text = text or ""
    lower = text.lower()
    found = [lower.find(w) for w in words if lower.find(w) >= 0]
    first = min(found) if found else 0
    start = max(0, first - width // 3)
    piece = text[start : start + width]
    if words:
        pattern = re.compile(
            "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE
        )
    else:
        pattern = None
    out, pos = [], 0
    for match in pattern.finditer(piece) if pattern else ():
        out.append(html.escape(piece[pos : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        pos = match.end()
    out.append(html.escape(piece[pos:]))
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece escaped above


def find(q, *, section="", unit=None, year=None):
    """Public website results for the query, best first."""
    hits = engine.search(
        q,
        public_only=True,
        object_type=PUBLIC_TYPES,
        unit=unit,
        year=year,
        limit=MAX_RESULTS,
    )
    if section:
        hits = [h for h in hits if section_of_path(h.entry.url) == section]
    return hits


@require_safe
@never_cache
def search(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": "", "page": None, "count": 0, "message": ""}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        context["query"] = data["q"]
        context["section_title"] = form.section_titles.get(data["section"], "")
        if not data["q"]:
            context["message"] = _("Please enter the words you are looking for.")
        else:
            hits = find(data["q"], section=data["section"], unit=data["unit"], year=data["year"])
            words = engine.query_words(data["q"])
            results = [
                {
                    "title": highlight(h.entry.title, words, width=300),
                    "url": h.entry.url,
                    "snippet": highlight(h.entry.text or h.entry.title, words),
                    "date": h.entry.date,
                    "unit": h.entry.unit,
                    "section": form.section_titles.get(section_of_path(h.entry.url), ""),
                }
                for h in hits
            ]
            paginator = Paginator(results, PER_PAGE)
            context["page"] = paginator.get_page(request.GET.get("page"))
            context["count"] = paginator.count
            params = {"q": data["q"]}
            for name in ("section", "unit", "year"):
                if request.GET.get(name):
                    params[name] = request.GET[name]
            context["query_string"] = urlencode(params)
    elif not form.is_bound:
        context["message"] = _("Please enter the words you are looking for.")
    response = TemplateResponse(request, "portal/search.html", context)
    if form.is_bound and not form.is_valid():
        response.status_code = 400
    return response
