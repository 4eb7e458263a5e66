"""The compiled validation (``analytics.fastschema``) against the Python path it shortcuts:
for every body it accepts, ``fastpath.accept`` gives the same events, batch id, visitor and
first touch as with it switched off; whatever the Python path declines (an invalid event:
the full stack's 400 with per-index errors) it declines too. Hand-written edge cases, then
a few thousand random mutations of the tracker's own bodies."""

from __future__ import annotations

import copy
import json
import os
import random

import pytest
import time_machine
from django.test import RequestFactory

from analytics import fastpath, fastschema

NOW = "2026-03-01T12:00:00+00:00"
PAGE = {"url": "https://site.test/pricing", "path": "/pricing", "duration": 42}
TRACKER = [  # the shapes static/js/tracker.js sends
    {"type": "page_view", "properties": PAGE, "session_id": "s1"},
    {"events": [{"type": "click", "properties": {"element_id": "buy"}, "session_id": "s1"}]},
    {
        "events": [
            {"type": "page_view", "properties": {**PAGE, "utm_source": "news"}, "session_id": "s"},
            {"type": "scroll", "properties": {"scroll_depth": 75}, "session_id": "s"},
            {"type": "page_exit", "properties": {"duration": 12.5}, "session_id": "s"},
            {"type": "form_start", "properties": {"form": "contact"}, "session_id": "s"},
        ],
        "batch_id": "abcdefgh-1234",
    },
]
EDGES = [
    {"type": "page_view"},
    {"type": "page_view", "properties": None, "session_id": None, "occurred_at": None},
    {"type": "page_view", "properties": {}, "session_id": "", "occurred_at": ""},
    {"type": "page_view", "properties": {"path": "", "url": ""}},
    {"type": "page_view", "properties": {"path": "", "url": "/u"}},
    {"type": "page_view", "properties": {"referrer": "r", "utm_campaign": "c"}},
    {"type": "page_view", "occurred_at": "2026-03-01T11:00:00Z"},
    {"type": "page_view", "occurred_at": "2026-03-01T11:00:00"},
    {"type": "page_view", "occurred_at": "2026-03-01 11:00:00.123456789+03:00"},
    {"type": "page_view", "occurred_at": "2026-02-27T11:00:00Z"},  # too old
    {"type": "page_view", "occurred_at": "yesterday"},
    {"type": "page_view", "occurred_at": 5},
    {"type": "page_view", "properties": {"duration": True}},
    {"type": "page_view", "properties": {"duration": -0.0}},
    {"type": "page_view", "properties": {"duration": 86400}},
    {"type": "page_view", "properties": {"duration": 86400.5}},
    {"type": "page_view", "properties": {"duration": 10**30}},
    {"type": "page_view", "properties": {"title": "é" * 300}},
    {"type": "page_view", "properties": {"title": "é" * 301}},
    {"type": "page_view", "properties": {"title": None}},
    {"type": "page_view", "properties": {"nope": 1}},
    {"type": "page_view", "properties": []},
    {"type": "page_view", "sessionId": "camel"},
    {"type": "page_view", "category": "page_view"},
    {"type": "page_view", "lead_id": None},
    {"type": "page_view", "context": {"path": "/from-context"}},
    {"type": "page_view", "visitor_id": "someone-else"},
    {"type": "page_view", "visitor_id": 7},
    {"type": "page_view", "visitor_id": ""},
    {"type": "page_view", "session_id": "x" * 64},
    {"type": "page_view", "session_id": "x" * 65},
    {"type": "event_attended", "properties": {"event_id": "e"}},
    {"type": "nope"},
    {"type": "scroll", "properties": {}},
    {"type": "scroll", "properties": {"scroll_depth": 101}},
    {"type": "chat_tool_call", "properties": {"tool_calls": ["a"] * 50}},
    {"type": "chat_tool_call", "properties": {"tool_calls": ["a"] * 51}},
    {"type": "chat_tool_call", "properties": {"tool_calls": ["a", 1]}},
    {"type": "chat_message", "properties": {"message": "m", "bot_response": "b" * 8000}},
    {"type": "roi_calculate", "properties": {"inputs": {"a": 1}, "result": {}}},
    {"type": "assessment_complete", "properties": {"score": 99, "assessment_id": "a"}},
    {"type": "click", "properties": {"url": "https://site.test/events"}},  # "events" inside
    {"events": []},
    {"events": [{"type": "page_view"}] * 100},
    {"events": [{"type": "page_view"}] * 101},
    {"events": [{"type": "page_view"}], "batch_id": "short"},
    {"events": [{"type": "page_view"}], "batch_id": "abcdefgh\n"},
    {"events": [{"type": "page_view"}], "batch_id": None, "visitor_id": None},
    {"events": [{"type": "page_view"}], "batchId": "abcdefgh"},
    {"events": [{"type": "page_view"}], "extra": 1},
    {"events": [{"type": "page_view"}, {"type": "nope"}]},
    {"events": [{"type": "page_view", "visitor_id": {"x": 1}}]},
    {"events": {"type": "page_view"}},
]
RAW = [
    b'{"type": "page_view", "type": "click"}',
    b'{"type": "page_view", "properties": {"path": "/a", "path": "/b"}}',
    b'{"type": "page_view", "properties": {"title": "\\ud83d\\ude00"}}',
    b'{"type": "page_view", "properties": {"title": "\\u0000"}}',
    b'{"type": "page_view", "properties": {"duration": NaN}}',
    b'{"type": "page_view", "properties": {"duration": 1e400}}',
    b'{"type": "page_view", "properties": {"title": "\xff"}}',
    b' {"type": "page_view"} ',
    b'{"type": "page_view"} []',
]


def _accept(raw: bytes, compiled: bool, monkeypatch) -> fastpath.Accepted | None:
    request = RequestFactory().post(
        "/api/track", data=raw, content_type="application/json", HTTP_HOST="testserver"
    )
    request.COOKIES["em_consent"] = "1.a1.m0"
    with monkeypatch.context() as patch:
        if not compiled:
            patch.setattr(fastschema, "decode", lambda raw: None)
        return fastpath.accept(request)


def _check(raw: bytes, monkeypatch) -> bool:
    """The compiled pass accepts ``raw`` only as the Python path does; True if it did."""
    compiled = fastschema.decode(raw)
    python = _accept(raw, False, monkeypatch)
    if compiled is None:
        return False
    assert python is not None, raw[:300]
    assert _accept(raw, True, monkeypatch) == python, raw[:300]
    return True


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_tracker_bodies_take_the_compiled_pass_with_the_same_result(monkeypatch):
    for body in TRACKER:
        assert _check(json.dumps(body).encode(), monkeypatch), body


@pytest.mark.parametrize("body", EDGES + RAW)
def test_edge_cases_get_the_python_paths_answer(body, monkeypatch):
    _check(body if isinstance(body, bytes) else json.dumps(body).encode(), monkeypatch)


_VALUES = [
    None,
    True,
    0,
    -1,
    101,
    86401,
    1.5,
    "",
    "x",
    "x" * 65,
    "é" * 301,
    [],
    ["a"],
    {},
    {"a": 1},
]
_KEYS = ["type", "properties", "session_id", "occurred_at", "visitor_id", "sessionId", "url"]


def _value(rng: random.Random):
    return copy.deepcopy(rng.choice(_VALUES))


def _mutate(rng: random.Random, node):
    if isinstance(node, dict) and node and rng.random() < 0.8:
        key = rng.choice(list(node))
        action = rng.random()
        if action < 0.2:
            del node[key]
        elif action < 0.4:
            node[rng.choice(_KEYS)] = _value(rng)
        elif action < 0.7:
            node[key] = _value(rng)
        else:
            node[key] = _mutate(rng, node[key])
        return node
    if isinstance(node, list) and node:
        index = rng.randrange(len(node))
        node[index] = _mutate(rng, node[index])
        return node
    return _value(rng)


def test_random_mutations_of_the_tracker_bodies(monkeypatch):
    rng = random.Random(int(os.environ.get("FASTSCHEMA_SEED", "20")))
    taken = 0
    for _ in range(int(os.environ.get("FASTSCHEMA_MUTATIONS", "3000"))):
        body = copy.deepcopy(rng.choice(TRACKER))
        for _step in range(rng.randint(1, 3)):
            body = _mutate(rng, body)
        taken += _check(json.dumps(body).encode(), monkeypatch)
    assert taken > 100  # the compiled pass is exercised, not always declining
