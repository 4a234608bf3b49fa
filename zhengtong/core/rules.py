"""Permission rules of the kernel (work items, attachments, audit, calendar)."""
