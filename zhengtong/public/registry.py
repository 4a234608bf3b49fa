"""What the personal centre (/grzx/) lists: each subsystem registers a function that
returns the signed-in public user's items (letters, disclosure requests, comments …).

    register_my_items("letters", _("My letters"), my_letters)   # in AppConfig.ready()
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.utils.functional import Promise

log = logging.getLogger("zhengtong.public")

# A source: public user -> their items of one kind (None: nothing).
ItemSource: TypeAlias = Callable[[Any], "Iterable[MyItem] | None"]
_SOURCES: dict[str, tuple[str | Promise, ItemSource]] = {}


@dataclass
class MyItem:
    """One line of the personal centre."""

    title: str
    url: str
    status: str
    date: datetime.date


def register_my_items(key: str, title: str | Promise, func: ItemSource) -> None:
    """Register `func(public_user) -> list[MyItem]` under `key` with a section `title`
    (registering the same key again replaces it)."""
    _SOURCES[key] = (title, func)


def registered_keys() -> list[str]:
    return list(_SOURCES)


@dataclass
class Section:
    key: str
    title: str | Promise
    items: list[MyItem]
    failed: bool = False


def sections_for(public_user: Any) -> list[Section]:
    """The centre's sections, in registration order; a source that fails is shown as
    unavailable rather than breaking the page."""
    sections = []
    for key, (title, func) in _SOURCES.items():
        try:
            items = sorted(func(public_user) or [], key=lambda i: i.date, reverse=True)
        except Exception:
            log.exception("The personal-centre source %r failed", key)
            sections.append(Section(key, str(title), [], failed=True))
            continue
        sections.append(Section(key, str(title), items))
    return sections
