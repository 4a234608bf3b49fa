"""Staff pages of consultations at /oa/consultations/: my units' list, the draft form
with its sections, the consultation page (attachments, opening, closing early), the
moderation queue and the feedback-summary form. Every change goes through `services`;
a domain error is shown on the page and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhengtong.core.errors import DomainError, NotPermitted
from zhengtong.core.masking import mask_mobile
from zhengtong.core.web import form_error
from zhengtong.org import permissions
from zhengtong.org.models import Unit

from . import selectors, services
from .forms import (
    AttachmentForm,
    CloseForm,
    ConsultationForm,
    ModerateForm,
    PointFormSet,
    SectionFormSet,
    SummaryForm,
    with_more_rows,
)
from .models import CommentState, Consultation, ConsultationState

PAGE_SIZE = 30


def _get(request, pk):
    """The consultation, if the person may see it (404 for another unit's: nothing of
    it is revealed)."""
    consultation = Consultation.objects.select_related("unit").filter(pk=pk).first()
    if consultation is None or not permissions.may(
        request.user, "consultations.consultation.view", consultation
    ):
        raise Http404()
    return consultation


def _creatable_units(person):
    """The units in whose name the person may draft (a queryset, for the form)."""
    units = Unit.objects.filter(pk__in=sorted(permissions.unit_ids_of(person)))
    allowed = [u.pk for u in units if permissions.may(person, "consultations.create", unit=u)]
    return Unit.objects.filter(pk__in=allowed).order_by("name")


@login_required
@require_http_methods(["GET", "HEAD"])
def consultation_list(request):
    """My units' consultations, newest first."""
    rows = selectors.staff_consultations(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/staff/list.html",
        {"page": page, "may_create": _creatable_units(request.user).exists()},
    )


def _sections_from(formset):
    return [
        {"heading": f.cleaned_data.get("heading", ""), "text": f.cleaned_data.get("text", "")}
        for f in formset.forms
        if f.cleaned_data
    ]


def _draft_form(request, consultation=None):
    """The create and edit page (one template)."""
    if consultation is None:
        units = _creatable_units(request.user)
        if not units.exists():
            raise PermissionDenied()
    else:
        permissions.require(request.user, "consultations.manage", consultation)
        if consultation.state != ConsultationState.DRAFT:
            messages.error(request, _("Only a draft can be changed."))
            return redirect(consultation.get_staff_url())
        units = Unit.objects.filter(pk=consultation.unit_id)
    status = 200
    if request.method == "POST":
        data = request.POST
        if "more_rows" in data:
            data = with_more_rows(data, "sections")
        form = ConsultationForm(data, units=units)
        formset = SectionFormSet(data, prefix="sections")
        if "more_rows" not in request.POST:
            if form.is_valid() and formset.is_valid():
                values = {
                    "title": form.cleaned_data["title"],
                    "explanatory_note": form.cleaned_data["explanatory_note"],
                    "opens_at": form.cleaned_data["opens_at"],
                    "closes_at": form.cleaned_data["closes_at"],
                    "moderation": form.cleaned_data["moderation"],
                    "sections": _sections_from(formset),
                }
                try:
                    if consultation is None:
                        saved = services.create_consultation(
                            request.user, unit=form.cleaned_data["unit"], **values
                        )
                    else:
                        saved = services.edit_consultation(request.user, consultation, **values)
                except NotPermitted:
                    raise
                except DomainError as exc:
                    form_error(form, exc)
                    status = exc.status
                else:
                    messages.success(request, _("Saved."))
                    return redirect(saved.get_staff_url())
            else:
                status = 400
    elif consultation is None:
        form = ConsultationForm(units=units, initial={"moderation": "premoderated"})
        formset = SectionFormSet(prefix="sections")
    else:
        form = ConsultationForm(
            units=units,
            initial={
                "unit": consultation.unit_id,
                "title": consultation.title,
                "explanatory_note": consultation.explanatory_note,
                "opens_at": consultation.opens_at,
                "closes_at": consultation.closes_at,
                "moderation": consultation.moderation,
            },
        )
        formset = SectionFormSet(
            prefix="sections",
            initial=[{"heading": s.heading, "text": s.text} for s in consultation.sections.all()],
        )
    return render(
        request,
        "consultations/staff/form.html",
        {"form": form, "formset": formset, "consultation": consultation},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_create(request):
    return _draft_form(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_edit(request, pk):
    return _draft_form(request, _get(request, pk))


def _detail(request, consultation, *, status=200, attach_form=None, close_form=None):
    manage = bool(permissions.may(request.user, "consultations.manage", consultation))
    comments = [
        (c, mask_mobile(c.mobile))
        for c in consultation.comments.select_related("section").order_by("-created_at")[:200]
    ]
    return render(
        request,
        "consultations/staff/detail.html",
        {
            "c": consultation,
            "sections": consultation.sections.all(),
            "attachments": services.attachments_of(consultation),
            "comments": comments,
            "manage": manage,
            "attach_form": attach_form or AttachmentForm(),
            "close_form": close_form or CloseForm(),
            "pending": consultation.comments.filter(state=CommentState.PENDING).count(),
            "summary": getattr(consultation, "summary", None)
            if consultation.state == ConsultationState.SUMMARISED
            else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def consultation_detail(request, pk):
    return _detail(request, _get(request, pk))


@login_required
@require_POST
def consultation_attach(request, pk):
    consultation = _get(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(request.user, consultation, form.cleaned_data["file"])
        except NotPermitted:
            raise
        except DomainError as exc:
            form_error(form, exc)
            return _detail(request, consultation, status=exc.status, attach_form=form)
        messages.success(request, _("The file was attached."))
        return redirect(consultation.get_staff_url())
    return _detail(request, consultation, status=400, attach_form=form)


@login_required
@require_POST
def consultation_detach(request, pk, attachment_id):
    consultation = _get(request, pk)
    attachment = services.attachments_of(consultation).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404()
    services.remove_attachment(request.user, consultation, attachment)
    messages.success(request, _("The file was removed."))
    return redirect(consultation.get_staff_url())


@login_required
@require_POST
def consultation_open(request, pk):
    consultation = _get(request, pk)
    try:
        services.open_consultation(request.user, consultation)
    except NotPermitted:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _detail(request, consultation, status=exc.status)
    messages.success(request, _("The consultation is published."))
    return redirect(consultation.get_staff_url())


@login_required
@require_POST
def consultation_close(request, pk):
    consultation = _get(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_consultation(
                request.user, consultation, reason=form.cleaned_data["reason"]
            )
        except NotPermitted:
            raise
        except DomainError as exc:
            form_error(form, exc)
            return _detail(request, consultation, status=exc.status, close_form=form)
        messages.success(request, _("The consultation is closed."))
        return redirect(consultation.get_staff_url())
    return _detail(request, consultation, status=400, close_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderation_queue(request, pk):
    """The comments waiting for a check, oldest first; approve or reject each."""
    consultation = _get(request, pk)
    permissions.require(request.user, "consultations.manage", consultation)
    status = 200
    failed = None
    if request.method == "POST":
        form = ModerateForm(request.POST)
        approve = "approve" in request.POST
        if form.is_valid():
            comment = consultation.comments.filter(pk=form.cleaned_data["comment"]).first()
            if comment is None:
                raise Http404()
            try:
                services.moderate_comment(
                    request.user, comment, approve=approve, reason=form.cleaned_data["reason"]
                )
            except NotPermitted:
                raise
            except DomainError as exc:
                form_error(form, exc)
                status, failed = exc.status, form
            else:
                messages.success(
                    request,
                    _("The comment is published.")
                    if approve
                    else _("The comment is not published."),
                )
                return redirect(reverse("consultations:moderate", args=[consultation.pk]))
        else:
            status, failed = 400, form
    waiting = consultation.comments.filter(state=CommentState.PENDING).select_related("section")
    rows = []
    for comment in waiting.order_by("created_at", "pk")[:100]:
        if failed is not None and str(failed.data.get("comment")) == str(comment.pk):
            form = failed
        else:
            form = ModerateForm(initial={"comment": comment.pk}, prefix=None)
        rows.append((comment, mask_mobile(comment.mobile), form))
    return render(
        request,
        "consultations/staff/moderate.html",
        {"c": consultation, "rows": rows, "failed": failed},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def summary_form(request, pk):
    """Write and publish the feedback summary (after closing)."""
    consultation = _get(request, pk)
    permissions.require(request.user, "consultations.manage", consultation)
    if consultation.state == ConsultationState.SUMMARISED:
        messages.info(request, _("The feedback summary is already published."))
        return redirect(consultation.get_staff_url())
    status = 200
    if request.method == "POST":
        data = request.POST
        if "more_rows" in data:
            data = with_more_rows(data, "points")
        form = SummaryForm(data)
        formset = PointFormSet(data, prefix="points")
        if "more_rows" not in request.POST:
            if form.is_valid() and formset.is_valid():
                points = [f.cleaned_data for f in formset.forms if f.cleaned_data]
                try:
                    services.publish_summary(
                        request.user,
                        consultation,
                        overview=form.cleaned_data["overview"],
                        points=points,
                    )
                except NotPermitted:
                    raise
                except DomainError as exc:
                    form_error(form, exc)
                    status = exc.status
                else:
                    messages.success(request, _("The feedback summary is published."))
                    return redirect(consultation.get_staff_url())
            else:
                status = 400
    else:
        form = SummaryForm()
        formset = PointFormSet(prefix="points")
    return render(
        request,
        "consultations/staff/summary.html",
        {"c": consultation, "form": form, "formset": formset},
        status=status,
    )
