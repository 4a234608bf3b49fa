"""Staff pages of incoming documents (收文, docs/conformance.md DOC-15) and of the
archive (归档, §1.6): the unit's incoming book, registering a paper document, the record
page with the actions open to the viewer (return, propose, instruct, finish a task,
close, archive), the unit's yearly statistics, and archiving an issued document.

Every change goes through `services`; a domain error is shown on the page and changes
nothing. Permission errors become 403 pages (through the middleware), records of other
units 404 pages."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengtong.core import attachments
from zhengtong.core.errors import DomainError, NotFound, NotPermitted
from zhengtong.core.web import form_error
from zhengtong.org import permissions
from zhengtong.org.models import Role, Unit, User

from . import selectors, services
from .models import (
    ArchiveEntry,
    Distribution,
    DocState,
    Document,
    HandlingTask,
    IncomingRecord,
    IncomingState,
    Retention,
)

PAGE_SIZE = 30
OPEN_STATES = (IncomingState.REGISTERED, IncomingState.PROPOSED, IncomingState.HANDLING)
DUE_DAYS_DEFAULT = 5


# --- forms ------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """A form of the record page: several share the page, so each has its own ids."""

    id_prefix = "action"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.real_name} · {obj.position}" if obj.position else obj.real_name


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.real_name} · {obj.position}" if obj.position else obj.real_name


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class IncomingFilterForm(forms.Form):
    """The incoming book's filters (GET)."""

    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All states")), *IncomingState.choices],
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", gettext_lazy("All years"))] + [
            (y, str(y)) for y in years
        ]


class RegisterForm(forms.Form):
    """A paper document from outside the platform, with its scan."""

    unit = UnitChoice(
        label=gettext_lazy("Receiving unit"), queryset=Unit.objects.none(), empty_label=None
    )
    source_name = forms.CharField(
        label=gettext_lazy("Sending organ"),
        max_length=100,
        help_text=gettext_lazy("For example 某市人民政府办公室."),
    )
    source_number = forms.CharField(
        label=gettext_lazy("Its document number"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("As printed on the document, for example 市政办发〔2026〕8号."),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    scan = forms.FileField(
        label=gettext_lazy("Scan of the paper document"),
        help_text=gettext_lazy("A PDF, OFD or image of every page."),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by(
            "sort_order", "pk"
        )
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk


class ReturnForm(ActionForm):
    id_prefix = "return"

    reason = forms.CharField(
        label=gettext_lazy("Why it is returned"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The sender's clerks are told, with this reason."),
    )


class ProposeForm(ActionForm):
    id_prefix = "propose"

    proposal = forms.CharField(
        label=gettext_lazy("Proposed handling (拟办意见)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    head = PersonChoice(
        label=gettext_lazy("Unit head to instruct"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, record, *args, **kwargs):
        super().__init__(*args, **kwargs)
        heads = unit_heads(record.unit)
        self.fields["head"].queryset = User.objects.filter(pk__in=[p.pk for p in heads]).order_by(
            "real_name", "pk"
        )
        if not heads:
            self.fields["head"].help_text = _(
                "Nobody can instruct yet: ask the IT centre to record the unit's head (单位负责人)."
            )


class InstructForm(ActionForm):
    id_prefix = "instruct"

    instruction = forms.CharField(
        label=gettext_lazy("Instruction (批办意见)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Leave empty to agree with the proposal."),
    )
    handlers = PersonChoices(
        label=gettext_lazy("Handlers (承办)"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
    )
    readers = PersonChoices(
        label=gettext_lazy("Readers (传阅)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
        help_text=gettext_lazy("They read one after another, in the order listed."),
    )
    due_in_working_days = forms.IntegerField(
        label=gettext_lazy("Handling due in (working days)"),
        min_value=1,
        max_value=60,
        initial=DUE_DAYS_DEFAULT,
    )

    def __init__(self, record, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = selectors.unit_members(record.unit)
        self.fields["handlers"].queryset = members
        self.fields["readers"].queryset = members

    def operation_fields(self):
        data = self.cleaned_data
        return {
            "instruction": data["instruction"],
            "handlers": list(data["handlers"]),
            "readers": list(data["readers"]),
            "due_in_working_days": data["due_in_working_days"],
        }


class FinishForm(ActionForm):
    id_prefix = "finish"

    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        if task is not None and task.kind == HandlingTask.Kind.HANDLE:
            self.fields["comment"].label = _("What was done")
        else:
            self.fields["comment"].help_text = _("Optional.")


class CloseForm(ActionForm):
    id_prefix = "close"

    result = forms.CharField(
        label=gettext_lazy("Result (办理结果)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reply_to_sender = forms.BooleanField(
        label=gettext_lazy("Reply to the sender with this result (答复)"), required=False
    )

    def __init__(self, record, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if record.distribution_id is None:  # a paper document: no sender on the platform
            del self.fields["reply_to_sender"]


class ArchiveForm(ActionForm):
    id_prefix = "archive"

    retention = forms.ChoiceField(
        label=gettext_lazy("Retention (保管期限)"),
        choices=Retention.choices,
        widget=forms.RadioSelect,
    )


# --- helpers ----------------------------------------------------------------------------


def unit_heads(unit):
    """The heads of `unit` a proposal may go to (the same rule the operation checks)."""
    candidates = (
        User.objects.filter(
            is_active=True, role_assignments__role=Role.UNIT_HEAD, role_assignments__unit=unit
        )
        .distinct()
        .order_by("real_name", "pk")
    )
    return [p for p in candidates if permissions.rule_holds("documents.can_review", p, None, unit)]


def _get(request, pk):
    try:
        return services.get_incoming(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _to_detail(record):
    return redirect("incoming:detail", pk=record.pk)


def _is_overdue(record, today):
    return bool(record.due_date and record.due_date < today and record.state in OPEN_STATES)


def my_task(person, record):
    """The task the person (or someone they act for) may finish now (services'
    own rule, so page and operation always agree)."""
    if record.state != IncomingState.HANDLING:
        return None, None
    return services.pending_task_for(person, record)


def _archive_entry(record):
    return ArchiveEntry.objects.filter(incoming=record).first()


# --- the incoming book ------------------------------------------------------------------


@login_required
def incoming_list(request):
    person = request.user
    records = selectors.unit_incoming(person).select_related("unit", "distribution")
    this_year = timezone.localdate().year
    years = sorted(
        {this_year, *(d.year for d in records.dates("received_at", "year"))}, reverse=True
    )
    filters = IncomingFilterForm(request.GET or None, years=years)
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("state"):
        records = records.filter(state=data["state"])
    if data.get("year"):
        records = records.filter(received_at__year=data["year"])
    records = records.order_by("-received_at", "-pk")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"record": r, "overdue": _is_overdue(r, today)} for r in page.object_list]
    return render(
        request,
        "documents/incoming/list.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query_string": urlencode({k: v for k, v in data.items() if v}),
            "several_units": len(permissions.unit_ids_of(person)) > 1,
            "can_register": bool(selectors.registering_units(person)),
        },
    )


# --- registering a paper document ---------------------------------------------------------


@login_required
def register(request):
    person = request.user
    units = selectors.registering_units(person)
    if not units:
        raise PermissionDenied(_("Only a unit's clerk registers incoming documents."))
    primary = person.primary_unit
    initial = {"unit": primary.pk if primary in units else units[0].pk}
    form = RegisterForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = _register_with_scan(person, data)
        except NotPermitted:
            raise
        except DomainError as exc:
            if exc.field == "file":
                exc.field = "scan"
            form_error(form, exc)
        else:
            messages.success(request, _("Registered as %(serial)s.") % {"serial": record.serial})
            return _to_detail(record)
    return render(request, "documents/incoming/register.html", {"form": form})


def _register_with_scan(person, data):
    """Store the scan and register the document in one transaction: if registering is
    refused, the scan is not kept either."""
    unit = data["unit"]
    stored = None
    try:
        with transaction.atomic():
            stored = attachments.store_upload(person, data["scan"], owner=None, unit=unit)
            return services.register_external(
                person,
                unit=unit,
                title=data["title"],
                source_name=data["source_name"],
                source_number=data["source_number"],
                scan=stored,
            )
    except DomainError:
        if stored is not None:
            # The attachment row was rolled back; drop the file unless another
            # attachment with the same content uses it.
            attachments._remove_orphan(stored.file.storage, stored.file.name)
        raise


# --- the record page ------------------------------------------------------------------


def _detail(request, record, **forms_given):
    """The record page; `forms_given` are bound forms (with errors) to show instead of
    fresh ones. Errors of a form whose action is no longer open are shown at the top."""
    person = request.user
    context = {"record": record}
    may_clerk = permissions.may(person, "documents.propose", record, unit=record.unit)
    may_head = permissions.may(person, "documents.instruct", record, unit=record.unit)
    state = record.state
    archive_entry = _archive_entry(record)
    task, task_acting = my_task(person, record)
    handlers_done = not record.tasks.filter(
        kind=HandlingTask.Kind.HANDLE, done_at__isnull=True
    ).exists()
    open_actions = {
        "return_form": bool(may_clerk) and state == IncomingState.REGISTERED,
        "propose_form": bool(may_clerk) and state == IncomingState.REGISTERED,
        "instruct_form": bool(may_head) and state == IncomingState.PROPOSED,
        "finish_form": task is not None,
        "close_form": bool(may_clerk) and state == IncomingState.HANDLING and handlers_done,
        "archive_form": bool(may_clerk)
        and state in (IncomingState.CLOSED, IncomingState.RETURNED)
        and archive_entry is None,
    }
    builders = {
        "return_form": lambda: ReturnForm(),
        "propose_form": lambda: ProposeForm(record),
        "instruct_form": lambda: InstructForm(record),
        "finish_form": lambda: FinishForm(task=task),
        "close_form": lambda: CloseForm(record),
        "archive_form": lambda: ArchiveForm(),
    }
    action_errors = []
    for name, is_open in open_actions.items():
        given = forms_given.get(name)
        if is_open:
            context[name] = given or builders[name]()
        elif given is not None:
            action_errors += [str(e) for errors in given.errors.values() for e in errors]
    context["action_errors"] = action_errors
    context["any_action"] = any(open_actions.values())
    context["task"] = task
    # Acting for an absent colleague (代理): each form says so.
    context["clerk_for"] = may_clerk.on_behalf_of if may_clerk else None
    context["head_for"] = may_head.on_behalf_of if may_head else None
    context["task_for"] = task_acting.on_behalf_of if task_acting else None
    context["archive_entry"] = archive_entry
    context["overdue"] = _is_overdue(record, timezone.localdate())
    document = record.distribution.document if record.distribution_id else None
    context["document"] = document
    context["document_visible"] = bool(
        document and permissions.may(person, "documents.document.view", document)
    )
    tasks = list(record.tasks.select_related("person"))
    first_reader = next(
        (
            t
            for t in sorted(tasks, key=lambda t: (t.order, t.pk))
            if t.kind == HandlingTask.Kind.READ and t.done_at is None
        ),
        None,
    )
    context["tasks"] = [
        {
            "task": t,
            "waiting_turn": t.kind == HandlingTask.Kind.READ
            and t.done_at is None
            and t != first_reader,
        }
        for t in tasks
    ]
    return render(request, "documents/incoming/detail.html", context)


@login_required
def detail(request, pk):
    return _detail(request, _get(request, pk))


def _act(request, record, operation, form_name, form, success):
    """Run `operation(cleaned_data)` on a valid form and show `success(result)`; a domain
    error is shown on the form and nothing changes (permission errors are 403 pages,
    through the middleware)."""
    if not form.is_valid():
        return _detail(request, record, **{form_name: form})
    try:
        result = operation(form.cleaned_data)
    except NotPermitted:
        raise
    except DomainError as exc:
        form_error(form, exc)
        return _detail(request, record, **{form_name: form})
    messages.success(request, success(result))
    return _to_detail(record)


def _require_clerk(request, record):
    permissions.require(request.user, "documents.propose", record, unit=record.unit)


@login_required
@require_POST
def return_to_sender(request, pk):
    record = _get(request, pk)
    _require_clerk(request, record)
    return _act(
        request,
        record,
        lambda data: services.return_to_sender(request.user, record, reason=data["reason"]),
        "return_form",
        ReturnForm(request.POST),
        lambda _record: _("Returned to the sender."),
    )


@login_required
@require_POST
def propose(request, pk):
    record = _get(request, pk)
    _require_clerk(request, record)
    chosen = {}

    def operation(data):
        chosen["head"] = data["head"]
        return services.propose(request.user, record, proposal=data["proposal"], head=data["head"])

    return _act(
        request,
        record,
        operation,
        "propose_form",
        ProposeForm(record, request.POST),
        lambda _record: (
            _("Proposed: %(name)s instructs next.") % {"name": chosen["head"].real_name}
        ),
    )


@login_required
@require_POST
def instruct(request, pk):
    record = _get(request, pk)
    permissions.require(request.user, "documents.instruct", record, unit=record.unit)
    form = InstructForm(record, request.POST)
    return _act(
        request,
        record,
        lambda _data: services.instruct(request.user, record, **form.operation_fields()),
        "instruct_form",
        form,
        lambda _record: _("Instructed: the handlers and readers have been asked."),
    )


@login_required
@require_POST
def finish(request, pk):
    record = _get(request, pk)
    task, _acting = my_task(request.user, record)
    if task is None and record.state == IncomingState.HANDLING:
        raise NotPermitted(_("Nothing on this document is waiting for you."))
    return _act(
        request,
        record,
        lambda data: services.finish_task(request.user, record, comment=data["comment"]),
        "finish_form",
        FinishForm(request.POST, task=task),
        lambda done: (
            _("Marked as read.") if done.kind == HandlingTask.Kind.READ else _("Reported done.")
        ),
    )


@login_required
@require_POST
def close(request, pk):
    record = _get(request, pk)
    _require_clerk(request, record)

    def operation(data):
        replied = bool(data.get("reply_to_sender"))
        services.close_incoming(
            request.user, record, result=data["result"], reply_to_sender=replied
        )
        return replied

    return _act(
        request,
        record,
        operation,
        "close_form",
        CloseForm(record, request.POST),
        lambda replied: (
            _("Closed, and the result was sent to the sender.") if replied else _("Closed.")
        ),
    )


@login_required
@require_POST
def archive(request, pk):
    record = _get(request, pk)
    _require_clerk(request, record)
    return _act(
        request,
        record,
        lambda data: services.archive_incoming(request.user, record, retention=data["retention"]),
        "archive_form",
        ArchiveForm(request.POST),
        lambda entry: _("Archived as %(number)s.") % {"number": entry.archive_number},
    )


# --- statistics -----------------------------------------------------------------------


class StatsForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


def _rate(part, whole):
    return None if not whole else round(100 * part / whole)


@login_required
def stats(request):
    person = request.user
    unit = person.primary_unit
    if unit is None:
        raise PermissionDenied(_("You are not a member of a unit."))
    this_year = timezone.localdate().year
    # From the unit's first year on the platform (received or issued) to this year.
    firsts = [
        IncomingRecord.objects.filter(unit=unit).dates("received_at", "year").first(),
        Distribution.objects.filter(unit=unit).dates("sent_at", "year").first(),
        Document.objects.filter(issuing_unit=unit).dates("created_at", "year").first(),
    ]
    first = min([d.year for d in firsts if d] + [this_year])
    years = list(range(this_year, first - 1, -1))
    form = StatsForm(request.GET or None, years=years, initial={"year": this_year})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else this_year
    numbers = services.unit_statistics(unit, year)
    rows = [
        (_("Documents issued"), numbers["sent"], None),
        (_("Documents received"), numbers["received"], None),
        (_("Signed for"), numbers["signed_for"], None),
        (
            _("Signed for on time"),
            numbers["signed_for_on_time"],
            _rate(numbers["signed_for_on_time"], numbers["signed_for"]),
        ),
        (_("Incoming tasks handled"), numbers["handled"], None),
        (
            _("Handled on time"),
            numbers["handled_on_time"],
            _rate(numbers["handled_on_time"], numbers["handled"]),
        ),
    ]
    return render(
        request,
        "documents/incoming/stats.html",
        {"unit": unit, "year": year, "form": form, "rows": rows},
    )


# --- archiving an issued document (the issuing side) -------------------------------------


@login_required
def archive_document(request, pk):
    try:
        document = services.get_document(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    permissions.require(request.user, "documents.archive", document, unit=document.issuing_unit)
    entry = document.archive_entries.filter(unit=document.issuing_unit).first()
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.archive_document(
                request.user, document, retention=form.cleaned_data["retention"]
            )
        except NotPermitted:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("Archived as %(number)s.") % {"number": entry.archive_number}
            )
            return redirect(services.document_url(document))
    return render(
        request,
        "documents/incoming/archive_document.html",
        {
            "document": document,
            "form": form,
            "entry": entry,
            "issued": document.state == DocState.ISSUED,
        },
    )
