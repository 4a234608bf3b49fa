"""Domain errors: every operation raises one of these, never a bare exception.

Each carries a stable `code` (for the API and tests) and a translatable message.
Views turn them into form messages; the API into 400/403/404/409 responses.
"""

from typing import TYPE_CHECKING, TypeAlias

from django.utils.translation import gettext_lazy as _

# A message: plain text, or lazily translated text (`_StrPromise` is the stubs' name for
# what gettext_lazy returns; it does not exist at run time).
if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    Message: TypeAlias = str | _StrPromise
else:
    Message = str


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(
        self, message: Message | None = None, *, code: str | None = None, field: str | None = None
    ) -> None:
        self.message: Message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))


class Invalid(DomainError):
    code = "invalid"
    status = 400
    # Set by checks that find many problems at once (a year file): each line's problem.
    problems: list[str]


class NotPermitted(DomainError):
    code = "not_permitted"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This was changed by someone else or is no longer in that state.")
