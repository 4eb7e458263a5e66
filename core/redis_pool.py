"""One Redis connection pool per process for Django's cache (used by rate limits).

Under ASGI every request runs in its own context, and Django's cache handler builds a
fresh ``RedisCache`` (and so a fresh connection pool and TCP connection) per request. The
ingestion path hits the cache on every request for its rate limit, so the cache's
``pool_class`` returns a process-wide pool per URL instead.
"""

from __future__ import annotations

import threading
from typing import Any

import redis


class SharedConnectionPool(redis.ConnectionPool):
    _shared: dict[tuple, redis.ConnectionPool] = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> redis.ConnectionPool:
        key = (url, tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        with cls._lock:
            pool = cls._shared.get(key)
            if pool is None:
                pool = redis.ConnectionPool.from_url(url, **kwargs)
                cls._shared[key] = pool
            return pool
