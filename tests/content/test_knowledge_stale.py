"""A knowledge-index rebuild marked running whose worker died (issue 16): /health and the
CMS show it as stale, a new rebuild can be started (from the CMS, on the next model
switch, or with ``manage.py reindex_knowledge``), and a live build shows its heartbeat."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.test import Client
from django.utils import timezone

from content.models import KnowledgeIndex

pytestmark = pytest.mark.django_db
MODEL = "all-MiniLM-L6-v2"


@pytest.fixture
def fresh_ai():
    from content.knowledge import forget
    from ementech.ai import config

    config.reset()
    forget()
    yield
    config.reset()
    forget()


def _building(model: str = MODEL, *, minutes_ago: float) -> KnowledgeIndex:
    moment = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return KnowledgeIndex.objects.create(
        model_name=model, state="building", started_at=moment, heartbeat_at=moment
    )


def _cms(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_dead_rebuild_reads_stale_on_health_and_in_the_cms(fresh_ai, marketer):
    _building(minutes_ago=120)  # marked running two hours ago, no heartbeat since
    knowledge = Client().get("/health").json()["knowledge"]
    assert knowledge["state"] == "stale"
    assert "worker probably died" in knowledge["error"]
    assert knowledge["can_rebuild"] is True
    page = _cms(marketer).get("/cms/").content.decode()
    assert 'data-knowledge-state="stale"' in page and "rebuild stalled" in page
    assert "Rebuild now" in page and "/cms/knowledge/rebuild/" in page


def test_a_live_rebuild_is_not_stale_and_cannot_be_doubled(fresh_ai, marketer):
    _building(minutes_ago=1)
    assert Client().get("/health").json()["knowledge"]["state"] == "building"
    page = _cms(marketer).get("/cms/").content.decode()
    assert "Rebuild now" not in page
    response = _cms(marketer).post("/cms/knowledge/rebuild/", follow=True)
    assert "already running" in response.content.decode()
    row = KnowledgeIndex.objects.get(model_name=MODEL)
    assert row.state == "building"
    assert timezone.now() - row.started_at > dt.timedelta(seconds=30)  # not restarted


def test_the_cms_starts_a_new_rebuild_after_a_dead_one(
    fresh_ai, marketer, local_embedder, django_capture_on_commit_callbacks
):
    _building(minutes_ago=120)
    with django_capture_on_commit_callbacks(execute=True):
        response = _cms(marketer).post("/cms/knowledge/rebuild/", follow=True)
    assert response.status_code == 200
    assert "rebuild queued" in response.content.decode()
    row = KnowledgeIndex.objects.get(model_name=MODEL)
    assert row.state == "ready"  # the queued build ran (eagerly here) and finished
    assert row.finished_at and timezone.now() - row.started_at < dt.timedelta(minutes=1)
    assert Client().get("/health").json()["knowledge"]["state"] == "ready"


def test_sales_may_not_start_a_rebuild(fresh_ai, sales_user):
    _building(minutes_ago=120)
    assert _cms(sales_user).post("/cms/knowledge/rebuild/").status_code in {302, 403}
    assert KnowledgeIndex.objects.get(model_name=MODEL).state == "building"


def test_a_dead_rebuild_is_scheduled_again_while_the_old_index_serves(fresh_ai, settings):
    from content.knowledge import index_choice
    from content.models import ContentChunk

    ContentChunk.objects.create(
        source_key="page:1", chunk_index=0, vector_id="v1", content_type="blog", title="T",
        url="/t/", text="x", content_hash="h", model_name=MODEL, dimension=3, embedding=b"",
    )  # fmt: skip
    _building("text-embedding-3-small", minutes_ago=120)
    served, rebuild = index_choice("text-embedding-3-small")
    assert (served, rebuild) == (MODEL, True)
    # A live build of the same model is left alone.
    KnowledgeIndex.objects.filter(model_name="text-embedding-3-small").update(
        heartbeat_at=timezone.now()
    )
    assert index_choice("text-embedding-3-small") == (MODEL, False)
    # The threshold is a setting.
    settings.KNOWLEDGE_REBUILD_STALE_SECONDS = 0
    assert index_choice("text-embedding-3-small") == (MODEL, True)


def test_a_running_build_beats_and_the_command_finishes_a_dead_one(
    fresh_ai, local_embedder, monkeypatch, home
):
    from django.core.management import call_command

    from content.services import knowledge as services

    _building(minutes_ago=120)
    beats: list = []
    real_store = services._store

    def store_and_look(*args, **kwargs):
        beats.append(KnowledgeIndex.objects.get(model_name=MODEL).heartbeat_at)
        return real_store(*args, **kwargs)

    monkeypatch.setattr(services, "HEARTBEAT_EVERY_SECONDS", 0)
    monkeypatch.setattr(services, "_store", store_and_look)
    devnull = open(os.devnull, "w")  # noqa: SIM115
    call_command("reindex_knowledge", stdout=devnull, stderr=devnull)
    assert beats and all(timezone.now() - b < dt.timedelta(minutes=1) for b in beats)
    row = KnowledgeIndex.objects.get(model_name=MODEL)
    assert row.state == "ready" and row.error == ""
