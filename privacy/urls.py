"""Routes of the privacy app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
