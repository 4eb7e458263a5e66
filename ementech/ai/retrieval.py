"""Hybrid retrieval: dense (vector index) + lexical (BM25), fused by reciprocal rank,
then reranked.

Reciprocal rank fusion needs no score calibration between the two retrievers, which is
why it is used rather than a weighted sum of raw scores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ementech.ai.embeddings import Embedder
from ementech.ai.lexical import BM25Index
from ementech.ai.rerank import RerankDocument, Reranker
from ementech.ai.vectors import VectorIndex

Mode = Literal["hybrid", "dense", "lexical"]


@dataclass
class Hit:
    id: str
    score: float
    fused: float = 0.0
    dense: float | None = None
    lexical: float | None = None


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[Sequence[str], float]], *, k: int = 60
) -> dict[str, float]:
    """``{id: sum(weight / (k + rank))}`` over the given (ranked ids, weight) lists."""
    fused: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, item in enumerate(ids, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


class HybridRetriever:
    def __init__(
        self,
        *,
        embedder: Embedder,
        vector_index: VectorIndex,
        lexical_index: BM25Index | None,
        reranker: Reranker | None,
        texts: Callable[[Sequence[str]], Mapping[str, str]],
        vectors: Callable[[Sequence[str]], Mapping[str, np.ndarray]] | None = None,
        dense_weight: float = 1.0,
        lexical_weight: float = 1.0,
        rrf_k: int = 60,
        candidates: int = 40,
        rerank_depth: int = 20,
    ) -> None:
        self.embedder = embedder
        self.vector_index = vector_index
        self.lexical_index = lexical_index
        self.reranker = reranker
        self.texts = texts
        self.vectors = vectors
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.rerank_depth = rerank_depth

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        filter: Mapping[str, Any] | None = None,
        mode: Mode = "hybrid",
        rerank: bool = True,
        candidates: int | None = None,
    ) -> list[Hit]:
        query = query.strip()
        if not query:
            return []
        depth = max(candidates or self.candidates, k)
        query_vector = None
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            query_vector = self.embedder.embed_query(query)
            dense = [
                (m.id, m.score)
                for m in self.vector_index.query(query_vector, k=depth, filter=filter)
            ]
        if mode in ("hybrid", "lexical") and self.lexical_index is not None:
            lexical = self.lexical_index.search(query, k=depth, filter=filter)
        fused = reciprocal_rank_fusion(
            [
                ([i for i, _ in dense], self.dense_weight),
                ([i for i, _ in lexical], self.lexical_weight),
            ],
            k=self.rrf_k,
        )
        dense_scores, lexical_scores = dict(dense), dict(lexical)
        ranked = sorted(fused.items(), key=lambda item: item[1], reverse=True)
        hits = [
            Hit(i, s, fused=s, dense=dense_scores.get(i), lexical=lexical_scores.get(i))
            for i, s in ranked
        ]
        if rerank and self.reranker is not None and hits:
            head = hits[: self.rerank_depth]
            ids = [h.id for h in head]
            texts = self.texts(ids)
            vectors = self.vectors(ids) if self.vectors is not None else {}
            if query_vector is None and vectors:
                query_vector = self.embedder.embed_query(query)
            documents = [
                RerankDocument(text=texts.get(h.id, ""), vector=vectors.get(h.id), prior=h.fused)
                for h in head
            ]
            order = self.reranker.rerank(
                query, documents, top_n=min(k, len(head)), query_vector=query_vector
            )
            reranked = []
            for result in order:
                hit = head[result.index]
                hit.score = result.score
                reranked.append(hit)
            return reranked
        return hits[:k]
