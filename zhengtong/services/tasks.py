"""Background tasks of the services app (run by the kernel's scheduler)."""

from django_tasks import task


@task()
def check_published_guides():
    """The nightly guide check: a "complete the guide" work item for the unit of
    every published guide lacking a key element (docs/conformance.md SRV-2)."""
    from .services import flag_all_incomplete_guides

    return flag_all_incomplete_guides()


@task()
def deem_accepted_applications():
    """Applications left without intake after the notice period count as accepted
    (行政许可法 Art. 32, docs/conformance.md SRV-5)."""
    from .cases import deem_accepted

    return deem_accepted()


@task()
def escalate_overdue_cases():
    """Escalate the cases' overdue work items, as for letters."""
    from .cases import escalate_overdue

    return escalate_overdue()
