"""The knowledge base as each process sees it: an in-memory snapshot of the chunk table
(vector matrix + BM25 index) for the configured embedding model, reloaded when the
knowledge version moves.

The version is a random token stored in ``KnowledgeVersion`` and mirrored in the cache
(Redis), so every web and worker process notices a change within ``VERSION_TTL`` seconds at
most, at the cost of one cache read per query.

The index follows the embedding model: when the configured model has no ready index while
another model has one (a key set or removed), the snapshot keeps serving that previous
index and a background task builds the new one (``KnowledgeIndex`` records its state);
when it is ready the version moves and every process switches.
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
    model_name: str  # the model whose index is served
    requested_model: str  # the configured model (differs while its index is rebuilt)
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
                matrix = self.local_index.matrix
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
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    threadpool_limits(limits=1, user_api="blas")


def _load(version: str, embedder: Embedder, *, requested_model: str = "") -> Snapshot:
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
        requested_model=requested_model or embedder.model_name,
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


REBUILD_LOCK_SECONDS = 600  # one scheduling of a rebuild per model in this window


STALE = "stale"  # shown for a "building" index whose worker stopped (not a stored state)


def _stale_after() -> int:
    from django.conf import settings

    return settings.KNOWLEDGE_REBUILD_STALE_SECONDS


def unfinished_states(now=None) -> dict[str, str]:
    """Model name -> state of every index that is not ready; a build whose worker stopped
    moving (no heartbeat for ``KNOWLEDGE_REBUILD_STALE_SECONDS``) reads ``"stale"``."""
    from django.utils import timezone

    from content.models import KnowledgeIndex

    now = now or timezone.now()
    after = _stale_after()
    return {
        row.model_name: STALE if row.is_stale(now=now, after_seconds=after) else row.state
        for row in KnowledgeIndex.objects.exclude(state=KnowledgeIndex.State.READY)
    }


def index_choice(configured: str) -> tuple[str, bool]:
    """(model whose index to serve, whether ``configured`` needs a rebuild scheduled).

    The configured model is served once its index exists and is not being rebuilt;
    otherwise the largest other ready index keeps answering. With nothing indexed at all
    (a fresh site) the configured model is served and pages index as they publish. A
    rebuild whose worker died (stale) is scheduled again."""
    from django.db.models import Count

    from content.models import ContentChunk, KnowledgeIndex

    unfinished = unfinished_states()
    counts = dict(
        ContentChunk.objects.values("model_name")
        .annotate(n=Count("id"))
        .values_list("model_name", "n")
    )
    if counts.get(configured) and configured not in unfinished:
        return configured, False
    others = sorted(
        ((n, name) for name, n in counts.items() if name != configured and name not in unfinished),
        reverse=True,
    )
    if not others:
        return configured, unfinished.get(configured) == STALE
    return others[0][1], unfinished.get(configured) != KnowledgeIndex.State.BUILDING


def schedule_rebuild(model_name: str, *, force: bool = False) -> bool:
    """Mark ``model_name``'s index as rebuilding and queue the build (once per window).

    ``force`` (a person asked, e.g. from the CMS) queues it even inside the window, unless
    a build of that model is running and alive."""
    from django.utils import timezone

    from content.models import KnowledgeIndex
    from content.tasks import rebuild_knowledge_index
    from core.queue import enqueue

    lock = f"content:knowledge-rebuild:{model_name}"
    if force:
        if unfinished_states().get(model_name) == KnowledgeIndex.State.BUILDING:
            return False  # one live build at a time
        cache.delete(lock)
    if not cache.add(lock, "1", REBUILD_LOCK_SECONDS):
        return False
    now = timezone.now()
    KnowledgeIndex.objects.update_or_create(
        model_name=model_name,
        defaults={
            "state": KnowledgeIndex.State.BUILDING,
            "started_at": now,
            "heartbeat_at": now,
            "finished_at": None,
            "error": "",
        },
    )
    enqueue(rebuild_knowledge_index, model_name)
    logger.info("knowledge index for %s scheduled for a background rebuild", model_name)
    return True


def snapshot() -> Snapshot:
    """The current snapshot, reloaded if the knowledge version or the model changed."""
    global _snapshot
    configured = ai_config.get_embedder()
    version = current_version()
    current = _snapshot
    if (
        current is not None
        and current.version == version
        and current.requested_model == configured.model_name
    ):
        return current
    rebuild = False
    with _lock:
        current = _snapshot
        if (
            current is None
            or current.version != version
            or current.requested_model != configured.model_name
        ):
            served, rebuild = index_choice(configured.model_name)
            embedder = configured
            if served != configured.model_name:
                try:
                    embedder = ai_config.get_embedder(served)
                except ValueError:  # e.g. its API key was removed: nothing to query it with
                    logger.warning("previous index %s cannot be queried", served)
                    embedder = configured
            current = _load(version, embedder, requested_model=configured.model_name)
            _snapshot = current
    if rebuild:
        schedule_rebuild(configured.model_name)
    return current


def index_status() -> dict:
    """What /health and the CMS show: the configured model, the one served, and states.

    ``state`` is ``ready``, ``building``, ``failed`` or ``stale`` (marked building, but its
    worker stopped: no progress for ``KNOWLEDGE_REBUILD_STALE_SECONDS``)."""
    from django.utils import timezone

    from content.models import ContentChunk, KnowledgeIndex

    now = timezone.now()
    configured = ai_config.get_embedder().model_name
    served, _ = index_choice(configured)
    row = KnowledgeIndex.objects.filter(model_name=configured).first()
    error = ""
    if row is not None and row.is_stale(now=now, after_seconds=_stale_after()):
        state = STALE
        last = row.last_sign_of_life()
        error = (
            "the rebuild stopped: no progress since "
            f"{last.isoformat() if last else 'it was queued'} (its worker probably died)"
        )
    elif row is not None and row.state != KnowledgeIndex.State.READY:
        state = row.state
        error = row.error if row.state == KnowledgeIndex.State.FAILED else ""
    else:
        state = "ready" if served == configured else "building"
    return {
        "model": configured,
        "serving": served,
        "state": state,
        "chunks": ContentChunk.objects.filter(model_name=served).count(),
        "error": error,
        "started_at": row.started_at.isoformat() if row and row.started_at else None,
        "heartbeat_at": row.heartbeat_at.isoformat() if row and row.heartbeat_at else None,
        "can_rebuild": state in {STALE, KnowledgeIndex.State.FAILED},
    }


def forget() -> None:
    """Drop this process's snapshot (the next query reloads)."""
    global _snapshot
    with _lock:
        _snapshot = None
