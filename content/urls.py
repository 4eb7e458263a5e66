"""Routes of the content app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
