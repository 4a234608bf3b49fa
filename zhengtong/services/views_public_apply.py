"""The applicant's pages under /bsfw/ (website layout; a signed-in public user):

* /bsfw/sx/<code>/sq/ — apply online: the item's form, empty; saving makes a draft.
* /bsfw/sq/<id>/ — my application: the form while a draft (save and resume later, one
  upload per material slot), else its progress, the one-time notice with the slots to
  upload again, the decision and documents, the rating and the rectification result.
* /bsfw/sq/<id>/summary/ — everything before the final submission; submitting.
* /bsfw/sq/<id>/copy/ — the applicant's printable copy.

And for everyone: /bsfw/cx/ the progress lookup by number + ID number or mobile
(rate-limited, one generic message), /bsfw/gs/ 办件公示 with personal data masked,
/bsfw/pj/ the ratings per unit and item.

Another applicant's application answers 404, whatever its number.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie

from zhengtong.core.errors import DomainError, NotFound
from zhengtong.core.masking import mask_name
from zhengtong.public import lookup
from zhengtong.public.session import current_public_user, public_login_required

from . import cases, selectors
from . import forms_cases as f
from .models import ApplicationState, CaseStepKind, FieldType
from .views_public import PUBLIC_MAX_AGE, _published_or_404
from .views_staff_cases import certificate_response, receipt_response

S = ApplicationState
PROGRESS_SCOPE = "services.progress"
PROGRESS_SESSION = "_zt_services_progress"
EMPTY_TABLE_ROWS = 3
# Steps the public progress page shows (never who acted, never internal notes).
PUBLIC_STEPS = set(CaseStepKind.values)


def _answers_from_post(post, fields):
    answers = {}
    for field in fields:
        key = field["key"]
        if field["type"] == FieldType.TABLE:
            rows = []
            for i in range(cases.TABLE_MAX_ROWS):
                names = [f"a_{key}-{i}-{j}" for j in range(len(field["columns"]))]
                if not any(n in post for n in names):
                    continue
                rows.append(
                    {c: post.get(n, "") for c, n in zip(field["columns"], names, strict=True)}
                )
            answers[key] = rows
        elif f"a_{key}" in post:
            answers[key] = post.get(f"a_{key}", "")
    return answers


def _field_rows(fields, answers, errors):
    rows = []
    for field in fields:
        key = field["key"]
        value = answers.get(key, [] if field["type"] == FieldType.TABLE else "")
        row = {"field": field, "name": f"a_{key}", "value": value, "error": errors.get(key)}
        if field["type"] == FieldType.TABLE:
            table = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
            table += [{} for _i in range(EMPTY_TABLE_ROWS)]
            row["table"] = [
                [
                    {"name": f"a_{key}-{i}-{j}", "column": c, "value": r.get(c, "")}
                    for j, c in enumerate(field["columns"])
                ]
                for i, r in enumerate(table)
            ]
        if field.get("show_if"):
            other = next((x for x in fields if x["key"] == field["show_if"]["field"]), None)
            row["condition"] = {
                "label": other["label"] if other else field["show_if"]["field"],
                "equals": field["show_if"]["equals"],
            }
        rows.append(row)
    return rows


def _slots(application, errors):
    uploads = {m.material_id: m for m in application.materials.select_related("attachment")}
    return [
        {
            "material": m,
            "upload": uploads.get(m.pk),
            "error": errors.get(f"materials[{m.pk}]"),
        }
        for m in application.item.materials.all()
    ]


def _applicant(post):
    return {name: post.get(name, "") for name in cases.APPLICANT_FIELDS}


def _edit_page(request, item, application=None, *, answers=None, errors=None, status=200):
    errors = errors or {}
    fields = application.form_fields if application else cases.online_form(item).fields
    answers = answers if answers is not None else (application.answers if application else {})
    user = current_public_user(request)
    person = application or user
    context = {
        "item": item,
        "app": application,
        "rows": _field_rows(fields, answers, errors),
        "slots": _slots(application, errors) if application else [],
        "errors": errors,
        "applicant": {
            "applicant_name": getattr(person, "applicant_name", None) or user.real_name,
            "applicant_id_number": getattr(person, "applicant_id_number", None) or user.id_number,
            "applicant_mobile": getattr(person, "applicant_mobile", None) or user.mobile,
        },
        "is_business": user.kind == "business",
    }
    return render(request, "services/apply/edit.html", context, status=status)


@never_cache
@public_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply_start(request, code):
    """Apply online: the empty form; saving makes the draft (then resumable)."""
    item = _published_or_404(code)
    if cases.online_form(item) is None:
        raise Http404(_("This service cannot be applied for online."))
    user = current_public_user(request)
    if request.method == "POST":
        fields = cases.online_form(item).fields
        answers = _answers_from_post(request.POST, fields)
        try:
            application = cases.save_draft(
                user, item, answers=answers, applicant=_applicant(request.POST)
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return _edit_page(request, item, answers=answers, status=exc.status)
        messages.success(request, _("Your draft is saved. You can come back to it later."))
        return redirect("services_public:application", application.pk)
    return _edit_page(request, item)


def _own_or_404(request, pk):
    try:
        return cases.get_own(current_public_user(request), pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@never_cache
@public_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application(request, pk):
    """My application: the form while a draft, else its progress."""
    app = _own_or_404(request, pk)
    user = current_public_user(request)
    if app.state == S.DRAFT:
        if request.method == "POST":
            answers = _answers_from_post(request.POST, app.form_fields)
            try:
                app = cases.save_draft(
                    user,
                    app.item,
                    application=app,
                    answers=answers,
                    applicant=_applicant(request.POST),
                )
            except DomainError as exc:
                messages.error(request, str(exc.message))
                return _edit_page(request, app.item, app, answers=answers, status=exc.status)
            _cleaned, errors = cases.clean_answers(app.form_fields, app.answers, complete=False)
            # A wrong ID number or mobile is said at once; a missing one only at submission.
            errors.update(
                {
                    k: v
                    for k, v in cases._applicant_errors(app).items()
                    if (getattr(app, "_invalid", {}).get(k) or getattr(app, k, ""))
                }
            )
            if errors:
                return _edit_page(request, app.item, app, errors=errors, status=400)
            if request.POST.get("action") == "summary":
                return redirect("services_public:summary", app.pk)
            messages.success(request, _("Your draft is saved. You can come back to it later."))
            return redirect("services_public:application", app.pk)
        return _edit_page(request, app.item, app)
    return _status_page(request, app)


def _status_page(request, app, *, rate_form=None, errors=None, status=200):
    notice = getattr(app, "notice", None) if hasattr(app, "notice") else None
    rating = getattr(app, "rating", None) if hasattr(app, "rating") else None
    rectification = (
        getattr(rating, "rectification", None)
        if rating is not None and hasattr(rating, "rectification")
        else None
    )
    context = {
        "app": app,
        "item": app.item,
        "steps": list(app.steps.all()),
        "notice": notice,
        "slots": _slots(app, errors or {}) if app.state == S.NOTICE_SENT else [],
        "decision": getattr(app, "decision", None) if hasattr(app, "decision") else None,
        "rating": rating,
        "rectification": rectification,
        "rate_form": rate_form
        or (f.RateForm(prefix="rate") if app.is_completed and rating is None else None),
        "errors": errors or {},
    }
    return render(request, "services/apply/status.html", context, status=status)


@never_cache
@public_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def summary(request, pk):
    """Everything before the final submission; POST submits (once, whatever the number
    of clicks: the page's submission key)."""
    app = _own_or_404(request, pk)
    if app.state != S.DRAFT:
        return redirect("services_public:application", app.pk)
    _cleaned, errors = cases.clean_answers(app.form_fields, app.answers)
    errors.update(cases._applicant_errors(app))
    for slot in cases.missing_materials(app):
        errors[f"materials[{slot.pk}]"] = _("Upload “%(name)s”.") % {"name": slot.name}
    status = 200
    if request.method == "POST":
        try:
            app = cases.submit(
                current_public_user(request), app, submission_key=request.POST.get("key") or None
            )
        except cases.FormErrors as exc:
            errors, status = exc.errors, 400
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = exc.status
        else:
            messages.success(
                request,
                _("Your application is submitted. Its number is %(number)s.")
                % {"number": app.number},
            )
            return redirect("services_public:application", app.pk)
    context = {
        "app": app,
        "item": app.item,
        "rows": _field_rows(app.form_fields, app.answers, errors),
        "slots": _slots(app, errors),
        "errors": errors,
        "key": uuid.uuid4().hex,
    }
    return render(request, "services/apply/summary.html", context, status=status)


@never_cache
@public_login_required
@require_POST
def upload(request, pk, material_pk):
    """Upload the file of one material slot (a draft, or after the one-time notice)."""
    app = _own_or_404(request, pk)
    form = f.UploadForm(request.POST, request.FILES)
    field = f"materials[{material_pk}]"
    if not form.is_valid():
        error = {field: _("Choose a file to upload.")}
    else:
        try:
            cases.upload_material(
                current_public_user(request), app, material_pk, form.cleaned_data["file"]
            )
        except DomainError as exc:
            error = {exc.field or field: str(exc.message)}
        else:
            messages.success(request, _("The file was uploaded."))
            return redirect("services_public:application", app.pk)
    app.refresh_from_db()
    if app.state == S.DRAFT:
        return _edit_page(request, app.item, app, errors=error, status=400)
    return _status_page(request, app, errors=error, status=400)


@never_cache
@public_login_required
@require_POST
def supply(request, pk):
    app = _own_or_404(request, pk)
    try:
        cases.supply_after_notice(current_public_user(request), app)
    except cases.FormErrors as exc:
        app.refresh_from_db()
        return _status_page(request, app, errors=exc.errors, status=400)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you: your application is back at intake."))
    return redirect("services_public:application", app.pk)


@never_cache
@public_login_required
@require_POST
def rate(request, pk):
    app = _own_or_404(request, pk)
    form = f.RateForm(request.POST, prefix="rate")
    if form.is_valid():
        try:
            cases.rate(current_public_user(request), app, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Thank you for your rating."))
        return redirect("services_public:application", app.pk)
    return _status_page(request, app, rate_form=form, status=400)


@never_cache
@public_login_required
@require_POST
def withdraw(request, pk):
    app = _own_or_404(request, pk)
    try:
        cases.withdraw(current_public_user(request), app)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("services_public:application", app.pk)


@never_cache
@public_login_required
@require_safe
def copy(request, pk):
    """The applicant's copy (printable): the answers and files as submitted."""
    app = _own_or_404(request, pk)
    context = {
        "app": app,
        "item": app.item,
        "rows": _field_rows(app.form_fields, app.answers, {}),
        "slots": _slots(app, {}),
    }
    return render(request, "services/apply/copy.html", context)


@never_cache
@public_login_required
@require_safe
def receipt(request, pk):
    return receipt_response(_own_or_404(request, pk))


@never_cache
@public_login_required
@require_safe
def certificate(request, pk):
    return certificate_response(_own_or_404(request, pk))


# --- for everyone ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def progress(request):
    """办件进度查询: the number and the applicant's ID number or mobile."""

    def found(app, _data):
        granted = set(request.session.get(PROGRESS_SESSION, []))
        granted.add(app.pk)
        request.session[PROGRESS_SESSION] = sorted(granted)[-20:]
        return redirect(reverse("services_public:progress_detail", args=[app.pk]))

    return lookup.lookup_page(
        request,
        form_class=f.ProgressForm,
        scope=PROGRESS_SCOPE,
        find=lambda data: cases.find_for_progress(data["number"], data["identifier"]),
        found=found,
        # As find_for_progress reads the number: without spaces, at most 24 characters.
        code_of=lambda data: "".join(data["number"].split())[:24],
        not_found_message=_(
            "No application matches this number and ID number or mobile. Check both."
        ),
        template="services/apply/progress.html",
    )


@never_cache
@require_safe
def progress_detail(request, pk):
    if pk not in request.session.get(PROGRESS_SESSION, []):
        return redirect("services_public:progress")
    from .models import Application

    app = Application.objects.select_related("item", "unit").filter(pk=pk).first()
    if app is None:
        return redirect("services_public:progress")
    return render(
        request,
        "services/apply/progress_detail.html",
        {"app": app, "steps": list(app.steps.all()), "masked_name": mask_name(app.applicant_name)},
    )


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_cookie
def completed(request):
    """办件公示: completed cases, the applicant's name masked, no other personal data."""
    page = Paginator(selectors.completed_cases(), 30).get_page(request.GET.get("page"))
    rows = [
        {
            "number": a.number,
            "item": a.item.name,
            "unit": a.unit.name,
            "applicant": a.company_name or mask_name(a.applicant_name),
            "decided": a.decided_at,
            "state": a.get_state_display(),
        }
        for a in page
    ]
    return render(request, "services/apply/completed.html", {"page_obj": page, "rows": rows})


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_cookie
def ratings(request):
    """好差评 statistics per unit and item (public, docs/conformance.md SRV-12)."""
    return render(request, "services/apply/ratings.html", {"rows": cases.rating_statistics()})
