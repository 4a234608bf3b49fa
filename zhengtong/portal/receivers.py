"""Importing these modules connects their receivers of Wagtail's signals (page
published / unpublished / moved / deleted, workflow task events)."""

from . import cache, catalogue, search_index, workflow  # noqa: F401
