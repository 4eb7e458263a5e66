"""The ingestion hand-off: an accepted ``/api/track`` request becomes one Redis stream entry.

One command (a Lua script, ``EVALSHA`` on the event loop's own pipelined connection,
``core.resp``) counts the request against the ``track`` rate limit, claims the client's
batch id, appends the entry and says whether a drain must be scheduled; the worker
(``analytics.ingest.track_buffer_drain``) copies the stream into PostgreSQL, touches the
visitors and schedules lead processing, exactly once per entry (a checkpoint row committed
with the rows it covers).

A drain is scheduled by the first request after the previous drain started (a flag the
drain clears when it starts; it also expires after ``TRACK_BUFFER_KICK_SECONDS`` in case
a publish was lost) and runs ``TRACK_BUFFER_DRAIN_DELAY_SECONDS`` later, so each drain
copies what a busy site sent meanwhile in a few statements, and a busy site publishes one
Celery message per drain, not per request. The beat schedule drains too.

While Redis is down the caller writes the events itself (``analytics.services.track_ingest``)
so nothing accepted is lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import msgspec
import redis
from django.conf import settings

from core import degrade, ratelimit, resp
from core.net import client_ip
from core.redis_pool import SharedConnectionPool

logger = logging.getLogger(__name__)

LIMITED = -2  # over the rate limit: nothing appended
DUPLICATE = -1  # the batch id was already accepted: a client's retry
QUEUED = 0  # appended; a drain is already due
SCHEDULE = 1  # appended; this request schedules the drain

# KEYS: stream, kick flag, batch claim ("" for none), rate-limit counter (absent or "" for
# none). ARGV: entry, kick ttl, claim ttl, then with a counter: the limit, the cost and the
# counter's ttl. Without a counter the result is the outcome; with one it is
# {outcome, count}: the request is counted (INCRBY, EXPIRE, as core.ratelimit counts) and
# appended only while the count is within the limit.
_PUSH = """
local n = -1
if KEYS[4] and KEYS[4] ~= '' then
  n = redis.call('INCRBY', KEYS[4], ARGV[5])
  redis.call('EXPIRE', KEYS[4], ARGV[6])
  if n > tonumber(ARGV[4]) then return {-2, n} end
end
local r = 0
if KEYS[3] ~= '' and not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[3]) then
  r = -1
else
  redis.call('XADD', KEYS[1], '*', 'd', ARGV[1])
  if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then r = 1 end
end
if n >= 0 then return {r, n} end
return r
"""
_PUSH_SHA = hashlib.sha1(_PUSH.encode()).hexdigest()  # noqa: S324 - Redis names scripts so


def _prefix() -> str:
    return settings.CACHES["default"].get("KEY_PREFIX", "") or "engage"


def stream_key() -> str:
    return f"{_prefix()}:track:buffer"


def kick_key() -> str:
    return f"{_prefix()}:track:kick"


def claim_key(batch_id: str) -> str:
    return f"{_prefix()}:track:batch:{batch_id}"


def enabled() -> bool:
    """Hand off to the buffer? (PostgreSQL only: the drain copies; Redis not known down.)"""
    return (
        bool(settings.TRACK_BUFFER)
        and "postgresql" in settings.DATABASES["default"]["ENGINE"]
        and not degrade.cache_breaker().skip()
    )


@dataclass(frozen=True)
class Entry:
    """What the worker needs to store one accepted request."""

    visitor_id: str
    events: list[dict]  # validated (analytics.validation)
    user_agent: str
    ip_truncated: str
    touch: dict[str, str]
    batch_id: str | None
    received_at: dt.datetime

    def encode(self) -> bytes:
        iso: dict[int, str] = {}  # a batch's events mostly share one time (the request's)

        def when(value: dt.datetime) -> str:
            found = iso.get(id(value))
            if found is None:
                found = iso[id(value)] = value.isoformat()
            return found

        return _encode(
            {
                "v": self.visitor_id,
                "ua": self.user_agent,
                "ip": self.ip_truncated,
                "t": self.touch,
                "b": self.batch_id,
                "at": self.received_at.isoformat(),
                "e": [
                    [
                        e["type"],
                        e["category"],
                        e["session_id"],
                        e["properties"],
                        when(e["occurred_at"]),
                    ]
                    for e in self.events
                ],
            }
        )


_encode = msgspec.json.Encoder().encode  # compact, UTF-8; what json.loads reads back


def decode(raw: bytes) -> dict[str, Any]:
    return json.loads(raw)


def _args(entry: Entry) -> tuple[list[str], list[Any]]:
    claim = claim_key(entry.batch_id) if entry.batch_id else ""
    ttl = int(settings.TRACK_BATCH_TTL_DAYS) * 86400
    kick = max(1, int(settings.TRACK_BUFFER_KICK_SECONDS))
    return [stream_key(), kick_key(), claim], [entry.encode(), kick, ttl]


_clients: dict[str, redis.Redis] = {}


def client() -> redis.Redis:
    """The process's client of ``REDIS_URL`` (one shared pool; built once)."""
    found = _clients.get(settings.REDIS_URL)
    if found is None:
        pool = SharedConnectionPool.from_url(
            settings.REDIS_URL, socket_connect_timeout=1.0, socket_timeout=2.0
        )
        found = _clients[settings.REDIS_URL] = redis.Redis(connection_pool=pool)
    return found


_scripts: dict[Any, Any] = {}


def push(entry: Entry) -> int:
    """Append ``entry`` (sync); DUPLICATE, QUEUED or SCHEDULE. Raises ``degrade.DOWN_ERRORS``."""
    client_ = client()
    script = _scripts.get("sync")
    if script is None:
        script = _scripts["sync"] = client_.register_script(_PUSH)
    keys, args = _args(entry)
    try:
        result = int(script(keys=keys, args=args, client=client_))
    except degrade.DOWN_ERRORS as exc:
        degrade.cache_breaker().failed(exc)
        raise
    degrade.cache_breaker().ok()
    return result


_links: dict[tuple[int, str], resp.Link] = {}


def _link() -> resp.Link:
    """The event loop's pipelined connection (``core.resp``): the script is loaded on
    every new connection, so a call is one ``EVALSHA``."""
    key = (id(asyncio.get_running_loop()), settings.REDIS_URL)
    link = _links.get(key)
    if link is None:
        link = _links[key] = resp.Link(
            settings.REDIS_URL,
            timeout=2.0,
            connect_timeout=1.0,
            setup=(resp.pack("SCRIPT", "LOAD", _PUSH),),
        )
    return link


async def alimited_push(request: Any, entry: Entry) -> tuple[ratelimit.Decision, int | None]:
    """The ``track`` rate limit and the hand-off in one command (one script call): the
    script counts the request and appends it only while it is within the limit. Requests
    in flight share the event loop's connection (pipelined), not a round trip each.
    Returns the decision and LIMITED, DUPLICATE, QUEUED or SCHEDULE, or None when Redis is
    down (counted in this process; the caller writes the events itself)."""
    count = ratelimit.pending_count("track", client_ip(request) or "unknown")
    breaker = degrade.cache_breaker()
    if breaker.skip():
        return count.decide_locally(), None
    keys, args = _args(entry)
    tail = (*keys, count.key, *args, count.limit.count, count.cost, count.limit.period + 1)
    try:
        try:
            outcome, counted = await _link().call(resp.pack("EVALSHA", _PUSH_SHA, 4, *tail))
        except redis.exceptions.ResponseError as exc:
            if not str(exc).startswith("NOSCRIPT"):
                raise
            outcome, counted = await _link().call(resp.pack("EVAL", _PUSH, 4, *tail))
    except degrade.DOWN_ERRORS as exc:
        breaker.failed(exc)
        return count.decide_locally(), None
    breaker.ok()
    return count.decide(counted), int(outcome)


def schedule_drain() -> None:
    """Publish one drain task (never raises: the beat schedule drains a lost one)."""
    from analytics.tasks import drain_track_buffer

    try:
        drain_track_buffer.apply_async(countdown=settings.TRACK_BUFFER_DRAIN_DELAY_SECONDS)
    except Exception:  # noqa: BLE001 - broker down: the beat schedule drains later
        logger.warning("track buffer: drain not scheduled (broker down?)", exc_info=True)
