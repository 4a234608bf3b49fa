"""Background jobs of the public-user app."""

from django_tasks import task


@task()
def delete_old_public_records() -> dict[str, int]:
    """Daily: forget used-up captcha challenges, old rate counters and SMS codes."""
    from .captcha import delete_expired
    from .sms import delete_old_codes
    from .throttle import delete_old_counters

    return {
        "captcha": delete_expired(),
        "counters": delete_old_counters(),
        "sms_codes": delete_old_codes(),
    }
