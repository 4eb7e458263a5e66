"""Routes of the chat app (API paths under /api/, no trailing slash)."""

urlpatterns: list = []
