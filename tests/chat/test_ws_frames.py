"""Acceptance 4 (frames): a 5 MB frame, a deeply nested frame, a non-JSON frame and a frame
with nested fields are each answered with an ``error`` event, and the same socket then
joins and chats normally."""

from __future__ import annotations

import pytest

from tests.chat.conftest import in_own_loop

pytestmark = pytest.mark.django_db(transaction=True)


@in_own_loop
async def test_bad_frames_get_an_error_and_the_socket_stays_usable():
    from channels.testing import WebsocketCommunicator

    from ementech.asgi import application

    comm = WebsocketCommunicator(application, "/ws/chat/new",
                                 headers=[(b"origin", b"http://testserver")])  # fmt: skip
    ok, _ = await comm.connect()
    assert ok

    await comm.send_to(text_data='{"type": "message", "content": "' + "x" * 5_000_000 + '"}')
    big = await comm.receive_json_from(timeout=10)
    assert big["type"] == "error" and "frame" in big["details"]

    await comm.send_to(text_data="[" * 5000 + "]" * 5000)
    deep = await comm.receive_json_from(timeout=10)
    assert deep["type"] == "error"

    await comm.send_to(text_data="not json {")
    garbage = await comm.receive_json_from(timeout=10)
    assert garbage["type"] == "error" and "frame" in garbage["details"]

    await comm.send_json_to({"type": "join", "mode": {"a": {"b": {"c": [1, [2, [3]]]}}}})
    nested = await comm.receive_json_from(timeout=10)
    assert nested["type"] == "error" and "mode" in nested["details"]

    await comm.send_json_to({"type": "join"})
    joined = await comm.receive_json_from(timeout=30)
    assert joined["type"] == "joined" and joined["conversation_id"]
    await comm.send_json_to({"type": "message", "content": "Hello, what do you do?"})
    kinds = []
    while "done" not in kinds:
        kinds.append((await comm.receive_json_from(timeout=60))["type"])
    assert "error" not in kinds
    await comm.disconnect()
