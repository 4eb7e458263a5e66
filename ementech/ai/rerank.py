"""Rerankers: Cohere Rerank through the official ``cohere`` SDK, and a local fallback.

The local reranker needs no model call: it re-scores the fused candidates with the
query/chunk cosine (vectors already in memory), how many of the query's terms the chunk
contains, and the fusion score. ``FallbackReranker`` uses Cohere and falls back to the
local one when the API fails, so search keeps working through an outage.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from ementech.ai.lexical import tokenize

logger = logging.getLogger(__name__)

COHERE_MODEL = "rerank-v3.5"


@dataclass(frozen=True)
class RerankDocument:
    text: str
    # Optional signals the local reranker uses; remote rerankers read the text only.
    vector: np.ndarray | None = None
    prior: float = 0.0


@dataclass(frozen=True)
class RerankResult:
    index: int
    score: float


@runtime_checkable
class Reranker(Protocol):
    name: str

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        *,
        top_n: int,
        query_vector: np.ndarray | None = None,
    ) -> list[RerankResult]:
        """The ``top_n`` documents, best first, with the position each had in ``documents``."""
        ...


@lru_cache(maxsize=50_000)
def _terms(text: str) -> frozenset[str]:
    """A chunk's term set (chunks are immutable, so this is cached across queries)."""
    return frozenset(tokenize(text))


class LocalReranker:
    """Cosine + query-term coverage + fusion prior, weighted; no network, no model call."""

    name = "local"

    def __init__(
        self, *, dense_weight: float = 0.55, coverage_weight: float = 0.25, prior_weight=0.2
    ) -> None:
        self.dense_weight = dense_weight
        self.coverage_weight = coverage_weight
        self.prior_weight = prior_weight

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        *,
        top_n: int,
        query_vector: np.ndarray | None = None,
    ) -> list[RerankResult]:
        if not documents:
            return []
        terms = set(tokenize(query))
        priors = np.array([d.prior for d in documents], dtype=np.float32)
        top_prior = float(priors.max()) if priors.size and priors.max() > 0 else 1.0
        results = []
        for n, doc in enumerate(documents):
            dense = 0.0
            if query_vector is not None and doc.vector is not None:
                dense = float(np.dot(query_vector, doc.vector))
            coverage = len(terms & _terms(doc.text)) / len(terms) if terms else 0.0
            score = (
                self.dense_weight * dense
                + self.coverage_weight * coverage
                + self.prior_weight * (doc.prior / top_prior)
            )
            results.append(RerankResult(n, score))
        results.sort(key=lambda r: r.score, reverse=True)
        return results[:top_n]


class CohereReranker:
    """Cohere Rerank (v2 API) through ``cohere.ClientV2``."""

    name = "cohere"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        model: str = COHERE_MODEL,
        timeout: float = 10.0,
    ) -> None:
        import cohere

        # One retry at most: on the query path a fast fallback beats a slow retry loop.
        kwargs = {"api_key": api_key, "timeout": timeout, "max_retries": 1}
        if base_url:
            kwargs["base_url"] = base_url
        self.client = cohere.ClientV2(**kwargs)
        self.model = model

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        *,
        top_n: int,
        query_vector: np.ndarray | None = None,
    ) -> list[RerankResult]:
        if not documents:
            return []
        response = self.client.rerank(
            model=self.model,
            query=query,
            documents=[d.text for d in documents],
            top_n=min(top_n, len(documents)),
        )
        return [RerankResult(int(r.index), float(r.relevance_score)) for r in response.results]


class FallbackReranker:
    """The primary reranker, or the fallback when the primary raises."""

    def __init__(self, primary: Reranker, fallback: Reranker) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        *,
        top_n: int,
        query_vector: np.ndarray | None = None,
    ) -> list[RerankResult]:
        try:
            return self.primary.rerank(query, documents, top_n=top_n, query_vector=query_vector)
        except Exception:  # any SDK/network failure: degrade, don't fail the search
            logger.warning(
                "reranker %s failed; using %s", self.primary.name, self.fallback.name, exc_info=True
            )
            return self.fallback.rerank(query, documents, top_n=top_n, query_vector=query_vector)
