"""The kernel's door to permissions and people: a port that `org` fills.

`core` is the lowest layer and imports nothing above it (docs/adr/0010-core-below-org.md),
yet some of its plain operations must ask "may this person do this?" (closing a work
item, correcting the calendar) or "who holds this role here?" (reminders, escalation,
the nightly jobs' alerts). They ask here; `org` registers the answering backend when its
app is ready, as Django's authentication backends are registered in settings. Nothing
in `core` knows how units, roles or delegations are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from django.core.exceptions import ImproperlyConfigured

from .errors import NotPermitted

# A person as the kernel sees one: the staff user (settings.AUTH_USER_MODEL, `org.User`)
# or an anonymous visitor. The kernel does not import `org`, so it passes people on
# without knowing their class.
Person: TypeAlias = Any

# The roles the kernel's own jobs address, by their stored value (`org.models.Role`
# holds every role; a test in org keeps these in step with it).
SYSTEM_ADMIN = "system_admin"
AUDIT_ADMIN = "audit_admin"
CLERK = "clerk"
UNIT_HEAD = "unit_head"
SUPERVISOR = "supervisor"
KERNEL_ROLES = frozenset({SYSTEM_ADMIN, AUDIT_ADMIN, CLERK, UNIT_HEAD, SUPERVISOR})


@dataclass(frozen=True)
class Acting:
    """Who acts: `person` clicked; `principal` is whose authority is used (the
    delegator under delegation, otherwise the person)."""

    person: Any
    principal: Any

    @property
    def on_behalf_of(self) -> Any:
        return None if self.principal.pk == self.person.pk else self.principal

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class ActingScope:
    """For whom a person works right now: themselves and everyone who delegated their
    work to them (`people`, the person first), and every unit any of them belongs to
    (`unit_ids`, sorted). The one answer behind every "what may I see" list."""

    people: tuple[Any, ...]
    unit_ids: tuple[int, ...]

    @property
    def people_ids(self) -> list[int]:
        return [p.pk for p in self.people]


class AccessBackend(Protocol):
    """What `org` answers for the kernel (its `permissions` module is one)."""

    def may(
        self, person: Any, action: str, obj: Any = None, *, unit: Any = None, at: Any = None
    ) -> Acting | None: ...

    def unit_ids_of(self, person: Any) -> frozenset[int]: ...

    def delegators_of(self, person: Any, at: Any = None) -> list[Any]: ...

    def acting_scope(self, person: Any, *, cached: bool = True) -> ActingScope: ...

    def people_holding(self, roles: Sequence[str]) -> list[Any]: ...

    def people_holding_in(self, roles: Sequence[str], unit_id: int | None) -> list[Any]: ...


_backend: AccessBackend | None = None


def register(backend: AccessBackend) -> None:
    """Install the backend that answers (called once, from `org`'s AppConfig.ready)."""
    global _backend
    _backend = backend


def _answering() -> AccessBackend:
    if _backend is None:
        raise ImproperlyConfigured("No access backend registered: is zhengtong.org installed?")
    return _backend


def may(person: Any, action: str, obj: Any = None, *, unit: Any = None) -> Acting | None:
    """May `person` do `action` to `obj`? An `Acting` (truthy) naming whose authority is
    used, or None."""
    return _answering().may(person, action, obj, unit=unit)


def require(person: Any, action: str, obj: Any = None, *, unit: Any = None) -> Acting:
    """Like `may`, but raises NotPermitted (HTTP 403) when the answer is no."""
    acting = may(person, action, obj, unit=unit)
    if acting is None:
        raise NotPermitted()
    return acting


def unit_ids_of(person: Any) -> frozenset[int]:
    """Ids of the units the person is a member of."""
    return _answering().unit_ids_of(person)


def delegators_of(person: Any) -> list[Any]:
    """People who have delegated their work to `person` right now."""
    return _answering().delegators_of(person)


def acting_scope(person: Any, *, cached: bool = True) -> ActingScope:
    """The person, their delegators and all their units (see `ActingScope`)."""
    return _answering().acting_scope(person, cached=cached)


def people_holding(roles: Sequence[str]) -> list[Any]:
    """Active people holding one of `roles`, in any unit or county-wide."""
    return _answering().people_holding(roles)


def people_holding_in(roles: Sequence[str], unit_id: int | None) -> list[Any]:
    """Active people holding one of `roles` in the unit `unit_id` (None: county-wide)."""
    return _answering().people_holding_in(roles, unit_id)
