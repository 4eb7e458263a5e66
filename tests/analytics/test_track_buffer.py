"""The tracking hand-off: accepted events wait in a Redis stream until the worker copies them
(``analytics.ingest``); what was accepted is what gets stored, once, retries included.

A drain is normally scheduled by the request (eagerly in tests); these tests hold the
schedule flag so the events stay buffered until the test drains them itself.
"""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncRequestFactory, override_settings

from analytics import handoff
from analytics.fastpath import TrackASGIHandler
from analytics.ingest import backlog, track_buffer_drain
from analytics.models import Interaction, TrackedBatch
from leads.models import Visitor
from tests.factories import visitor_id_of

pytestmark = pytest.mark.django_db

EVENTS = [{"type": "scroll", "properties": {"scroll_depth": d}} for d in (25, 50, 75)]


@pytest.fixture
def held():
    """Drains are not scheduled by requests while this holds the flag."""
    handoff.client().set(handoff.kick_key(), "1", ex=300)
    yield
    handoff.client().delete(handoff.kick_key())


def post(client, body):
    return client.post("/api/track", body, format="json")


def test_the_worker_stores_what_was_accepted(api_client, new_client, held):
    other = new_client()
    accepted = 0
    for i in range(5):
        resp = post(api_client, {"type": "page_view", "properties": {"path": f"/p{i}"}})
        assert resp.status_code == 202
        accepted += resp.json()["accepted"]
        if i == 0:
            first_vid = visitor_id_of(resp)
    for _ in range(3):
        resp = post(other, {"events": EVENTS})
        accepted += resp.json()["accepted"]
    assert Interaction.objects.count() == 0  # still in the buffer
    assert backlog() == 8

    result = track_buffer_drain()

    assert (result.entries, result.events) == (8, accepted)
    assert Interaction.objects.count() == accepted == 14
    assert backlog() == 0
    first = Visitor.objects.get(pk=first_vid)
    assert first.landing_page == "/p0"  # first touch kept from the first page view
    assert Interaction.objects.filter(visitor=first).count() == 5
    assert track_buffer_drain().events == 0  # nothing stored twice


def test_a_retried_batch_is_stored_once_through_the_buffer(api_client, held):
    batch = uuid.uuid4().hex
    first = post(api_client, {"events": EVENTS, "batch_id": batch})
    retry = post(api_client, {"events": EVENTS, "batch_id": batch})
    assert first.json() == {"accepted": 3}
    assert retry.json() == {"accepted": 3, "duplicate": True}
    track_buffer_drain()
    assert Interaction.objects.count() == 3
    assert TrackedBatch.objects.filter(batch_id=batch).count() == 1


def test_a_batch_id_already_stored_is_not_stored_again_by_the_drain(api_client, held):
    """Stored by a request while Redis was down, then buffered again (its claim was lost)."""
    batch = uuid.uuid4().hex
    with override_settings(TRACK_BUFFER=False):
        assert post(api_client, {"events": EVENTS, "batch_id": batch}).json()["accepted"] == 3
    assert Interaction.objects.count() == 3  # written by the request itself
    assert post(api_client, {"events": EVENTS, "batch_id": batch}).status_code == 202
    result = track_buffer_drain()
    assert (result.duplicates, result.events) == (1, 0)
    assert Interaction.objects.count() == 3


def test_without_the_buffer_the_request_writes_at_once(api_client):
    with override_settings(TRACK_BUFFER=False):
        resp = post(api_client, {"events": EVENTS})
    assert resp.json() == {"accepted": 3}
    assert Interaction.objects.filter(visitor_id=visitor_id_of(resp)).count() == 3
    assert backlog() == 0


@pytest.mark.django_db(transaction=True)
async def test_the_asgi_fast_path_answers_on_the_event_loop_and_the_worker_stores_it(held):
    factory = AsyncRequestFactory()
    factory.cookies["em_consent"] = "1.a1.m0"  # the visitor accepted analytics
    handler = TrackASGIHandler()
    request = factory.post(
        "/api/track",
        {"events": EVENTS, "batch_id": "asgi-batch-1"},
        content_type="application/json",
    )
    response = await handler.responder.atrack(request)
    assert response.status_code == 202
    assert response["Cache-Control"] == "no-store, private"
    assert response.cookies["em_vid"]["httponly"]
    bad = factory.post("/api/track", {"type": "teleport"}, content_type="application/json")
    assert await handler.responder.atrack(bad) is None  # the full stack answers the 400
    factory.cookies.clear()
    no_consent = factory.post("/api/track", {"type": "page_view"}, content_type="application/json")
    assert await handler.responder.atrack(no_consent) is None  # the privacy gate answers

    result = await sync_to_async(track_buffer_drain)()
    assert result.events == 3
    assert await Interaction.objects.acount() == 3
