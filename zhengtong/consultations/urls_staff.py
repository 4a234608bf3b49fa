"""URL paths of the consultations app (filled in as the app grows)."""

urlpatterns = []
