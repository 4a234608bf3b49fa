"""Admin registrations: the working-day calendar.

A year is loaded (or replaced) as a whole by uploading the IT centre's year file
("Add calendar year" opens the upload form, `core.calendar.import_holidays`). Single
days can be corrected by hand. Every change needs the "core.manage_calendar" permission
(the system administrator) and is written to the audit trail.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import URLPattern, path, reverse
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengtong.core import calendar
from zhengtong.core.errors import DomainError
from zhengtong.core.models import CalendarYear, DayKind, SpecialDay
from zhengtong.org.permissions import may
from zhengtong.org.requests import staff_user

MANAGE = "core.manage_calendar"


def _may_manage(request: HttpRequest) -> bool:
    return bool(may(request.user, MANAGE))


# --- uploading a year file --------------------------------------------------------------


class YearFileForm(forms.Form):
    file = forms.FileField(
        label=_("Year file"),
        help_text=_(
            "UTF-8 CSV, one line per day: date,kind,name — e.g. 2027-10-01,holiday,国庆节 or "
            "2027-09-26,workday,国庆节. Kind: holiday (休) or workday (班). Lines starting "
            "with # and a header line are ignored. The year's days are replaced as a whole."
        ),
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1900,
        max_value=9999,
        help_text=_("Optional: refuse the file unless every date is in this year."),
    )


IMPORT_TEMPLATE = """{% extends "admin/base_site.html" %}
{% load i18n admin_urls %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">{% translate 'Home' %}</a>
&rsaquo; <a href="{% url 'admin:app_list' app_label=opts.app_label %}">{{ opts.app_config.verbose_name }}</a>
&rsaquo; <a href="{% url opts|admin_urlname:'changelist' %}">{{ opts.verbose_name_plural|capfirst }}</a>
&rsaquo; {{ title }}
</div>{% endblock %}
{% block content %}<div id="content-main">
<form method="post" enctype="multipart/form-data" novalidate>{% csrf_token %}
  {% if form.non_field_errors %}<ul class="errorlist nonfield" role="alert">
    {% for error in form.non_field_errors %}<li style="white-space: pre-line">{{ error }}</li>{% endfor %}
  </ul>{% endif %}
  <fieldset class="module aligned">
    {% for field in form %}<div class="form-row">
      {{ field.errors }}
      <div class="flex-container">{{ field.label_tag }} {{ field }}</div>
      {% if field.help_text %}<div class="help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</div>{% endif %}
    </div>{% endfor %}
  </fieldset>
  <div class="submit-row"><input type="submit" class="default" value="{% translate 'Import' %}"></div>
</form>
</div>{% endblock %}
"""


# --- years ------------------------------------------------------------------------------


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "source", "loaded_at", "holiday_count", "workday_count"]
    search_fields = ["year", "source"]
    readonly_fields = ["year", "source", "loaded_at"]
    ordering = ["-year"]
    actions = None

    @admin.display(description=_("holidays"))
    def holiday_count(self, obj: CalendarYear) -> int:
        return self._counts(obj)["holidays"]

    @admin.display(description=_("adjusted working days"))
    def workday_count(self, obj: CalendarYear) -> int:
        return self._counts(obj)["workdays"]

    def _counts(self, obj: CalendarYear) -> dict[str, int]:
        # Special days are not linked to their year by a foreign key: count by date.
        return SpecialDay.objects.filter(date__year=obj.year).aggregate(
            holidays=Count("pk", filter=Q(kind=DayKind.HOLIDAY)),
            workdays=Count("pk", filter=Q(kind=DayKind.WORKDAY)),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a year is replaced by importing its file again

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:core_calendaryear_import"))

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="core_calendaryear_import",
            ),
        ]
        return custom + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not _may_manage(request):
            raise PermissionDenied
        if request.method == "POST":
            form = YearFileForm(request.POST, request.FILES)
        else:
            form = YearFileForm()
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = calendar.import_holidays(
                    request.user,
                    upload,
                    year=form.cleaned_data["year"],
                    source=f"file {upload.name}",
                )
            except DomainError as exc:
                for problem in getattr(exc, "problems", None) or [str(exc.message)]:
                    form.add_error(None, problem)
            else:
                messages.success(
                    request,
                    gettext(
                        "Imported %(year)d: %(holidays)d holidays, %(workdays)d adjusted "
                        "working days."
                    )
                    % {
                        "year": summary.year,
                        "holidays": summary.holidays,
                        "workdays": summary.workdays,
                    },
                )
                return HttpResponseRedirect(reverse("admin:core_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a year's holidays"),
            "form": form,
        }
        template = engines["django"].from_string(IMPORT_TEMPLATE)
        return HttpResponse(template.render(context, request))


# --- single days ------------------------------------------------------------------------


class SpecialDayForm(forms.ModelForm[SpecialDay]):
    class Meta:
        model = SpecialDay
        fields = ["date", "kind", "name"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("date") and cleaned.get("kind"):
            try:
                calendar.check_special_day(
                    cleaned["date"], cleaned["kind"], cleaned.get("name") or ""
                )
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return cleaned


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin[SpecialDay]):
    """Single days, corrected by hand through `calendar.save_special_day` /
    `delete_special_day` (permission check and audit record included)."""

    form = SpecialDayForm
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["-date"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: SpecialDay) -> str:
        return date_format(obj.date, "l")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage(request)

    def save_model(self, request: HttpRequest, obj: SpecialDay, form: Any, change: bool) -> None:
        calendar.save_special_day(staff_user(request), obj)

    def delete_model(self, request: HttpRequest, obj: SpecialDay) -> None:
        calendar.delete_special_day(staff_user(request), obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SpecialDay]) -> None:
        with transaction.atomic():
            for obj in queryset:
                calendar.delete_special_day(staff_user(request), obj)
