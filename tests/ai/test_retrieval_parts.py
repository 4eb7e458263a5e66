"""The local pieces of retrieval: exact-cosine index, BM25, fusion and the local reranker."""

from __future__ import annotations

import numpy as np

from ementech.ai.lexical import BM25Index, tokenize
from ementech.ai.rerank import LocalReranker, RerankDocument
from ementech.ai.retrieval import reciprocal_rank_fusion
from ementech.ai.vectors import LocalVectorIndex, VectorRecord


def test_local_index_is_exact_cosine_with_filters_upsert_and_delete():
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(500, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = [f"c{n}" for n in range(500)]
    kinds = ["blog" if n % 2 else "service" for n in range(500)]
    index = LocalVectorIndex.from_arrays(ids, matrix, {"content_type": kinds})
    query = matrix[42] + 0.01
    query /= np.linalg.norm(query)
    expected = np.argsort(-(matrix @ query))[:5]
    assert [m.id for m in index.query(query, k=5)] == [ids[i] for i in expected]
    only_blog = index.query(query, k=5, filter={"content_type": "blog"})
    assert all(int(m.id[1:]) % 2 for m in only_blog)
    assert index.nbytes <= matrix.nbytes * 1.5

    index.upsert([VectorRecord("c42", -query, {"content_type": "service"})])
    assert index.query(query, k=1)[0].id != "c42"
    index.upsert([VectorRecord("new", query, {"content_type": "faq"})])
    assert index.query(query, k=1)[0].id == "new"
    assert index.query(query, k=3, filter={"content_type": {"$in": ["faq"]}})[0].id == "new"
    index.delete(["new", "c1"])
    assert len(index) == 499 and "new" not in {m.id for m in index.query(query, k=10)}


def test_bm25_ranks_rare_terms_and_stems():
    docs = [
        "M-Pesa reconciliation for lenders",
        "Chatbots answering customers in Swahili",
        "Chatbot hand-over to human agents",
        "Forecasting demand for supermarkets",
    ]
    index = BM25Index([str(n) for n in range(4)], docs)
    assert tokenize("The chatbots were answering") == ["chatbot", "answer"]
    hits = index.search("swahili chatbot", k=4)
    assert hits[0][0] == "1" and {h[0] for h in hits} == {"1", "2"}
    assert index.search("m-pesa", k=2)[0][0] == "0"
    assert index.search("unrelated zebra", k=2) == []


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = reciprocal_rank_fusion([(["a", "b", "c"], 1.0), (["c", "a", "d"], 1.0)], k=60)
    ranked = sorted(fused, key=fused.get, reverse=True)
    assert ranked[0] == "a" and ranked[1] == "c"
    assert set(fused) == {"a", "b", "c", "d"}


def test_local_reranker_uses_cosine_and_term_coverage():
    q = np.array([1.0, 0.0], dtype=np.float32)
    docs = [
        RerankDocument("unrelated text", vector=np.array([0.0, 1.0], np.float32), prior=0.03),
        RerankDocument(
            "fraud detection model", vector=np.array([1.0, 0.0], np.float32), prior=0.01
        ),
    ]
    results = LocalReranker().rerank("fraud detection", docs, top_n=2, query_vector=q)
    assert [r.index for r in results] == [1, 0]
