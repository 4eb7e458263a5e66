"""WebSocket routes, gathered from each app's ``routing.py``."""

from analytics.routing import websocket_urlpatterns as analytics_ws
from chat.routing import websocket_urlpatterns as chat_ws

websocket_urlpatterns = [*chat_ws, *analytics_ws]
