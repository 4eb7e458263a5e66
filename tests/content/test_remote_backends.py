"""The knowledge base on remote services: Pinecone as the vector index, Cohere as the
reranker and OpenAI as the embedder (official SDKs against local wire-format stubs), and
switching embedding models keeps the vector spaces apart."""

from __future__ import annotations

import datetime as dt

import pytest

from content.models import BlogIndexPage, BlogPage, ContentChunk
from tests.ai.stubs import CohereStub, OpenAIStub, PineconeStub

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_ai():
    from content.knowledge import forget
    from ementech.ai import config

    config.reset()
    forget()
    yield
    config.reset()
    forget()


def _post(home, capture) -> BlogPage:
    index = BlogIndexPage(title="Insights", slug="blog")
    home.add_child(instance=index)
    index.save_revision().publish()
    page = BlogPage(
        title="Cold chain for vaccines",
        slug="cold-chain",
        date=dt.date(2025, 1, 1),
        summary="Keeping medicines cold on the road.",
        body=[
            {"type": "heading", "value": "Sensors"},
            {
                "type": "paragraph",
                "value": "<p>Wireless thermometers in refrigerated trucks report every "
                "minute and alert pharmacists when a fridge warms up.</p>",
            },
        ],
    )
    with capture(execute=True):
        index.add_child(instance=page)
        page.save_revision().publish()
    return page


def test_pinecone_and_cohere_serve_the_knowledge_base(
    home, settings, fresh_ai, local_embedder, django_capture_on_commit_callbacks
):
    from content.selectors import retrieve

    with PineconeStub() as pinecone, CohereStub() as cohere:
        settings.PINECONE_API_KEY = "pc-test-key"
        settings.PINECONE_HOST = pinecone.url
        settings.COHERE_API_KEY = "co-test-key"
        settings.COHERE_BASE_URL = cohere.url
        page = _post(home, django_capture_on_commit_callbacks)

        stored = pinecone.namespaces["all-minilm-l6-v2"]
        rows = ContentChunk.objects.filter(source_key=f"page:{page.pk}")
        assert set(stored) == {r.vector_id for r in rows}
        assert {m["url"] for _v, m in stored.values()} == {"/blog/cold-chain/"}

        chunks = retrieve("thermometers in refrigerated trucks", {"type": "blog"}, k=2)
        assert chunks and chunks[0].title == "Cold chain for vaccines"
        assert "/query" in pinecone.paths() and "/v2/rerank" in cohere.paths()
        query = next(b for _m, p, _h, b in pinecone.requests if p == "/query")
        assert query["filter"] == {"content_type": "blog"}

        with django_capture_on_commit_callbacks(execute=True):
            page.unpublish()
        assert pinecone.namespaces["all-minilm-l6-v2"] == {}
        assert retrieve("thermometers in refrigerated trucks", k=2) == []


def test_switching_embedding_model_reindexes_in_the_background(
    home, settings, fresh_ai, local_embedder, django_capture_on_commit_callbacks, monkeypatch
):
    """Issue 16, acceptance 4: flipping the model never empties search. The previous index
    keeps answering (before and during the background rebuild); then the new one does."""
    from content.knowledge import index_status, snapshot
    from content.models import KnowledgeIndex
    from content.selectors import retrieve
    from content.services import knowledge as services

    page = _post(home, django_capture_on_commit_callbacks)
    key = f"page:{page.pk}"
    local_rows = ContentChunk.objects.filter(model_name="all-MiniLM-L6-v2", source_key=key).count()
    assert local_rows >= 2
    question = "wireless thermometers refrigerated trucks"

    with OpenAIStub(dim=48) as openai:
        settings.OPENAI_API_KEY = "sk-test"
        settings.OPENAI_BASE_URL = f"{openai.url}/v1"
        with django_capture_on_commit_callbacks() as scheduled:
            # Configured for OpenAI, not yet indexed: the local index still answers.
            chunks = retrieve(question, k=1)
            assert chunks and chunks[0].title == page.title
            current = snapshot()
            assert current.model_name == "all-MiniLM-L6-v2"
            assert current.requested_model == "text-embedding-3-small"
        rebuild = KnowledgeIndex.objects.get(model_name="text-embedding-3-small")
        assert rebuild.state == KnowledgeIndex.State.BUILDING
        status = index_status()
        assert status["model"] == "text-embedding-3-small"
        assert status["serving"] == "all-MiniLM-L6-v2"
        assert status["state"] == "building"
        assert scheduled, "the rebuild was not queued"

        during: list[list] = []
        real_store = services._store

        def store_and_search(*args, **kwargs):
            during.append(retrieve(question, k=1))  # a visitor asking mid-rebuild
            return real_store(*args, **kwargs)

        monkeypatch.setattr(services, "_store", store_and_search)
        for callback in scheduled:  # the queued task runs (eager in tests)
            callback()
        assert during and all(c and c[0].title == page.title for c in during)

        rebuild.refresh_from_db()
        assert rebuild.state == KnowledgeIndex.State.READY
        assert rebuild.chunks == ContentChunk.objects.filter(model_name=rebuild.model_name).count()
        rows = ContentChunk.objects.filter(model_name="text-embedding-3-small", source_key=key)
        assert rows.count() == local_rows
        assert {r.dimension for r in rows} == {48}
        chunks = retrieve(question, k=1)
        assert chunks[0].title == page.title
        assert snapshot().model_name == "text-embedding-3-small"
        assert snapshot().local_index.dimension == 48
        assert index_status()["state"] == "ready"
        assert any("/embeddings" in p for _m, p, _h, _b in openai.requests)

    # The local model's vectors were left alone.
    local_after = ContentChunk.objects.filter(model_name="all-MiniLM-L6-v2", source_key=key)
    assert local_after.count() == local_rows
