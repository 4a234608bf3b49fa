"""Compatibility: `content_disposition` now lives in `core.attachments`; the download
view (/files/<id>/) is in `zhengtong.workspace.views_attachments`."""

from .attachments import content_disposition

__all__ = ["content_disposition"]
