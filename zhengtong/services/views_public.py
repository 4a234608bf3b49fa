"""Public pages of the service catalogue (under /bsfw/, in the website's layout).

* /bsfw/sx/ — the catalogue: browse by life event, business event, type and unit;
  search (a GET form, no CSRF token: the page is cacheable like any listing).
* /bsfw/sx/<implementation code>/ — one guide with every element, printable.
* /bsfw/sx/<code>/files/<id>/ — a file the guide shows (blank form, sample, flow chart).

Only published guides exist here: a draft or withdrawn guide answers 404.
"""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from zhengtong.core.attachments import INLINE_EXTENSIONS, safe_content_type
from zhengtong.core.downloads import file_download
from zhengtong.core.models import Attachment
from zhengtong.org.models import Unit

from . import cases, selectors
from .models import Audience, EventKind, ItemType, ServiceEvent

PER_PAGE = 20
PUBLIC_MAX_AGE = 120  # seconds: a withdrawn guide is gone from caches within two minutes


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=50)
    event = forms.ModelChoiceField(
        label=_("Life or business event"),
        queryset=ServiceEvent.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All events"),
        error_messages={"invalid_choice": _("There is no such event; choose one from the list.")},
    )
    type = forms.ChoiceField(
        label=_("Item type"),
        required=False,
        choices=[("", pgettext_lazy("service item", "All types")), *ItemType.choices],
        error_messages={"invalid_choice": _("There is no such type; choose one from the list.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
        error_messages={"invalid_choice": _("There is no such unit; choose one from the list.")},
    )
    audience = forms.ChoiceField(
        label=_("Served"),
        required=False,
        choices=[
            ("", _("Everyone")),
            (Audience.CITIZENS, _("Citizens")),
            (Audience.BUSINESSES, _("Businesses")),
        ],
        error_messages={"invalid_choice": _("Choose one from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_with_items()

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
def catalogue(request):
    """办事服务事项目录."""
    form = CatalogueForm(request.GET or None)
    status = 200
    items = selectors.public_items()
    chosen = {}
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            chosen = {k: v for k, v in data.items() if v}
            items = selectors.filter_items(
                items,
                unit=data["unit"],
                item_type=data["type"],
                event=data["event"],
                audience=data["audience"],
                q=data["q"],
            )
        else:
            status = 400
            items = items.none()
    page = Paginator(items.order_by("unit__sort_order", "unit_id", "name"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "chosen": chosen,
        "filtered": bool(chosen),
        "query_string": params.urlencode(),
        "life_events": [e for e in selectors.events_with_items(EventKind.LIFE) if e.item_count],
        "business_events": [
            e for e in selectors.events_with_items(EventKind.BUSINESS) if e.item_count
        ],
        "types": selectors.types_with_items(),
        "units": selectors.units_with_items(),
    }
    return render(request, "services/catalogue.html", context, status=status)


def _published_or_404(code):
    item = selectors.public_item(code)
    if item is None:
        raise Http404(_("There is no published service guide with this code."))
    return item


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
def guide(request, code):
    """办事指南: the whole guide of one published item."""
    item = _published_or_404(code)
    context = {
        "item": item,
        "materials": list(item.materials.select_related("blank_form", "sample")),
        "steps": list(item.steps.all()),
        "faqs": list(item.faqs.all()),
        "events": list(item.events.all()),
        # Same for every visitor (the page is cached): the button leads to sign-in.
        "can_apply": cases.online_form(item) is not None,
    }
    return render(request, "services/guide.html", context)


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
def guide_file(request, code, pk):
    """A file a published guide shows (never any other attachment)."""
    item = _published_or_404(code)
    if pk not in selectors.public_attachment_ids(item):
        raise Http404
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    # A published guide's file: for everyone, cached as the guide is (public=True).
    return file_download(
        handle,
        filename=attachment.original_name,
        content_type=safe_content_type(attachment.extension),
        inline=attachment.extension in INLINE_EXTENSIONS,
        personal_data=False,
        public=True,
    )
