"""Background tasks (Django's task API through django-tasks; the database backend and
`manage.py db_worker` by default)."""

from django_tasks import task


@task()
def send_reminders() -> int:
    from .workitems import send_reminders as run

    return run()


@task()
def send_daily_digests() -> int:
    from .notifications import send_daily_digests as run

    return run()


@task()
def warn_missing_calendar_years() -> int:
    """Tell the IT centre when this year or next has no holiday schedule loaded."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from . import access
    from .calendar import missing_years_ahead
    from .notifications import notify

    missing = missing_years_ahead(timezone.localdate())
    if not missing:
        return 0
    title = _("No holiday schedule loaded for %(years)s") % {
        "years": ", ".join(str(y) for y in missing)
    }
    admins = access.people_holding([access.SYSTEM_ADMIN])
    for admin in admins:
        notify(admin, title, url="/oa/it/")
    return len(admins)


@task()
def verify_audit_chain() -> int:
    """Nightly: walk the audit chain and alert the audit administrators if any record
    was altered or removed."""
    from django.utils.translation import gettext as _

    from . import access
    from .audit import verify_chain
    from .notifications import notify

    problem = verify_chain()
    if problem is None:
        return 0
    title = _("The audit trail has been altered: first bad record #%(seq)s") % {"seq": problem.seq}
    auditors = access.people_holding([access.AUDIT_ADMIN])
    for auditor in auditors:
        notify(auditor, title, body=problem.reason, url="/oa/audit/")
    return len(auditors)


@task()
def publish_scheduled_pages() -> None:
    """Every minute: publish the website's pages whose go-live time has come and
    unpublish those that expired (Wagtail's `publish_scheduled`, docs/conformance.md WEB-1, WEB-12:
    the publication time is the system's)."""
    from django.core.management import call_command

    call_command("publish_scheduled")
