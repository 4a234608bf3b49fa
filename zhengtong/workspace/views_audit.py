"""The audit administrator's pages (/oa/audit/): search the trail, export it as CSV,
and check the hash chain on demand. Only the audit administrator (审计管理员) may use
them; the export itself is audited."""

import csv
import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from zhengtong.core import audit
from zhengtong.core.downloads import file_download
from zhengtong.core.models import AuditRecord
from zhengtong.org.permissions import may
from zhengtong.org.requests import StaffRequest

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=80,
        help_text=_("An action such as “attachment.upload”, or its beginning, such as “auth.”."),
    )
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=100,
        help_text=_("For example “org.user”."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_records(form: AuditFilterForm) -> QuerySet[AuditRecord]:
    """The records matching a bound, valid filter form (all of them if it is not valid)."""
    qs = AuditRecord.objects.select_related("unit").order_by("-seq")
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data["actor"]:
        qs = qs.filter(actor_name__icontains=data["actor"].strip())
    if data["action"]:
        action = data["action"].strip()
        qs = (
            qs.filter(action__istartswith=action)
            if action.endswith(".")
            else qs.filter(action__iexact=action)
        )
    if data["object_type"]:
        qs = qs.filter(object_type__iexact=data["object_type"].strip())
    if data["date_from"]:
        qs = qs.filter(at__gte=_day_start(data["date_from"]))
    if data["date_to"]:
        qs = qs.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
    return qs


def audit_admin_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in audit administrators only (anonymous: to the sign-in page)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may(request.user, "core.view_audit"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_http_methods(["GET", "HEAD", "POST"])
@audit_admin_only
def record_list(request: StaffRequest) -> HttpResponse:
    """Search form, one page of records, and (after "verify now") the chain check."""
    form = AuditFilterForm(request.GET or None)
    records = filtered_records(form)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    verification = None
    if request.method == "POST" and "verify" in request.POST:
        problem = audit.verify_chain()
        verification = {
            "intact": problem is None,
            "problem": problem,
            "count": AuditRecord.objects.count(),
        }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/audit_list.html",
        {
            "form": form,
            "page": page,
            "records": page.object_list,
            "query": query.urlencode(),
            "verification": verification,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


@require_safe
@audit_admin_only
def export(request: StaffRequest) -> HttpResponseBase:
    """The filtered records as CSV (UTF-8 with BOM, for Excel)."""
    form = AuditFilterForm(request.GET or None)
    records = filtered_records(form)
    filters = {k: v for k, v in request.GET.items() if v and k in form.fields}
    count = records.count()
    with transaction.atomic():
        audit.record(
            request.user,
            "audit.export",
            None,
            object_type="core.auditrecord",
            object_repr=_t("Audit trail export"),
            changes={"filters": filters, "rows": count},
        )
    tz = timezone.get_current_timezone()
    header = [
        _t("Sequence"),
        _t("Time"),
        _t("Actor"),
        _t("On behalf of"),
        _t("Unit"),
        _t("IP address"),
        _t("Action"),
        _t("Object type"),
        _t("Object id"),
        _t("Object"),
        _t("Changes"),
        _t("Hash algorithm"),
        _t("Hash"),
    ]

    def rows() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)
        for rec in records.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    rec.seq,
                    timezone.localtime(rec.at, tz).strftime("%Y-%m-%d %H:%M:%S"),
                    _cell(rec.actor_name),
                    _cell(rec.on_behalf_of_name),
                    _cell(rec.unit.name if rec.unit_id and rec.unit else ""),
                    rec.ip or "",
                    _cell(rec.action),
                    _cell(rec.object_type),
                    _cell(rec.object_id),
                    _cell(rec.object_repr),
                    _cell(
                        json.dumps(rec.changes, ensure_ascii=False, sort_keys=True)
                        if rec.changes
                        else ""
                    ),
                    rec.algorithm,
                    rec.hash,
                ]
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    # The export itself was recorded above (audit.export), with its filter.
    return file_download(
        (line.encode("utf-8") for line in rows()),
        filename=f"audit-{stamp}.csv",
        content_type="text/csv; charset=utf-8",
        personal_data=False,
    )
