"""URL paths of the letters app (filled in as the app grows)."""

urlpatterns = []
