"""WebSocket routes of the analytics app: the live sales dashboard."""

from django.urls import path

from analytics.consumers import DashboardConsumer

websocket_urlpatterns: list = [
    path("ws/dashboard", DashboardConsumer.as_asgi()),
]
