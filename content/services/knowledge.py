"""Knowledge-base ingestion: the source documents (pages, FAQs, catalogue items), chunked
and embedded per model, removed when their source goes, and rebuilt per embedding model.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from content.services.knowledge_sources import (
    SourceDocument,
    all_source_keys,
    source_documents,
)
from ementech.ai import config as ai_config
from ementech.ai.vectors import VectorRecord

logger = logging.getLogger(__name__)


# --- Knowledge base ---------------------------------------------------------------------------


@dataclass
class IngestResult:
    source_key: str
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    removed: int = 0
    relabelled: bool = False  # a kept chunk's url, title or filters changed

    @property
    def changed(self) -> bool:
        return bool(self.embedded or self.removed or self.relabelled)


def _vector_id(source_key: str, content_hash: str) -> str:
    return f"{source_key}:{content_hash[:24]}"


@transaction.atomic
def knowledge_remove(*, source_key: str, model: str | None = None) -> IngestResult:
    """Take ``source_key`` out of the index (every model's chunks unless ``model``)."""
    from content.knowledge import bump_version
    from content.models import ContentChunk

    rows = ContentChunk.objects.filter(source_key=source_key)
    if model:
        rows = rows.filter(model_name=ai_config.get_embedder(model).model_name)
    by_model: dict[str, list[str]] = {}
    for model_name, vector_id in rows.values_list("model_name", "vector_id"):
        by_model.setdefault(model_name, []).append(vector_id)
    removed, _ = rows.delete()
    configured = ai_config.get_embedder()
    remote = ai_config.get_remote_index(configured)
    if remote is not None and (gone := by_model.get(configured.model_name)):
        transaction.on_commit(lambda: _sync_remote(remote, [], gone), robust=True)
    if removed:
        bump_version()
    return IngestResult(source_key=source_key, removed=removed)


@dataclass
class _Prepared:
    """One source read and chunked, with the vectors of the chunks not stored yet."""

    source_key: str
    document: SourceDocument | None
    chunks: list = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)


def _prepare(source_keys: list[str], embedder, *, reuse: bool = True) -> list[_Prepared]:
    """Read and chunk each source, then embed every chunk not stored yet (every chunk when
    not ``reuse``: a rebuild) in one batch across all of them (similar lengths batch
    together; one call instead of one per page). Runs outside any transaction: a remote
    embedder is a network call."""
    from content.models import ContentChunk
    from content.text import chunk_params, chunk_sections

    size, overlap = chunk_params(embedder.max_tokens)
    prepared = []
    for key, document in zip(source_keys, source_documents(source_keys), strict=True):
        chunks = (
            chunk_sections(document.title, document.sections, max_tokens=size, overlap=overlap)
            if document is not None
            else []
        )
        prepared.append(_Prepared(key, document, chunks))
    stored = (
        set(
            ContentChunk.objects.filter(
                model_name=embedder.model_name, source_key__in=source_keys
            ).values_list("source_key", "content_hash")
        )
        if reuse
        else set()
    )
    todo = [
        (item, chunk)
        for item in prepared
        for chunk in item.chunks
        if (item.source_key, chunk.content_hash) not in stored
    ]
    if todo:
        vectors = embedder.embed_documents([chunk.text for _, chunk in todo])
        for (item, chunk), vector in zip(todo, vectors, strict=True):
            item.vectors[chunk.content_hash] = vector
    return prepared


def knowledge_ingest(*, source_key: str, model: str | None = None) -> IngestResult:
    """Chunk, embed (only chunks whose text changed) and store ``source_key``; remove it
    from the index when it is no longer published."""
    embedder = ai_config.get_embedder(model)
    (result,) = _store(_prepare([source_key], embedder), embedder, bump=True)
    return result


def _store(items: list[_Prepared], embedder, *, bump: bool) -> list[IngestResult]:
    """Write prepared sources' chunks in one transaction (one lock, one delete, one insert
    for the lot); the remote index (a network call) is updated after the commit. ``bump``
    announces a change to every process. A source no longer published is removed."""
    from content.knowledge import bump_version
    from content.models import ContentChunk

    results: dict[str, IngestResult] = {}
    live = [item for item in items if item.document is not None]
    for item in items:
        if item.document is None:
            results[item.source_key] = knowledge_remove(
                source_key=item.source_key, model=embedder.model_name
            )
    keys = [item.source_key for item in live]
    with transaction.atomic():
        existing: dict[str, dict] = {key: {} for key in keys}
        # In one order, so two reindexes running at once wait for each other, not deadlock.
        for row in (
            ContentChunk.objects.select_for_update()
            .filter(model_name=embedder.model_name, source_key__in=keys)
            .order_by("pk")
        ):
            existing[row.source_key][row.content_hash] = row
        _embed_late(live, existing, embedder)
        rows: list = []
        records: list[VectorRecord] = []
        stale: list[str] = []
        for item in live:
            source_rows, result, gone = _source_rows(item, existing[item.source_key], embedder)
            results[item.source_key] = result
            rows += source_rows
            stale += gone
            records += [
                _record(r)
                for r in source_rows
                if r.content_hash in item.vectors or result.relabelled
            ]
        ContentChunk.objects.filter(model_name=embedder.model_name, source_key__in=keys).delete()
        ContentChunk.objects.bulk_create(rows)
        if bump and any(results[key].changed for key in keys):
            bump_version()
        remote = ai_config.get_remote_index(embedder)
        if remote is not None and (records or stale):
            transaction.on_commit(lambda: _sync_remote(remote, records, stale), robust=True)
    return [results[item.source_key] for item in items]


def _embed_late(items: list[_Prepared], existing: dict[str, dict], embedder) -> None:
    """Embed chunks read as stored when preparing whose rows a concurrent change removed
    since (rare: normally nothing to do)."""
    late = [
        (item, chunk)
        for item in items
        for chunk in item.chunks
        if chunk.content_hash not in existing[item.source_key]
        and chunk.content_hash not in item.vectors
    ]
    if late:
        vectors = embedder.embed_documents([chunk.text for _, chunk in late])
        for (item, chunk), vector in zip(late, vectors, strict=True):
            item.vectors[chunk.content_hash] = vector


def _source_rows(item: _Prepared, existing: dict, embedder) -> tuple[list, IngestResult, list[str]]:
    """The rows that replace one source's chunks (new vectors where prepared, the stored
    ones otherwise), what changed, and the vector ids of the chunks that are gone."""
    from content.models import ContentChunk

    document, chunks, source_key = item.document, item.chunks, item.source_key
    rows = []
    for chunk in chunks:
        vector = item.vectors.get(chunk.content_hash)
        blob = (
            np.asarray(vector, np.float32).tobytes()
            if vector is not None
            else bytes(existing[chunk.content_hash].embedding)
        )
        rows.append(
            ContentChunk(
                source_key=source_key,
                page_id=document.page_id,
                chunk_index=chunk.index,
                vector_id=_vector_id(source_key, chunk.content_hash),
                content_type=document.content_type,
                title=document.title[:255],
                url=document.url[:500],
                text=chunk.text,
                content_hash=chunk.content_hash,
                industry=document.industry,
                difficulty=document.difficulty,
                is_gated=document.is_gated,
                model_name=embedder.model_name,
                dimension=embedder.dimension,
                embedding=blob,
            )
        )
    kept = {c.content_hash for c in chunks}
    gone = [row.vector_id for h, row in existing.items() if h not in kept]
    embedded = sum(1 for c in chunks if c.content_hash in item.vectors)
    relabelled = any(
        (old.url, old.title, old.industry, old.difficulty, old.is_gated, old.chunk_index)
        != (row.url, row.title, row.industry, row.difficulty, row.is_gated, row.chunk_index)
        for row in rows
        if (old := existing.get(row.content_hash)) is not None
    )
    result = IngestResult(
        source_key=source_key,
        chunks=len(rows),
        embedded=embedded,
        reused=len(chunks) - embedded,
        removed=len(gone),
        relabelled=relabelled,
    )
    return rows, result, gone


def _sync_remote(remote, records: list[VectorRecord], stale: list[str]) -> None:
    """Mirror a committed change in the remote index; a failure is logged and the next
    rebuild repairs it (the local index, the one searched without a key, is right)."""
    try:
        if records:
            remote.upsert(records)
        if stale:
            remote.delete(stale)
    except Exception:
        logger.exception(
            "remote vector index not updated (%d upserts, %d deletes)", len(records), len(stale)
        )


def _record(row) -> VectorRecord:
    return VectorRecord(
        id=row.vector_id,
        vector=np.frombuffer(bytes(row.embedding), dtype=np.float32),
        metadata={
            "source_key": row.source_key,
            "page_id": row.page_id if row.page_id is not None else -1,
            "content_type": row.content_type,
            "industry": row.industry,
            "difficulty": row.difficulty,
            "is_gated": row.is_gated,
            "title": row.title,
            "url": row.url,
        },
    )


# Sources prepared (and their new chunks embedded) together by a reindex.
INGEST_GROUP = 32


@dataclass
class ReindexResult:
    sources: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    removed_sources: int = 0
    results: list[IngestResult] = field(default_factory=list)


def knowledge_reindex(
    *,
    rebuild: bool = False,
    model: str | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> ReindexResult:
    """Bring the whole index up to date: ingest every source, drop chunks of sources that
    are gone. ``rebuild`` re-embeds everything (e.g. after a new model export) in place
    and announces it once, at the end: search keeps the old vectors meanwhile instead of an
    emptied index (a change published during the rebuild shows the rows as they stand)."""
    from content.knowledge import bump_version
    from content.models import ContentChunk

    embedder = ai_config.get_embedder(model)
    keys = all_source_keys()
    result = ReindexResult()
    iterator = iter(progress(keys) if progress else keys)
    while group := list(itertools.islice(iterator, INGEST_GROUP)):
        outcomes = _store(_prepare(group, embedder, reuse=not rebuild), embedder, bump=False)
        for outcome in outcomes:
            result.sources += 1
            result.chunks += outcome.chunks
            result.embedded += outcome.embedded
            result.reused += outcome.reused
            result.results.append(outcome)
        # One announcement per group, not per page; a rebuild announces once at the end:
        # the old vectors serve until then.
        if not rebuild and any(r.changed for r in outcomes):
            bump_version()
    wanted = set(keys)
    orphans = (
        set(
            ContentChunk.objects.filter(model_name=embedder.model_name)
            .values_list("source_key", flat=True)
            .distinct()
        )
        - wanted
    )
    for source_key in sorted(orphans):
        knowledge_remove(source_key=source_key, model=embedder.model_name)
        result.removed_sources += 1
    if rebuild and any(r.changed for r in result.results):
        bump_version()
    return result


HEARTBEAT_EVERY_SECONDS = 5.0


def _with_heartbeat(model_name: str, progress: Callable[[Iterable], Iterable] | None):
    """Wrap the source iteration so the index row shows the build is alive (a throttled
    ``heartbeat_at`` update); a build whose worker died stops moving and reads stale."""
    import time

    from django.utils import timezone

    from content.models import KnowledgeIndex

    def iterate(keys: Iterable) -> Iterator:
        last = 0.0
        for key in progress(keys) if progress else keys:
            if time.monotonic() - last >= HEARTBEAT_EVERY_SECONDS:
                KnowledgeIndex.objects.filter(model_name=model_name).update(
                    heartbeat_at=timezone.now()
                )
                last = time.monotonic()
            yield key

    return iterate


def knowledge_rebuild(
    *,
    model: str | None,
    rebuild: bool = False,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> ReindexResult:
    """Index every source with ``model`` and mark its index ready (the switch happens on the
    version bump). The worker task and ``manage.py reindex_knowledge`` both run it, so a
    finished run always leaves the index ready; a failure is recorded and re-raised."""
    from django.utils import timezone

    from content.knowledge import bump_version
    from content.models import ContentChunk, KnowledgeIndex

    embedder = ai_config.get_embedder(model)
    now = timezone.now()
    KnowledgeIndex.objects.update_or_create(
        model_name=embedder.model_name,
        defaults={
            "state": KnowledgeIndex.State.BUILDING,
            "error": "",
            "finished_at": None,
            "started_at": now,
            "heartbeat_at": now,
        },
    )
    try:
        result = knowledge_reindex(
            model=embedder.model_name,
            rebuild=rebuild,
            progress=_with_heartbeat(embedder.model_name, progress),
        )
    except Exception as exc:
        KnowledgeIndex.objects.filter(model_name=embedder.model_name).update(
            state=KnowledgeIndex.State.FAILED, error=str(exc)[:1000], finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        chunks = ContentChunk.objects.filter(model_name=embedder.model_name).count()
        KnowledgeIndex.objects.filter(model_name=embedder.model_name).update(
            state=KnowledgeIndex.State.READY, chunks=chunks, finished_at=timezone.now()
        )
        bump_version()
    return result


def knowledge_publish() -> str:
    """Publish the index set of the current knowledge version unless it exists (coalesces:
    several changes in a row publish the latest once); the set's path."""
    from content.knowledge import publish_current

    return str(publish_current())


def knowledge_rebuild_restart(*, actor) -> bool:
    """A person asks for a new build of the configured model's index (e.g. after a stale
    or failed one). Refused while a live build runs; returns whether one was queued."""
    from content.knowledge import schedule_rebuild

    model = ai_config.get_embedder().model_name
    queued = schedule_rebuild(model, force=True)
    logger.info(
        "knowledge rebuild of %s requested by %s: %s",
        model,
        getattr(actor, "pk", None),
        "queued" if queued else "refused (a build is running)",
    )
    return queued
