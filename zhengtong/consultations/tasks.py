"""Background tasks of the consultations app (run by the kernel's scheduler)."""

from django_tasks import task


@task()
def close_due_consultations():
    """Close the consultations whose deadline has passed."""
    from .services import close_due_consultations as run

    return len(run())
