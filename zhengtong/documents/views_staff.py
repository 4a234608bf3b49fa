"""Staff pages of the official documents (公文): the lists, a new draft, the document
page with its route, trail and the actions open to the viewer, and one POST view per
operation. Every change goes through `services`; a domain error is shown on the page
and changes nothing."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengtong.core.errors import DomainError, Invalid, NotFound, NotPermitted
from zhengtong.core.web import form_error
from zhengtong.org import permissions
from zhengtong.org.models import Unit

from . import selectors, services
from .forms import ApproveForm, DraftForm, FilterForm, SendBackForm, SubmitForm, draftable_units
from .models import (
    Direction,
    Distribution,
    DocState,
    DocType,
    Document,
    IncomingRecord,
    StepKind,
    StepState,
)

PAGE_SIZE = 30

BOXES = [
    ("awaiting", gettext_lazy("Awaiting me")),
    ("to_sign_for", gettext_lazy("To sign for")),
    ("drafts", gettext_lazy("Drafts")),
    ("sent", gettext_lazy("Sent")),
    ("received", gettext_lazy("Received")),
]
BOX_CAPTIONS = {
    "awaiting": gettext_lazy("Documents waiting for your review, countersignature or sign-off"),
    "to_sign_for": gettext_lazy("Documents sent to your units, not yet signed for"),
    "drafts": gettext_lazy("Your units' drafts and documents under way, not yet issued"),
    "sent": gettext_lazy("Documents your units issued"),
    "received": gettext_lazy("Documents sent to your units"),
}

# How the trail's actions read (TrailEntry.action).
TRAIL_ACTIONS = {
    "draft": gettext_lazy("Drafted"),
    "submit": gettext_lazy("Submitted"),
    StepKind.REVIEW: gettext_lazy("Reviewed (核稿)"),
    StepKind.COUNTERSIGN: gettext_lazy("Countersigned (会签)"),
    StepKind.OFFICE_REVIEW: gettext_lazy("Office review (复核)"),
    StepKind.SIGN_OFF: gettext_lazy("Signed off (签发)"),
    "send_back": gettext_lazy("Sent back"),
    "issue": gettext_lazy("Issued (发文)"),
    "sign_for": gettext_lazy("Signed for (签收)"),
    "withdraw": gettext_lazy("Withdrawn"),
    "archive": gettext_lazy("Archived (归档)"),
    "amend": gettext_lazy("Amended after sign-off"),
}

NUMBER = re.compile(r"^\s*(?P<prefix>.*?)〔(?P<year>\d{4})〕(?P<seq>\d+)号?\s*$")


def _search(queryset, text, prefix="", person=None):
    """A whole document number (教发〔2026〕3号), or words found anywhere in the title or
    the text through the shared Chinese full-text index (search.engine), or a title
    fragment / number prefix."""
    match = NUMBER.match(text)
    if match:
        return queryset.filter(
            **{
                f"{prefix}number_prefix": match["prefix"].strip(),
                f"{prefix}number_year": int(match["year"]),
                f"{prefix}number_seq": int(match["seq"]),
            }
        )
    from zhengtong.search import engine

    hits = engine.search(text, person=person, object_type="documents.document", limit=200)
    found = [int(h.entry.object_id) for h in hits]
    return queryset.filter(
        Q(**{f"{prefix}title__icontains": text})
        | Q(**{f"{prefix}number_prefix": text})
        | Q(**{f"{prefix}pk__in": found})
    )


def _filter(box, queryset, data, person=None):
    on_document = box in ("drafts", "sent")
    prefix = "" if on_document else "document__"
    if data.get("doc_type"):
        queryset = queryset.filter(**{f"{prefix}doc_type": data["doc_type"]})
    if data.get("year"):
        year_field = {
            "drafts": "created_at__year",
            "awaiting": "document__created_at__year",
            "sent": "number_year",
        }.get(box, "sent_at__year")
        queryset = queryset.filter(**{year_field: data["year"]})
    if data.get("q"):
        queryset = _search(queryset, data["q"].strip(), prefix, person=person)
    return queryset


def _row(box, obj, person):
    if box in ("drafts", "sent"):
        return {"document": obj}
    if box == "awaiting":
        return {
            "document": obj.document,
            "step": obj,
            "for_whom": obj.assignee if obj.assignee_id != person.pk else None,
        }
    return {"document": obj.document, "distribution": obj}


@login_required
def document_list(request):
    person = request.user
    querysets = selectors.box_querysets(person)
    counts = {box: querysets[box].count() for box in ("awaiting", "to_sign_for")}
    box = request.GET.get("box")
    if box not in querysets:
        box = next((b for b in ("awaiting", "to_sign_for") if counts[b]), "drafts")
    this_year = timezone.localdate().year
    years = sorted({this_year, *(d.year for d in Document.objects.dates("created_at", "year"))})
    filters = FilterForm(request.GET or None, years=reversed(years))
    data = filters.cleaned_data if filters.is_valid() else {}
    queryset = _filter(box, querysets[box], data, person)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {"box": box, **{k: v for k, v in data.items() if v}}
    return render(
        request,
        "documents/list.html",
        {
            "box": box,
            "boxes": [(b, label, counts.get(b)) for b, label in BOXES],
            "caption": BOX_CAPTIONS[box],
            "filters": filters,
            "page": page,
            "rows": [_row(box, obj, person) for obj in page.object_list],
            "query_string": urlencode(query),
            "can_draft": bool(draftable_units(person)),
            "can_set_route": bool(
                person.primary_unit
                and permissions.may(
                    person, "documents.set_route_default", None, unit=person.primary_unit
                )
            ),
        },
    )


@login_required
@require_POST
def sign_for_many(request):
    """Sign for several documents at once from the list (one action, each timed)."""
    ids = [int(i) for i in request.POST.getlist("distribution") if i.isdigit()]
    done = 0
    chosen = Distribution.objects.filter(pk__in=ids).select_related("document", "unit")
    for distribution in chosen:
        if not permissions.may(request.user, "documents.sign_for", distribution):
            continue  # not one of the person's units: say nothing about it
        try:
            services.sign_for(request.user, distribution)
        except DomainError as exc:
            messages.error(request, f"{distribution.document.title}: {exc.message}")
        else:
            done += 1
    if done:
        messages.success(request, _("Signed for %(count)d documents.") % {"count": done})
    elif not ids:
        messages.error(request, _("Choose the documents to sign for."))
    return redirect(f"{reverse('documents:list')}?box=to_sign_for")


@login_required
def new(request):
    person = request.user
    units = draftable_units(person)
    if not units:
        raise PermissionDenied(_("You are not a member of a unit that issues documents."))
    primary = person.primary_unit
    initial = {
        "issuing_unit": primary.pk if primary in units else units[0].pk,
        "urgency": "",
        "doc_type": DocType.NOTICE,  # the commonest type; 决议 (the first) rarely is
        "direction": "",
    }
    form = DraftForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.create_draft(
                person, issuing_unit=form.cleaned_data["issuing_unit"], **form.operation_fields()
            )
        except NotPermitted:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/edit.html", {"form": form, "document": None})


def _get(request, pk):
    try:
        return services.get_document(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _to_detail(document):
    return redirect("documents:detail", pk=document.pk)


@login_required
def edit(request, pk):
    document = _get(request, pk)
    permissions.require(request.user, "documents.edit", document)
    if document.state != DocState.DRAFT:
        messages.error(request, _("Only a draft can be changed; send it back first."))
        return _to_detail(document)
    form = DraftForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(request.user, document, **form.operation_fields())
        except NotPermitted:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return _to_detail(document)
    return render(request, "documents/edit.html", {"form": form, "document": document})


def _chinese_date(moment):
    day = timezone.localtime(moment).date() if hasattr(moment, "tzinfo") else moment
    return f"{day.year}年{day.month}月{day.day}日"


def body_html(document):
    """The sanitised body as paragraphs: plain text is one paragraph per line."""
    body = document.body or ""
    if not re.search(r"<(p|h[2-5]|table)\b", body, re.IGNORECASE):
        body = "".join(f"<p>{line.strip()}</p>" for line in body.splitlines() if line.strip())
    return mark_safe(services.clean_body(body))  # noqa: S308 (sanitised by nh3 just now)


def _layout(document):
    """What the print-style rendering needs (GB/T 9704 in miniature)."""
    mains = list(document.main_recipients.all())
    copies = list(document.copy_recipients.all())
    dated = document.issued_at or document.signed_at
    unit = document.issuing_unit
    unit_name = unit.name_on(timezone.localtime(dated).date()) if dated else unit.name
    return {
        "unit_name": unit_name,
        "mains": "、".join(u.name for u in mains),
        "copies": "、".join(u.name for u in copies),
        "body": body_html(document),
        "attachments": [a.strip() for a in document.attachment_note.splitlines() if a.strip()],
        "date": _chinese_date(dated) if dated else "",
        "show_signer": document.direction == Direction.UP and document.signer_id,
    }


def _detail(request, document, **forms):
    """The document page; `forms` are bound forms (with errors) to show instead of
    fresh ones, and `action_error` a message from an action without a form."""
    person = request.user
    action_error = forms.pop("action_error", None)
    context = {"document": document, "action_error": action_error}
    is_draft = document.state == DocState.DRAFT
    context["can_edit"] = is_draft and bool(permissions.may(person, "documents.edit", document))
    if context["can_edit"]:
        context["submit_form"] = forms.get("submit_form") or SubmitForm(document)
    step, acting = (None, None)
    if document.state == DocState.IN_ROUTE:
        step, acting = services.pending_step_for(person, document)
    context["step"], context["acting"] = step, acting
    if step is not None:
        sign_off = step.kind == StepKind.SIGN_OFF
        context["approve_form"] = forms.get("approve_form") or ApproveForm(
            sign_off=sign_off, initial={"disclosure": ""}
        )
        context["send_back_form"] = forms.get("send_back_form") or SendBackForm()
    context["can_issue"] = document.state == DocState.SIGNED and bool(
        permissions.may(person, "documents.issue", document)
    )
    distributions = list(document.distributions.select_related("unit", "signed_for_by"))
    context["to_sign"] = [
        d
        for d in distributions
        if document.state == DocState.ISSUED
        and d.signed_for_at is None
        and permissions.may(person, "documents.sign_for", d)
    ]
    if not permissions.is_member(person, document.issuing_unit_id) and not (
        document.route.filter(assignee=person).exists()
    ):
        mine = permissions.unit_ids_of(person)
        distributions = [d for d in distributions if d.unit_id in mine]
    context["distributions"] = distributions
    route = list(
        document.route.select_related("unit", "assignee", "acted_by", "on_behalf_of").order_by(
            "round", "order", "pk"
        )
    )
    context["route"] = route
    if is_draft and route:
        latest = max(s.round for s in route)
        context["returned"] = next(
            (s for s in route if s.round == latest and s.state == StepState.RETURNED), None
        )
    context["rounds"] = len({s.round for s in route}) > 1
    context["trail"] = [
        {"entry": e, "label": TRAIL_ACTIONS.get(e.action, e.action)}
        for e in document.trail.select_related("actor", "on_behalf_of", "unit")
    ]
    context["archive_entry"] = document.archive_entries.filter(unit=document.issuing_unit).first()
    context["can_archive"] = (
        document.state == DocState.ISSUED
        and context["archive_entry"] is None
        and bool(permissions.may(person, "documents.archive", document))
    )
    context["my_incoming"] = list(
        IncomingRecord.objects.filter(
            distribution__document=document, unit_id__in=permissions.unit_ids_of(person)
        ).select_related("unit")
    )
    context["can_amend"] = document.state == DocState.SIGNED and bool(
        permissions.may(person, "documents.edit", document)
    )
    context["can_withdraw"] = (
        document.state != DocState.WITHDRAWN
        and not document.archive_entries.exists()
        and bool(permissions.may(person, "documents.withdraw", document))
    )
    versions = list(document.versions.select_related("saved_by"))
    context["versions"] = versions
    if len(versions) > 1:
        context["version_diff"] = services.version_diff(versions[-2], versions[-1])
    context["layout"] = _layout(document)
    context["main_recipients"] = document.main_recipients.all()
    context["copy_recipients"] = document.copy_recipients.all()
    return render(request, "documents/detail.html", context)


@login_required
def detail(request, pk):
    return _detail(request, _get(request, pk))


def _act(request, document, operation, form_name, form, success):
    """Run `operation()`; on a domain error show it on `form` (permission errors are
    403 pages, through the middleware)."""
    try:
        operation()
    except NotPermitted:
        raise
    except DomainError as exc:
        form_error(form, exc)
        return _detail(request, document, **{form_name: form})
    messages.success(request, success)
    return _to_detail(document)


@login_required
@require_POST
def submit(request, pk):
    document = _get(request, pk)
    permissions.require(request.user, "documents.edit", document)
    if document.state != DocState.DRAFT:
        messages.error(request, _("This document has already been submitted."))
        return _to_detail(document)
    form = SubmitForm(document, request.POST)
    if not form.is_valid():
        return _detail(request, document, submit_form=form)
    data = form.cleaned_data

    def operation():
        services.submit(
            request.user,
            document,
            reviewer=data["reviewer"],
            signer=data["signer"],
            countersigners=data["countersigners"],
            office_reviewer=data["office_reviewer"],
            joint_signers=data.get("joint_signers", []),
        )

    success = _("Submitted: %(name)s reviews it next.") % {"name": data["reviewer"].real_name}
    return _act(request, document, operation, "submit_form", form, success)


def _pending_step(request, document):
    if document.state != DocState.IN_ROUTE:
        return None
    step, _acting = services.pending_step_for(request.user, document)
    if step is None:
        raise NotPermitted(_("Nothing on this document is waiting for you."))
    return step


@login_required
@require_POST
def approve(request, pk):
    document = _get(request, pk)
    step = _pending_step(request, document)
    if step is None:
        messages.error(request, _("This document is not waiting for anyone's approval."))
        return _to_detail(document)
    form = ApproveForm(request.POST, sign_off=step.kind == StepKind.SIGN_OFF)
    if not form.is_valid():
        return _detail(request, document, approve_form=form)

    def operation():
        services.approve(request.user, document, **form.operation_fields())

    success = (
        _("Signed off. The issuing unit's clerk can now issue it.")
        if step.kind == StepKind.SIGN_OFF
        else _("Approved: %(step)s.") % {"step": step.get_kind_display()}
    )
    return _act(request, document, operation, "approve_form", form, success)


@login_required
@require_POST
def send_back(request, pk):
    document = _get(request, pk)
    step = _pending_step(request, document)
    if step is None:
        messages.error(request, _("This document is not waiting for anyone's approval."))
        return _to_detail(document)
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return _detail(request, document, send_back_form=form)

    def operation():
        services.send_back(request.user, document, reason=form.cleaned_data["reason"])

    success = _("Sent back to the drafter.")
    return _act(request, document, operation, "send_back_form", form, success)


def _do(request, document, operation, success):
    """Run a page action: on a domain error show the page again with the message
    (nothing changed); a refusal stays a 403."""
    try:
        operation()
    except NotPermitted:
        raise
    except DomainError as exc:
        return _detail(request, document, action_error=exc.message)
    messages.success(request, success() if callable(success) else success)
    return _to_detail(document)


@login_required
@require_POST
def issue(request, pk):
    document = _get(request, pk)
    permissions.require(request.user, "documents.issue", document)
    try:
        document = services.issue(request.user, document)
    except NotPermitted:
        raise
    except DomainError as exc:
        return _detail(request, document, action_error=exc.message)
    messages.success(request, _("Issued as %(number)s.") % {"number": document.number})
    return _to_detail(document)


@login_required
@require_POST
def sign_for(request, pk):
    document = _get(request, pk)
    mine = document.distributions.select_related("unit")
    chosen = request.POST.get("distribution", "")
    if chosen:
        if not chosen.isdigit():
            raise Http404()
        mine = mine.filter(pk=int(chosen))
    candidates = [d for d in mine if permissions.may(request.user, "documents.sign_for", d)]
    if not candidates:
        if chosen and not mine:
            raise Http404()
        raise NotPermitted()
    distribution = next((d for d in candidates if d.signed_for_at is None), candidates[0])
    try:
        services.sign_for(request.user, distribution)
    except NotPermitted:
        raise
    except DomainError as exc:
        return _detail(request, document, action_error=exc.message)
    messages.success(
        request, _("Signed for on behalf of %(unit)s.") % {"unit": distribution.unit.name}
    )
    return _to_detail(document)


@login_required
@require_POST
def withdraw(request, pk):
    """The issuing unit's head withdraws the document (its number stays taken)."""
    document = _get(request, pk)
    permissions.require(request.user, "documents.withdraw", document)
    return _do(
        request,
        document,
        lambda: services.withdraw(request.user, document, reason=request.POST.get("reason", "")),
        _("The document has been withdrawn."),
    )


@login_required
@require_POST
def import_word(request, pk):
    """Replace the draft's text with a .docx written in Word or WPS."""
    document = _get(request, pk)
    permissions.require(request.user, "documents.edit", document)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise Invalid(_("Choose a .docx file."), field="file")
        services.import_docx(request.user, document, upload)
    except NotPermitted:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:edit", pk=document.pk)
    messages.success(request, _("The text of the Word document is now the draft's body."))
    return redirect("documents:edit", pk=document.pk)


def _file_response(content, filename, content_type):
    from zhengtong.core.downloads import file_download

    # A document's print and a unit's archive: no personal data (the export is audited
    # by its operation).
    return file_download(content, filename=filename, content_type=content_type, personal_data=False)


@login_required
def download(request, pk, fmt):
    """The document in the national layout (GB/T 9704-2012) as PDF or DOCX."""
    from . import layout

    document = _get(request, pk)
    name = document.number or document.title
    if fmt == "pdf":
        return _file_response(layout.render_pdf(document), f"{name}.pdf", "application/pdf")
    return _file_response(
        layout.render_docx(document),
        f"{name}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
def archive_export(request):
    """A year's archive of one of the person's units, as a zip of PDFs and a sheet."""
    from django.utils import timezone as tz

    unit_id = request.GET.get("unit") or getattr(request.user.primary_unit, "pk", None)
    year = request.GET.get("year") or str(tz.localdate().year)
    if not (str(unit_id).isdigit() and year.isdigit()):
        raise Http404()
    unit = Unit.objects.filter(pk=int(unit_id)).first()
    if unit is None:
        raise Http404()
    content = services.export_archive(request.user, unit, int(year))
    return _file_response(content, f"{services.fonds_of(unit)}-{year}.zip", "application/zip")


@login_required
@require_POST
def amend(request, pk):
    """Change a signed-off document before issue: it goes back to the signer."""
    document = _get(request, pk)
    permissions.require(request.user, "documents.edit", document)
    return _do(
        request,
        document,
        lambda: services.amend_signed(
            request.user,
            document,
            reason=request.POST.get("reason", ""),
            body=request.POST.get("body", document.body),
        ),
        _("Changed: the document goes back to the signer."),
    )


@login_required
def route_defaults(request):
    """The unit head (or unit administrator) records who usually reviews and signs the
    unit's documents; the submit form then offers them first."""
    from .forms import RouteDefaultForm

    unit = request.user.primary_unit
    if unit is None or not permissions.may(
        request.user, "documents.set_route_default", None, unit=unit
    ):
        raise NotPermitted()
    form = RouteDefaultForm(unit, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_route_default(request.user, unit, **form.cleaned_data)
        except NotPermitted:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("documents:route_defaults")
    defaults = unit.route_defaults.select_related("reviewer", "office_reviewer", "signer")
    return render(
        request, "documents/route_defaults.html", {"form": form, "unit": unit, "defaults": defaults}
    )
