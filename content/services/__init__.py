"""Writes of the content app, one module per concern (re-exported here, so
``from content.services import ...`` keeps working): ``knowledge`` (knowledge-base
ingestion; its sources in ``knowledge_sources``), ``engagement`` (engagement counting
and the precomputed "for you" feeds) and ``downloads`` (gated downloads).
"""

from __future__ import annotations

from content.services.downloads import (
    DOWNLOAD_SALT,
    DownloadDenied,
    DownloadError,
    DownloadLink,
    download_open,
    download_request,
    gate_fields_to_ask,
    link_max_age,
)
from content.services.engagement import (
    FEED_DEBOUNCE_SECONDS,
    engagement_record,
    feed_refresh,
    feeds_refresh_stale,
    subject_key_for,
)
from content.services.knowledge import (
    HEARTBEAT_EVERY_SECONDS,
    IngestResult,
    ReindexResult,
    knowledge_ingest,
    knowledge_publish,
    knowledge_rebuild,
    knowledge_rebuild_restart,
    knowledge_reindex,
    knowledge_remove,
)
from content.services.knowledge_sources import (
    LOADERS,
    SourceDocument,
    all_source_keys,
    indexable_page_models,
    source_document,
    source_documents,
)

__all__ = [
    "DOWNLOAD_SALT",
    "DownloadDenied",
    "DownloadError",
    "DownloadLink",
    "FEED_DEBOUNCE_SECONDS",
    "HEARTBEAT_EVERY_SECONDS",
    "IngestResult",
    "LOADERS",
    "ReindexResult",
    "SourceDocument",
    "all_source_keys",
    "download_open",
    "download_request",
    "engagement_record",
    "feed_refresh",
    "feeds_refresh_stale",
    "gate_fields_to_ask",
    "indexable_page_models",
    "knowledge_ingest",
    "knowledge_publish",
    "knowledge_rebuild",
    "knowledge_rebuild_restart",
    "knowledge_reindex",
    "knowledge_remove",
    "link_max_age",
    "source_document",
    "source_documents",
    "subject_key_for",
]
