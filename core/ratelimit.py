"""The one rate limiter: fixed windows in Redis, every rate in ``settings.RATE_LIMITS``.

``rate_limit(request, scope)`` is for views: ``None`` when the request may go on, else the
contract's 429 response with ``Retry-After``. ``check(scope, key)`` is for consumers,
tasks and services that count something other than an HTTP request (chat messages, new
conversations, LLM spend, emails per recipient): it returns a ``Decision`` and never
raises.

One Redis round trip per check (``INCR`` and ``EXPIRE`` pipelined) on a key that names the
window, so a frozen clock in a test moves windows as a real one would. When Redis is
unreachable, counting continues in this process (a per-process limiter, logged once by
the shared circuit breaker in ``core.degrade``), so an outage never turns into 500s and
never lifts every limit.

Rates are written ``"<count>/<period>"`` where period is ``s``, ``m``, ``h`` or ``d``,
optionally with a multiplier (``"10/30s"``). Each default can be overridden by an
environment variable ``RATE_LIMIT_<SCOPE>`` (scope upper-cased, ``-`` and ``.`` as ``_``).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core import degrade
from core.errors import too_many_requests
from core.net import client_ip
from core.redis_pool import SharedConnectionPool

_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    period: int  # seconds


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends (0 when allowed)


@lru_cache(maxsize=256)
def parse_rate(rate: str) -> Rate:
    """``"30/m"`` → ``Rate(30, 60)``; ``"10/30s"`` → ``Rate(10, 30)``. ValueError if malformed."""
    match = _RATE_RE.match(rate)
    if match is None:
        raise ValueError(f"malformed rate {rate!r}: expected '<count>/<period>' like '30/m'")
    count, multiplier, unit = match.groups()
    return Rate(int(count), int(multiplier or 1) * _PERIOD_SECONDS[unit])


def rate_for(scope: str) -> Rate:
    """The configured rate of ``scope``; a KeyError names the scope missing from RATE_LIMITS."""
    try:
        return parse_rate(settings.RATE_LIMITS[scope])
    except KeyError:
        raise KeyError(f"no rate configured for scope {scope!r} in settings.RATE_LIMITS") from None


class _LocalCounter:
    """Per-process fallback used while Redis is unreachable."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def incr(self, key: str, cost: int, expires_at: float) -> int:
        now = time.time()
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, _ = self._counts.get(key, (0, expires_at))
            count += cost
            self._counts[key] = (count, expires_at)
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_local = _LocalCounter()


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    pool = SharedConnectionPool.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0)
    return redis.Redis(connection_pool=pool)


def _key_prefix() -> str:
    return settings.CACHES["default"].get("KEY_PREFIX", "") or "engage"


def _count(key: str, cost: int, period: int, window_end: float) -> int:
    breaker = degrade.cache_breaker()
    if not breaker.skip():
        try:
            pipe = _client(settings.REDIS_URL).pipeline(transaction=False)
            pipe.incrby(key, cost)
            pipe.expire(key, period + 1)
            count, _ = pipe.execute()
        except degrade.DOWN_ERRORS as exc:
            breaker.failed(exc)
        else:
            breaker.ok()
            return int(count)
    return _local.incr(key, cost, window_end)


_async_clients: dict[tuple[int, str], aioredis.Redis] = {}


def _async_client(url: str) -> aioredis.Redis:
    """One asyncio client per event loop (its connections belong to the loop)."""
    key = (id(asyncio.get_running_loop()), url)
    client = _async_clients.get(key)
    if client is None:
        client = aioredis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0)
        _async_clients[key] = client
    return client


async def _acount(key: str, cost: int, period: int, window_end: float) -> int:
    breaker = degrade.cache_breaker()
    if not breaker.skip():
        try:
            pipe = _async_client(settings.REDIS_URL).pipeline(transaction=False)
            pipe.incrby(key, cost)
            pipe.expire(key, period + 1)
            count, _ = await pipe.execute()
        except degrade.DOWN_ERRORS as exc:
            breaker.failed(exc)
        else:
            breaker.ok()
            return int(count)
    return _local.incr(key, cost, window_end)


def _window(scope: str, key: str, rate: str | None) -> tuple[Rate, float, float, str]:
    limit = parse_rate(rate) if rate else rate_for(scope)
    now = time.time()
    window = int(now // limit.period)
    window_end = (window + 1) * limit.period
    return limit, now, window_end, f"{_key_prefix()}:rl:{scope}:{key}:{window}"


def _decide(limit: Rate, count: int, now: float, window_end: float) -> Decision:
    if count <= limit.count:
        return Decision(True, count, limit.count, 0)
    return Decision(False, count, limit.count, max(1, int(window_end - now + 0.999)))


def check(scope: str, key: str, *, cost: int = 1, rate: str | None = None) -> Decision:
    """Count ``cost`` against ``key`` in ``scope``'s current window and say if it is allowed."""
    limit, now, window_end, redis_key = _window(scope, key, rate)
    return _decide(limit, _count(redis_key, cost, limit.period, window_end), now, window_end)


async def acheck(scope: str, key: str, *, cost: int = 1, rate: str | None = None) -> Decision:
    """``check`` for async code (the same keys, breaker and fallback; one round trip)."""
    limit, now, window_end, redis_key = _window(scope, key, rate)
    count = await _acount(redis_key, cost, limit.period, window_end)
    return _decide(limit, count, now, window_end)


def rate_limit(request: HttpRequest, scope: str, *, key: str | None = None) -> HttpResponse | None:
    """For views: ``None`` if the request may go on, else the 429 with ``Retry-After``.

    The key defaults to the client address after trusted proxies (``core.net.client_ip``),
    so a forged ``X-Forwarded-For`` never gives a client a fresh bucket.
    """
    decision = check(scope, key or client_ip(request) or "unknown")
    if decision.allowed:
        return None
    return too_many_requests(decision.retry_after)


@dataclass(frozen=True)
class PendingCount:
    """One count to send in a pipeline shared with other commands (even other requests'):
    ``add_to(pipe)`` queues INCRBY and EXPIRE, ``decide(result_of_incrby)`` judges it;
    ``decide_locally()`` counts in this process when Redis is down."""

    limit: Rate
    now: float
    window_end: float
    key: str
    cost: int

    def add_to(self, pipe: Any) -> None:
        pipe.incrby(self.key, self.cost)
        pipe.expire(self.key, self.limit.period + 1)

    def decide(self, count: int) -> Decision:
        return _decide(self.limit, int(count), self.now, self.window_end)

    def decide_locally(self) -> Decision:
        return self.decide(_local.incr(self.key, self.cost, self.window_end))


def pending_count(scope: str, key: str, *, cost: int = 1) -> PendingCount:
    """A count of ``key`` in ``scope``'s current window, to pipeline with other commands."""
    limit, now, window_end, redis_key = _window(scope, key, None)
    return PendingCount(limit, now, window_end, redis_key, cost)


async def arate_limit(
    request: HttpRequest, scope: str, *, key: str | None = None
) -> HttpResponse | None:
    """``rate_limit`` for async views and middleware."""
    decision = await acheck(scope, key or client_ip(request) or "unknown")
    if decision.allowed:
        return None
    return too_many_requests(decision.retry_after)


def reset_local() -> None:
    """Forget the per-process fallback counts (tests)."""
    _local.clear()


__all__ = [
    "Decision",
    "Rate",
    "acheck",
    "PendingCount",
    "pending_count",
    "arate_limit",
    "check",
    "parse_rate",
    "rate_for",
    "rate_limit",
    "reset_local",
]
