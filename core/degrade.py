"""Redis is not the system of record: the cache and channel layer keep working without it.

``ResilientRedisCache`` — Django's Redis cache that, when Redis is unreachable, serves
every call from a per-process local-memory cache instead: reads of shared entries miss,
and counters (``add``/``incr``) keep counting in this process (``core.ratelimit`` keeps
its own per-process fallback on the same breaker). ``ResilientRedisChannelLayer`` — real-time
pushes (``group_send``/``send``) are dropped with a log line, joins and leaves are
skipped, and a socket's receive loop waits for Redis instead of crashing the socket.

Both log the outage once when it starts and once when Redis is back, and stop trying
Redis for ``REDIS_RETRY_SECONDS`` after a failure (a circuit breaker), so an outage costs
one failed connection per process every few seconds, not one per call.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

DOWN_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class _Breaker:
    """Process-wide view of one Redis: is it (believed) down, and when to try again."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def skip(self) -> bool:
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, exc: BaseException) -> None:
        with self.lock:
            now = time.monotonic()
            if self.down_since is None:
                self.down_since = now
                logger.error("redis unreachable (%s): %s; degrading", self.name, exc)
            self.retry_at = now + getattr(settings, "REDIS_RETRY_SECONDS", 5.0)

    def ok(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is not None:
                logger.warning("redis back (%s) after %.1fs", self.name,
                               time.monotonic() - self.down_since)  # fmt: skip
                self.down_since = None


_cache_breaker = _Breaker("cache")
_layer_breaker = _Breaker("channel layer")
_fallbacks: dict[str, LocMemCache] = {}
_fallback_lock = threading.Lock()


def cache_breaker() -> _Breaker:
    """The process-wide breaker of the cache's Redis (shared with ``core.ratelimit``)."""
    return _cache_breaker


def redis_is_down() -> bool:
    return _cache_breaker.down_since is not None or _layer_breaker.down_since is not None


class ResilientRedisCache(RedisCache):
    def _fallback(self) -> LocMemCache:
        name = f"degraded-{self.key_prefix}"
        with _fallback_lock:
            cache = _fallbacks.get(name)
            if cache is None:
                cache = LocMemCache(name, {"OPTIONS": {"MAX_ENTRIES": 10000}})
                _fallbacks[name] = cache
            return cache

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if not _cache_breaker.skip():
            try:
                value = getattr(super(), method)(*args, **kwargs)
            except DOWN_ERRORS as exc:
                _cache_breaker.failed(exc)
            else:
                _cache_breaker.ok()
                return value
        return getattr(self._fallback(), method)(*args, **kwargs)

    def _wrap(method: str) -> Callable[..., Any]:  # noqa: N805 - class-body helper
        def call(self, *args: Any, **kwargs: Any) -> Any:
            return self._call(method, *args, **kwargs)

        call.__name__ = method
        return call

    for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr",
                  "set_many", "delete_many", "clear"):  # fmt: skip
        locals()[_name] = _wrap(_name)
    del _name, _wrap

    # Redis itself, never the fallback: the health check and erasure's scans must see it.
    def ping(self) -> None:
        """Raise when Redis is unreachable."""
        self._cache.get_client(write=True).ping()

    def raw_items(self) -> Iterator[tuple[bytes, Any]]:
        """(stored key, stored value) of every entry under this cache's key prefix."""
        client = self._cache.get_client(write=False)
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        for key in client.scan_iter(match=pattern, count=500):
            value = client.get(key)
            if value is not None:
                yield key, value

    def raw_delete(self, keys: list[bytes]) -> None:
        """Delete entries by the stored keys ``raw_items`` gave."""
        if keys:
            self._cache.get_client(write=True).delete(*keys)


class ResilientRedisChannelLayer(RedisChannelLayer):
    async def _guard(self, what: str, coro_fn: Callable[[], Any]) -> Any:
        if _layer_breaker.skip():
            logger.warning("realtime: %s dropped (redis down)", what)
            return None
        try:
            value = await coro_fn()
        except DOWN_ERRORS as exc:
            _layer_breaker.failed(exc)
            logger.warning("realtime: %s dropped (redis down)", what)
            return None
        _layer_breaker.ok()
        return value

    async def send(self, channel: str, message: dict) -> None:
        await self._guard(
            f"send to {channel}",
            lambda: super(ResilientRedisChannelLayer, self).send(channel, message),
        )

    async def group_send(self, group: str, message: dict) -> None:
        await self._guard(
            f"push to {group}",
            lambda: super(ResilientRedisChannelLayer, self).group_send(group, message),
        )

    async def group_add(self, group: str, channel: str) -> None:
        await self._guard(
            f"join {group}",
            lambda: super(ResilientRedisChannelLayer, self).group_add(group, channel),
        )

    async def group_discard(self, group: str, channel: str) -> None:
        await self._guard(
            f"leave {group}",
            lambda: super(ResilientRedisChannelLayer, self).group_discard(group, channel),
        )

    async def receive(self, channel: str) -> dict:
        """Wait for Redis rather than failing the socket that is listening."""
        while True:
            if _layer_breaker.skip():
                await asyncio.sleep(1.0)
                continue
            try:
                message = await super().receive(channel)
            except DOWN_ERRORS as exc:
                _layer_breaker.failed(exc)
                await asyncio.sleep(1.0)
                continue
            _layer_breaker.ok()
            return message

    async def ping(self) -> None:
        """Raise when Redis is unreachable (the health check; never degraded)."""
        connection = self.connection(0)
        await connection.ping()
