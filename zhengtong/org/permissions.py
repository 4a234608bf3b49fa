"""The one place that answers "may this person, in this unit, do this to this object".

Every subsystem registers its rules here with `@rule("app.action")` and asks through
`may()` / `require()`; nobody checks a bare role anywhere else. Delegation (代理) is
applied here too: when a person is acting for an absent colleague, the rule is tried
for the colleague as well, and the answer says on whose behalf the action is taken,
so the audit trail can record it.
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, TypeVar

from django.utils import timezone

from zhengtong.core.access import Acting as Acting  # the kernel's value, named here too
from zhengtong.core.access import ActingScope as ActingScope
from zhengtong.core.access import Person
from zhengtong.core.errors import NotPermitted

from .models import COUNTY_WIDE_ROLES, Delegation, Membership, RoleAssignment, Unit, User

# A unit as the questions take it: the unit, its id, or none.
UnitRef: TypeAlias = Unit | int | None
# A rule answers for (person, the object acted on (any model, or None), unit).
Rule: TypeAlias = Callable[[Person, Any, Any], bool]
R = TypeVar("R", bound=Rule)

_RULES: dict[str, Rule] = {}
_NOT_DELEGABLE: set[str] = set()


def rule(action: str, *, delegable: bool = True) -> Callable[[R], R]:
    """Register the rule for `action`: a function (person, obj, unit) -> bool."""

    def register(func: R) -> R:
        _RULES[action] = func
        if not delegable:
            _NOT_DELEGABLE.add(action)
        return func

    return register


def registered_actions() -> list[str]:
    return sorted(_RULES)


def rule_holds(action: str, person: Person, obj: Any = None, unit: UnitRef = None) -> bool:
    """The registered rule's own answer for this person (no delegation applied);
    False when no rule of that name is registered. For rules that build on another
    app's rule without applying delegation twice."""
    check = _RULES.get(action)
    return bool(check and check(person, obj, unit))


# --- facts the rules are built from -------------------------------------------------


def unit_ids_of(person: Person) -> frozenset[int]:
    """Ids of the units the person is a member of (cached on the object per request)."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    cached = getattr(person, "_zt_unit_ids", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user_id=person.pk).values_list("unit_id", flat=True)
        )
        person._zt_unit_ids = cached
    return cached


def _roles(person: Person) -> frozenset[tuple[str, int | None]]:
    cached = getattr(person, "_zt_roles", None)
    if cached is None:
        cached = frozenset(
            RoleAssignment.objects.filter(user_id=person.pk).values_list("role", "unit_id")
        )
        person._zt_roles = cached
    return cached


def is_member(person: Person, unit: UnitRef) -> bool:
    unit_id = getattr(unit, "pk", unit)
    return unit_id is not None and unit_id in unit_ids_of(person)


def has_role(person: Person, role: str, unit: UnitRef = None) -> bool:
    """True if the person holds `role` county-wide, or in `unit` when one is given
    (a role held in a unit covers that unit only)."""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    unit_id = getattr(unit, "pk", unit)
    roles = _roles(person)
    if (role, None) in roles:
        return True
    return unit_id is not None and (role, unit_id) in roles


def has_role_anywhere(person: Person, role: str) -> bool:
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    return any(r == role for r, _unit in _roles(person))


def is_county_wide(role: str) -> bool:
    return role in COUNTY_WIDE_ROLES


def forget(person: Person) -> None:
    """Drop cached facts after memberships, roles or delegations change."""
    for attr in ("_zt_unit_ids", "_zt_roles", "_zt_acting_scope"):
        if hasattr(person, attr):
            delattr(person, attr)


def delegators_of(person: Person, at: datetime.datetime | None = None) -> list[User]:
    """People who have delegated their work to `person` right now."""
    if not getattr(person, "is_authenticated", False):
        return []
    return [
        d.delegator
        for d in Delegation.objects.active(at)
        .filter(delegate_id=person.pk, delegator__is_active=True)
        .select_related("delegator")
    ]


def people_holding(roles: Sequence[str]) -> list[User]:
    """Active people holding one of `roles`, in any unit or county-wide."""
    return list(User.objects.filter(is_active=True, role_assignments__role__in=roles).distinct())


def people_holding_in(roles: Sequence[str], unit_id: int | None) -> list[User]:
    """Active people holding one of `roles` in the unit `unit_id` (None: county-wide)."""
    # One filter() call: the role and the unit are of the same assignment.
    where: dict[str, object] = (
        {"role_assignments__unit__isnull": True}
        if unit_id is None
        else {"role_assignments__unit_id": unit_id}
    )
    return list(
        User.objects.filter(is_active=True, role_assignments__role__in=roles, **where).distinct()
    )


def acting_scope(person: Person, *, cached: bool = True) -> ActingScope:
    """The person's `ActingScope`, kept on the object for the request (`forget()` drops
    it); `cached=False` asks afresh, for callers that hold one object for longer than a
    request and must see a delegation the moment it starts."""
    scope: ActingScope | None = getattr(person, "_zt_acting_scope", None) if cached else None
    if scope is None:
        people = (person, *delegators_of(person))
        units: set[int] = set()
        for p in people:
            units |= unit_ids_of(p)
        scope = ActingScope(people=people, unit_ids=tuple(sorted(units)))
        if getattr(person, "is_authenticated", False):
            person._zt_acting_scope = scope
    return scope


# --- the questions ------------------------------------------------------------------


def may(
    person: Person,
    action: str,
    obj: Any = None,
    *,
    unit: UnitRef = None,
    at: datetime.datetime | None = None,
) -> Acting | None:
    """May `person` do `action` to `obj` (as a member of `unit`)?

    Returns an `Acting` (truthy) naming whose authority is used, or None.
    """
    check = _RULES.get(action)
    if check is None:
        raise KeyError(f"No permission rule registered for {action!r}")
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return None
    if check(person, obj, unit):
        return Acting(person, person)
    if action in _NOT_DELEGABLE:
        return None
    for delegator in delegators_of(person, at or timezone.now()):
        if check(delegator, obj, unit):
            return Acting(person, delegator)
    return None


def require(person: Person, action: str, obj: Any = None, *, unit: UnitRef = None) -> Acting:
    """Like `may`, but raises NotPermitted (HTTP 403) when the answer is no."""
    acting = may(person, action, obj, unit=unit)
    if acting is None:
        raise NotPermitted()
    return acting
