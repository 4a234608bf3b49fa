"""Admin for the IT centre. Each part of the kernel registers its own models (the
calendar's upload pages, which ask `org` for permission, are in `zhengtong.workspace.admin`)."""

from . import admin_attachments, admin_audit  # noqa: F401
