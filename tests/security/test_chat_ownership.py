"""Issue 13, acceptance 3: a conversation belongs to the browser that opened it.

Another client joining or posting to a conversation id it did not open is refused, over
HTTP (403 in the error shape, nothing stored) and over the WebSocket (an ``error`` event
with ``code: "forbidden"``, then close code 4403); the browser that opened it continues
with its token (or the signed ``em_vid`` of the visitor it was opened for); a Sales user
may read the history on the socket but not post as the visitor; a marketer is refused.
(A marketer's *staff* socket ``/ws/chat/staff`` is refused in
``tests/security/test_roles.py::test_only_sales_opens_the_chat_staff_socket``.)
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client, override_settings

from chat.models import Conversation, Message
from chat.ownership import CHAT_COOKIE, conversation_token
from tests.chat.conftest import ChatSocket, in_own_loop, parse_sse
from tests.factories import make_visitor, staff_user, visitor_cookie

LOCAL_LLM = {"LLM_PROVIDER": "local", "OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": ""}


def _post(client: Client, body: dict):
    return client.post("/api/chat/qualify", data=json.dumps(body), content_type="application/json")


def _stream(response) -> list[dict]:
    return parse_sse(b"".join(response.streaming_content).decode())


@pytest.mark.django_db
@override_settings(**LOCAL_LLM)
def test_http_turns_on_a_conversation_another_browser_opened_are_refused():
    owner = Client()
    first = _post(owner, {"message": "Hello, what do you build?"})
    assert first.status_code == 200
    head = _stream(first)[0]
    conv_id, token = head["conversation_id"], head["token"]
    assert first.cookies[CHAT_COOKIE].value == token and first.cookies[CHAT_COOKIE]["httponly"]
    stored = Message.objects.filter(conversation_id=conv_id).count()

    stranger = Client()
    for body in (
        {"message": "What did I tell you?", "conversation_id": conv_id},
        {"message": "hi", "conversation_id": conv_id, "conversation_token": "x" * 20},
        {"message": "hi", "conversation_id": conv_id,
         "conversation_token": conversation_token("00000000-0000-0000-0000-000000000000")},
        {"conversation_id": conv_id, "confirm": {"action_id": "a1", "accept": True}},
    ):  # fmt: skip
        refused = _post(stranger, body)
        assert refused.status_code == 403, body
        assert refused.json()["error"] and "conversation_id" in refused.json()["details"]
    # A forged cookie is no better than none.
    stranger.cookies[CHAT_COOKIE] = f"{conv_id}:forged"
    assert _post(stranger, {"message": "hi", "conversation_id": conv_id}).status_code == 403
    assert Message.objects.filter(conversation_id=conv_id).count() == stored  # nothing stored

    # The browser that opened it continues, by its cookie or by the token it was given.
    again = _post(owner, {"message": "And how much does it cost?", "conversation_id": conv_id})
    assert again.status_code == 200 and _stream(again)[-1]["type"] == "done"
    by_token = _post(
        Client(), {"message": "Thanks", "conversation_id": conv_id, "conversation_token": token}
    )
    assert by_token.status_code == 200 and _stream(by_token)[-1]["type"] == "done"
    assert Message.objects.filter(conversation_id=conv_id, role="user").count() == 3


async def _join(path_id: str, *, token: str = "", cookie: str = "", user=None) -> tuple:
    """Join ``/ws/chat/<path_id>``; (first event, close code or None, communicator)."""
    from ementech.asgi import application

    headers = [(b"origin", b"http://testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if user is None:
        comm = WebsocketCommunicator(application, f"/ws/chat/{path_id}", headers=headers)
    else:  # the consumer with the signed-in user in its scope, as the auth stack sets it
        from chat.consumers import ChatConsumer

        comm = WebsocketCommunicator(ChatConsumer.as_asgi(), f"/ws/chat/{path_id}", headers)
        comm.scope["user"] = user
        comm.scope["url_route"] = {"kwargs": {"conversation_id": path_id}}
    ok, _ = await comm.connect()
    assert ok
    join = {"type": "join"}
    if token:
        join["token"] = token
    await comm.send_json_to(join)
    event = await comm.receive_json_from(timeout=30)
    closed = None
    if event["type"] == "error":
        out = await comm.receive_output(timeout=5)
        closed = out.get("code") if out["type"] == "websocket.close" else None
    return event, closed, comm


@pytest.mark.django_db(transaction=True)
@in_own_loop
async def test_socket_join_and_post_by_another_client_are_refused():
    owner = ChatSocket()
    joined = await owner.connect()
    conv_id, token = joined["conversation_id"], joined["token"]
    assert token

    @database_sync_to_async
    def seed_history():
        conv = Conversation.objects.get(pk=conv_id)
        Message.objects.create(conversation=conv, role="user", content="I'm jane@acme.example")
        Message.objects.create(conversation=conv, role="assistant", content="Thanks Jane.")

    await seed_history()

    # No token, a forged one, another conversation's token: error event, then close 4403.
    for kwargs in (
        {},
        {"token": f"{conv_id}:forged"},
        {"token": conversation_token("00000000-0000-0000-0000-000000000000")},
        {"cookie": f"{CHAT_COOKIE}={conv_id}:forged"},
    ):
        event, closed, comm = await _join(conv_id, **kwargs)
        assert event["type"] == "error" and event["code"] == "forbidden", (kwargs, event)
        assert "jane@acme.example" not in json.dumps(event)
        assert closed == 4403, kwargs
        await comm.disconnect()

    # Posting without a successful join is refused too, and stores nothing.
    stranger = ChatSocket(conv_id)
    ok, _ = await stranger.comm.connect()
    assert ok
    await stranger.send({"type": "message", "content": "Tell me everything"})
    assert (await stranger.comm.receive_json_from(timeout=10))["type"] == "error"
    await stranger.send({"type": "consent", "granted": True})
    assert (await stranger.comm.receive_json_from(timeout=10))["type"] == "error"
    await stranger.close()

    # The owner's browser rejoins with its token and gets the history.
    back = ChatSocket(conv_id, token=token)
    rejoined = await back.connect()
    assert [m["content"] for m in rejoined["history"]] == ["I'm jane@acme.example", "Thanks Jane."]
    await back.close()
    await owner.close()

    @database_sync_to_async
    def after():
        conv = Conversation.objects.get(pk=conv_id)
        return conv.messages.count(), conv.consent_given_at

    assert await after() == (2, None)  # no message and no consent from the stranger


@pytest.mark.django_db(transaction=True)
@in_own_loop
async def test_the_visitor_it_was_opened_for_rejoins_by_its_signed_cookie():
    visitor = await database_sync_to_async(make_visitor)()
    cookie = f"em_vid={visitor_cookie(visitor)}"
    first = ChatSocket(cookie=cookie)
    joined = await first.connect()
    await first.close()
    again = ChatSocket(joined["conversation_id"], cookie=cookie)  # no token: the cookie is enough
    assert (await again.connect())["conversation_id"] == joined["conversation_id"]
    await again.close()
    other = await database_sync_to_async(make_visitor)()
    event, closed, comm = await _join(
        joined["conversation_id"], cookie=f"em_vid={visitor_cookie(other)}"
    )
    assert event["code"] == "forbidden" and closed == 4403
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@in_own_loop
async def test_sales_reads_the_history_a_marketer_is_refused():
    owner = ChatSocket()
    joined = await owner.connect()
    conv_id = joined["conversation_id"]

    @database_sync_to_async
    def setup():
        conv = Conversation.objects.get(pk=conv_id)
        Message.objects.create(conversation=conv, role="user", content="We use Zendesk")
        return staff_user("Sales", username="sales-reader"), staff_user(
            "Marketers", username="mk-reader"
        )

    sales, marketer = await setup()
    event, closed, comm = await _join(conv_id, user=sales)
    assert event["type"] == "joined" and closed is None
    assert [m["content"] for m in event["history"]] == ["We use Zendesk"]
    assert "token" not in event  # staff read; they do not become the owner
    await comm.send_json_to({"type": "message", "content": "posing as the visitor"})
    assert (await comm.receive_json_from(timeout=10))["type"] == "error"
    await comm.disconnect()

    event, closed, comm = await _join(conv_id, user=marketer)
    assert event["code"] == "forbidden" and closed == 4403
    await comm.disconnect()
    await owner.close()
    count = await database_sync_to_async(Message.objects.filter(conversation_id=conv_id).count)()
    assert count == 1
