"""Staff pages of the cases (/oa/services/cases/) and the online-form builder
(/oa/services/<item>/form/). Every change goes through `cases`; a domain error is shown
on the page beside the form it came from, and nothing typed is lost."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengtong.core.attachments import safe_content_type
from zhengtong.core.downloads import file_download
from zhengtong.core.errors import DomainError
from zhengtong.core.web import form_error
from zhengtong.org import permissions

from . import cases, selectors
from . import forms_cases as f
from .models import Application, ApplicationState, ServiceForm, ServiceItem

S = ApplicationState
PER_PAGE = 30


def _case_for(request, pk):
    application = get_object_or_404(
        Application.objects.select_related("item", "unit").exclude(state=S.DRAFT), pk=pk
    )
    if not permissions.may(request.user, "services.application.view", application):
        raise Http404
    return application


@login_required
def case_list(request):
    """The cases of my units: by state, overdue only, newest first (paginated; the
    index on (unit, state, submitted_at) keeps it fast with a million rows)."""
    form = f.CaseFilterForm(request.GET or None)
    state, overdue = "", False
    status = 200
    if form.is_bound:
        if form.is_valid():
            state, overdue = form.cleaned_data["state"], form.cleaned_data["overdue"]
        else:
            status = 400
    qs = selectors.unit_cases(request.user, state=state, overdue=overdue)
    paginator = Paginator(qs, PER_PAGE)
    paginator.count  # noqa: B018  (one COUNT, using the index)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "services/staff/cases/list.html",
        {
            "form": form,
            "page_obj": page,
            "today": timezone.localdate(),
            "query_string": params.urlencode(),
        },
        status=status,
    )


ACTIONS = {
    # action: (form class, the rule that offers it)
    "accept": (f.NoteForm, "services.handle_case"),
    "refuse": (f.RefuseForm, "services.handle_case"),
    "notice": (f.NoticeForm, "services.handle_case"),
    "review": (f.ReviewForm, "services.review_case"),
    "extend": (f.ExtendForm, "services.extend_case"),
    "special_start": (f.SpecialStartForm, "services.handle_case"),
    "special_end": (f.SpecialEndForm, "services.handle_case"),
    "decide": (f.DecideForm, "services.decide_case"),
    "deliver": (f.DeliverForm, "services.handle_case"),
    "rectify": (f.RectifyForm, "services.rectify"),
}


def _forms(application, data=None, action=None):
    out = {}
    for name, (form_class, _rule) in ACTIONS.items():
        bound = data if name == action else None
        kwargs = {"prefix": name}
        if name == "notice":
            kwargs["materials"] = application.item.materials.all()
        if name == "decide":
            kwargs["initial"] = {"expected_state": application.state}
        out[name] = form_class(bound, **kwargs)
    return out


def _detail(request, application, forms=None, status=200):
    user = request.user
    rating = getattr(application, "rating", None) if hasattr(application, "rating") else None
    context = {
        "app": application,
        "item": application.item,
        "steps": list(application.steps.select_related("actor")),
        "materials": list(application.materials.select_related("attachment", "material")),
        "notice": getattr(application, "notice", None) if hasattr(application, "notice") else None,
        "special_steps": list(application.special_steps.all()),
        "reviews": list(application.reviews.select_related("reviewer")),
        "decision": getattr(application, "decision", None)
        if hasattr(application, "decision")
        else None,
        "rating": rating,
        "rectification": getattr(rating, "rectification", None)
        if rating is not None and hasattr(rating, "rectification")
        else None,
        "forms": forms or _forms(application),
        "may": {
            name: permissions.may(user, rule, application) for name, (_f, rule) in ACTIONS.items()
        },
        "today": timezone.localdate(),
        "answers": _answer_rows(application),
    }
    return render(request, "services/staff/cases/detail.html", context, status=status)


def _answer_rows(application):
    rows = []
    for field in application.form_fields:
        if field["key"] in application.answers:
            rows.append({"field": field, "value": application.answers[field["key"]]})
    return rows


@login_required
def case_detail(request, pk):
    return _detail(request, _case_for(request, pk))


def _run(request, application, action, form):
    user = request.user
    data = form.cleaned_data
    if action == "accept":
        cases.accept(user, application, note=data["note"])
        return _("The application is accepted; the receipt can be printed.")
    if action == "refuse":
        cases.refuse_at_intake(
            user, application, reasons=data["reasons"], right_unit=data["right_unit"]
        )
        return _("The application is not accepted; the receipt can be printed.")
    if action == "notice":
        problems = form.problems()
        if form.errors:
            return None
        cases.send_one_time_notice(user, application, problems=problems, note=data["note"])
        return _("The one-time notice was sent to the applicant.")
    if action == "review":
        cases.review(
            user, application, opinion=data["opinion"], recommendation=data["recommendation"]
        )
        return _("Your review is recorded.")
    if action == "extend":
        cases.extend(user, application, reason=data["reason"])
        return _("The time limit is extended.")
    if action == "special_start":
        cases.start_special_step(user, application, **data)
        return _("The special step has started; the time limit is paused.")
    if action == "special_end":
        cases.end_special_step(user, application, result=data["result"])
        return _("The special step has ended; the time limit runs again.")
    if action == "decide":
        cases.decide(
            user,
            application,
            outcome=data["outcome"],
            reasons=data["reasons"],
            expected_state=data["expected_state"] or None,
        )
        return _("The decision is recorded.")
    if action == "deliver":
        cases.deliver(user, application, way=data["way"], note=data["note"])
        return _("The delivery is recorded; the case is completed.")
    if action == "rectify":
        cases.record_rectification(
            user, application, call_back=data["call_back"], result=data["result"]
        )
        return _("The rectification is recorded.")
    raise Http404


@login_required
@require_POST
def case_action(request, pk, action):
    application = _case_for(request, pk)
    if action not in ACTIONS:
        raise Http404
    forms = _forms(application, request.POST, action)
    form = forms[action]
    if form.is_valid():
        try:
            done = _run(request, application, action, form)
        except DomainError as exc:
            if exc.status == 403:
                raise
            form_error(form, exc)
            # Said at the top as well: the form may no longer be offered (decided meanwhile).
            messages.error(request, str(exc.message))
            application.refresh_from_db()
            return _detail(request, application, forms, status=exc.status)
        if done:
            messages.success(request, done)
            return redirect("services:case", application.pk)
    return _detail(request, application, forms, status=400)


@login_required
def case_file(request, pk, material_pk):
    """A material the applicant uploaded (staff of the unit only)."""
    application = _case_for(request, pk)
    row = application.materials.select_related("attachment").filter(pk=material_pk).first()
    if row is None or row.attachment is None:
        raise Http404
    attachment = row.attachment
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return file_download(
        handle,
        filename=attachment.original_name,
        content_type=safe_content_type(attachment.extension),
        personal_data=attachment.contains_personal_data,
        actor=request.user,
        obj=attachment,
        unit=attachment.unit,
    )


def pdf_response(data, name, *, application=None, actor=None):
    """A case's printed document. Staff (`actor`) downloading it is audited (it names
    the applicant); the applicant fetching their own is not."""
    return file_download(
        data,
        filename=name,
        content_type="application/pdf",
        personal_data=actor is not None,
        actor=actor,
        obj=application,
        unit=application.unit if application is not None else None,
        action="services.document.download",
    )


def _kept_or_rendered(attachment, render):
    """The kept document; rendered again from the case's data if it is not there."""
    if attachment is not None:
        try:
            with attachment.file.open("rb") as handle:
                return handle.read()
        except OSError:
            pass
    return render()


def receipt_response(application, actor=None):
    """The receipt of acceptance or refusal (404 before intake). `actor`: the member of
    staff downloading it (audited), None for the applicant."""
    from .pdf import receipt_pdf

    if not (application.accepted_on or application.state == S.REFUSED_AT_INTAKE):
        raise Http404
    data = _kept_or_rendered(application.receipt, lambda: receipt_pdf(application))
    return pdf_response(
        data, f"{application.number}-receipt.pdf", application=application, actor=actor
    )


def certificate_response(application, actor=None):
    """The result document of an approval (404 otherwise). `actor`: the member of staff
    downloading it (audited), None for the applicant."""
    from .pdf import certificate_pdf

    if application.state not in (S.APPROVED, S.DELIVERED):
        raise Http404
    decision = application.decision
    data = _kept_or_rendered(decision.document, lambda: certificate_pdf(application))
    return pdf_response(data, f"{application.number}.pdf", application=application, actor=actor)


@login_required
def case_receipt(request, pk):
    return receipt_response(_case_for(request, pk), actor=request.user)


@login_required
def case_certificate(request, pk):
    return certificate_response(_case_for(request, pk), actor=request.user)


# --- the form builder ---------------------------------------------------------------------


@login_required
def form_builder(request, pk):
    """Define the online form of an item without code: add, remove and reorder fields,
    choose their types, mark them required or shown only when another answer is X."""
    item = get_object_or_404(ServiceItem.objects.select_related("unit"), pk=pk)
    if not permissions.may(request.user, "services.serviceitem.view", item):
        raise Http404
    permissions.require(request.user, "services.edit_form", item)
    current = ServiceForm.objects.filter(item=item).first()
    status = 200
    error = ""
    if request.method == "POST":
        formset = f.FieldFormSet(request.POST, prefix="fields")
        if formset.is_valid():
            try:
                cases.save_form(request.user, item, f.fields_from_formset(formset))
            except DomainError as exc:
                error = str(exc.message)
                status = exc.status
            else:
                messages.success(request, _("The online form was saved."))
                return redirect("services:form", item.pk)
        else:
            status = 400
    else:
        formset = f.FieldFormSet(
            prefix="fields", initial=f.formset_initial(current.fields if current else [])
        )
    return render(
        request,
        "services/staff/form_builder.html",
        {"item": item, "formset": formset, "current": current, "error": error},
        status=status,
    )
