"""WebSocket routes of the chat app."""

from django.urls import path, re_path

from chat.consumers import ChatConsumer, StaffChatConsumer

websocket_urlpatterns: list = [
    path("ws/chat/staff", StaffChatConsumer.as_asgi()),
    re_path(
        r"^ws/chat/(?P<conversation_id>new|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?$",
        ChatConsumer.as_asgi(),
    ),
]
