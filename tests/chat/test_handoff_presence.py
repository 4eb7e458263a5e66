"""Acceptance 3: a hand-off never strands anyone. With no Sales user online the visitor is
told a person will reply by email and the assistant keeps answering; with one online (a
staff socket open) the staff socket receives the hand-off; a hand-off nobody answers
resumes the assistant after the timeout (frozen time)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from chat.models import Conversation, Message
from tests.chat.conftest import in_own_loop

pytestmark = pytest.mark.django_db(transaction=True)


async def staff_socket(user):
    from chat.consumers import StaffChatConsumer

    staff = WebsocketCommunicator(StaffChatConsumer.as_asgi(), "/ws/chat/staff")
    staff.scope["user"] = user
    ok, _ = await staff.connect()
    assert ok
    return staff


async def receive_until(comm, kind: str, timeout: float = 30) -> dict:
    while True:
        event = await comm.receive_json_from(timeout=timeout)
        if event.get("type") == kind:
            return event


@in_own_loop
async def test_nobody_online_promises_email_and_keeps_answering(chat_socket, sales_user):
    ws = chat_socket()
    await ws.connect()
    turn = await ws.say("Can I talk to a human please?")
    assert any(t["name"] == "connect_human" and t["status"] == "executed" for t in turn["tools"])
    assert turn["done"]["handoff"] is False
    assert "email" in turn["text"] and "business day" in turn["text"], turn["text"]
    conv = await database_sync_to_async(Conversation.objects.get)(pk=ws.conversation_id)
    assert conv.status == "active" and conv.state.get("followup")
    assert conv.next_action == "Sales to reply by email"
    # The assistant is still here: the next message gets an answer, not silence.
    again = await ws.say("We're looking at AI for our support team")
    assert again["text"] and "token" in again["types"]
    assert again["done"]["handoff"] is False
    await ws.close()


@in_own_loop
async def test_sales_online_receives_handoff_and_unanswered_one_resumes(chat_socket, sales_user):
    staff = await staff_socket(sales_user)
    ws = chat_socket()
    await ws.connect()
    turn = await ws.say("Can I talk to a human please?")
    assert turn["done"]["handoff"] is True
    assert "online" in turn["text"] and "join" in turn["text"], turn["text"]
    event = await receive_until(staff, "handoff")
    assert event["status"] == "escalated" and event["conversation_id"] == ws.conversation_id
    await staff.disconnect()

    # Within the timeout the assistant stays silent for the person who is coming.
    quiet = await ws.say("Hello? Is anyone coming?")
    assert quiet["text"] == "" and quiet["done"]["handoff"] is True

    # Nobody answered for five minutes: the assistant says so and takes over again.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=True):
        back = await ws.say("Still there? How do I get started with AI?")
    assert back["done"]["handoff"] is False and back["text"], back
    resumed = [
        e for e in back["events"] if e["type"] == "message" and e["message"]["role"] == "assistant"
    ]
    assert (
        resumed
        and "no one from our team has been able to join" in (resumed[0]["message"]["content"])
    )

    @database_sync_to_async
    def state():
        conv = Conversation.objects.get(pk=ws.conversation_id)
        return conv.status, Message.objects.filter(
            conversation=conv, role="assistant", source="template"
        ).count()

    status, templates = await state()
    assert status == "active" and templates == 1
    await ws.close()
