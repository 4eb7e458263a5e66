"""WebSocket consumer for the chat widget: ``ws /ws/chat/{conversation_id}`` (seed 6.2.2).

Client → server: ``join`` (visitor_id, mode, page_url), ``message`` (content), ``typing``
(is_typing), ``consent`` (granted, wording), ``confirm`` (action_id, accept),
``pick_slot`` (slot_id: a click on an offered time books it), ``rate`` (rating); ``join``
may carry the browser's ``timezone`` (IANA name). Server → client: ``joined`` (history),
``agent``, ``typing``, ``token``, ``reset``, ``slots`` (times to click), ``tool``,
``confirm``, ``sources``, ``booked``, ``done``, ``message`` (a staff reply or another tab),
``handoff``, ``held``, ``error``. Use ``new`` as the id to start a conversation.

A conversation belongs to the browser that opened it (``chat.ownership``): ``joined``
carries the owner's ``token``; joining an existing conversation needs that token in the
``join`` frame (or the ``em_chat`` cookie, or the signed ``em_vid`` of the visitor it was
opened for). Sales staff may join to read it (read-only: their replies go through the
admin). Anyone else gets an ``error`` event with ``code: "forbidden"`` and the socket is
closed with code 4403. Staff sockets on ``/ws/chat/staff`` (Sales only) receive every
conversation's events.

Limits (``chat.limits``): visitor messages per minute (per conversation and browser), new
conversations per browser and per client address, and the model budget per browser and
address across conversations. Over a limit, the frame gets an ``error`` event with
``code: "rate_limited"`` (or ``"budget"``) and ``retry_after`` seconds; the socket stays open.
"""

from __future__ import annotations

import asyncio
import json
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from chat import limits, presence, services
from chat.models import Conversation, Message
from chat.ownership import CHAT_COOKIE, conversation_token, is_owner
from chat.streaming import pump
from core.context import context_from_scope
from core.permissions import is_sales


def _history(conv: Conversation) -> list[dict]:
    rows = conv.messages.filter(role__in=[Message.Role.USER, Message.Role.ASSISTANT]).order_by(
        "created_at"
    )
    return [services.message_public(m) for m in rows[:200]]


FORBIDDEN_CLOSE_CODE = 4403


class ChatConsumer(AsyncJsonWebsocketConsumer):
    conversation: Conversation | None = None
    read_only = False

    async def connect(self) -> None:
        self.requested = self.scope["url_route"]["kwargs"]["conversation_id"]
        self.busy = asyncio.Lock()
        self.sock_id = uuid.uuid4().hex
        client = self.scope.get("client") or ("", 0)
        self.raw_ip = str(client[0] if client else "")  # for the limits only, never stored
        self.ctx = context_from_scope(self.scope)  # the one request context (core.context)
        self.ip = self.ctx.ip_truncated
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.conversation is not None:
            await self.channel_layer.group_discard(self.conversation.group_name, self.channel_name)

    async def error(self, message: str, details: dict | None = None) -> None:
        await self.send_json({"type": "error", "error": message, "details": details or {}})

    async def limited(self, message: str, retry_after: int) -> None:
        """A limit was reached: say when to try again; the socket stays open."""
        await self.send_json(
            {
                "type": "error",
                "code": "rate_limited",
                "error": message,
                "retry_after": retry_after,
                "details": {"retry_after": [str(retry_after)]},
            }
        )

    # -- client messages ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Check a frame's size before parsing it; a bad frame gets an ``error`` event and
        the socket stays open (uvicorn's ``--ws-max-size`` is the hard cap below this)."""
        raw = text_data if text_data is not None else bytes_data
        limit = settings.CHAT_MAX_FRAME_CHARS
        if raw is None or len(raw) > limit:
            return await self.error("Frame too large.", {"frame": [f"At most {limit} characters."]})
        try:
            content = json.loads(raw)
        except (ValueError, RecursionError):
            return await self.error("Send a JSON object.", {"frame": ["Not valid JSON."]})
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict):
            return await self.error("Send a JSON object.")
        nested = sorted(k for k, v in content.items() if isinstance(v, dict | list))
        if nested:
            return await self.error(
                "Fields must be plain values.",
                {k: ["Must not be an object or a list."] for k in nested},
            )
        kind = content.get("type")
        if kind == "join":
            return await self.on_join(content)
        if self.conversation is None:
            return await self.error("Join a conversation first.")
        if self.read_only:
            return await self.error(
                "Staff read conversations here; reply from the admin.", {"type": ["Read-only."]}
            )
        handler = {
            "message": self.on_message,
            "typing": self.on_typing,
            "consent": self.on_consent,
            "confirm": self.on_confirm,
            "pick_slot": self.on_pick_slot,
            "rate": self.on_rate,
        }.get(kind)
        if handler is None:
            return await self.error(f"Unknown message type {kind!r}.")
        await handler(content)

    async def on_join(self, content: dict) -> None:
        requested = None if self.requested == "new" else self.requested
        mode = content.get("mode") or Conversation.Mode.QUALIFY
        visitor_id = self.ctx.visitor_id  # the signed cookie only, never the body
        tokens = (content.get("token"), (self.scope.get("cookies") or {}).get(CHAT_COOKIE))
        access = await database_sync_to_async(self._access)(requested, tokens, visitor_id)
        if access == "new":
            wait = await database_sync_to_async(limits.new_conversation_wait)(
                visitor_id=visitor_id, client_ip=self.raw_ip
            )
            if wait:
                return await self.limited("Too many new conversations; try again later.", wait)
        if access == "forbidden":
            await self.send_json(
                {
                    "type": "error",
                    "code": "forbidden",
                    "error": "This conversation belongs to another browser.",
                    "details": {"conversation_id": ["Not a conversation this browser opened."]},
                }
            )
            return await self.close(code=FORBIDDEN_CLOSE_CODE)
        conv, history = await database_sync_to_async(self._open)(
            requested, visitor_id, mode, str(content.get("page_url") or ""),
            str(content.get("timezone") or "")[:64], access == "staff",
        )  # fmt: skip
        if self.conversation is not None:
            await self.channel_layer.group_discard(self.conversation.group_name, self.channel_name)
        self.conversation = conv
        self.read_only = access == "staff"
        await self.channel_layer.group_add(conv.group_name, self.channel_name)
        joined = {
            "type": "joined",
            "conversation_id": str(conv.pk),
            "status": conv.status,
            "consent": conv.consent_given,
            "history": history,
            "pending": (conv.state or {}).get("pending"),
            "max_chars": settings.CHAT_MAX_MESSAGE_CHARS,
        }
        if not self.read_only:
            joined["token"] = conversation_token(conv.pk)
        await self.send_json(joined)

    def _access(self, requested, tokens, visitor_id) -> str:
        """``new``, ``owner``, ``staff`` (Sales, read-only) or ``forbidden``."""
        conv = Conversation.objects.filter(pk=requested).first() if requested else None
        if conv is None:
            return "new"
        if is_owner(conv, tokens=tokens, visitor_id=visitor_id):
            return "owner"
        if is_sales(self.scope.get("user")):
            return "staff"
        return "forbidden"

    def _open(self, requested, visitor_id, mode, page_url, tz_name, staff):
        if staff:
            conv = Conversation.objects.get(pk=requested)
        else:
            conv = services.conversation_open(
                conversation_id=requested, visitor_id=visitor_id, mode=mode, page_url=page_url,
                tz_name=tz_name,
            )  # fmt: skip
        return conv, _history(conv)

    async def on_message(self, content: dict) -> None:
        text = content.get("content")
        if not isinstance(text, str) or not text.strip():
            return await self.error("Write a message.", {"content": ["Write a message."]})
        if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
            return await self.error(
                "Message too long.",
                {"content": [f"At most {settings.CHAT_MAX_MESSAGE_CHARS} characters."]},
            )
        wait = await database_sync_to_async(limits.message_wait)(
            conversation_id=self.conversation.pk, visitor_id=self.ctx.visitor_id
        )
        if wait:
            return await self.limited("Too many messages; wait a moment.", wait)
        async with self.busy:
            conv = self.conversation
            typing_sent = False
            async for event in pump(
                lambda: services.chat_turn(
                    conversation=conv, text=text, ip=self.ip, client_ip=self.raw_ip
                )
            ):
                if event["type"] == "agent":
                    if conv.status != Conversation.Status.ESCALATED:
                        await self.send_json({"type": "typing", "is_typing": True})
                        typing_sent = True
                    continue
                if event["type"] == "done" and typing_sent:
                    await self.send_json({"type": "typing", "is_typing": False})
                await self.send_json(event)
            await database_sync_to_async(conv.refresh_from_db)()

    async def on_typing(self, content: dict) -> None:
        await self.channel_layer.group_send(
            self.conversation.group_name,
            {
                "type": "chat.event",
                "event": {
                    "type": "typing",
                    "is_typing": bool(content.get("is_typing")),
                    "who": "visitor",
                },  # fmt: skip
                "origin": self.sock_id,
            },
        )

    async def on_consent(self, content: dict) -> None:
        if content.get("granted") is not True:
            return await self.error("Consent must be given with the checkbox.")
        await database_sync_to_async(services.conversation_set_consent)(
            conversation=self.conversation,
            wording=str(content.get("wording") or "")[:2000],
            page_url=str(content.get("page_url") or "")[:500],
            ip=self.ip,
        )
        await self.send_json({"type": "consent", "granted": True})
        async with self.busy:
            conv = self.conversation
            async for event in pump(
                lambda: services.chat_resume(conversation=conv, ip=self.ip, client_ip=self.raw_ip)
            ):
                await self.send_json(event)

    async def on_confirm(self, content: dict) -> None:
        action_id = content.get("action_id")
        if not isinstance(action_id, str) or not action_id:
            return await self.error("Missing action_id.")
        accept = content.get("accept") is True
        async with self.busy:
            conv = self.conversation
            async for event in pump(
                lambda: services.chat_confirm(
                    conversation=conv, action_id=action_id, accept=accept, client_ip=self.raw_ip
                )
            ):
                await self.send_json(event)

    async def on_pick_slot(self, content: dict) -> None:
        """The visitor clicked one of the offered times: that click is the confirmation."""
        slot_id = content.get("slot_id")
        if not isinstance(slot_id, str) or not slot_id:
            return await self.error("Missing slot_id.", {"slot_id": ["Pick an offered time."]})
        async with self.busy:
            conv = self.conversation
            async for event in pump(
                lambda: services.chat_pick_slot(
                    conversation=conv, slot_id=slot_id, client_ip=self.raw_ip
                )
            ):
                await self.send_json(event)

    async def on_rate(self, content: dict) -> None:
        try:
            await database_sync_to_async(services.conversation_rate)(
                conversation=self.conversation, rating=content.get("rating")
            )
        except services.ChatInputError as exc:
            return await self.error(exc.message, exc.details)
        await self.send_json({"type": "rated", "rating": content.get("rating")})

    # -- group events (staff replies, hand-off, typing from the other side) -------------------

    async def chat_event(self, message: dict) -> None:
        if message.get("origin") == self.sock_id:
            return
        await self.send_json(message["event"])


class StaffChatConsumer(AsyncJsonWebsocketConsumer):
    """Live feed of chat events for signed-in Sales staff (hand-offs, visitor messages)."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if not await database_sync_to_async(is_sales)(user):
            await self.close(code=4403)  # marketers and ops never see conversations
            return
        await self.channel_layer.group_add(services.STAFF_GROUP, self.channel_name)
        await self.accept()
        if await database_sync_to_async(user.groups.filter(name="Sales").exists)():
            await database_sync_to_async(presence.staff_online)(
                user_id=user.pk, channel=self.channel_name
            )

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(services.STAFF_GROUP, self.channel_name)
        await database_sync_to_async(presence.staff_offline)(channel=self.channel_name)

    async def chat_event(self, message: dict) -> None:
        await self.send_json(message["event"])
