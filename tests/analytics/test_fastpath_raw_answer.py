"""The ASGI fast path's 202 is sent as raw ASGI parts (``_Responder.raw_accepted``, no
response object): the same status, body and headers, cookie included, as the response the
sync fast path builds (the one ``test_fastpath_parity`` holds to the full stack's)."""

from __future__ import annotations

import json
import uuid

import pytest
import time_machine
from asgiref.testing import ApplicationCommunicator
from django.test import RequestFactory

from analytics import handoff
from analytics.fastpath import TrackASGIHandler, _raw
from leads.facade import VISITOR_COOKIE, visitor_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = [{"type": "page_view", "properties": {"path": "/"}}]


async def _asgi(handler, body: bytes, cookie: bytes) -> tuple[int, list, bytes]:
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
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cookie", cookie),
        ],
        "client": ("203.0.113.9", 5000),
        "server": ("testserver", 80),
    }
    comm = ApplicationCommunicator(handler, scope)
    await comm.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await comm.receive_output(timeout=10)
    message = await comm.receive_output(timeout=10)
    await comm.wait(timeout=10)
    return start["status"], start["headers"], message["body"]


def _built(vid: uuid.UUID, n: int, duplicate: bool, cookie: str) -> tuple[int, list, bytes]:
    """What the sync fast path answers (a response object, sent as Django's ASGI would)."""
    request = RequestFactory().post("/api/track", HTTP_HOST="testserver")
    if cookie:
        request.COOKIES[VISITOR_COOKIE] = cookie
    return _raw(TrackASGIHandler().responder.accepted(request, vid, n, duplicate))


def _vid(headers: list) -> uuid.UUID | None:
    for name, value in headers:
        if name == b"Set-Cookie":
            signed = value.decode().split(";")[0].split("=", 1)[1]
            return uuid.UUID(signed.split(":")[0])
    return None


@pytest.mark.skipif(not handoff.enabled(), reason="needs the buffer (PostgreSQL and Redis)")
async def test_the_raw_202_is_the_built_one(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": "1000/m"}
    handler = TrackASGIHandler()
    consent = b"em_consent=1.a1.m0"
    single = json.dumps(EVENTS[0]).encode()
    batch_id = f"raw-{uuid.uuid4().hex[:12]}"
    batch = json.dumps({"events": EVENTS * 3, "batch_id": batch_id}).encode()
    with time_machine.travel("2026-03-01T12:00:00+00:00", tick=False):
        for _ in range(2):  # the first answer is built and learnt from, the next are raw
            status, headers, body = await _asgi(handler, single, consent)
            vid = _vid(headers)
            assert vid is not None  # a new visitor gets its cookie
            assert (status, headers, body) == _built(vid, 1, False, "")
        signed = visitor_cookie_value(vid)
        known = consent + f"; {VISITOR_COOKIE}={signed}".encode()
        for duplicate in (False, True):  # a known visitor: no cookie; a retried batch
            answer = await _asgi(handler, batch, known)
            assert _vid(answer[1]) is None
            assert answer == _built(vid, 3, duplicate, signed)
