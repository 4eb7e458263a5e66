"""``core.resp.Link``, the tracking hand-off's Redis connection: replies matched in order
under pipelining, error replies for their own command only, and Redis down or silent as
redis-py's exceptions (what ``core.degrade.DOWN_ERRORS`` catches)."""

from __future__ import annotations

import asyncio
import socket
import uuid

import pytest
from django.conf import settings
from redis.exceptions import ResponseError

from core import degrade
from core.resp import Link, _Incomplete, _parse, pack


def test_pack_and_parse_round_trip():
    assert pack("SET", "k", 5, b"v") == b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n5\r\n$1\r\nv\r\n"
    buf = bytearray(b":-2\r\n+OK\r\n$3\r\nabc\r\n$-1\r\n*2\r\n:1\r\n:7\r\n-ERR no\r\n")
    values, pos = [], 0
    while pos < len(buf):
        value, pos = _parse(buf, pos)
        values.append(value)
    assert values[:5] == [-2, b"OK", b"abc", None, [1, 7]]
    assert isinstance(values[5], ResponseError)
    with pytest.raises(_Incomplete):
        _parse(bytearray(b"$5\r\nab"), 0)


def _needs_redis():
    if not settings.REDIS_URL.startswith("redis://"):
        pytest.skip("needs a networked Redis (REDIS_URL)")


async def test_pipelined_commands_get_their_own_replies():
    _needs_redis()
    link = Link(settings.REDIS_URL)
    key = f"resp-test:{uuid.uuid4().hex}"
    try:
        replies = await asyncio.gather(
            *(link.call(pack("INCRBY", key, n)) for n in range(1, 51)),
            link.call(pack("GET", key, "extra")),  # wrong arity: an error for this one only
            link.call(pack("EXPIRE", key, 60)),
        )
    except ResponseError:
        replies = None
    assert replies is None  # gather raises the first error; the others completed
    counts = await asyncio.gather(*(link.call(pack("INCRBY", key, 0)) for _ in range(3)))
    assert counts == [sum(range(1, 51))] * 3
    await link.call(pack("DEL", key))


async def test_refused_and_silent_redis_are_down_errors():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    refused = Link(f"redis://127.0.0.1:{port}/0", connect_timeout=0.5)
    with pytest.raises(degrade.DOWN_ERRORS):
        await refused.call(pack("PING"))

    async def silent(reader, writer):
        await reader.read(1024)  # never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        link = Link(f"redis://127.0.0.1:{port}/0", timeout=0.3)
        with pytest.raises(degrade.DOWN_ERRORS):
            await link.call(pack("PING"))
        assert link.transport is None and not link.waiting  # dropped, ready to reconnect
    finally:
        server.close()
