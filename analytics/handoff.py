"""The ingestion hand-off: an accepted ``/api/track`` request becomes one Redis stream entry.

One round trip (a Lua script) claims the client's batch id, appends the entry and says
whether a drain must be scheduled; the worker (``analytics.ingest.track_buffer_drain``)
copies the stream into PostgreSQL, touches the visitors and schedules lead processing,
exactly once per entry (a checkpoint row committed with the rows it covers).

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
import json
import logging
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

from core import degrade, ratelimit
from core.net import client_ip
from core.redis_pool import SharedConnectionPool

logger = logging.getLogger(__name__)

LIMITED = -2  # over the rate limit: nothing appended
DUPLICATE = -1  # the batch id was already accepted: a client's retry
QUEUED = 0  # appended; a drain is already due
SCHEDULE = 1  # appended; this request schedules the drain

# KEYS: stream, kick flag, batch claim ("" for none), rate-limit counter ("" for none).
# ARGV: entry, kick ttl, claim ttl, the limit (when a counter is given).
_PUSH = """
if KEYS[4] and KEYS[4] ~= '' then
  if tonumber(redis.call('GET', KEYS[4]) or '0') > tonumber(ARGV[4]) then return -2 end
end
if KEYS[3] ~= '' then
  if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[3]) then return -1 end
end
redis.call('XADD', KEYS[1], '*', 'd', ARGV[1])
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return 1 end
return 0
"""


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

        return json.dumps(
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
            },
            separators=(",", ":"),
        ).encode()


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


_aclients: dict[int, aioredis.Redis] = {}


class _GroupCommit:
    """The requests of one event loop share Redis round trips: whatever arrived while a
    pipeline was in flight goes out in the next one (group commit), each request's rate
    count then its hand-off script, so under load one round trip serves many requests."""

    def __init__(self) -> None:
        self.pending: list[tuple[ratelimit.PendingCount, list, list, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def submit(
        self, count: ratelimit.PendingCount, keys: list, args: list
    ) -> tuple[ratelimit.Decision, int | None]:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((count, keys, args, future))
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                await self._send(batch)
        finally:
            self.task = None

    async def _send(self, batch: list) -> None:
        breaker = degrade.cache_breaker()
        results = None
        if not breaker.skip():
            try:
                pipe = _aclient().pipeline(transaction=False)
                for count, keys, args, _future in batch:
                    count.add_to(pipe)
                    pipe.eval(_PUSH, 4, *keys, count.key, *args, count.limit.count)
                results = await pipe.execute()
            except degrade.DOWN_ERRORS as exc:
                breaker.failed(exc)
            except Exception as exc:  # noqa: BLE001 - handed to every waiting request
                for *_rest, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                return
            else:
                breaker.ok()
        for index, (count, _keys, _args, future) in enumerate(batch):
            if future.done():
                continue  # the client went away
            if results is None:  # Redis down: counted here, written by the request
                future.set_result((count.decide_locally(), None))
            else:
                done = results[3 * index : 3 * index + 3]
                future.set_result((count.decide(done[0]), int(done[2])))


_group_commits: dict[int, _GroupCommit] = {}


async def alimited_push(request: Any, entry: Entry) -> tuple[ratelimit.Decision, int | None]:
    """The ``track`` rate limit and the hand-off in one round trip, shared with the other
    requests in flight: the script appends only while the request is within the limit.
    Returns the decision and LIMITED, DUPLICATE, QUEUED or SCHEDULE, or None when Redis is
    down (the caller writes the events itself)."""
    loop_id = id(asyncio.get_running_loop())
    group = _group_commits.get(loop_id)
    if group is None:
        group = _group_commits[loop_id] = _GroupCommit()
    keys, args = _args(entry)
    count = ratelimit.pending_count("track", client_ip(request) or "unknown")
    return await group.submit(count, keys, args)


def _aclient() -> aioredis.Redis:
    loop_id = id(asyncio.get_running_loop())
    aclient = _aclients.get(loop_id)
    if aclient is None:
        aclient = aioredis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1.0, socket_timeout=2.0
        )
        _aclients[loop_id] = aclient
    return aclient


def schedule_drain() -> None:
    """Publish one drain task (never raises: the beat schedule drains a lost one)."""
    from analytics.tasks import drain_track_buffer

    try:
        drain_track_buffer.apply_async(countdown=settings.TRACK_BUFFER_DRAIN_DELAY_SECONDS)
    except Exception:  # noqa: BLE001 - broker down: the beat schedule drains later
        logger.warning("track buffer: drain not scheduled (broker down?)", exc_info=True)
