"""One text cleaner for every operation's free-text fields: stripped, required or not,
and at most so many characters, with one message for each failure (the same words in
every subsystem, so the public and the staff read one rule)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .errors import Invalid, Message


def clean_text(
    value: str | None,
    field: str,
    *,
    maximum: int,
    required: bool = True,
    message: Message | None = None,
) -> str:
    """`value` stripped of surrounding white space.

    Raises Invalid (code ``required``, on `field`) when it is required and empty, with
    `message` if given; Invalid (code ``too_long``) when longer than `maximum` characters.
    """
    value = (value or "").strip()
    if required and not value:
        raise Invalid(message or _("This field is required."), field=field, code="required")
    if len(value) > maximum:
        raise Invalid(
            _("At most %(max)d characters are allowed.") % {"max": maximum},
            field=field,
            code="too_long",
        )
    return value
