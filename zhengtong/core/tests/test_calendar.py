"""The working-day calendar: the 2026 schedule seeded from chinesecalendar, the
Monday–Friday fallback for years without data, the commands, the year-file import
(validation, replacement, cache invalidation, permission, audit) and the staff page.

2026 facts used below (State Council schedule, as in chinesecalendar 1.11):
National Day + Mid-autumn: 2026-10-01 (Thu) to 2026-10-07 (Wed) off, so the weekday
holidays are 10-01, 10-02, 10-05, 10-06, 10-07; adjusted working days (调休)
Sunday 2026-09-20 and Saturday 2026-10-10. Mid-autumn Festival: Friday 2026-09-25 off.
"""

import datetime
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from zhengtong.core import calendar
from zhengtong.core.calendar import (
    add_working_days,
    import_holidays,
    import_year_file,
    is_working_day,
    missing_years_ahead,
    working_days_between,
    years_without_data,
)
from zhengtong.core.errors import Invalid, NotPermitted
from zhengtong.core.models import AuditRecord, CalendarYear, SpecialDay
from zhengtong.org.models import Role, RoleAssignment, User

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def clean_calendar_cache():
    """Each test starts and ends with an empty in-process calendar cache, and reads
    messages in English (the assertions look for "Line 2", not "第2行")."""
    calendar._clear_local()
    calendar._local.dirty_tx = None
    with translation.override("en"):
        yield
    calendar._clear_local()
    calendar._local.dirty_tx = None


def year_rows(year):
    return SpecialDay.objects.filter(date__year=year)


def make_user(username, *, role=None, **extra):
    user = User.objects.create_user(
        username=username,
        password="Pw-12345678",
        real_name=username,
        must_change_password=False,
        **extra,
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role)
    return user


# --- the seeded 2026 schedule ----------------------------------------------------------


def test_2026_national_day_is_seeded_from_chinesecalendar():
    assert CalendarYear.objects.get(year=2026).source.startswith("chinesecalendar")
    holidays = list(
        year_rows(2026)
        .filter(date__range=(D(2026, 10, 1), D(2026, 10, 7)), kind="holiday")
        .values_list("date", "name")
    )
    # Only the weekdays of the 7-day break are stored; 10-03/10-04 are a weekend anyway.
    assert holidays == [(D(2026, 10, d), "国庆节") for d in (1, 2, 5, 6, 7)]
    workdays = set(year_rows(2026).filter(kind="workday").values_list("date", flat=True))
    assert {D(2026, 9, 20), D(2026, 10, 10)} <= workdays
    assert SpecialDay.objects.get(date=D(2026, 9, 25)).name == "中秋节"
    assert CalendarYear.objects.filter(year__range=(2004, 2026)).count() == 23


def test_first_working_day_after_30_september_2026_skips_the_national_day_break():
    deadline = add_working_days(D(2026, 9, 30), 1)
    assert deadline.date == D(2026, 10, 8)
    assert deadline.fallback is False
    assert deadline.missing_years == ()
    assert "2026-09-30" in deadline.rule


def test_the_adjusted_saturday_2026_10_10_counts_as_a_working_day():
    assert is_working_day(D(2026, 10, 10)) is True  # Saturday, 调休
    assert is_working_day(D(2026, 9, 20)) is True  # Sunday, 调休
    assert is_working_day(D(2026, 10, 11)) is False  # ordinary Sunday
    # 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat 调休 (3), then Monday 10-12 (4).
    assert add_working_days(D(2026, 9, 30), 3).date == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4).date == D(2026, 10, 12)


def test_weekday_holidays_are_not_working_days():
    for day in (D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 5), D(2026, 10, 7), D(2026, 9, 25)):
        assert is_working_day(day) is False, day
    assert is_working_day(D(2026, 10, 8)) is True
    assert add_working_days(D(2026, 9, 24), 1).date == D(2026, 9, 28)  # over Mid-autumn


def test_zero_and_negative_counts():
    assert add_working_days(D(2026, 10, 3), 0).date == D(2026, 10, 3)  # start unchanged
    assert add_working_days(D(2026, 10, 8), -1).date == D(2026, 9, 30)
    assert add_working_days(D(2026, 10, 12), -2).date == D(2026, 10, 9)
    back = add_working_days(D(2026, 10, 8), -1)
    assert back.days == -1 and "2026-10-08" in back.rule


def test_working_days_between_counts_a_exclusive_b_inclusive():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)).count == 4
    assert working_days_between(D(2026, 10, 12), D(2026, 9, 30)).count == -4
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)).count == 0
    assert working_days_between(D(2026, 10, 8), D(2026, 10, 8)).count == 0
    result = working_days_between(D(2026, 1, 1), D(2026, 12, 31))
    assert result.fallback is False
    # 261 weekdays in 2026 (Jan 1 excluded: 260), minus weekday holidays, plus 调休 days.
    expected = sum(
        1 for i in range(1, 365) if is_working_day(D(2026, 1, 1) + datetime.timedelta(i))
    )
    assert result.count == expected


def test_counting_forwards_and_between_agree():
    start = D(2026, 9, 1)
    for offset in range(0, 60):
        base = start + datetime.timedelta(offset)
        for n in (0, 1, 2, 5, 10, 23):
            assert working_days_between(base, add_working_days(base, n).date).count == n
            if is_working_day(base):  # backwards, `base` itself is in (b, a]
                assert working_days_between(base, add_working_days(base, -n).date).count == -n


def test_between_is_antisymmetric_and_overdue_counts_are_negative():
    # Due Friday 2026-10-09, looked at on Monday 2026-10-12: 2 working days late
    # (Saturday 10-10 is an adjusted working day, Monday 10-12 another).
    assert working_days_between(D(2026, 10, 12), D(2026, 10, 9)).count == -2
    for a, b in [(D(2026, 9, 13), D(2026, 9, 11)), (D(2026, 10, 4), D(2026, 9, 20))]:
        assert working_days_between(a, b).count == -working_days_between(b, a).count


def test_seeding_again_changes_nothing():
    before = year_rows(2026).count()
    assert calendar.seed_from_chinesecalendar([2026]) == {2026: "unchanged"}
    assert year_rows(2026).count() == before


def test_seeding_a_year_the_package_does_not_know_is_refused():
    with pytest.raises(Invalid, match="2027"):
        calendar.seed_from_chinesecalendar([2027])


# --- years without data ----------------------------------------------------------------


def test_2027_without_data_falls_back_to_monday_to_friday_and_says_so():
    assert not CalendarYear.objects.filter(year=2027).exists()
    deadline = add_working_days(D(2027, 9, 30), 1)
    assert deadline.date == D(2027, 10, 1)  # a Friday: no National Day without data
    assert deadline.fallback is True
    assert deadline.missing_years == (2027,)
    # Crossing from 2026 (known) into 2027 (unknown): still flagged.
    crossing = add_working_days(D(2026, 12, 30), 3)
    assert crossing.date == D(2027, 1, 4)
    assert crossing.fallback is True
    assert working_days_between(D(2026, 12, 30), D(2027, 1, 4)).fallback is True
    assert working_days_between(D(2026, 12, 1), D(2026, 12, 31)).fallback is False


def test_years_without_data_and_the_dashboard_warning():
    assert years_without_data([2025, 2026, 2027, 2028]) == [2027, 2028]
    assert missing_years_ahead(D(2026, 11, 26)) == [2027]
    assert missing_years_ahead(D(2025, 6, 1)) == []


# --- the cache -------------------------------------------------------------------------


def test_no_query_per_day_once_a_year_is_loaded(django_assert_max_num_queries):
    add_working_days(D(2026, 1, 5), 1)  # loads 2026
    with django_assert_max_num_queries(0):
        for i in range(200):
            add_working_days(D(2026, 1, 5) + datetime.timedelta(i), 10)


def test_other_processes_changes_are_noticed_through_the_version_key(monkeypatch):
    monkeypatch.setattr(calendar, "VERSION_CHECK_INTERVAL", 60.0)
    calendar._state.checked_at = float("-inf")
    assert is_working_day(D(2026, 10, 1)) is False  # cached now, version key just read
    # A change this process sends no signal for (as if made by another process) ...
    SpecialDay.objects.filter(date=D(2026, 10, 1)).delete()  # signal marks *this* tx dirty
    calendar._local.dirty_tx = None  # ... so pretend it came from elsewhere.
    assert is_working_day(D(2026, 10, 1)) is False  # still the cached answer
    cache.set(calendar.CACHE_VERSION_KEY, "bumped-by-another-process", timeout=None)
    assert is_working_day(D(2026, 10, 1)) is False  # checked at most once a second
    calendar._state.checked_at = float("-inf")  # a second has passed
    assert is_working_day(D(2026, 10, 1)) is True


def test_commit_empties_the_cache_and_bumps_the_version(django_capture_on_commit_callbacks):
    assert is_working_day(D(2026, 10, 1)) is False
    assert 2026 in calendar._state.years
    version = cache.get(calendar.CACHE_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        import_year_file("2026-10-08,holiday,test\n", year=2026)
    assert 2026 not in calendar._state.years
    assert cache.get(calendar.CACHE_VERSION_KEY) != version
    assert is_working_day(D(2026, 10, 1)) is True


# --- importing a year file -------------------------------------------------------------

FILE_2027 = """\ufeff# 2027 schedule (test data, not the State Council's)
date,kind,name
2027-01-01,holiday,元旦
2027-10-01,休,国庆节
2027-10-02,休,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节

2027-10-09,班,国庆节
"""


def test_import_a_new_year():
    summary = import_year_file(FILE_2027.encode("utf-8"))
    assert (summary.year, summary.holidays, summary.workdays) == (2027, 4, 1)
    assert summary.weekend_holidays_ignored == 1  # 2027-10-02 is a Saturday
    assert CalendarYear.objects.filter(year=2027).exists()
    assert set(year_rows(2027).values_list("date", "kind", "name")) == {
        (D(2027, 1, 1), "holiday", "元旦"),
        (D(2027, 10, 1), "holiday", "国庆节"),
        (D(2027, 10, 4), "holiday", "国庆节"),
        (D(2027, 10, 5), "holiday", "国庆节"),
        (D(2027, 10, 9), "workday", "国庆节"),
    }
    deadline = add_working_days(D(2027, 9, 30), 1)
    assert deadline.date == D(2027, 10, 6)
    assert deadline.fallback is False
    assert is_working_day(D(2027, 10, 9)) is True


def test_import_replaces_the_year_and_the_new_data_is_used_at_once():
    assert add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 8)  # cache primed
    summary = import_year_file(StringIO("2026-10-08,holiday,test\n"), year=2026)
    assert summary.had_data and summary.previous_holidays > 0
    assert list(year_rows(2026).values_list("date", flat=True)) == [D(2026, 10, 8)]
    assert is_working_day(D(2026, 10, 1)) is True
    assert is_working_day(D(2026, 10, 8)) is False
    assert add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 1)
    assert CalendarYear.objects.get(year=2026).source == "file"


@pytest.mark.parametrize(
    "text, year, expected",
    [
        ("2027-10-01,holiday,国庆节\n2027-02-30,holiday,x\n", None, "Line 2"),  # bad date
        ("2027-10-01,holiday,国庆节\n2027/10/02,holiday,x\n", None, "Line 2"),  # bad format
        ("2027-10-01,holiday,国庆节\n2027-10-04,rest,x\n", None, "Line 2"),  # unknown kind
        ("2027-10-01,holiday\n2028-01-03,holiday,元旦\n", 2027, "Line 2"),  # other year
        ("2027-10-01,holiday\n2028-01-03,holiday,元旦\n", None, "Line 2"),  # two years
        ("2027-10-01,holiday,a\n# c\n2027-10-01,holiday,b\n", None, "Line 3"),  # duplicate
        ("2027-10-01,holiday,a\n2027-10-04,workday,b\n", None, "Line 2"),  # 班 on a Monday
        ("2027-10-01,holiday,a,extra\n", None, "Line 1"),  # too many fields
        ("2027-10-01,holiday," + "长" * 41 + "\n", None, "Line 1"),  # name too long
        ("# nothing\ndate,kind,name\n", None, "no dates"),  # empty
    ],
)
def test_a_bad_file_is_refused_with_the_line_and_nothing_is_imported(text, year, expected):
    with pytest.raises(Invalid) as caught:
        import_year_file(text, year=year)
    assert expected in str(caught.value.message)
    assert caught.value.code == "calendar_file"
    assert not CalendarYear.objects.filter(year__in=[2027, 2028]).exists()
    assert not SpecialDay.objects.filter(date__year__in=[2027, 2028]).exists()


def test_every_problem_is_listed_and_a_good_year_is_left_untouched():
    before = set(year_rows(2026).values_list("date", "kind", "name"))
    text = "2026-10-01,holiday,a\n2026-13-01,holiday,b\n2026-10-03,调休,c\n2026-10-01,holiday,d\n"
    with pytest.raises(Invalid) as caught:
        import_year_file(text, year=2026)
    message = str(caught.value.message)
    assert "Line 2" in message and "Line 3" in message and "Line 4" in message
    assert "Line 1" not in message
    assert set(year_rows(2026).values_list("date", "kind", "name")) == before


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(Invalid):
        import_year_file("2027-10-01,holiday,国庆节\n".encode("gbk"))
    assert not CalendarYear.objects.filter(year=2027).exists()


# --- the operation: permission and audit -----------------------------------------------


def test_import_by_someone_not_in_the_it_centre_is_refused():
    clerk = make_user("clerk")
    with pytest.raises(NotPermitted):
        import_holidays(clerk, StringIO(FILE_2027))
    with pytest.raises(NotPermitted):
        import_holidays(None, StringIO(FILE_2027))  # None is nobody, not the system
    auditor = make_user("auditor", role=Role.AUDIT_ADMIN)
    with pytest.raises(NotPermitted):
        import_holidays(auditor, StringIO(FILE_2027))
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditRecord.objects.filter(action="calendar.import").exists()


def test_import_by_the_system_administrator_is_audited():
    admin = make_user("itadmin", role=Role.SYSTEM_ADMIN)
    summary = import_holidays(admin, StringIO(FILE_2027), year=2027, source="file 2027.csv")
    assert summary.year == 2027
    record = AuditRecord.objects.get(action="calendar.import")
    assert record.actor_id == admin.pk
    assert (record.object_type, record.object_id) == ("core.calendaryear", "2027")
    assert record.changes["holidays"] == [0, 4]
    assert record.changes["workdays"] == [0, 1]
    assert "2027-10-09 workday 国庆节" in record.changes["added"]
    assert CalendarYear.objects.get(year=2027).source == "file 2027.csv"


def test_a_refused_file_leaves_no_audit_record():
    admin = make_user("itadmin", role=Role.SYSTEM_ADMIN)
    with pytest.raises(Invalid):
        import_holidays(admin, StringIO("2027-10-01,nap,x\n"))
    assert not AuditRecord.objects.filter(action="calendar.import").exists()


def test_a_single_day_is_corrected_by_the_it_centre_only_and_audited():
    clerk = make_user("clerk")
    admin = make_user("itadmin", role=Role.SYSTEM_ADMIN)
    extra = SpecialDay(date=D(2026, 12, 31), kind="holiday", name="test")
    with pytest.raises(NotPermitted):
        calendar.save_special_day(clerk, extra)
    assert is_working_day(D(2026, 12, 31)) is True
    calendar.save_special_day(admin, extra)
    assert is_working_day(D(2026, 12, 31)) is False
    record = AuditRecord.objects.get(action="calendar.add_day")
    assert record.actor_id == admin.pk and record.changes["kind"] == [None, "holiday"]
    with pytest.raises(Invalid):  # 班 on a Thursday means nothing
        calendar.save_special_day(admin, SpecialDay(date=D(2026, 12, 24), kind="workday"))
    with pytest.raises(Invalid):  # already recorded
        calendar.save_special_day(admin, SpecialDay(date=D(2026, 12, 31), kind="holiday"))
    calendar.delete_special_day(admin, extra)
    assert is_working_day(D(2026, 12, 31)) is True
    assert AuditRecord.objects.filter(action="calendar.delete_day").count() == 1


# --- commands --------------------------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_workdays_add_prints_the_date():
    out, err = run("workdays", "add", "2026-09-30", "10")
    assert out.splitlines()[0] == "2026-10-20"
    assert err == ""
    out, _err = run("workdays", "add", "2026-10-08", "-1")
    assert out.splitlines()[0] == "2026-09-30"


def test_workdays_add_warns_on_stderr_without_holiday_data():
    out, err = run("workdays", "add", "2027-09-30", "1")
    assert out.splitlines()[0] == "2027-10-01"
    assert "2027" in err


def test_workdays_between_and_is():
    assert run("workdays", "between", "2026-09-30", "2026-10-12")[0].strip() == "4"
    assert run("workdays", "between", "2026-10-12", "2026-09-30")[0].strip() == "-4"
    assert run("workdays", "is", "2026-10-01")[0].strip() == "no"
    assert run("workdays", "is", "2026-10-10")[0].strip() == "yes"
    out, err = run("workdays", "is", "2027-10-01")
    assert out.strip() == "yes" and "2027" in err


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("add", "2026-13-01", "1"), "2026-13-01"),
        (("add", "2026-09-30", "ten"), "ten"),
        (("between", "2026-09-30", "tomorrow"), "tomorrow"),
        (("is", "20261001x"), "20261001x"),
    ],
)
def test_workdays_bad_input_is_a_clear_command_error(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        run("workdays", *args)


def test_import_holidays_command_runs_as_the_system(tmp_path):
    path = tmp_path / "holidays-2027.csv"
    path.write_text(FILE_2027, encoding="utf-8")
    out, _err = run("import_holidays", str(path))
    assert "2027" in out
    assert CalendarYear.objects.get(year=2027).source == "file holidays-2027.csv"
    record = AuditRecord.objects.get(action="calendar.import")
    assert record.actor_id is None and record.actor_name == "system"


def test_import_holidays_command_reports_a_bad_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("2027-10-01,holiday,a\n2027-10-32,holiday,b\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 2"):
        run("import_holidays", str(path))
    with pytest.raises(CommandError):
        run("import_holidays", str(tmp_path / "missing.csv"))
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_seed_holidays_command_is_idempotent_and_keeps_imported_years():
    import_year_file("2025-10-08,holiday,x\n", year=2025)
    out, _err = run("seed_holidays", "--year", "2025", "--year", "2026")
    assert "2025 skipped" in out and "2026 unchanged" in out
    assert year_rows(2025).count() == 1
    out, _err = run("seed_holidays", "--year", "2025", "--force")
    assert "2025 updated" in out
    assert year_rows(2025).filter(date=D(2025, 10, 1), name="国庆节").exists()


# --- the staff page and the admin --------------------------------------------------------


def test_the_year_page_needs_a_signed_in_user(client):
    response = client.get(reverse("calendar:year", args=[2026]))
    assert response.status_code == 302


def test_the_year_page_marks_holidays_and_adjusted_days(client):
    client.force_login(make_user("clerk"))
    response = client.get(reverse("calendar:year", args=[2026]))
    assert response.status_code == 200
    assert response.context["known"] is True
    october = response.context["months"][9]["weeks"]
    cells = {c["date"]: c for week in october for c in week if c}
    assert cells[D(2026, 10, 1)]["kind"] == "holiday"
    assert cells[D(2026, 10, 10)]["kind"] == "workday"
    assert cells[D(2026, 10, 11)]["kind"] == "weekend"
    assert cells[D(2026, 10, 8)]["kind"] == ""
    html = response.content.decode()
    assert html.count("<caption>") == 12
    assert 'scope="col"' in html and "国庆节" in html
    assert 'class="notice warning"' not in html


def test_the_year_page_says_when_a_year_has_no_data(client):
    client.force_login(make_user("clerk"))
    response = client.get(reverse("calendar:year", args=[2027]))
    assert response.status_code == 200
    assert response.context["known"] is False
    assert 'class="notice warning"' in response.content.decode()


def test_the_year_page_computes_working_days_after_a_date(client):
    client.force_login(make_user("clerk"))
    response = client.get(
        reverse("calendar:year", args=[2026]), {"start": "2026-09-30", "days": "1"}
    )
    assert response.context["deadline"].date == D(2026, 10, 8)
    assert "2026-10-08" in response.content.decode()
    response = client.get(reverse("calendar:year", args=[2026]), {"start": "x", "days": "1"})
    assert response.context["deadline"] is None
    assert response.context["form"].errors


def test_the_admin_upload_imports_a_year(client, english):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = make_user("itadmin", role=Role.SYSTEM_ADMIN, is_staff=True)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    url = reverse("admin:core_calendaryear_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("2027.csv", FILE_2027.encode("utf-8"), content_type="text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarYear.objects.get(year=2027).source == "file 2027.csv"
    assert AuditRecord.objects.filter(action="calendar.import", actor=admin).exists()
    bad = SimpleUploadedFile("bad.csv", b"2028-10-01,nap,x\n", content_type="text/csv")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200 and "Line 1" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_the_admin_upload_is_refused_to_other_staff(client):
    clerk = make_user("clerk", is_staff=True)
    client.force_login(clerk)
    response = client.get(reverse("admin:core_calendaryear_import"))
    assert response.status_code in (302, 403)
