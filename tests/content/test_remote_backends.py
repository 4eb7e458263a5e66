"""The knowledge base on remote services: Pinecone as the vector index, Cohere as the
reranker and OpenAI as the embedder (official SDKs against local wire-format stubs), and
switching embedding models keeps the vector spaces apart."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

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


def test_switching_embedding_model_reindexes_instead_of_mixing(
    home, settings, fresh_ai, local_embedder, django_capture_on_commit_callbacks
):
    from content.knowledge import snapshot
    from content.selectors import retrieve

    page = _post(home, django_capture_on_commit_callbacks)
    key = f"page:{page.pk}"
    local_rows = ContentChunk.objects.filter(model_name="all-MiniLM-L6-v2", source_key=key).count()
    assert local_rows >= 2

    with OpenAIStub(dim=48) as openai:
        settings.OPENAI_API_KEY = "sk-test"
        settings.OPENAI_BASE_URL = f"{openai.url}/v1"
        # Configured for OpenAI but not yet indexed: nothing from the other space is served.
        assert snapshot().model_name == "text-embedding-3-small"
        assert retrieve("refrigerated trucks", k=3) == []
        out = io.StringIO()
        call_command("reindex_knowledge", stdout=out, stderr=io.StringIO())
        assert "model text-embedding-3-small" in out.getvalue()
        rows = ContentChunk.objects.filter(model_name="text-embedding-3-small", source_key=key)
        assert rows.count() == local_rows
        assert {r.dimension for r in rows} == {48}
        assert all(len(bytes(r.embedding)) == 48 * 4 for r in rows)
        chunks = retrieve("wireless thermometers refrigerated trucks", k=1)
        assert chunks[0].title == page.title
        assert snapshot().local_index.dimension == 48

    # The local model's vectors were left alone.
    local_after = ContentChunk.objects.filter(model_name="all-MiniLM-L6-v2", source_key=key)
    assert local_after.count() == local_rows
