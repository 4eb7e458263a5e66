"""``POST /api/track`` through the ASGI fast path, as an attacker would send it: the fast
path must never answer differently (or crash) where the full stack would refuse."""

from __future__ import annotations

import json

import pytest
from asgiref.testing import ApplicationCommunicator

from analytics.fastpath import TrackASGIHandler

EVENTS = [{"type": "page_view", "properties": {"path": "/"}}]


async def _send(headers: list[tuple[bytes, bytes]], body: bytes) -> dict:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/track",
        "raw_path": b"/api/track",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("203.0.113.9", 5000),
        "server": ("testserver", 80),
    }
    comm = ApplicationCommunicator(TrackASGIHandler(), scope)
    await comm.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await comm.receive_output(timeout=10)
    await comm.receive_output(timeout=10)
    await comm.wait(timeout=10)
    return start


@pytest.mark.django_db(transaction=True)
async def test_a_forged_host_header_is_refused_not_crashed_on_the_asgi_fast_path():
    body = json.dumps({"events": EVENTS}).encode()
    start = await _send(
        [
            (b"host", b"evil.example"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cookie", b"em_consent=1.a1.m0"),
        ],
        body,
    )
    assert start["status"] == 400  # DisallowedHost, as the full stack answers it
