"""Ingestion in batches (issue 20): a reindex embeds the new chunks of many sources in one
call and announces the change once per group, not once per page; the remote index is
written after the commit, and its failure loses nothing locally; processes that embed
batches give the model every core."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from content.models import FAQ, ContentChunk

pytestmark = pytest.mark.django_db


def _faqs(n: int) -> list[FAQ]:
    return [
        FAQ.objects.create(
            question=f"Question {i} about pilots in region {i}?",
            answer=f"<p>Answer {i}: the pilot in region {i} takes {i + 2} weeks and costs "
            f"about {i + 5},000 dollars, including training for the team.</p>",
        )
        for i in range(n)
    ]


def test_a_reindex_embeds_many_sources_per_call_and_bumps_once_per_group(
    embed_counter, monkeypatch
):
    from content import knowledge
    from content.services import knowledge as services

    faqs = _faqs(40)
    bumps: list[int] = []
    real_bump = knowledge.bump_version
    monkeypatch.setattr(knowledge, "bump_version", lambda: bumps.append(1) or real_bump())

    result = services.knowledge_reindex(model="all-MiniLM-L6-v2")

    sources = result.sources
    assert sources >= 40 and result.embedded >= 40
    groups = -(-sources // services.INGEST_GROUP)
    # One embedding call per group of sources (the old code made one per source).
    assert len(embed_counter) <= groups and sum(embed_counter) == result.embedded
    assert 1 <= len(bumps) <= groups
    for faq in faqs:
        assert ContentChunk.objects.filter(source_key=f"faq:{faq.pk}").count() == 1

    # Nothing changed: nothing is embedded and nothing is announced.
    embed_counter.clear()
    bumps.clear()
    again = services.knowledge_reindex(model="all-MiniLM-L6-v2")
    assert again.embedded == 0 and embed_counter == [] and bumps == []


def test_a_batched_vector_is_the_one_the_source_would_get_alone(local_embedder):
    from content.services import knowledge as services

    faqs = _faqs(3)
    services.knowledge_reindex(model="all-MiniLM-L6-v2")
    for faq in faqs:
        row = ContentChunk.objects.get(source_key=f"faq:{faq.pk}")
        alone = local_embedder.embed([row.text])[0]
        stored = np.frombuffer(bytes(row.embedding), dtype=np.float32)
        assert float(stored @ alone) > 0.9999


class _Remote:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.upserts: list[str] = []
        self.deletes: list[str] = []

    def upsert(self, records) -> None:
        if self.fail:
            raise ConnectionError("remote index unreachable")
        self.upserts += [r.id for r in records]

    def delete(self, ids) -> None:
        if self.fail:
            raise ConnectionError("remote index unreachable")
        self.deletes += list(ids)


@pytest.fixture
def remote(monkeypatch, local_embedder):
    from ementech.ai import config as ai_config

    index = _Remote()
    monkeypatch.setattr(ai_config, "get_remote_index", lambda embedder: index)
    return index


def test_the_remote_index_is_written_after_the_commit(remote, django_capture_on_commit_callbacks):
    from content.services import knowledge_ingest, knowledge_remove

    (faq,) = _faqs(1)
    with django_capture_on_commit_callbacks() as scheduled:
        knowledge_ingest(source_key=f"faq:{faq.pk}")
        assert remote.upserts == []  # no network call inside the transaction
    for callback in scheduled:
        callback()
    row = ContentChunk.objects.get(source_key=f"faq:{faq.pk}")
    assert remote.upserts == [row.vector_id]

    with django_capture_on_commit_callbacks(execute=True):
        knowledge_remove(source_key=f"faq:{faq.pk}")
    assert remote.deletes == [row.vector_id]


def test_a_remote_failure_keeps_the_local_chunks_and_is_logged(
    remote, django_capture_on_commit_callbacks, caplog
):
    from content.services import knowledge_ingest

    remote.fail = True
    (faq,) = _faqs(1)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        result = knowledge_ingest(source_key=f"faq:{faq.pk}")
    assert result.embedded == 1
    assert ContentChunk.objects.filter(source_key=f"faq:{faq.pk}").count() == 1
    assert "remote vector index not updated" in caplog.text


def test_batch_processes_give_the_model_every_core(monkeypatch):
    import os

    from ementech.ai import embeddings
    from ementech.celery import _embed_batches_on_every_core

    monkeypatch.delenv("EMBEDDING_TORCH_THREADS", raising=False)
    monkeypatch.setattr(embeddings, "_default_threads", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert embeddings.model_threads() == 1  # a web process: one thread
    _embed_batches_on_every_core()  # what a worker process runs when it starts
    assert embeddings.model_threads() == 2
    monkeypatch.setenv("EMBEDDING_TORCH_THREADS", "1")
    assert embeddings.model_threads() == 1  # the operator's setting wins
