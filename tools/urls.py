"""Routes of the tools app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
