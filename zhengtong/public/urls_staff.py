"""URL paths of the public-user app (filled in as the app grows)."""

urlpatterns = []
