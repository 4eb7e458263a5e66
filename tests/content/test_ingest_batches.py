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
    rows = [ContentChunk.objects.get(source_key=f"faq:{faq.pk}") for faq in faqs]
    alone = np.stack([local_embedder.embed_documents([row.text])[0] for row in rows])
    stored = np.stack([np.frombuffer(bytes(row.embedding), dtype=np.float32) for row in rows])
    similarity = stored @ alone.T
    # float32 gives the same vector in a batch (0.9999999); the int8 model scales each
    # batch's activations together, which moves a vector by up to ~0.005 of cosine.
    floor = 0.99 if getattr(local_embedder, "document_onnx_path", None) else 0.9999
    assert similarity.diagonal().min() > floor
    # Each row got its own text's vector, not a neighbour's in the batch.
    assert list(similarity.argmax(axis=1)) == list(range(len(rows)))


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


def test_a_rebuild_reembeds_in_place_and_announces_once(embed_counter, monkeypatch):
    """A rebuild re-embeds every chunk but never empties the index first: search keeps the
    old vectors until the one announcement at the end."""
    from content import knowledge
    from content.services import knowledge as services

    _faqs(40)
    first = services.knowledge_reindex(model="all-MiniLM-L6-v2")
    before = dict(ContentChunk.objects.values_list("vector_id", "content_hash"))
    rows_while_embedding: list[int] = []
    real_embed = services.ai_config.get_embedder("all-MiniLM-L6-v2").embed_documents
    monkeypatch.setattr(
        services.ai_config.get_embedder("all-MiniLM-L6-v2"),
        "embed_documents",
        lambda texts: (
            rows_while_embedding.append(ContentChunk.objects.count()) or real_embed(texts)
        ),
    )
    bumps: list[int] = []
    real_bump = knowledge.bump_version
    monkeypatch.setattr(knowledge, "bump_version", lambda: bumps.append(1) or real_bump())

    again = services.knowledge_reindex(rebuild=True, model="all-MiniLM-L6-v2")

    assert again.embedded == first.chunks and again.reused == 0
    assert rows_while_embedding and set(rows_while_embedding) == {len(before)}
    assert bumps == [1]
    assert dict(ContentChunk.objects.values_list("vector_id", "content_hash")) == before


def test_reading_sources_costs_queries_per_kind_not_per_source(home, django_assert_max_num_queries):
    """Sources are read a kind at a time; a page under a view restriction, a draft and a
    page that is gone contribute nothing; an unknown kind is refused."""
    from wagtail.models import PageViewRestriction

    from content.models import StandardPage
    from content.services import source_documents

    pages = []
    for n in range(12):
        page = StandardPage(title=f"Guide {n}", slug=f"guide-{n}", intro=f"Guide number {n}.")
        home.add_child(instance=page)
        pages.append(page)
    private = pages[0]
    inner = StandardPage(title="Inner", slug="inner", intro="Behind the password.")
    private.add_child(instance=inner)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    draft = StandardPage(title="Draft", slug="draft", intro="Not yet.", live=False)
    home.add_child(instance=draft)
    faqs = _faqs(5)
    keys = [f"page:{p.pk}" for p in [*pages, inner, draft]] + [f"faq:{f.pk}" for f in faqs]
    keys.append("page:999999")

    with django_assert_max_num_queries(12):
        documents = source_documents(keys)

    by_key = dict(zip(keys, documents, strict=True))
    assert by_key[f"page:{private.pk}"] is None and by_key[f"page:{inner.pk}"] is None
    assert by_key[f"page:{draft.pk}"] is None and by_key["page:999999"] is None
    assert [by_key[f"page:{p.pk}"].title for p in pages[1:]] == [p.title for p in pages[1:]]
    assert by_key[f"page:{pages[3].pk}"].url.endswith("/guide-3/")
    assert all(by_key[f"faq:{f.pk}"].content_type == "faq" for f in faqs)
    with pytest.raises(ValueError, match="unknown knowledge source"):
        source_documents(["widget:1"])
