"""Who may do what with disclosure requests (docs/conformance.md DIS-7–DIS-13).

A request is handled by the organ it is addressed to: its members see it, its clerks
(and its head) handle it, its head approves replies and extensions (Art. 33: the
extension needs the head of the disclosure office). Nobody else sees it.
"""

from zhengtong.org.models import Role
from zhengtong.org.permissions import has_role, is_member, rule


def _unit_id(obj, unit):
    return getattr(obj, "unit_id", None) or getattr(unit, "pk", unit)


@rule("disclosure.view")
def view(person, request, unit):
    """Members of the organ asked."""
    return is_member(person, _unit_id(request, unit))


@rule("disclosure.handle")
def handle(person, request, unit):
    """The organ's clerks and head register, ask for corrections, consult, draft and send."""
    unit_id = _unit_id(request, unit)
    return unit_id is not None and (
        has_role(person, Role.CLERK, unit_id) or has_role(person, Role.UNIT_HEAD, unit_id)
    )


@rule("disclosure.approve")
def approve(person, request, unit):
    """The organ's head approves the reply."""
    unit_id = _unit_id(request, unit)
    return unit_id is not None and has_role(person, Role.UNIT_HEAD, unit_id)


@rule("disclosure.extend")
def extend(person, request, unit):
    """The organ's head approves the one extension (Art. 33)."""
    unit_id = _unit_id(request, unit)
    return unit_id is not None and has_role(person, Role.UNIT_HEAD, unit_id)


@rule("disclosure.statistics_all")
def statistics_all(person, obj, unit):
    """County leaders and the supervision office see every organ's figures."""
    return has_role(person, Role.COUNTY_LEADER) or has_role(person, Role.SUPERVISOR)
