"""The REST API's routes, gathered from the apps that offer them.

The API layer is part of the kernel and imports no subsystem (docs/architecture.md,
the dependency rule). Each app that offers endpoints registers a function here from its
AppConfig.ready(), as Wagtail's hooks gather admin URLs; `api/urls.py` builds one router
from them. The function imports the app's API module only when it is called, so
nothing is imported before the URL map is loaded.
"""

from collections.abc import Callable

from rest_framework.routers import DefaultRouter

RouteRegistration = Callable[[DefaultRouter], None]

_registrations: dict[str, RouteRegistration] = {}


def register_routes(name: str, register: RouteRegistration) -> None:
    """Offer `register(router)`, which adds the app `name`'s viewsets to the API's
    router. Registering a name again replaces its function (ready() may run twice in
    tests); the router is built in the order the names were first registered."""
    _registrations[name] = register


def registered_names() -> list[str]:
    """The apps that offer routes, in registration order."""
    return list(_registrations)


def add_registered_routes(router: DefaultRouter) -> DefaultRouter:
    """Add every registered app's routes to `router` and return it."""
    for register in _registrations.values():
        register(router)
    return router
