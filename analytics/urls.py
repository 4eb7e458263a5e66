"""Routes of the analytics app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
