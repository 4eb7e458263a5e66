"""Acceptance 6: after ``connect_human`` the conversation is escalated, a Sales user's reply
from the admin reaches the visitor's socket, and the bot stays silent from then on."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from chat.models import Conversation, Message
from tests.chat.conftest import in_own_loop

pytestmark = pytest.mark.django_db(transaction=True)


@in_own_loop
async def test_handoff_staff_reply_reaches_visitor_and_bot_is_silent(chat_socket, sales_user):
    from channels.testing import WebsocketCommunicator

    from chat.consumers import StaffChatConsumer

    staff = WebsocketCommunicator(StaffChatConsumer.as_asgi(), "/ws/chat/staff")
    staff.scope["user"] = sales_user  # a Sales user is online: a person can join live
    assert (await staff.connect())[0]
    ws = chat_socket()
    await ws.connect()
    first = await ws.say("We're looking at AI for our support team")
    assert first["text"]
    reply = await ws.say("Could I talk to a real person from your team please?")
    assert any(t["name"] == "connect_human" and t["status"] == "executed" for t in reply["tools"])
    assert reply["done"]["handoff"] is True
    conv = await database_sync_to_async(Conversation.objects.get)(pk=ws.conversation_id)
    assert conv.status == "escalated" and conv.assigned_type == "human"

    # A Sales user answers from the admin change form.
    def staff_posts():
        client = Client()
        client.force_login(sales_user)
        url = f"/admin/chat/conversation/{conv.pk}/change/"
        assert client.get(url).status_code == 200
        return client.post(
            url,
            {
                "status": "escalated",
                "next_action": "",
                "staff_reply": "Hi, I'm Grace from the sales team. How can I help?",
                "messages-TOTAL_FORMS": "0",
                "messages-INITIAL_FORMS": "0",
                "messages-MIN_NUM_FORMS": "0",
                "messages-MAX_NUM_FORMS": "1000",
            },
        )

    resp = await database_sync_to_async(staff_posts)()
    assert resp.status_code == 302, resp.content[:2000]
    events = await ws.events_until("message")
    staff_msg = events[-1]["message"]
    assert staff_msg["source"] == "human"
    assert staff_msg["content"] == "Hi, I'm Grace from the sales team. How can I help?"

    # The visitor writes again: the bot does not answer while a person has the chat.
    after = await ws.say("Great, thanks Grace. We need it by March.")
    assert after["text"] == "" and after["done"]["handoff"] is True
    assert not any(e["type"] == "token" for e in after["events"])

    def counts():
        return (
            Message.objects.filter(conversation_id=conv.pk, role="assistant", source="ai").count(),
            Message.objects.filter(conversation_id=conv.pk, source="human").count(),
        )

    ai_count, human_count = await database_sync_to_async(counts)()
    assert (ai_count, human_count) == (2, 1)
    await staff.disconnect()
    await ws.close()


@in_own_loop
async def test_staff_socket_sees_visitor_messages_live(chat_socket, sales_user):
    from channels.testing import WebsocketCommunicator

    from ementech.asgi import application

    ws = chat_socket()
    await ws.connect()
    await ws.say("Can I speak to a human?")
    # Authenticated staff only: the anonymous scope is refused.
    anon = WebsocketCommunicator(application, "/ws/chat/staff",
                                 headers=[(b"origin", b"http://testserver")])  # fmt: skip
    ok, code = await anon.connect()
    assert not ok
    await anon.disconnect()
    from chat.consumers import StaffChatConsumer

    staff = WebsocketCommunicator(StaffChatConsumer.as_asgi(), "/ws/chat/staff")
    staff.scope["user"] = sales_user
    ok, _ = await staff.connect()
    assert ok
    await ws.say("Hello? Anyone there?")
    event = await staff.receive_json_from(timeout=30)
    assert event["type"] == "message" and event["conversation_id"] == ws.conversation_id
    assert event["message"]["content"] == "Hello? Anyone there?"
    await staff.disconnect()
    await ws.close()
