"""Compatibility: `content_disposition` now lives in `core.downloads`; the download
view (/files/<id>/) is in `zhengtong.workspace.views_attachments`."""

from .downloads import content_disposition

__all__ = ["content_disposition"]
