"""Routes of the events app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
