"""Who answers for the public: the reception offices of the county's public mailboxes
(县长信箱 and the departments' mailboxes), whose clerks, heads and reviewers take in
what the public sends by post, telephone (the 12345 hotline) or online.

The subsystem that keeps the mailboxes (`letters`) registers which units are reception
offices right now; other subsystems ask here (e.g. consultations let the same office
staff enter a comment received by telephone for the commenter), so no subsystem
imports another's mailbox rules.

    register_reception_offices(active_office_unit_ids)   # in AppConfig.ready()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from zhengtong.org.models import Role
from zhengtong.org.permissions import has_role

# The roles of a reception office's staff: they accept, route and answer the public.
RECEPTION_ROLES = (Role.CLERK, Role.UNIT_HEAD, Role.REVIEWER)

_SOURCES: dict[str, Callable[[], Iterable[int]]] = {}


def register_reception_offices(key: str, func: Callable[[], Iterable[int]]) -> None:
    """Register `func() -> unit ids` of reception offices under `key` (registering the
    same key again replaces it)."""
    _SOURCES[key] = func


def reception_office_ids() -> set[int]:
    """The units that are reception offices now, from every registered source."""
    ids: set[int] = set()
    for func in _SOURCES.values():
        ids.update(func())
    return ids


def is_reception_staff(person: Any, unit_id: int | None) -> bool:
    """A clerk, head or reviewer of the unit (as the unit's reception office)."""
    return any(has_role(person, role, unit_id) for role in RECEPTION_ROLES)


def answers_for_public(person: Any) -> bool:
    """Staff of any reception office: those who enter for the public what arrives by
    telephone or post."""
    return any(is_reception_staff(person, office) for office in reception_office_ids())
