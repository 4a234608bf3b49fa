"""Admin for the IT centre. Each part of the kernel registers its own models."""

from . import admin_attachments, admin_audit, admin_calendar  # noqa: F401
