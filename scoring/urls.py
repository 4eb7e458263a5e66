"""Routes of the scoring app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
