"""URL paths of the disclosure app (filled in as the app grows)."""

urlpatterns = []
