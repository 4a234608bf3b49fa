"""URL paths of the services app (filled in as the app grows)."""

urlpatterns = []
