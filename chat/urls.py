"""Routes of the chat app (API paths under /api/, no trailing slash)."""

from django.urls import path

from chat.api import ChatQualifyApi, ChatRagApi

urlpatterns: list = [
    path("api/chat/qualify", ChatQualifyApi.as_view(), name="chat-qualify"),
    path("api/chat/rag", ChatRagApi.as_view(), name="chat-rag"),
]
