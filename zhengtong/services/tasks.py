"""Background tasks of the services app (run by the kernel's scheduler)."""

from django_tasks import task


@task()
def check_published_guides():
    """The nightly guide check: a "complete the guide" work item for the unit of
    every published guide lacking a key element (STANDARDS.md §5.2)."""
    from .services import flag_all_incomplete_guides

    return flag_all_incomplete_guides()
