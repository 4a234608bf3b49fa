"""Permission rules of the organisation app."""
