"""REST endpoints of the public-user app under /api/v1/."""


def register(router) -> None:
    """Add this app's viewsets to the API router."""
