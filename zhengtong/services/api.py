"""REST endpoints of the services app under /api/v1/."""


def register(router):
    """Add this app's viewsets to the API router."""
