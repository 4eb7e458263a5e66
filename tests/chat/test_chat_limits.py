"""Issue 15, acceptance 4 (the chat's share): the chat socket's messages per minute, new
conversations per browser and per client address, and the model spend per browser and
per address across conversations each stop at their limit with an ``error`` event that
says when to retry; the socket stays usable, and the limit lifts when its window passes
(frozen time)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.test import Client

from chat import services
from chat.models import Conversation, Message
from tests.chat.conftest import ChatSocket, in_own_loop, parse_sse
from tests.factories import make_visitor, visitor_cookie

# A Monday, on the minute: the hourly and minute windows do not roll over mid-test.
MONDAY = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "chat-message": "3/m",
        "chat-new-conversation-browser": "2/h",
        "chat-new-conversation-ip": "3/h",
    }
    return settings


@pytest.mark.django_db(transaction=True)
@in_own_loop
async def test_messages_per_minute_stop_with_a_retry_time_and_the_socket_stays_usable(tight):
    with time_machine.travel(MONDAY, tick=True) as clock:
        ws = ChatSocket()
        await ws.connect()
        for line in ("Hello", "We use Zendesk", "Response times are slow"):
            assert (await ws.say(line))["done"]["type"] == "done"
        over = await ws.say("And costs are high")
        assert over["types"] == ["error"]
        error = over["done"]
        assert error["code"] == "rate_limited" and 0 < error["retry_after"] <= 60
        # Still usable: other frames work, and a second tab on the same conversation is
        # held to the same allowance (it is per conversation, not per socket).
        await ws.send({"type": "rate", "rating": 4})
        assert await ws.comm.receive_json_from(timeout=10) == {"type": "rated", "rating": 4}
        tab = ChatSocket(ws.conversation_id, token=ws.token)
        await tab.connect()
        assert (await tab.say("From the other tab"))["done"]["code"] == "rate_limited"
        await tab.close()
        clock.shift(error["retry_after"] + 1)
        assert (await ws.say("And costs are high"))["done"]["type"] == "done"
        await ws.close()

    @database_sync_to_async
    def visitor_lines():
        conv = Conversation.objects.get(pk=ws.conversation_id)
        return list(conv.messages.filter(role="user").values_list("content", flat=True))

    assert await visitor_lines() == [
        "Hello", "We use Zendesk", "Response times are slow", "And costs are high",
    ]  # fmt: skip


async def _join_new(cookie: str = "") -> tuple[ChatSocket, dict]:
    ws = ChatSocket(cookie=cookie)
    ok, _ = await ws.comm.connect()
    assert ok
    await ws.send({"type": "join"})
    return ws, await ws.comm.receive_json_from(timeout=30)


@pytest.mark.django_db(transaction=True)
@in_own_loop
async def test_new_conversations_stop_per_browser_and_per_address(tight):
    visitor = await database_sync_to_async(make_visitor)()
    cookie = f"em_vid={visitor_cookie(visitor)}"
    with time_machine.travel(MONDAY, tick=True) as clock:
        opened = []
        for _ in range(2):
            ws, event = await _join_new(cookie)
            assert event["type"] == "joined"
            opened.append(event["conversation_id"])
            await ws.close()
        ws, refused = await _join_new(cookie)  # a third from the same browser
        assert refused["type"] == "error" and refused["code"] == "rate_limited"
        assert 0 < refused["retry_after"] <= 3600
        # The browser's existing conversations are still its own to continue.
        back = ChatSocket(opened[0], cookie=cookie)
        assert (await back.connect())["conversation_id"] == opened[0]
        await back.close()

        # Without a cookie every conversation is a "new browser": the address limit holds.
        anon, event = await _join_new()
        assert event["type"] == "joined"  # the third from this address
        await anon.close()
        anon, event = await _join_new()
        assert event["code"] == "rate_limited"
        await anon.close()

        # An hour on, the same open socket joins.
        clock.shift(3601)
        await ws.send({"type": "join"})
        assert (await ws.comm.receive_json_from(timeout=30))["type"] == "joined"
        await ws.close()
    count = await database_sync_to_async(Conversation.objects.count)()
    assert count == 4


@pytest.mark.django_db
def test_new_conversations_over_http_get_a_429_with_retry_after(tight):
    client = Client()
    with time_machine.travel(MONDAY, tick=True):
        for _ in range(3):
            resp = client.post(
                "/api/chat/qualify", data=json.dumps({"message": "hi"}),
                content_type="application/json",
            )  # fmt: skip
            assert resp.status_code == 200
            parse_sse(b"".join(resp.streaming_content).decode())
        resp = client.post(
            "/api/chat/qualify", data=json.dumps({"message": "hi"}), content_type="application/json"
        )
        assert resp.status_code == 429 and 0 < int(resp["Retry-After"]) <= 3600
        assert resp.json()["details"]["retry_after"]
    assert Conversation.objects.count() == 3


def _turn(conv: Conversation, text: str, client_ip: str) -> list[dict]:
    return list(services.chat_turn(conversation=conv, text=text, client_ip=client_ip))


@pytest.mark.django_db
def test_llm_spend_stops_per_browser_and_address_across_conversations(llm_settings, settings):
    # The stub's default reply costs $0.0007 on gpt-4o (120 tokens in, 40 out).
    settings.CHAT_BROWSER_BUDGET_USD_PER_DAY = 0.001
    settings.CHAT_IP_BUDGET_USD_PER_DAY = 0.002
    settings.CHAT_VISITOR_BUDGET_USD = 100.0  # the library's own per-key budget stays out
    ip = "203.0.113.50"
    with time_machine.travel(MONDAY, tick=True) as clock:
        browser = make_visitor()
        first = services.conversation_open(visitor_id=browser.pk)
        for text in ("Hello", "Tell me more"):
            assert _turn(first, text, ip)[-1]["type"] == "done"
        calls = len(llm_settings.requests)
        stored = Message.objects.count()
        (refused,) = _turn(first, "And more", ip)
        assert refused["type"] == "error" and refused["code"] == "budget"
        assert 0 < refused["retry_after"] <= 86400
        # A new conversation of the same browser does not start a new budget.
        second = services.conversation_open(visitor_id=browser.pk)
        assert [e["type"] for e in _turn(second, "Hello again", ip)] == ["error"]
        assert len(llm_settings.requests) == calls and Message.objects.count() == stored

        # Another browser at the same address: its address has $0.0006 left, one turn.
        other = services.conversation_open(visitor_id=make_visitor().pk)
        assert _turn(other, "Hi", ip)[-1]["type"] == "done"
        assert _turn(other, "Hi again", ip)[0]["code"] == "budget"
        # Elsewhere, a browser without a cookie is not affected.
        elsewhere = services.conversation_open()
        assert _turn(elsewhere, "Hi", "198.51.100.9")[-1]["type"] == "done"

        clock.shift(24 * 3600)  # the next day the budget is back
        assert _turn(first, "Good morning", ip)[-1]["type"] == "done"
