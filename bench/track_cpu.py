"""CPU cost of the tracking fast path in one process (issue 20): what a request costs, not
how long it waits, so a figure that the other load on a shared machine barely moves.

Drives ``ementech.asgi``'s HTTP application in-process (no uvicorn, no socket to the
client) with a real Redis: ``--requests`` single page views, then batches of 100, sent by
``--clients`` coroutines at a time (1 = each request waits for its own round trip; 4 lets
the hand-off's group commit share round trips). Prints the process CPU time
(``time.process_time``) per request and per event, and Redis's own CPU per request (from
``INFO cpu``: other users of the same Redis server add to it).

    .venv/bin/python bench/track_cpu.py [--requests 3000] [--clients 1,4] [--profile single]

Environment: ``DATABASE_URL`` (PostgreSQL: the hand-off needs it, nothing is written),
``REDIS_URL`` (default Redis db 9; the bench's stream is deleted at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/engage_perf")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.update(
    DJANGO_SETTINGS_MODULE="ementech.settings.base",
    DEBUG="false",
    SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    SECURE_SSL_REDIRECT="false",
    ALLOWED_HOSTS="127.0.0.1,localhost",
    LOG_LEVEL="WARNING",
    RATE_LIMIT_TRACK="100000000/m",
    CACHE_KEY_PREFIX="engage-cpu-bench",
)

SINGLE = {
    "session_id": "cpu-bench",
    "type": "page_view",
    "properties": {"url": "http://site.test/pricing", "path": "/pricing", "duration": 42},
}
BATCH = {
    "events": [
        {
            "session_id": "cpu-bench",
            "type": "page_view",
            "properties": {"url": f"http://site.test/p{i}", "path": f"/p{i}", "duration": 42},
        }
        for i in range(100)
    ]
}


def scope(body: bytes) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/track",
        "raw_path": b"/api/track",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cookie", b"em_consent=1.a1.m0"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def one(app, body: bytes, statuses: list) -> None:
    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope(body), receive, send)


async def run(app, body: bytes, requests: int, clients: int) -> list:
    statuses: list = []
    left = [requests]

    async def client():
        while left[0] > 0:
            left[0] -= 1
            await one(app, body, statuses)

    await asyncio.gather(*(client() for _ in range(clients)))
    return statuses


def redis_cpu(redis) -> float:
    info = redis.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="single-event requests")
    parser.add_argument("--clients", default="1,4")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each shape (median)")
    parser.add_argument("--profile", choices=["single", "batch"], help="cProfile one shape")
    args = parser.parse_args()

    import django

    django.setup(set_prefix=False)
    from analytics import handoff
    from ementech.asgi import django_asgi_app as app

    redis = handoff.client()
    redis.set(handoff.kick_key(), "1", ex=3600)  # no drain is scheduled by the bench
    shapes = [("single", json.dumps(SINGLE).encode(), args.requests, 1)]
    shapes.append(("batch", json.dumps(BATCH).encode(), max(args.requests // 5, 100), 100))
    loop = asyncio.new_event_loop()
    try:
        for name, body, n, events in shapes:
            statuses = loop.run_until_complete(run(app, body, 200, 4))  # warm
            assert set(statuses) == {202}, statuses[:5]
            for clients in [int(c) for c in args.clients.split(",")]:
                cpus, redis_cpus, walls = [], [], []
                for _round in range(args.rounds):
                    profile = cProfile.Profile(time.process_time) if args.profile == name else None
                    redis0, cpu0, wall0 = redis_cpu(redis), time.process_time(), time.perf_counter()
                    if profile:
                        profile.enable()
                    statuses = loop.run_until_complete(run(app, body, n, clients))
                    if profile:
                        profile.disable()
                    cpus.append((time.process_time() - cpu0) / n)
                    walls.append((time.perf_counter() - wall0) / n)
                    redis_cpus.append((redis_cpu(redis) - redis0) / n)
                    assert statuses == [202] * n, set(statuses)
                    if profile:
                        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
                        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
                cpu = statistics.median(cpus)
                print(
                    f"{name:6s} clients={clients}: {cpu * 1e6:6.0f} us CPU/request "
                    f"({cpu / events * 1e6:5.1f} us/event; rounds "
                    f"{', '.join(f'{c * 1e6:.0f}' for c in cpus)}), redis "
                    f"{statistics.median(redis_cpus) * 1e6:4.0f} us/request, wall "
                    f"{statistics.median(walls) * 1e6:6.0f} us/request, n={n}"
                )
    finally:
        redis.delete(handoff.stream_key(), handoff.kick_key())
        loop.close()
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
