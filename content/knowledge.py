"""The knowledge base as each process sees it: an in-memory snapshot of the chunk table
(vector matrix + BM25 index) for the configured embedding model, reloaded when the
knowledge version moves.

The version is a random token stored in ``KnowledgeVersion`` and mirrored in the cache
(Redis in service mode), so every web and worker process notices a change within
``VERSION_TTL`` seconds at most, at the cost of one cache read per query.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import transaction

from ementech.ai import config as ai_config
from ementech.ai.embeddings import Embedder
from ementech.ai.lexical import BM25Index
from ementech.ai.retrieval import HybridRetriever
from ementech.ai.vectors import LocalVectorIndex, VectorIndex

logger = logging.getLogger(__name__)

VERSION_KEY = "content:knowledge-version"
VERSION_TTL = 5  # seconds a process may serve an old snapshot after a change elsewhere
FILTER_COLUMNS = ("content_type", "industry", "difficulty", "is_gated", "page_id")


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        from content.models import KnowledgeVersion

        row = KnowledgeVersion.objects.filter(pk=1).values_list("version", flat=True).first()
        version = str(row) if row is not None else "0"
        cache.set(VERSION_KEY, version, VERSION_TTL)
    return version


def bump_version() -> str:
    """Mark the knowledge base changed (call inside the writing transaction)."""
    from content.models import KnowledgeVersion

    token = uuid.uuid4().int >> 65  # random, so versions never repeat after a rollback
    KnowledgeVersion.objects.update_or_create(pk=1, defaults={"version": token})
    cache.delete(VERSION_KEY)
    # Readers in other processes may have cached the old token before this commit.
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))
    return str(token)


@dataclass
class Snapshot:
    version: str
    model_name: str
    embedder: Embedder
    ids: list[str]
    page_ids: np.ndarray
    vector_index: VectorIndex
    local_index: LocalVectorIndex | None
    lexical: BM25Index
    retriever: HybridRetriever
    _centroids: dict[int, np.ndarray] | None = field(default=None, repr=False)

    def texts(self, ids: Sequence[str]) -> Mapping[str, str]:
        from content.models import ContentChunk

        rows = ContentChunk.objects.filter(model_name=self.model_name, vector_id__in=list(ids))
        return dict(rows.values_list("vector_id", "text"))

    def vectors(self, ids: Sequence[str]) -> Mapping[str, np.ndarray]:
        if self.local_index is None:
            return {}
        return self.local_index.vectors(ids)

    def page_centroids(self) -> dict[int, np.ndarray]:
        """One unit vector per page: the normalised mean of its chunk vectors."""
        if self._centroids is None:
            centroids: dict[int, np.ndarray] = {}
            if self.local_index is not None and len(self.ids):
                matrix = self.local_index._state[0]
                for page_id in np.unique(self.page_ids[self.page_ids >= 0]):
                    mean = matrix[self.page_ids == page_id].mean(axis=0)
                    norm = float(np.linalg.norm(mean))
                    if norm > 0:
                        centroids[int(page_id)] = mean / norm
            self._centroids = centroids
        return self._centroids


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def _single_thread_blas() -> None:
    """One BLAS thread per process: a query is one matrix-vector product, and web/worker
    processes already run in parallel; extra BLAS threads only spin on a busy host."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return
    threadpool_limits(limits=1, user_api="blas")


def _load(version: str, embedder: Embedder) -> Snapshot:
    from content.models import ContentChunk

    _single_thread_blas()

    rows = ContentChunk.objects.filter(model_name=embedder.model_name).values_list(
        "vector_id", "embedding", "text", *FILTER_COLUMNS
    )
    ids: list[str] = []
    vectors: list[np.ndarray] = []
    texts: list[str] = []
    columns: dict[str, list] = {name: [] for name in FILTER_COLUMNS}
    for vector_id, blob, text, *values in rows.iterator(chunk_size=2000):
        ids.append(vector_id)
        vectors.append(np.frombuffer(bytes(blob), dtype=np.float32))
        texts.append(text)
        for name, value in zip(FILTER_COLUMNS, values, strict=True):
            columns[name].append(-1 if name == "page_id" and value is None else value)
    dimension = embedder.dimension
    matrix = np.vstack(vectors) if vectors else np.zeros((0, dimension), dtype=np.float32)
    lexical = BM25Index(ids, texts, columns=columns)
    remote = ai_config.get_remote_index(embedder)
    local = None
    if remote is None:
        local = LocalVectorIndex.from_arrays(ids, matrix, columns)
        local.dimension = dimension
    snapshot = Snapshot(
        version=version,
        model_name=embedder.model_name,
        embedder=embedder,
        ids=ids,
        page_ids=np.asarray(columns["page_id"], dtype=np.int64),
        vector_index=remote if remote is not None else local,
        local_index=local,
        lexical=lexical,
        retriever=None,  # type: ignore[arg-type]
    )
    snapshot.retriever = HybridRetriever(
        embedder=embedder,
        vector_index=snapshot.vector_index,
        lexical_index=lexical,
        reranker=ai_config.get_reranker(),
        texts=snapshot.texts,
        vectors=snapshot.vectors if local is not None else None,
    )
    logger.info("knowledge snapshot %s loaded: %d chunks (%s)", version, len(ids), embedder)
    return snapshot


def snapshot() -> Snapshot:
    """The current snapshot, reloaded if the knowledge version or model changed."""
    global _snapshot
    embedder = ai_config.get_embedder()
    version = current_version()
    current = _snapshot
    if (
        current is not None
        and current.version == version
        and current.model_name == (embedder.model_name)
    ):
        return current
    with _lock:
        current = _snapshot
        if (
            current is None
            or current.version != version
            or current.model_name != (embedder.model_name)
        ):
            current = _load(version, embedder)
            _snapshot = current
        return current


def forget() -> None:
    """Drop this process's snapshot (the next query reloads)."""
    global _snapshot
    with _lock:
        _snapshot = None
