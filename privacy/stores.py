"""Stores outside the database that may hold a person's text: the cache, the vector index
and files (the email outbox, and anything else under ``VAR_DIR``).

Erasure calls ``external_purge(needles)`` with the person's address, name and phone; it
removes every cache entry whose stored value mentions one of them (LLM answer cache,
throttles keyed by address, ...), every vector whose text or metadata does, and every
outbox message that does. The scans are linear, which is fine for a rare, audited
operation. ``FILE_STORES`` declares every file store the settings point at; a path under
``VAR_DIR`` that no entry covers fails ``tests/privacy/test_file_stores.py``.
"""

from __future__ import annotations

import fnmatch
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)


def _normalise(needles: Iterable[str]) -> list[bytes]:
    return sorted({n.strip().lower().encode() for n in needles if n and len(n.strip()) >= 3})


def _cache_items(cache) -> Iterator[tuple[object, bytes]]:
    """(stored key, raw value bytes) of each entry of a cache that can list its entries
    (``core.degrade.ResilientRedisCache``: every key under its prefix, read from Redis)."""
    entries = getattr(cache, "raw_items", None)
    if entries is None:  # pragma: no cover - other backends cannot be scanned
        logger.warning(
            "privacy: cache backend %s cannot be scanned for personal data", type(cache).__name__
        )
        return
    for key, value in entries():
        yield key, value if isinstance(value, bytes) else str(value).encode()


def cache_matches(needles: Iterable[str], cache=None) -> list[object]:
    """Keys of cache entries whose value mentions any needle (case-insensitive)."""
    cache = cache or caches["default"]
    wanted = _normalise(needles)
    if not wanted:
        return []
    hits = []
    for key, raw in _cache_items(cache):
        low = raw.lower()
        key_low = str(key).lower().encode()
        if any(n in low or n in key_low for n in wanted):
            hits.append(key)
    return hits


def cache_purge(needles: Iterable[str], cache=None) -> int:
    cache = cache or caches["default"]
    keys = cache_matches(needles, cache)
    if keys:
        cache.raw_delete(keys)
    return len(keys)


def vector_matches(needles: Iterable[str]) -> list[str]:
    """Vector-index entries mentioning a needle: knowledge chunks (the index is built from
    their rows) and cached query vectors keyed by a visitor's text."""
    wanted = [n.decode() for n in _normalise(needles)]
    if not wanted:
        return []
    from content.facade import chunk_ids_mentioning
    from ementech.ai import config as ai_config

    hits = [f"chunk:{pk}" for pk in chunk_ids_mentioning(needles=wanted)]
    texts = ai_config.cached_query_texts()
    hits += [f"query:{k}" for k in texts if any(n in str(k).lower() for n in wanted)]
    return hits


def vector_purge(needles: Iterable[str]) -> int:
    """Drop cached query vectors made from the person's text (this process).

    Knowledge chunks are marketers' published content, not visitor data; a match there is
    reported by ``vector_matches`` (and the registry test) rather than silently deleted.
    """
    from ementech.ai import config as ai_config

    wanted = [n.decode() for n in _normalise(needles)]
    return ai_config.forget_query_texts(lambda text: any(n in str(text).lower() for n in wanted))


# --- file stores ------------------------------------------------------------------------------

# Django's file email backend writes messages one after another, each followed by this line.
OUTBOX_SEPARATOR = b"-" * 79


def _outbox_dir() -> Path | None:
    path = getattr(settings, "EMAIL_FILE_PATH", None)
    return Path(path) if path else None


def _files(root: Path | None) -> Iterator[Path]:
    if root is None or not root.exists():
        return
    if root.is_file():
        yield root
        return
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            yield Path(dirpath) / name


def _mentions(raw: bytes, wanted: list[bytes]) -> bool:
    low = raw.lower()
    return any(n in low for n in wanted)


def outbox_purge(needles: Iterable[str]) -> int:
    """Remove every outbox message mentioning a needle (a file holding only such messages
    is deleted); returns how many messages went."""
    wanted = _normalise(needles)
    removed = 0
    for path in list(_files(_outbox_dir())):
        raw = path.read_bytes()
        if not _mentions(raw, wanted):
            continue
        messages = [m for m in raw.split(OUTBOX_SEPARATOR) if m.strip()]
        kept = [m for m in messages if not _mentions(m, wanted)]
        removed += len(messages) - len(kept)
        if kept:
            path.write_bytes(OUTBOX_SEPARATOR.join(kept) + OUTBOX_SEPARATOR + b"\n")
        else:
            path.unlink()
    return removed


@dataclass(frozen=True)
class FileStore:
    """Files the platform writes. ``patterns`` are globs relative to ``VAR_DIR`` (or the
    setting named by ``setting``, wherever it points); ``purge`` removes a person's data."""

    name: str
    patterns: tuple[str, ...]
    personal: bool
    note: str
    setting: str | None = None
    purge: Callable[[Iterable[str]], int] | None = None


def redis_snapshot_purge(needles: Iterable[str]) -> int:
    """Rewrite the embedded Redis snapshot (``var/redis.rdb``) from memory, where erasure
    has already deleted the person's keys; with no server running, drop a snapshot that
    names them (queued work is re-published from the outbox table)."""
    from ementech import embedded_redis

    var_dir = Path(settings.VAR_DIR)
    snapshot = var_dir / "redis.rdb"
    if not snapshot.exists():
        return 0
    if embedded_redis.is_running(var_dir):
        import redis

        redis.Redis(unix_socket_path=str(embedded_redis.socket_path(var_dir))).save()
        return 1
    content = snapshot.read_bytes().lower()
    if any(needle in content for needle in _normalise(needles)):
        snapshot.unlink()
        return 1
    return 0


FILE_STORES: tuple[FileStore, ...] = (
    FileStore(
        "email outbox",
        ("outbox", "outbox/*"),
        personal=True,
        setting="EMAIL_FILE_PATH",
        purge=outbox_purge,
        note="full copies of sent emails (file delivery backend): matching messages removed",
    ),
    FileStore(
        "database",
        ("db.sqlite3", "db.sqlite3-*"),
        personal=True,
        note="the embedded SQLite database: its rows are covered by privacy.registry",
    ),
    FileStore(
        "task broker and results",
        ("celery-broker.sqlite3*", "celery-results.sqlite3*"),
        personal=False,
        note="task messages and results carry ids and counts, never personal values",
    ),
    FileStore(
        "embedded Redis snapshot",
        ("redis.rdb", "temp-*.rdb"),
        personal=True,
        purge=redis_snapshot_purge,
        note="cache, broker and rate-limit keys saved by the embedded Redis; rewritten from "
        "memory after erasure",
    ),
    FileStore(
        "embedded Redis log",
        ("redis.log",),
        personal=False,
        note="server start, stop and snapshot lines; no keys or values",
    ),
    FileStore(
        "secret key",
        ("secret_key",),
        personal=False,
        note="the embedded default's generated SECRET_KEY",
    ),
    FileStore(
        "knowledge index",
        ("knowledge", "knowledge/*"),
        personal=False,
        note="memory-mapped vector and BM25 sets of published pages, FAQs and catalogue "
        "lines (content.knowledge); rebuilt from the database, no visitor data",
    ),
    FileStore(
        "embedding model",
        ("models", "models/*"),
        personal=False,
        note="the packaged MiniLM exported to ONNX by make install (ementech.ai.onnx_export) "
        "and its int8 copy; model weights only",
    ),
    FileStore(
        "bench sets",
        ("bench-1m", "bench-1m/*"),
        personal=False,
        note="synthetic index sets kept by bench/retrieval.py --keep-million",
    ),
    FileStore(
        "beat schedule",
        ("celerybeat-schedule*",),
        personal=False,
        note="last run time of each periodic task",
    ),
    FileStore(
        "static files",
        ("static", "static/*"),
        personal=False,
        setting="STATIC_ROOT",
        note="collected CSS/JS/images of the site",
    ),
    FileStore(
        "media",
        ("media", "media/*"),
        personal=False,
        setting="MEDIA_ROOT",
        note="images and documents editors upload to the CMS (published content)",
    ),
)


def _store_for(relative: str) -> FileStore | None:
    for store in FILE_STORES:
        if any(fnmatch.fnmatch(relative, pattern) for pattern in store.patterns):
            return store
    return None


def _setting_paths(value: object, root: str) -> Iterator[str]:
    """Paths under ``root`` mentioned by a setting's value (strings, URLs, nested)."""
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        at = value.find(root)
        if at >= 0:
            yield value[at:].split("?", 1)[0]
    elif isinstance(value, dict):
        for item in value.values():
            yield from _setting_paths(item, root)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _setting_paths(item, root)


def uncovered_file_stores() -> dict[str, str]:
    """Paths under ``VAR_DIR`` (named by a setting, or present on disk) that no
    ``FILE_STORES`` entry declares, with where each was found."""
    root = str(Path(settings.VAR_DIR))
    found: dict[str, str] = {}
    for name in dir(settings):
        if not name.isupper() or name in {"VAR_DIR", "BASE_DIR"}:
            continue
        for path in _setting_paths(getattr(settings, name, None), root):
            relative = os.path.relpath(path, root)
            if relative != "." and _store_for(relative) is None:
                found[relative] = f"setting {name}"
    if os.path.isdir(root):
        for entry in os.listdir(root):
            if _store_for(entry) is None:
                found.setdefault(entry, "on disk")
    return found


def file_matches(needles: Iterable[str]) -> list[str]:
    """Files of personal stores that mention a needle."""
    wanted = _normalise(needles)
    hits: list[str] = []
    for store in FILE_STORES:
        if not store.purge:
            continue
        root = Path(getattr(settings, store.setting)) if store.setting else None
        for path in _files(root):
            if _mentions(path.read_bytes(), wanted):
                hits.append(str(path))
    return hits


def files_purge(needles: Iterable[str]) -> int:
    needles = list(needles)
    return sum(store.purge(needles) for store in FILE_STORES if store.purge)


def external_purge(needles: Iterable[str]) -> dict[str, int]:
    needles = list(needles)
    return {
        "cache": cache_purge(needles),
        "vectors": vector_purge(needles),
        "files": files_purge(needles),
    }


def external_matches(needles: Iterable[str]) -> dict[str, int]:
    needles = list(needles)
    return {
        "cache": len(cache_matches(needles)),
        "vectors": len(vector_matches(needles)),
        "files": len(file_matches(needles)),
    }
