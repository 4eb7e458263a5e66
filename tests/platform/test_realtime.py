"""The one realtime helper (core.realtime): after commit only, best effort, every group."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from core.realtime import push_now, push_on_commit

pytestmark = pytest.mark.django_db(transaction=True)


class RecordingLayer:
    """Stands in for the channel layer (real delivery across processes is covered by the
    dashboard's embedded-stack test); records what was sent to which group."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        self.sent.append((group, message))


@pytest.fixture
def layer(monkeypatch):
    recording = RecordingLayer()
    monkeypatch.setattr("core.realtime.get_channel_layer", lambda: recording)
    return recording


def test_pushes_after_commit_to_every_group(layer):
    with transaction.atomic():
        push_on_commit(["rt-a", "rt-b"], {"type": "x.event", "n": 1})
        assert layer.sent == []  # nothing before the commit
    assert layer.sent == [
        ("rt-a", {"type": "x.event", "n": 1}),
        ("rt-b", {"type": "x.event", "n": 1}),
    ]


def test_a_rolled_back_transaction_pushes_nothing(layer):
    with pytest.raises(RuntimeError), transaction.atomic():
        push_on_commit("rt-c", {"type": "x.event"})
        raise RuntimeError("rolled back")
    assert layer.sent == []


def test_a_failing_layer_is_logged_not_raised(monkeypatch, caplog):
    layer = get_channel_layer()

    async def boom(*args, **kwargs):
        raise ConnectionError("layer down")

    monkeypatch.setattr(layer, "group_send", boom)
    push_now("rt-d", {"type": "x.event"})
    assert "realtime push to rt-d failed" in caplog.text


async def test_a_push_from_a_thread_running_an_event_loop_is_sent(layer):
    """Async code that calls a sync helper which pushes (the loop's own thread): the send is
    scheduled on the loop, not lost to ``async_to_sync``'s refusal."""
    push_now(["rt-e", "rt-f"], {"type": "x.event"})
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert layer.sent == [("rt-e", {"type": "x.event"}), ("rt-f", {"type": "x.event"})]
