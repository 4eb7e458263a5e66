"""Ingestion is idempotent: a batch carrying a client batch id is stored once, however many
times the tracker retries it; a bad batch id is refused with nothing stored."""

from __future__ import annotations

import uuid

import pytest

from analytics.models import Interaction, TrackedBatch

pytestmark = pytest.mark.django_db

EVENTS = [{"type": "scroll", "properties": {"scroll_depth": d}} for d in (25, 50, 75)]


def test_a_retried_batch_is_stored_once(api_client):
    batch = uuid.uuid4().hex
    first = api_client.post("/api/track", {"events": EVENTS, "batch_id": batch}, format="json")
    assert first.status_code == 202 and first.json()["accepted"] == 3
    retry = api_client.post("/api/track", {"events": EVENTS, "batch_id": batch}, format="json")
    assert retry.status_code == 202
    assert retry.json()["accepted"] == 3 and retry.json()["duplicate"] is True
    assert Interaction.objects.count() == 3
    other = api_client.post(
        "/api/track", {"events": EVENTS, "batch_id": uuid.uuid4().hex}, format="json"
    )
    assert other.status_code == 202 and "duplicate" not in other.json()
    assert Interaction.objects.count() == 6
    assert TrackedBatch.objects.count() == 2


def test_without_a_batch_id_every_post_is_stored(api_client):
    for _ in range(2):
        assert api_client.post("/api/track", {"events": EVENTS}, format="json").status_code == 202
    assert Interaction.objects.count() == 6


@pytest.mark.parametrize("bad", ["short", "x" * 65, "has space in it", 12345678, ["a" * 10]])
def test_a_bad_batch_id_is_refused_and_nothing_stored(api_client, bad):
    resp = api_client.post("/api/track", {"events": EVENTS, "batch_id": bad}, format="json")
    assert resp.status_code == 400
    assert "batch_id" in resp.json()["details"]
    assert Interaction.objects.count() == 0 and TrackedBatch.objects.count() == 0
