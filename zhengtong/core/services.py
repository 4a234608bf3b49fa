"""The kernel's operations, in one place for the subsystems to import.

They live in the module of their subject (work items, calendar, attachments,
notifications) and are gathered here so that, as in every other app, "what can the
kernel do" is answered by `core.services`. Each checks permission where a person acts,
runs in one transaction and writes the audit trail.
"""

from .attachments import store_upload
from .calendar import delete_special_day, import_holidays, save_special_day
from .notifications import mark_read, notify, send_daily_digests, send_sms
from .workitems import (
    cancel_work_item,
    close_items_for,
    complete_work_item,
    open_work_item,
    send_reminders,
)

__all__ = [
    "cancel_work_item",
    "close_items_for",
    "complete_work_item",
    "delete_special_day",
    "import_holidays",
    "mark_read",
    "notify",
    "open_work_item",
    "save_special_day",
    "send_daily_digests",
    "send_reminders",
    "send_sms",
    "store_upload",
]
