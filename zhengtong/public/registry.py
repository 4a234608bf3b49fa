"""What the personal centre (/grzx/) lists: each subsystem registers a function that
returns the signed-in public user's items (letters, disclosure requests, comments …).

    register_my_items("letters", _("My letters"), my_letters)   # in AppConfig.ready()
"""

import datetime
import logging
from dataclasses import dataclass

log = logging.getLogger("zhengtong.public")

_SOURCES = {}


@dataclass
class MyItem:
    """One line of the personal centre."""

    title: str
    url: str
    status: str
    date: datetime.date


def register_my_items(key: str, title, func) -> None:
    """Register `func(public_user) -> list[MyItem]` under `key` with a section `title`
    (registering the same key again replaces it)."""
    _SOURCES[key] = (title, func)


def registered_keys():
    return list(_SOURCES)


@dataclass
class Section:
    key: str
    title: str
    items: list
    failed: bool = False


def sections_for(public_user):
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
