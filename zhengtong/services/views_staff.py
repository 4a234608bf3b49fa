"""Staff pages of the service guides (/oa/services/): my units' items, a new item, the
edit form with materials, steps and questions as inline rows, files, publish and
withdraw with the check's messages. Every change goes through `services`; a domain
error is shown on the page and nothing typed is lost."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengtong.core.errors import DomainError
from zhengtong.core.web import form_error
from zhengtong.org import permissions

from . import selectors, services
from .checks import guide_problems
from .forms import (
    AttachForm,
    FAQFormSet,
    GuideForm,
    MaterialFormSet,
    StepFormSet,
    WithdrawForm,
    rows_of,
)
from .models import ItemState, ServiceItem


def _item_for(request, pk):
    item = get_object_or_404(ServiceItem.objects.select_related("unit"), pk=pk)
    if not permissions.may(request.user, "services.serviceitem.view", item):
        raise Http404
    return item


@login_required
def item_list(request):
    """My units' service items, every state, with how complete each guide is."""
    items = selectors.staff_items(request.user).prefetch_related("materials", "steps")
    state = request.GET.get("state", "")
    if state in ItemState.values:
        items = items.filter(state=state)
    page = Paginator(items.order_by("unit__sort_order", "unit_id", "name"), 50).get_page(
        request.GET.get("page")
    )
    rows = [
        {"item": item, "missing": [p for p in guide_problems(item) if p.blocks]} for item in page
    ]
    return render(
        request,
        "services/staff/list.html",
        {
            "page_obj": page,
            "rows": rows,
            "state": state,
            "states": ItemState.choices,
            "may_create": selectors.writable_units(request.user).exists(),
        },
    )


def _formsets(data=None, item=None):
    initial = {}
    if item is not None and data is None:
        initial = {
            "materials": [
                {
                    "id": m.pk,
                    "name": m.name,
                    "form": m.form,
                    "copies": m.copies,
                    "medium": m.medium,
                    "source": m.source,
                    "required": m.required,
                    "note": m.note,
                }
                for m in item.materials.all()
            ],
            "steps": [{"name": s.name, "description": s.description} for s in item.steps.all()],
            "faqs": [{"question": f.question, "answer": f.answer} for f in item.faqs.all()],
        }
    return (
        MaterialFormSet(data, prefix="materials", initial=initial.get("materials")),
        StepFormSet(data, prefix="steps", initial=initial.get("steps")),
        FAQFormSet(data, prefix="faqs", initial=initial.get("faqs")),
    )


def _edit(request, item=None):
    units = selectors.writable_units(request.user)
    if item is None and not units.exists():
        raise Http404
    if item is not None:
        permissions.require(request.user, "services.edit_item", item)
    status = 200
    if request.method == "POST":
        form = GuideForm(request.POST, instance=item, units=units)
        materials, steps, faqs = _formsets(request.POST)
        valid = all([form.is_valid(), materials.is_valid(), steps.is_valid(), faqs.is_valid()])
        if valid:
            data = dict(form.cleaned_data)
            revision = data.pop("revision", None)
            unit = data.pop("unit", None)
            events = data.pop("events")
            rows = {
                "materials": rows_of(materials, "name"),
                "steps": rows_of(steps, "name"),
                "faqs": rows_of(faqs, "question"),
                "events": events,
            }
            try:
                if item is None:
                    item = services.create_item(request.user, unit=unit, **rows, **data)
                    messages.success(request, _("The draft guide was saved."))
                else:
                    services.update_item(request.user, item, revision=revision, **rows, **data)
                    messages.success(request, _("The guide was saved."))
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                return redirect("services:detail", item.pk)
        else:
            status = 400
    else:
        form = GuideForm(instance=item, units=units)
        materials, steps, faqs = _formsets(item=item)
    return render(
        request,
        "services/staff/edit.html",
        {"form": form, "item": item, "materials": materials, "steps": steps, "faqs": faqs},
        status=status,
    )


@login_required
def item_new(request):
    return _edit(request)


@login_required
def item_edit(request, pk):
    return _edit(request, _item_for(request, pk))


def _detail_context(request, item, **extra):
    return {
        "item": item,
        "problems": guide_problems(item),
        "materials": list(item.materials.select_related("blank_form", "sample")),
        "steps": list(item.steps.all()),
        "faqs": list(item.faqs.all()),
        "versions": list(item.versions.select_related("published_by")[:20]),
        "may_edit": bool(permissions.may(request.user, "services.edit_item", item)),
        "may_publish": bool(permissions.may(request.user, "services.publish_item", item)),
        "attach_form": extra.pop("attach_form", None) or AttachForm(item=item),
        "withdraw_form": extra.pop("withdraw_form", None) or WithdrawForm(),
        **extra,
    }


@login_required
def item_detail(request, pk):
    item = _item_for(request, pk)
    return render(request, "services/staff/detail.html", _detail_context(request, item))


@login_required
@require_POST
def item_publish(request, pk):
    item = _item_for(request, pk)
    permissions.require(request.user, "services.publish_item", item)
    try:
        services.publish_item(request.user, item)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return render(
            request, "services/staff/detail.html", _detail_context(request, item), status=exc.status
        )
    messages.success(request, _("The guide is published on the website."))
    return redirect("services:detail", item.pk)


@login_required
@require_POST
def item_withdraw(request, pk):
    item = _item_for(request, pk)
    permissions.require(request.user, "services.publish_item", item)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_item(request.user, item, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The guide was withdrawn from the website."))
            return redirect("services:detail", item.pk)
    return render(
        request,
        "services/staff/detail.html",
        _detail_context(request, item, withdraw_form=form),
        status=400,
    )


@login_required
@require_POST
def item_attach(request, pk):
    item = _item_for(request, pk)
    permissions.require(request.user, "services.edit_item", item)
    form = AttachForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        slot, _sep, material = form.cleaned_data["slot"].partition(":")
        try:
            services.attach_file(
                request.user, item, form.cleaned_data["file"], slot=slot, material=material or None
            )
        except DomainError as exc:
            form.add_error("file" if exc.field in ("file", None) else "slot", str(exc.message))
        else:
            messages.success(request, _("The file was attached."))
            return redirect("services:detail", item.pk)
    return render(
        request,
        "services/staff/detail.html",
        _detail_context(request, item, attach_form=form),
        status=400,
    )
