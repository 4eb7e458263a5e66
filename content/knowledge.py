"""The knowledge base as each process sees it: a snapshot of the chunk table (vector
matrix, BM25 postings, filter columns, page centroids, and an HNSW graph above a size
threshold) for the configured embedding model, switched when the knowledge version moves.

The snapshot is not loaded per process: the worker publishes each version as one set of
files (``ementech.ai.indexfiles``, written to a temporary directory and renamed into
place) and every process memory-maps it, so a change costs a web process a few file opens
and the pages its queries touch, shared with every other process through the page cache.

The version is a random token stored in ``KnowledgeVersion`` and mirrored in the cache
(Redis), so every web and worker process notices a change within ``VERSION_TTL`` seconds at
most, at the cost of one cache read per query.

The index follows the embedding model: when the configured model has no ready index while
another model has one (a key set or removed), the snapshot keeps serving that previous
index and a background task builds the new one (``KnowledgeIndex`` records its state);
when it is ready the version moves and every process switches.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.core.cache import cache
from django.db import transaction

from ementech.ai import config as ai_config
from ementech.ai import indexfiles
from ementech.ai.embeddings import Embedder
from ementech.ai.indexfiles import IndexSet, MappedVectorIndex
from ementech.ai.lexical import BM25Index
from ementech.ai.retrieval import HybridRetriever
from ementech.ai.vectors import VectorIndex

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
    from content.tasks import publish_knowledge_index
    from core.queue import enqueue

    enqueue(publish_knowledge_index)  # the worker publishes the new set after commit
    return str(token)


@dataclass
class Snapshot:
    version: str
    model_name: str  # the model whose index is served
    requested_model: str  # the configured model (differs while its index is rebuilt)
    embedder: Embedder
    ids: Sequence[str]
    page_ids: np.ndarray
    vector_index: VectorIndex
    local_index: MappedVectorIndex | None
    lexical: BM25Index
    retriever: HybridRetriever
    files: IndexSet | None = field(default=None, repr=False)
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
        """One unit vector per page: the normalised mean of its chunk vectors (computed
        when the set was built)."""
        if self._centroids is None:
            extra = self.files.extra if self.files is not None else {}
            pages, vectors = extra.get("centroid_pages"), extra.get("centroids")
            self._centroids = (
                {int(p): np.asarray(vectors[n]) for n, p in enumerate(pages)}
                if pages is not None and vectors is not None
                else {}
            )
        return self._centroids


_lock = threading.Lock()
_snapshot: Snapshot | None = None
_fresh = False  # set by forget(): the next load rebuilds the set from the database
_pending: tuple[str, float] | None = None  # (version seen, when) while waiting for the worker


def _single_thread_blas() -> None:
    """One BLAS thread per process: a query is one matrix-vector product, and web/worker
    processes already run in parallel; extra BLAS threads only spin on a busy host."""
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    threadpool_limits(limits=1, user_api="blas")


def index_root(model_name: str) -> Path:
    """Where the published sets of ``model_name`` live on this machine: one directory per
    database (a test database never reads the site's sets) and model."""
    from django.conf import settings
    from django.db import connection

    base = (
        Path(settings.KNOWLEDGE_INDEX_DIR)
        if settings.KNOWLEDGE_INDEX_DIR
        else Path(settings.VAR_DIR) / "knowledge"
    )
    db = connection.settings_dict
    where = f"{db['ENGINE']}|{db.get('HOST')}|{db.get('PORT')}|{db['NAME']}"
    database = hashlib.sha256(where.encode()).hexdigest()[:12]
    return base / database / ai_config.namespace_for(model_name)


def _published(root: Path, version: str) -> Path | None:
    """The newest complete set of ``version`` under ``root``."""
    found = [
        p
        for p in [*root.glob(f"v{version}"), *root.glob(f"v{version}.*")]
        if (p / indexfiles.META).exists()
    ]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


@contextlib.contextmanager
def _build_lock(root: Path):
    """One builder per model and machine at a time (others wait, then map its set)."""
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _building(root: Path) -> bool:
    """Whether a process on this machine is publishing a set under ``root`` right now."""
    import fcntl

    try:
        with open(root / ".build.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def _centroids(page_ids: np.ndarray, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    valid = page_ids >= 0
    pages, inverse = np.unique(page_ids[valid], return_inverse=True)
    sums = np.zeros((len(pages), matrix.shape[1]), dtype=np.float64)
    np.add.at(sums, inverse, matrix[valid])
    norms = np.linalg.norm(sums, axis=1)
    keep = norms > 0
    return pages[keep], (sums[keep] / norms[keep, None]).astype(np.float32)


def build_set(version: str, embedder: Embedder, *, fresh: bool = False) -> Path:
    """Publish the index set of ``version`` for ``embedder``'s chunks (unless it exists):
    vectors, ids, filter columns, BM25 arrays, page centroids and, above
    ``KNOWLEDGE_ANN_THRESHOLD`` chunks, an HNSW graph. The worker runs this after every
    knowledge change; a process finding no set at all runs it too."""
    from django.conf import settings

    from content.models import ContentChunk

    root = index_root(embedder.model_name)
    with _build_lock(root):
        if not fresh and (found := _published(root, version)) is not None:
            return found
        rows = ContentChunk.objects.filter(model_name=embedder.model_name).values_list(
            "vector_id", "embedding", "text", *FILTER_COLUMNS
        )
        ids: list[str] = []
        blobs: list[bytes] = []
        texts: list[str] = []
        columns: dict[str, list] = {name: [] for name in FILTER_COLUMNS}
        for vector_id, blob, text, *values in rows.iterator(chunk_size=2000):
            ids.append(vector_id)
            blobs.append(bytes(blob))
            texts.append(text)
            for name, value in zip(FILTER_COLUMNS, values, strict=True):
                columns[name].append(-1 if name == "page_id" and value is None else value)
        dimension = embedder.dimension
        matrix = (
            np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
            if blobs
            else np.zeros((0, dimension), dtype=np.float32)
        )
        del blobs
        arrays = {name: np.asarray(values) for name, values in columns.items()}
        arrays["page_id"] = np.asarray(columns["page_id"], dtype=np.int64)
        arrays["is_gated"] = np.asarray(columns["is_gated"], dtype=bool)
        lexical = BM25Index(ids, texts, columns=arrays)
        del texts
        pages, centroids = _centroids(arrays["page_id"], matrix)
        name = f"v{version}" + (f".{uuid.uuid4().hex[:8]}" if fresh else "")
        path = indexfiles.write_set(
            root,
            name,
            ids=ids,
            matrix=matrix,
            columns=arrays,
            lexical=lexical.arrays(),
            extra={"centroid_pages": pages, "centroids": centroids},
            meta={"version": version, "model": embedder.model_name},
            ann_threshold=settings.KNOWLEDGE_ANN_THRESHOLD,
            ann_dtype=settings.KNOWLEDGE_ANN_DTYPE,
        )
        indexfiles.prune(root, keep=[path])
    logger.info("knowledge index set %s published: %d chunks", path, len(ids))
    return path


def _open(path: Path, version: str, embedder: Embedder, *, requested_model: str) -> Snapshot:
    """Map a published set into a snapshot (no copy of the vectors or postings)."""
    from django.conf import settings

    _single_thread_blas()
    files = indexfiles.open_set(path, ann_expansion_search=settings.KNOWLEDGE_ANN_EXPANSION)
    lexical = BM25Index.from_arrays(files.ids, files.lexical, columns=files.columns)
    remote = ai_config.get_remote_index(embedder)
    local = files.vector_index if remote is None else None
    snapshot = Snapshot(
        version=version,
        model_name=embedder.model_name,
        requested_model=requested_model or embedder.model_name,
        embedder=embedder,
        ids=files.ids,
        page_ids=files.columns["page_id"],
        vector_index=remote if remote is not None else files.vector_index,
        local_index=local,
        lexical=lexical,
        retriever=None,  # type: ignore[arg-type]
        files=files,
    )
    snapshot.retriever = HybridRetriever(
        embedder=embedder,
        vector_index=snapshot.vector_index,
        lexical_index=lexical,
        reranker=ai_config.get_reranker(),
        texts=snapshot.texts,
        vectors=snapshot.vectors if local is not None else None,
    )
    logger.info("knowledge snapshot %s mapped: %d chunks (%s)", version, len(files.ids), path)
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


def _served_embedder(configured: Embedder) -> tuple[Embedder, bool]:
    """(embedder whose index to serve, whether a rebuild of ``configured`` is due)."""
    served, rebuild = index_choice(configured.model_name)
    if served == configured.model_name:
        return configured, rebuild
    try:
        return ai_config.get_embedder(served), rebuild
    except ValueError:  # e.g. its API key was removed: nothing to query it with
        logger.warning("previous index %s cannot be queried", served)
        return configured, rebuild


def publish_current() -> Path:
    """Build and publish the set of the current version (the worker's part of a change)."""
    embedder, _ = _served_embedder(ai_config.get_embedder())
    return build_set(current_version(), embedder)


def snapshot() -> Snapshot:
    """The current snapshot: the published set of the current knowledge version, mapped.

    After a change, a process that already serves a set keeps it until the worker has
    published the new one (at most ``KNOWLEDGE_INDEX_WAIT_SECONDS``); a process with none,
    or one that waited that long, builds the set itself."""
    global _snapshot, _fresh, _pending
    from django.conf import settings

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
            embedder, rebuild = _served_embedder(configured)
            root = index_root(embedder.model_name)
            path = None if _fresh else _published(root, version)
            if path is None:
                now = time.monotonic()
                if _pending is None or _pending[0] != version:
                    _pending = (version, now)
                waited = now - _pending[1]
                if (
                    current is not None
                    and not _fresh
                    and current.requested_model == configured.model_name
                    and (waited < settings.KNOWLEDGE_INDEX_WAIT_SECONDS or _building(root))
                ):
                    return current  # the worker is publishing it
                path = build_set(version, embedder, fresh=_fresh)
            current = _open(path, version, embedder, requested_model=configured.model_name)
            _snapshot, _fresh, _pending = current, False, None
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
    """Drop this process's snapshot; the next query rebuilds the set from the database."""
    global _snapshot, _fresh
    with _lock:
        _snapshot = None
        _fresh = True
