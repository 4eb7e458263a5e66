"""Knowledge-base ingestion: the source documents (pages, FAQs, catalogue items), chunked
and embedded per model, removed when their source goes, and rebuilt per embedding model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from ementech.ai import config as ai_config
from ementech.ai.vectors import VectorRecord

logger = logging.getLogger(__name__)

logger = logging.getLogger(__name__)


# --- Knowledge base ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceDocument:
    source_key: str
    page_id: int | None
    title: str
    url: str
    content_type: str
    sections: list[tuple[str, str]]
    industry: str = ""
    difficulty: str = ""
    is_gated: bool = False


@dataclass
class IngestResult:
    source_key: str
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.embedded or self.removed) or False


def indexable_page_models() -> tuple[type, ...]:
    from content.models import (
        BlogPage,
        CaseStudyPage,
        HomePage,
        ResourcePage,
        ServicePage,
        StandardPage,
    )

    return (HomePage, StandardPage, ServicePage, CaseStudyPage, BlogPage, ResourcePage)


def _page_document(page_id: int) -> SourceDocument | None:
    from wagtail.models import Page

    from content.text import page_sections

    page = Page.objects.filter(pk=page_id).first()
    if page is None or not page.live:
        return None
    page = page.specific
    if not isinstance(page, indexable_page_models()) or page.get_view_restrictions().exists():
        return None
    url = page.get_url() or page.url_path
    return SourceDocument(
        source_key=f"page:{page.pk}",
        page_id=page.pk,
        title=page.title,
        url=url,
        content_type=getattr(page, "content_kind", "page"),
        sections=page_sections(page),
        industry=getattr(page, "industry", "") or "",
        difficulty=getattr(page, "difficulty", "") or "",
        is_gated=bool(getattr(page, "is_gated", False)),
    )


def _faq_document(faq_id: int) -> SourceDocument | None:
    from content.models import FAQ
    from content.text import clean, html_to_text

    faq = FAQ.objects.filter(pk=faq_id, live=True).first()
    if faq is None:
        return None
    return SourceDocument(
        source_key=f"faq:{faq.pk}",
        page_id=None,
        title=faq.question,
        url=f"/services/#faq-{faq.pk}",
        content_type="faq",
        sections=[("", clean(html_to_text(faq.answer)))],
    )


def _catalogue_document(item_id: int) -> SourceDocument | None:
    from content.models import ServiceCatalogueItem

    item = ServiceCatalogueItem.objects.filter(pk=item_id, live=True).first()
    if item is None:
        return None
    url = item.service_page.get_url() if item.service_page_id else "/services/"
    text = (
        f"{item.summary} Price: ${item.price_from:,}–${item.price_to:,}. Duration: {item.duration}."
    )
    return SourceDocument(
        source_key=f"catalogue:{item.pk}",
        page_id=None,
        title=f"{item.name} (service catalogue)",
        url=url or "/services/",
        content_type="catalogue",
        sections=[("", text)],
    )


LOADERS: dict[str, Callable[[int], SourceDocument | None]] = {
    "page": _page_document,
    "faq": _faq_document,
    "catalogue": _catalogue_document,
}


def source_document(source_key: str) -> SourceDocument | None:
    """What ``source_key`` should contribute to the index now (None: nothing)."""
    kind, _, raw_id = source_key.partition(":")
    loader = LOADERS.get(kind)
    if loader is None or not raw_id.isdigit():
        raise ValueError(f"unknown knowledge source {source_key!r}")
    return loader(int(raw_id))


def all_source_keys() -> list[str]:
    """Every source that should be in the index: live indexable pages and live snippets."""
    from wagtail.models import Page

    from content.models import FAQ, ServiceCatalogueItem

    page_ids = Page.objects.live().type(*indexable_page_models()).values_list("pk", flat=True)
    keys = [f"page:{pk}" for pk in page_ids.order_by("path")]
    keys += [f"faq:{pk}" for pk in FAQ.objects.filter(live=True).values_list("pk", flat=True)]
    keys += [
        f"catalogue:{pk}"
        for pk in ServiceCatalogueItem.objects.filter(live=True).values_list("pk", flat=True)
    ]
    return keys


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
    if remote is not None and by_model.get(configured.model_name):
        remote.delete(by_model[configured.model_name])
    if removed:
        bump_version()
    return IngestResult(source_key=source_key, removed=removed)


@transaction.atomic
def knowledge_ingest(*, source_key: str, model: str | None = None) -> IngestResult:
    """Chunk, embed (only chunks whose text changed) and store ``source_key``; remove it
    from the index when it is no longer published."""
    from content.knowledge import bump_version
    from content.models import ContentChunk
    from content.text import chunk_params, chunk_sections

    document = source_document(source_key)
    if document is None:
        return knowledge_remove(source_key=source_key, model=model)
    embedder = ai_config.get_embedder(model)
    size, overlap = chunk_params(embedder.max_tokens)
    chunks = chunk_sections(document.title, document.sections, max_tokens=size, overlap=overlap)

    existing = {
        row.content_hash: row
        for row in ContentChunk.objects.filter(
            model_name=embedder.model_name, source_key=source_key
        )
    }
    fresh = [c for c in chunks if c.content_hash not in existing]
    vectors = embedder.embed([c.text for c in fresh]) if fresh else np.zeros((0, 0))
    new_vectors = {c.content_hash: vectors[n] for n, c in enumerate(fresh)}

    rows = []
    for chunk in chunks:
        old = existing.get(chunk.content_hash)
        blob = bytes(old.embedding) if old is not None else new_vectors[chunk.content_hash]
        blob = blob if isinstance(blob, bytes) else np.asarray(blob, np.float32).tobytes()
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
    stale = [row.vector_id for h, row in existing.items() if h not in kept]
    metadata_changed = any(
        (old.url, old.title, old.industry, old.difficulty, old.is_gated, old.chunk_index)
        != (row.url, row.title, row.industry, row.difficulty, row.is_gated, row.chunk_index)
        for row in rows
        if (old := existing.get(row.content_hash)) is not None
    )
    ContentChunk.objects.filter(model_name=embedder.model_name, source_key=source_key).delete()
    ContentChunk.objects.bulk_create(rows)

    remote = ai_config.get_remote_index(embedder)
    if remote is not None:
        changed = [r for r in rows if r.content_hash in new_vectors or metadata_changed]
        remote.upsert([_record(r) for r in changed])
        if stale:
            remote.delete(stale)
    result = IngestResult(
        source_key=source_key,
        chunks=len(rows),
        embedded=len(fresh),
        reused=len(chunks) - len(fresh),
        removed=len(stale),
    )
    if result.embedded or result.removed or metadata_changed:
        bump_version()
    return result


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
    are gone. ``rebuild`` re-embeds everything (e.g. after switching models)."""
    from content.models import ContentChunk

    embedder = ai_config.get_embedder(model)
    keys = all_source_keys()
    if rebuild:
        with transaction.atomic():
            for source_key in (
                ContentChunk.objects.filter(model_name=embedder.model_name)
                .values_list("source_key", flat=True)
                .distinct()
            ):
                knowledge_remove(source_key=source_key, model=embedder.model_name)
    result = ReindexResult()
    iterator = progress(keys) if progress else keys
    for source_key in iterator:
        outcome = knowledge_ingest(source_key=source_key, model=embedder.model_name)
        result.sources += 1
        result.chunks += outcome.chunks
        result.embedded += outcome.embedded
        result.reused += outcome.reused
        result.results.append(outcome)
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
