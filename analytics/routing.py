"""WebSocket routes of the analytics app."""

websocket_urlpatterns: list = []
