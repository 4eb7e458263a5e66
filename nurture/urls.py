"""Routes of the nurture app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
