"""The fast path's body parser gives what ``core.parsers.parse_json_body`` gives, and
declines (None: the full stack answers with its 400) whatever that parser refuses."""

from __future__ import annotations

import json

import pytest
from rest_framework.exceptions import ValidationError

from analytics.fastpath import parse_body
from core.parsers import parse_json_body

EVENTS = [
    {"type": "page_view", "sessionId": "s", "properties": {"path": f"/p{i}"}} for i in range(3)
]

ACCEPTED = [
    json.dumps({"events": EVENTS}),
    json.dumps({"type": "click", "properties": {"element_text": "caf\u00e9 \U0001f600"}}),
    '{"type": "click", "properties": {"element_text": "\\ud83d\\ude00"}}',  # an escaped pair
    json.dumps({"events": EVENTS, "batchId": "abcdefgh"}),
]
REFUSED = [
    "[1, 2]",
    '{"a": NaN}',
    '{"a": "\\u0000"}',
    '{"a": "\\ud800"}',
    '{"a": ' + "[" * 30 + "]" * 30 + "}",
    '{"a": "' + "x" * 20_001 + '"}',
    '{"sessionId": 1, "session_id": 2}',
    "{not json",
]


@pytest.mark.parametrize("body", ACCEPTED)
def test_the_same_body_as_the_full_parser(body):
    assert parse_body(body.encode()) == parse_json_body(body.encode())


@pytest.mark.parametrize("body", REFUSED)
def test_declines_what_the_full_parser_refuses(body):
    with pytest.raises(ValidationError):
        parse_json_body(body.encode())
    assert parse_body(body.encode()) is None


def test_invalid_utf8_is_declined():
    assert parse_body(b'{"a": "\xff"}') is None
