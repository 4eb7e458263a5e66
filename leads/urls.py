"""Routes of the leads app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
