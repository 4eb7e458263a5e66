"""Routes of the chat app (API paths under /api/, no trailing slash; the demo-hold
confirmation page at /demo/confirm/<token>)."""

from django.urls import path

from chat.api import ChatQualifyApi, ChatRagApi, ChatRegisterApi
from chat.views import demo_confirm

urlpatterns: list = [
    path("api/chat/qualify", ChatQualifyApi.as_view(), name="chat-qualify"),
    path("api/chat/rag", ChatRagApi.as_view(), name="chat-rag"),
    path("api/chat/register", ChatRegisterApi.as_view(), name="chat-register"),
    path("demo/confirm/<str:token>", demo_confirm, name="chat-demo-confirm"),
]
