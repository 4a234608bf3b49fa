"""Staff page of the working-day calendar (/oa/calendar/): one year as month grids,
holidays and adjusted working days marked, and a small "N working days after" form.
Read-only and open to every signed-in staff member; the IT centre loads years through
the admin or `manage.py import_holidays`."""

import calendar as std_calendar
import datetime
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from zhengtong.core import calendar
from zhengtong.core.errors import DomainError
from zhengtong.core.models import CalendarYear, DayKind, SpecialDay

FIRST_YEAR, LAST_YEAR = 1900, 2200


class AddWorkingDaysForm(forms.Form):
    start = forms.DateField(
        label=_("Counting from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    days = forms.IntegerField(
        label=_("Working days"),
        min_value=-calendar.MAX_WORKING_DAYS,
        max_value=calendar.MAX_WORKING_DAYS,
        help_text=_("Counted from the day after; a negative number counts backwards."),
    )


def month_grid(
    year: int,
    month: int,
    special: dict[datetime.date, tuple[str, str]],
    today: datetime.date,
) -> list[list[dict[str, Any] | None]]:
    """Weeks (Monday first) of one month: a list of 7 cells per week, None outside it."""
    weeks = []
    for week in std_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells: list[dict[str, Any] | None] = []
        for day in week:
            if day.month != month:
                cells.append(None)
                continue
            kind, name = special.get(day, ("", ""))
            working = calendar.is_working_day(day)
            if kind == DayKind.HOLIDAY and not working:
                css = "holiday"
            elif kind == DayKind.WORKDAY and working:
                css = "workday"
            elif not working:
                css = "weekend"
            else:
                css = ""
            cells.append(
                {"date": day, "working": working, "kind": css, "name": name, "today": day == today}
            )
        weeks.append(cells)
    return weeks


class YearView(LoginRequiredMixin, TemplateView):
    template_name = "workspace/calendar_year.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = kwargs.get("year") or today.year
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404
        special = {
            d.date: (d.kind, d.name)
            for d in SpecialDay.objects.filter(
                date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            )
        }
        source = CalendarYear.objects.filter(year=year).values_list("source", flat=True).first()
        months = [
            {"first": datetime.date(year, m, 1), "weeks": month_grid(year, m, special, today)}
            for m in range(1, 13)
        ]
        special_days = [
            {
                "date": day,
                "kind": kind,
                "name": name,
                "kind_label": DayKind(kind).label if kind in DayKind.values else kind,
            }
            for day, (kind, name) in sorted(special.items())
        ]
        context.update(
            year=year,
            known=source is not None,
            source=source or "",
            months=months,
            weekdays=[(WEEKDAYS[i], WEEKDAYS_ABBR[i]) for i in range(7)],
            special_days=special_days,
            previous_year=year - 1 if year > FIRST_YEAR else None,
            next_year=year + 1 if year < LAST_YEAR else None,
            this_year=today.year,
            missing_ahead=calendar.missing_years_ahead(today),
            **self.compute(),
        )
        return context

    def compute(self) -> dict[str, Any]:
        """The "N working days after" form: GET, computes, changes nothing."""
        if "start" not in self.request.GET:
            return {"form": AddWorkingDaysForm(), "deadline": None}
        form = AddWorkingDaysForm(self.request.GET)
        deadline = None
        if form.is_valid():
            try:
                deadline = calendar.add_working_days(
                    form.cleaned_data["start"], form.cleaned_data["days"]
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
        return {"form": form, "deadline": deadline}
