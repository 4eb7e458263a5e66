"""Streamed HTTP chat: ``POST /api/chat/qualify`` and ``POST /api/chat/rag`` (seed 6.1.4).

Body: ``{"message", "conversation_id"?, "conversation_token"?, "consent"?, "page_url"?}``
or, to answer a confirmation button, ``{"conversation_id", "confirm": {"action_id",
"accept"}}``. The answer is ``text/event-stream`` with events ``conversation`` (the id and
the owner's ``token``), ``token``, ``tool``, ``confirm``, ``sources``, ``booked``, ``held``
and ``done`` (which carries the conversation id); invalid input is a 400 JSON error before
anything streams. Both paths run the same service as the WebSocket.

A conversation belongs to the browser that opened it (``chat.ownership``): a turn on an
existing conversation must carry its token (body or the ``em_chat`` cookie set here) or
come from the visitor it was opened for; anyone else gets a 403.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from chat import limits, services
from chat.models import Conversation
from chat.ownership import CHAT_COOKIE, CHAT_COOKIE_MAX_AGE, conversation_token, is_owner
from chat.streaming import drain_sync, pump
from core.errors import ApplicationError, too_many_requests
from core.net import client_ip, client_ip_truncated
from core.ratelimit import rate_limit
from leads.facade import visitor_id_from_request


def sse(event: dict) -> str:
    kind = event.get("type", "message")
    data = {k: v for k, v in event.items() if k != "type"}
    return f"event: {kind}\ndata: {json.dumps(data, default=str)}\n\n"


class ConfirmSerializer(serializers.Serializer):
    action_id = serializers.CharField(max_length=64)
    accept = serializers.BooleanField()


class InputSerializer(serializers.Serializer):
    message = serializers.CharField(
        required=False, max_length=settings.CHAT_MAX_MESSAGE_CHARS, trim_whitespace=True
    )
    conversation_id = serializers.UUIDField(required=False, allow_null=True)
    conversation_token = serializers.CharField(
        required=False, max_length=200, allow_blank=True, trim_whitespace=True
    )
    visitor_id = serializers.UUIDField(required=False, allow_null=True)
    consent = serializers.JSONField(required=False)
    page_url = serializers.CharField(required=False, max_length=500, allow_blank=True)
    confirm = ConfirmSerializer(required=False)

    def validate(self, attrs):
        if not attrs.get("message") and not attrs.get("confirm"):
            raise serializers.ValidationError({"message": ["Write a message."]})
        if attrs.get("confirm") and not attrs.get("conversation_id"):
            raise serializers.ValidationError({"conversation_id": ["Required to confirm."]})
        return attrs


def _consent_given(raw) -> bool:
    return raw is True or (isinstance(raw, dict) and raw.get("data_processing") is True)


STREAM_RESPONSES = {
    (200, "text/event-stream"): OpenApiResponse(
        response=inline_serializer(
            "ChatEvent",
            {
                "event": serializers.CharField(
                    help_text="conversation (id and token), token, tool, confirm, "
                    "sources, booked, held or done"
                ),
                "data": serializers.CharField(help_text="The event's JSON object."),
            },
        ),
        description="Server-sent events, one JSON object in each event's data.",
    )
}


class RegisterInputSerializer(InputSerializer):
    event_id = serializers.UUIDField()
    confirm = None

    def validate(self, attrs):
        return attrs  # the first call may carry no message: the assistant asks first


class ChatStreamApi(APIView):
    """One visitor message in, the assistant's reply streamed out."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    mode = Conversation.Mode.QUALIFY
    input_serializer = InputSerializer

    def turn(self, conv: Conversation, data: dict, ip: str, raw_ip: str) -> Iterator[dict]:
        return services.chat_turn(conversation=conv, text=data["message"], ip=ip, client_ip=raw_ip)

    @extend_schema(
        request=InputSerializer,
        responses=STREAM_RESPONSES,
        examples=[
            OpenApiExample(
                "A first message",
                value={
                    "message": "We need a chatbot for our customer support. What would it cost?",
                    "consent": {"data_processing": True},
                    "page_url": "/services/ai-chatbots/",
                },
                request_only=True,
            ),
            OpenApiExample(
                "The stream",
                value='event: conversation\ndata: {"conversation_id": "…", "token": "…"}\n\n'
                'event: token\ndata: {"text": "Happy to help"}\n\n'
                'event: done\ndata: {"conversation_id": "…"}\n\n',
                response_only=True,
                media_type="text/event-stream",
            ),
        ],
    )
    def post(self, request):
        limited = rate_limit(request._request, "chat-http")
        if limited is not None:
            return limited
        body = self.input_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        existing = data.get("conversation_id")
        visitor_id = visitor_id_from_request(request._request)  # signed cookie only
        found = Conversation.objects.filter(pk=existing).first() if existing else None
        if data.get("confirm") and found is None:
            raise ApplicationError("Unknown conversation.", code=ApplicationError.NOT_FOUND)
        tokens = (data.get("conversation_token"), request.COOKIES.get(CHAT_COOKIE))
        if found is not None and not is_owner(found, tokens=tokens, visitor_id=visitor_id):
            raise ApplicationError(
                "This conversation belongs to another browser.",
                {"conversation_id": ["Not a conversation this browser opened."]},
                code=ApplicationError.FORBIDDEN,
            )
        if found is None:
            wait = limits.new_conversation_wait(visitor_id=visitor_id, client_ip=client_ip(request))
            if wait:
                return too_many_requests(wait)
        if data.get("message") or not data.get("confirm"):
            wait = limits.message_wait(
                conversation_id=found.pk if found else None, visitor_id=visitor_id
            )
            if wait:
                return too_many_requests(wait)
        conv = services.conversation_open(
            conversation_id=existing,
            visitor_id=visitor_id,
            mode=self.mode,
            page_url=data.get("page_url", ""),
        )
        ip = client_ip_truncated(request)
        raw_ip = client_ip(request)  # for the limits only (kept in the cache, never stored)
        raw_consent = data.get("consent")
        if _consent_given(raw_consent):
            wording = raw_consent.get("wording", "") if isinstance(raw_consent, dict) else ""
            services.conversation_set_consent(
                conversation=conv, wording=str(wording)[:2000], page_url=data.get("page_url", ""),
                ip=ip,
            )  # fmt: skip
        if data.get("confirm"):
            confirm = data["confirm"]

            def make() -> Iterator[dict]:
                return services.chat_confirm(
                    conversation=conv, action_id=confirm["action_id"], accept=confirm["accept"],
                    client_ip=raw_ip,
                )  # fmt: skip
        else:

            def make() -> Iterator[dict]:
                return self.turn(conv, data, ip, raw_ip)

        token = conversation_token(conv.pk)
        head = {"type": "conversation", "conversation_id": str(conv.pk), "token": token}
        if isinstance(request._request, ASGIRequest):

            async def stream_async() -> AsyncIterator[str]:
                yield sse(head)
                async for event in pump(make):
                    yield sse(event)

            content = stream_async()
        else:

            def stream_sync() -> Iterator[str]:
                yield sse(head)
                for event in drain_sync(make):
                    yield sse(event)

            content = stream_sync()
        response = StreamingHttpResponse(content, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        response.set_cookie(
            CHAT_COOKIE,
            token,
            max_age=CHAT_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SITE_HTTPS,
        )  # strictly necessary: it is what lets this browser, and only it, continue
        return response


class ChatQualifyApi(ChatStreamApi):
    mode = Conversation.Mode.QUALIFY


class ChatRagApi(ChatStreamApi):
    mode = Conversation.Mode.RAG


class ChatRegisterApi(ChatStreamApi):
    """Conversational event registration (seed 3.1.3): ``event_id`` names the event; each
    call answers the assistant's last question (the first may have no message) and the
    stream asks the next one, until ``done`` carries ``registration`` with the status."""

    input_serializer = RegisterInputSerializer

    @extend_schema(
        request=RegisterInputSerializer,
        responses=STREAM_RESPONSES,
        examples=[
            OpenApiExample(
                "Start on an event page",
                value={"event_id": "8a1f5c2e-0b7d-4a52-9a36-1c2d3e4f5a6b", "message": "Sign me up"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        return super().post(request)

    def turn(self, conv: Conversation, data: dict, ip: str, raw_ip: str) -> Iterator[dict]:
        return services.chat_register_turn(
            conversation=conv, text=data.get("message") or "", event_id=str(data["event_id"]),
            ip=ip,
        )  # fmt: skip
