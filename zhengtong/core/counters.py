"""Gap-free serial numbers: document numbers, 索引号 serials and the like."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model

from .errors import Conflict, Message


def take_next(counter_model: type[Model], message: Message, **key: Any) -> int:
    """Increment the counter row of `counter_model` identified by `key` (created at 0 when
    missing) and return its new `last`: from 1, never reused, never skipped.

    The row is locked (select_for_update; on SQLite the transaction holds the database's
    write lock), so simultaneous callers get consecutive numbers. Call inside the
    transaction that uses the number: if it rolls back, the number is not taken. Raises
    Conflict with `message` if the row cannot be had after a few attempts."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next must run inside the transaction that uses the number")
    for _attempt in range(3):
        # Any model with a `last` integer field and a unique key (documents' counters…).
        counter: Any = counter_model._default_manager.select_for_update().filter(**key).first()
        if counter is None:
            try:
                with transaction.atomic():
                    counter = counter_model._default_manager.create(last=0, **key)
            except IntegrityError:
                continue  # another caller created it first: lock theirs
            counter = counter_model._default_manager.select_for_update().get(pk=counter.pk)
        counter.last += 1
        counter.save(update_fields=["last"])
        return int(counter.last)
    raise Conflict(message)
