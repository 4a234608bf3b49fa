"""Seed the working-day calendar with 2004–2026 from the chinesecalendar package.

Later years come from the State Council's notice, loaded by the IT centre
(`manage.py import_holidays FILE` or the admin's import form).
"""

from django.db import migrations

SEED_YEARS = range(2004, 2027)


def seed(apps, schema_editor):
    from zhengtong.core.calendar import seed_calendar

    seed_calendar(
        apps.get_model("core", "CalendarYear"),
        apps.get_model("core", "SpecialDay"),
        SEED_YEARS,
        using=schema_editor.connection.alias,
    )


def unseed(apps, schema_editor):
    """Remove the seeded years (those still holding the package's data)."""
    import datetime

    CalendarYear = apps.get_model("core", "CalendarYear")
    SpecialDay = apps.get_model("core", "SpecialDay")
    alias = schema_editor.connection.alias
    years = list(
        CalendarYear.objects.using(alias)
        .filter(year__in=SEED_YEARS, source__startswith="chinesecalendar")
        .values_list("year", flat=True)
    )
    for year in years:
        SpecialDay.objects.using(alias).filter(
            date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        ).delete()
    CalendarYear.objects.using(alias).filter(year__in=years).delete()


class Migration(migrations.Migration):
    # After 0002_initial (the generated second half of the initial schema), so the app
    # keeps a single leaf migration.
    dependencies = [
        ("core", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed, elidable=False),
    ]
