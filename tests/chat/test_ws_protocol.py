"""The WebSocket protocol around a turn: history after reconnecting, typing indicators both
ways, the 4,000-character limit, the satisfaction rating and the per-turn AI analysis."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from chat.models import Conversation
from tests.chat.conftest import in_own_loop

pytestmark = pytest.mark.django_db(transaction=True)


@in_own_loop
async def test_reconnect_typing_limit_rating_and_analysis(chat_socket):
    ws = chat_socket()
    await ws.connect()
    first = await ws.say("We use Zendesk with 5 agents and response times are a problem")
    assert first["types"][0] == "typing" and first["text"]  # the assistant "types" first
    assert {"type": "typing", "is_typing": False} in first["events"]
    await ws.say("We'd like it live within the next couple of months")

    # A second socket on the same conversation (another tab, or staff) sees the visitor type.
    other = chat_socket(ws.conversation_id, token=ws.token)
    joined = await other.connect()
    assert joined["conversation_id"] == ws.conversation_id
    history = joined["history"]
    assert [m["role"] for m in history] == ["user", "assistant", "user", "assistant"]
    await ws.send({"type": "typing", "is_typing": True})
    assert await other.comm.receive_json_from(timeout=10) == {
        "type": "typing", "is_typing": True, "who": "visitor",
    }  # fmt: skip
    assert await ws.comm.receive_nothing(timeout=0.3)  # not echoed to the sender

    await ws.send({"type": "message", "content": "x" * 4001})
    error = await ws.comm.receive_json_from(timeout=10)
    assert error["type"] == "error" and "content" in error["details"]

    await ws.send({"type": "rate", "rating": 9})
    assert (await ws.comm.receive_json_from(timeout=10))["type"] == "error"
    await ws.send({"type": "rate", "rating": 5})
    assert (await ws.comm.receive_json_from(timeout=10)) == {"type": "rated", "rating": 5}

    conv = await database_sync_to_async(Conversation.objects.get)(pk=ws.conversation_id)
    assert conv.satisfaction == 5
    # The analysis task ran after the turns (eager Celery in tests).
    assert conv.analysed_at is not None
    assert conv.urgency == "high"
    assert conv.primary_intent
    assert conv.sentiment in ("positive", "neutral", "negative")
    assert 0 < conv.qualification_progress < 1
    assert conv.tokens_in > 0
    await other.close()
    await ws.close()


@in_own_loop
async def test_unknown_message_type_and_join_first(chat_socket):
    from channels.testing import WebsocketCommunicator

    from ementech.asgi import application

    comm = WebsocketCommunicator(application, "/ws/chat/new",
                                 headers=[(b"origin", b"http://testserver")])  # fmt: skip
    ok, _ = await comm.connect()
    assert ok
    await comm.send_json_to({"type": "message", "content": "hello"})
    assert (await comm.receive_json_from(timeout=10))["error"] == "Join a conversation first."
    await comm.send_json_to({"type": "join"})
    await comm.receive_json_from(timeout=30)
    await comm.send_json_to({"type": "explode"})
    assert (await comm.receive_json_from(timeout=10))["type"] == "error"
    await comm.disconnect()
