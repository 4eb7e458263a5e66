"""App config for chat: registers the chat's assistant as the local provider's responder."""

from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Chat"

    def ready(self) -> None:
        from chat.assistant import respond
        from ementech.ai.providers.local import register_responder

        register_responder("chat", respond)
