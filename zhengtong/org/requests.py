"""The request of a signed-in staff member, for views and admin pages behind a sign-in."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import User


class StaffRequest(HttpRequest):
    """A request whose `user` is a staff account (the view is behind `login_required`,
    the admin, or the staff middleware's sign-in)."""

    user: User


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff member of `request` (PermissionDenied for anyone else: pages
    that call this are behind a sign-in, so that is never a real visitor)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
