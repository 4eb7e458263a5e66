"""Celery tasks of the content app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, TimeoutError), max_retries=3, retry_backoff=True
)
def ingest_source(source_key: str) -> dict:
    """(Re)index one page or snippet, or remove it when it is no longer published."""
    from content.services import knowledge_ingest

    result = knowledge_ingest(source_key=source_key)
    return {
        "source_key": source_key,
        "chunks": result.chunks,
        "embedded": result.embedded,
        "removed": result.removed,
    }


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, TimeoutError), max_retries=3, retry_backoff=True
)
def remove_source(source_key: str) -> dict:
    from content.services import knowledge_remove

    result = knowledge_remove(source_key=source_key)
    return {"source_key": source_key, "removed": result.removed}


@shared_task(acks_late=True)
def refresh_feed(subject_key: str) -> int:
    """Recompute the "for you" recommendations of ``lead:<uuid>`` or ``visitor:<uuid>``."""
    from content.services import feed_refresh

    return len(feed_refresh(subject_key=subject_key).items)


@shared_task(acks_late=True)
def refresh_stale_feeds() -> int:
    """Beat: recompute feeds whose subjects engaged since the feed was computed."""
    from content.services import feeds_refresh_stale

    return feeds_refresh_stale()


@shared_task(acks_late=True)
def rebuild_knowledge_index(model_name: str) -> int:
    """Build the knowledge index for ``model_name`` (after an embedding-model switch); the
    previous index keeps serving searches until this finishes."""
    from content.services import knowledge_rebuild

    return knowledge_rebuild(model=model_name).chunks


@shared_task(acks_late=True)
def publish_knowledge_index() -> str:
    """Publish the memory-mapped index set of the current knowledge version (after each
    change), so web processes map it instead of building it."""
    from content.services import knowledge_publish

    return knowledge_publish()
