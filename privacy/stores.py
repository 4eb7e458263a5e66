"""Stores outside the database that may hold a person's text: the cache and the vector index.

Erasure calls ``external_purge(needles)`` with the person's address, name and phone; it
removes every cache entry whose stored value mentions one of them (LLM answer cache,
throttles keyed by address, ...) and every vector whose text or metadata does. Both scans
are linear, which is fine for a rare, audited operation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)


def _normalise(needles: Iterable[str]) -> list[bytes]:
    return sorted({n.strip().lower().encode() for n in needles if n and len(n.strip()) >= 3})


def _cache_items(cache) -> Iterator[tuple[object, bytes, object]]:
    """(handle, raw value bytes, backend) for each entry of a locmem or Redis cache."""
    backend = type(cache).__name__
    if backend == "LocMemCache":
        for key, value in list(cache._cache.items()):
            yield key, value if isinstance(value, bytes) else repr(value).encode(), "locmem"
    elif backend == "RedisCache":
        client = cache._cache.get_client(write=False)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        pattern = f"{prefix}:*" if prefix else "*"
        for key in client.scan_iter(match=pattern, count=500):
            value = client.get(key)
            if value is not None:
                yield key, value if isinstance(value, bytes) else str(value).encode(), "redis"
    else:  # pragma: no cover - other backends cannot be scanned
        logger.warning("privacy: cache backend %s cannot be scanned for personal data", backend)


def cache_matches(needles: Iterable[str], cache=None) -> list[object]:
    """Keys of cache entries whose value mentions any needle (case-insensitive)."""
    cache = cache or caches["default"]
    wanted = _normalise(needles)
    if not wanted:
        return []
    hits = []
    for key, raw, _kind in _cache_items(cache):
        low = raw.lower()
        key_low = str(key).lower().encode()
        if any(n in low or n in key_low for n in wanted):
            hits.append(key)
    return hits


def cache_purge(needles: Iterable[str], cache=None) -> int:
    cache = cache or caches["default"]
    keys = cache_matches(needles, cache)
    backend = type(cache).__name__
    if backend == "LocMemCache":
        with cache._lock:
            for key in keys:
                cache._cache.pop(key, None)
                cache._expire_info.pop(key, None)
    elif backend == "RedisCache" and keys:
        cache._cache.get_client(write=True).delete(*keys)
    return len(keys)


def _query_caches() -> list[tuple[dict, object]]:
    """Per-process vector caches keyed by text a visitor typed (chat, search): the
    embedders' query caches and the local LLM provider's sentence-vector cache, as
    ``(dict, lock)`` pairs."""
    found: list[tuple[dict, object]] = []
    try:
        from ementech.ai import config
    except ImportError:
        config = None
    for embedder in list(getattr(config, "_embedders", {}).values()):
        cache = getattr(embedder, "_queries", None)
        if cache is not None and isinstance(getattr(cache, "_data", None), dict):
            found.append((cache._data, cache._lock))
    try:
        from ementech.ai import llm_config
    except ImportError:
        llm_config = None
    getter = getattr(llm_config, "local_provider", None)
    if getter is not None and getter.cache_info().currsize:  # only if already built
        provider = getter()
        if isinstance(getattr(provider, "_cache", None), dict):
            found.append((provider._cache, provider._lock))
    return found


def _chunk_model():
    try:
        from django.apps import apps

        return apps.get_model("content.ContentChunk")
    except LookupError:
        return None


def vector_matches(needles: Iterable[str]) -> list[str]:
    """Vector-index entries mentioning a needle: knowledge chunks (the index is built from
    their rows) and cached query vectors keyed by a visitor's text."""
    wanted = [n.decode() for n in _normalise(needles)]
    if not wanted:
        return []
    hits: list[str] = []
    chunk = _chunk_model()
    if chunk is not None:
        from django.db.models import Q

        query = Q(pk__in=[])
        for needle in wanted:
            query |= Q(text__icontains=needle)
        hits += [f"chunk:{pk}" for pk in chunk.objects.filter(query).values_list("pk", flat=True)]
    for data, lock in _query_caches():
        with lock:
            keys = list(data)
        hits += [f"query:{k}" for k in keys if any(n in str(k).lower() for n in wanted)]
    return hits


def vector_purge(needles: Iterable[str]) -> int:
    """Drop cached query vectors made from the person's text (this process).

    Knowledge chunks are marketers' published content, not visitor data; a match there is
    reported by ``vector_matches`` (and the registry test) rather than silently deleted.
    """
    wanted = [n.decode() for n in _normalise(needles)]
    removed = 0
    for data, lock in _query_caches():
        with lock:
            for key in [k for k in data if any(n in str(k).lower() for n in wanted)]:
                data.pop(key, None)
                removed += 1
    return removed


def external_purge(needles: Iterable[str]) -> dict[str, int]:
    needles = list(needles)
    return {"cache": cache_purge(needles), "vectors": vector_purge(needles)}


def external_matches(needles: Iterable[str]) -> dict[str, int]:
    needles = list(needles)
    return {"cache": len(cache_matches(needles)), "vectors": len(vector_matches(needles))}
