"""Fixtures for chat tests: a WebSocket client on the real ASGI app, and helpers."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from tests.ai_providers.conftest import llm_settings, stub_llm  # noqa: F401 - shared fixtures
from tests.events.conftest import events_index, make_event  # noqa: F401 - shared fixtures


@pytest.fixture(autouse=True)
def _local_provider():
    """Chat tests run on the local provider unless a test points the SDKs at a stub."""
    with override_settings(LLM_PROVIDER="local", OPENAI_API_KEY="", ANTHROPIC_API_KEY=""):
        yield


def in_own_loop(test):
    """Run an ``async def`` test in a fresh event loop on its own thread.

    Playwright's sync API (the session ``browser`` fixture) keeps an event loop running in
    the main thread once any browser test has run, and pytest-asyncio cannot start another
    there; a thread of our own always can.
    """

    def run(**kwargs):
        outcome: dict = {}

        def target() -> None:
            try:
                asyncio.run(test(**kwargs))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
                outcome["error"] = exc

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]

    run.__name__ = test.__name__
    run.__doc__ = test.__doc__
    run.__signature__ = inspect.signature(test)
    run.__module__ = test.__module__
    return run


@pytest.fixture(scope="session", autouse=True)
def _warm_models():
    """Load the sentence model and embed the intent examples once per test session."""
    from chat import intents

    intents.classify("warming up the intent classifier")


class ChatSocket:
    """A visitor's widget connection: join, send, and collect a turn's events."""

    def __init__(self, conversation_id: str = "new", cookie: str = "", token: str = ""):
        from ementech.asgi import application

        headers = [(b"origin", b"http://testserver")]
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        self.comm = WebsocketCommunicator(
            application, f"/ws/chat/{conversation_id}", headers=headers
        )
        self.conversation_id: str | None = None
        self.token = token  # the owner token of an existing conversation, if this is its browser
        self.joined: dict = {}

    async def connect(self, **join) -> dict:
        ok, _ = await self.comm.connect()
        assert ok
        if self.token:
            join.setdefault("token", self.token)
        await self.comm.send_json_to({"type": "join", **join})
        self.joined = await self.comm.receive_json_from(timeout=90)
        assert self.joined["type"] == "joined", self.joined
        self.conversation_id = self.joined["conversation_id"]
        self.token = self.joined.get("token", "")
        return self.joined

    async def events_until(self, *kinds: str, timeout: float = 90) -> list[dict]:
        events = []
        while True:
            ev = await self.comm.receive_json_from(timeout=timeout)
            events.append(ev)
            if ev["type"] in kinds:
                return events

    async def say(self, text: str) -> dict:
        """Send a message; return {'text', 'events', 'confirm', 'sources', 'done'}."""
        await self.comm.send_json_to({"type": "message", "content": text})
        events = await self.events_until("done", "error")
        return summarise(events)

    async def send(self, payload: dict) -> None:
        await self.comm.send_json_to(payload)

    async def close(self) -> None:
        await self.comm.disconnect()


def turn_reply(conv, text: str) -> tuple[str, list[str]]:
    """One visitor message through ``chat_turn``: (the reply's text, the cited URLs)."""
    from chat.services import chat_turn

    events = list(chat_turn(conversation=conv, text=text))
    reply = "".join(e.get("text", "") for e in events if e["type"] == "token")
    return reply, [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]


def summarise(events: list[dict]) -> dict:
    text = ""
    for ev in events:
        if ev["type"] == "token":
            text += ev["text"]
        elif ev["type"] == "reset":
            text = ""
    return {
        "text": text,
        "events": events,
        "types": [e["type"] for e in events],
        "confirm": next((e for e in events if e["type"] == "confirm"), None),
        "sources": next((e["sources"] for e in events if e["type"] == "sources"), []),
        "tools": [e for e in events if e["type"] == "tool"],
        "done": events[-1],
    }


def parse_sse(body: str) -> list[dict]:
    out = []
    for block in body.strip().split("\n\n"):
        kind, data = "message", {}
        for line in block.splitlines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
        out.append({"type": kind, **data})
    return out


@pytest.fixture
def chat_socket():
    return ChatSocket


@pytest.fixture(scope="module")
def demo_kb(django_db_setup, django_db_blocker):
    """The demo site with its knowledge base indexed, shared by a module's tests (rolled
    back at the end)."""
    from django.db import transaction

    from content import demo
    from content.knowledge import forget
    from content.services import knowledge_reindex

    with django_db_blocker.unblock():
        with transaction.atomic():
            demo.load(lambda message: None)
            knowledge_reindex()
            yield
            transaction.set_rollback(True)
        forget()


def owner_client(conversation):
    """A test client holding the conversation's owner cookie (the browser that opened it)."""
    from django.test import Client

    from chat.ownership import CHAT_COOKIE, conversation_token

    client = Client()
    client.cookies[CHAT_COOKIE] = conversation_token(conversation.pk)
    return client


def post_chat(client, path: str, body: dict) -> tuple[int, list[dict]]:
    """POST to an SSE chat endpoint; (status, parsed events or the JSON error)."""
    resp = client.post(path, data=json.dumps(body), content_type="application/json")
    if resp.status_code != 200:
        return resp.status_code, [resp.json()]
    content = b"".join(resp.streaming_content).decode()
    return 200, parse_sse(content)


def reply_text(events: list[dict]) -> str:
    return summarise(events)["text"]
