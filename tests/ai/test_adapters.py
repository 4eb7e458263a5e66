"""Pinecone, Cohere and OpenAI adapters through their official SDKs, against local stub
servers that speak the services' REST wire formats."""

from __future__ import annotations

import numpy as np
import pytest

from ementech.ai.embeddings import OpenAIEmbedder
from ementech.ai.rerank import CohereReranker, FallbackReranker, LocalReranker, RerankDocument
from ementech.ai.vectors import PineconeVectorIndex, VectorRecord
from tests.ai.stubs import CohereStub, OpenAIStub, PineconeStub


def _unit(values) -> np.ndarray:
    v = np.asarray(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_pinecone_index_upsert_query_filter_delete_through_the_sdk():
    with PineconeStub() as stub:
        index = PineconeVectorIndex(
            api_key="pc-test-key", host=stub.url, namespace="all-minilm-l6-v2", dimension=3
        )
        index.upsert(
            [
                VectorRecord("a", _unit([1, 0, 0]), {"content_type": "blog", "page_id": 1}),
                VectorRecord("b", _unit([0.9, 0.1, 0]), {"content_type": "service", "page_id": 2}),
                VectorRecord("c", _unit([0, 1, 0]), {"content_type": "blog", "page_id": 3}),
            ]
        )
        assert len(index) == 3
        matches = index.query(_unit([1, 0.05, 0]), k=2)
        assert [m.id for m in matches] == ["a", "b"]
        assert matches[0].score > matches[1].score
        filtered = index.query(_unit([1, 0, 0]), k=5, filter={"content_type": {"$in": ["blog"]}})
        assert [m.id for m in filtered] == ["a", "c"]
        index.delete(["a"])
        assert [m.id for m in index.query(_unit([1, 0, 0]), k=1)] == ["b"]
        assert len(index) == 2

        # The SDK spoke Pinecone's REST API with the key in Api-Key.
        assert {"/vectors/upsert", "/query", "/vectors/delete", "/describe_index_stats"} <= set(
            stub.paths()
        )
        upsert = next(b for _m, p, _h, b in stub.requests if p == "/vectors/upsert")
        assert upsert["namespace"] == "all-minilm-l6-v2"
        assert upsert["vectors"][0]["metadata"] == {"content_type": "blog", "page_id": 1}
        query = next(b for _m, p, _h, b in stub.requests if p == "/query")
        assert query["topK"] == 2 and query["includeMetadata"] is False


def test_pinecone_bad_key_raises():
    with PineconeStub(api_key="right") as stub:
        index = PineconeVectorIndex(api_key="wrong", host=stub.url, namespace="x", dimension=3)
        with pytest.raises(Exception):  # the SDK's UnauthorizedError
            index.query(_unit([1, 0, 0]), k=1)


def test_cohere_rerank_through_the_sdk_and_fallback_on_outage():
    documents = [
        RerankDocument("Our office is in Nairobi."),
        RerankDocument("Fraud detection for mobile money lenders cut losses by 94%."),
        RerankDocument("Mobile money fraud is rising."),
    ]
    with CohereStub() as stub:
        reranker = CohereReranker(api_key="co-test-key", base_url=stub.url)
        results = reranker.rerank("mobile money fraud detection", documents, top_n=2)
        assert [r.index for r in results] == [1, 2]
        assert results[0].score >= results[1].score
        method, path, headers, body = stub.requests[-1]
        assert (method, path) == ("POST", "/v2/rerank")
        assert body["query"] == "mobile money fraud detection" and body["top_n"] == 2
        assert body["documents"][0] == "Our office is in Nairobi."
        assert body["model"] == "rerank-v3.5"

    with CohereStub(fail=True) as down:
        failing = CohereReranker(api_key="co-test-key", base_url=down.url)
        fallback = FallbackReranker(failing, LocalReranker())
        results = fallback.rerank("mobile money fraud detection", documents, top_n=3)
        assert {r.index for r in results} == {0, 1, 2}
        assert results[0].index in (1, 2)
        assert down.paths()  # Cohere was tried first


def test_openai_embedder_through_the_sdk():
    with OpenAIStub(dim=32) as stub:
        embedder = OpenAIEmbedder(api_key="sk-test", base_url=f"{stub.url}/v1", batch_size=2)
        vectors = embedder.embed(["fraud detection", "route planning", "fraud alerts"])
        assert vectors.shape == (3, 32) and embedder.dimension == 32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert float(vectors[0] @ vectors[2]) > float(vectors[0] @ vectors[1])
        assert len([p for p in stub.paths() if p == "/v1/embeddings"]) == 2  # batches of 2
        body = stub.requests[0][3]
        assert body["model"] == "text-embedding-3-small"
