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
from django.core.cache import cache as default_cache

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
    cache = cache or default_cache
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
    cache = cache or default_cache
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


def vector_matches(needles: Iterable[str]) -> list[str]:
    """Ids of vectors in the local index whose text or metadata mentions a needle."""
    index = _vector_index()
    if index is None:
        return []
    wanted = [n.decode() for n in _normalise(needles)]
    if not wanted:
        return []
    return [vid for vid, blob in _vector_items(index) if any(n in blob for n in wanted)]


def vector_purge(needles: Iterable[str]) -> int:
    index = _vector_index()
    ids = vector_matches(needles)
    if index is not None and ids:
        index.delete(ids)
    return len(ids)


def _vector_index():
    """The configured vector index, if the knowledge-base library exists in this build."""
    try:
        from ementech.ai import vectors
    except ImportError:
        return None
    getter = getattr(vectors, "get_index", None) or getattr(vectors, "get_vector_index", None)
    if getter is None:
        return None
    try:
        return getter()
    except Exception:  # noqa: BLE001 - an unconfigured index holds nothing to erase
        logger.warning("privacy: vector index unavailable for the personal-data scan")
        return None


def _vector_items(index) -> Iterator[tuple[str, str]]:
    items = getattr(index, "iter_items", None)
    if items is None:
        return iter(())
    return ((str(vid), str(blob).lower()) for vid, blob in items())


def external_purge(needles: Iterable[str]) -> dict[str, int]:
    needles = list(needles)
    return {"cache": cache_purge(needles), "vectors": vector_purge(needles)}


def external_matches(needles: Iterable[str]) -> dict[str, int]:
    needles = list(needles)
    return {"cache": len(cache_matches(needles)), "vectors": len(vector_matches(needles))}
