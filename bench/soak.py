"""Soak: a mixed load for several minutes on real service-mode processes, with one broker
restart and one worker ``kill -9`` in the middle (issue 15, acceptance 6).

Processes are the ones production runs: ``manage.py web`` (uvicorn, as ``make web``),
a Celery worker (prefork) and beat, against PostgreSQL and two private ``redis-server``s
(cache + channel layer on one, the broker on the other, so the broker can be restarted
alone). The load is open-loop at a fixed rate: tracked batches (with client batch ids,
some retried), lead captures, chat turns and searches.

Printed at the end: requests and errors per kind, p50/p95/p99, events sent versus
stored, follow-ups expected versus done (welcome emails, rescoring, interactions
processed), and anything done twice. Target: 0 lost, 0 doubled, 0 5xx.

    .venv/bin/python bench/soak.py [--minutes 10] [--rate 8]

``DATABASE_URL`` must name a PostgreSQL database the bench may fill (default
``postgres://postgres@127.0.0.1:5432/ementech_soak``, created if missing).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults.harness import RedisServer, Stack, wait_for  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ementech_soak"
CONSENT = "em_consent=1.a1.m0"
SEARCHES = ["chatbot pilot cost", "data analytics", "case study agriculture", "pricing", "AI"]
CHATS = ["What does a chatbot pilot cost?", "Do you have a case study in retail?", "Hello"]
TIMEOUT = 599  # the client gave up (30 s) or the connection was reset: not an answer
MIX = [("track", 50), ("capture", 15), ("chat", 10), ("search", 25)]


class Load:
    """Open-loop load: one request started every 1/rate s, whatever the answers take."""

    def __init__(self, stack: Stack, prefix: str, rate: float) -> None:
        self.stack, self.prefix, self.rate = stack, prefix, rate
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter] = defaultdict(Counter)
        self.events_sent = 0  # distinct events in accepted batches (a retry is the same batch)
        self.batches: dict[str, int] = {}
        self.captured: list[str] = []
        self.visitors: list[str] = []
        self.lock = threading.Lock()
        self.rng = random.Random(20261203)  # noqa: S311 - a load mix, not a secret

    def _one(self, kind: str, n: int) -> None:
        call = getattr(self, f"_{kind}")(n)
        method, path, body, headers = call
        start = time.perf_counter()
        try:
            status, resp_headers, _ = self.stack.request(method, path, body, headers, timeout=30)
        except Exception:  # noqa: BLE001 - a timeout or reset is counted, not fatal
            status, resp_headers = TIMEOUT, {}
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latency[kind].append(elapsed)
            self.status[kind][status] += 1
            if kind == "capture" and 200 <= status < 300:
                self.captured.append(body["email"])
                found = re.search(r"em_vid=([^;,]+)", resp_headers.get("set-cookie", ""))
                if found:
                    self.visitors.append(found[1])
            if kind == "track" and 200 <= status < 300:
                self.batches[body["batch_id"]] = len(body["events"])

    def _track(self, n: int):
        with self.lock:
            retry = self.batches and self.rng.random() < 0.1
            batch_id = self.rng.choice(list(self.batches)) if retry else f"{self.prefix}-b{n}"
            visitor = self.rng.choice(self.visitors) if self.visitors else None
        size = 5
        events = [
            {"type": "page_view", "properties": {"path": f"/soak/{n}/{i}"},
             "session_id": self.prefix}
            for i in range(size)
        ]  # fmt: skip
        cookie = CONSENT + (f"; em_vid={visitor}" if visitor else "")
        return "POST", "/api/track", {"events": events, "batch_id": batch_id}, {"Cookie": cookie}

    def _capture(self, n: int):
        body = {
            "email": f"{self.prefix}-{n}@example.org",
            "name": f"Soak Person {n}",
            "company": "Soak Ltd",
            "consent": {"data_processing": True, "marketing": True},
        }
        return "POST", "/api/leads", body, {"Cookie": CONSENT}

    def _chat(self, n: int):
        return "POST", "/api/chat/qualify", {"message": CHATS[n % len(CHATS)]}, {"Cookie": CONSENT}

    def _search(self, n: int):
        q = SEARCHES[n % len(SEARCHES)].replace(" ", "+")
        return "GET", f"/api/search?q={q}", None, {}

    def run(self, seconds: float, milestones: list[tuple[float, callable]]) -> None:
        kinds = [k for k, w in MIX for _ in range(w)]
        deadline = time.monotonic() + seconds
        start = time.monotonic()
        pending = sorted(milestones, key=lambda m: m[0])
        n = 0
        with ThreadPoolExecutor(max_workers=32) as pool:
            while time.monotonic() < deadline:
                elapsed = time.monotonic() - start
                while pending and elapsed >= pending[0][0] * seconds:
                    _, action = pending.pop(0)
                    threading.Thread(target=action, daemon=True).start()
                pool.submit(self._one, self.rng.choice(kinds), n)
                n += 1
                done = n / self.rate
                time.sleep(max(0.0, start + done - time.monotonic()))
                if n % max(1, int(self.rate * 30)) == 0:
                    total = sum(sum(c.values()) for c in self.status.values())
                    print(f"  {elapsed:6.0f}s  sent {n}  answered {total}", flush=True)


def _state(prefix: str, captured: list[str]) -> dict:
    from django.db.models import Count

    from analytics.models import Interaction
    from core.outbox import outbox_stats
    from leads.models import Lead
    from mail.models import OutboundEmail

    interactions = Interaction.objects.filter(session_id=prefix)
    welcome = OutboundEmail.objects.filter(to_email__in=captured, template="welcome")
    leads = Lead.objects.filter(email__in=captured)
    return {
        "stored": interactions.count(),
        "processed": interactions.filter(processed_at__isnull=False).count(),
        "leads": leads.count(),
        "scored": leads.filter(scored_at__isnull=False).count(),
        "welcome_sent": welcome.filter(status="sent").values("to_email").distinct().count(),
        "welcome_doubled": welcome.values("to_email").annotate(n=Count("id")).filter(n__gt=1)
        .count(),
        "outbox": outbox_stats(),
    }  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=8.0, help="requests per second")
    parser.add_argument("--drain-minutes", type=float, default=8.0)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    name = database_url.rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                   capture_output=True, check=False)  # fmt: skip
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "ementech.settings.base",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "soak-bench-" + "x" * 60,
        }
    )
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    cache_redis, broker = RedisServer(work, "redis"), RedisServer(work, "broker")
    cache_redis.start()
    broker.start()
    os.environ["REDIS_URL"] = cache_redis.url(0)
    import django

    django.setup()
    stack = Stack(
        work / "stack",
        database_url=database_url,
        redis_url=cache_redis.url(0),
        broker_url=broker.url(0),
        extra_env={
            "RATE_LIMIT_TRACK": "1000000/m", "RATE_LIMIT_LEAD_CAPTURE": "1000000/m",
            "RATE_LIMIT_CHAT_HTTP": "1000000/m", "RATE_LIMIT_SEARCH": "1000000/m",
            "SCORING_DEBOUNCE_SECONDS": "2", "OUTBOX_LEASE_SECONDS": "60",
            "REDIS_RETRY_SECONDS": "2", "LOG_LEVEL": "WARNING",
        },
    )  # fmt: skip
    print(f"migrating {name} …", flush=True)
    migrated = stack.manage("migrate", "--no-input", "-v", "0", timeout=600)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    prefix = f"soak{uuid.uuid4().hex[:6]}"
    load = Load(stack, prefix, args.rate)
    seconds = args.minutes * 60

    def broker_restart() -> None:
        print("  ** broker down (30 s)", flush=True)
        broker.stop()
        time.sleep(30)
        broker.start()
        print("  ** broker back", flush=True)

    def worker_kill() -> None:
        print("  ** worker kill -9", flush=True)
        stack.kill("worker")
        time.sleep(5)
        stack.start_worker(concurrency=2)
        print("  ** worker restarted", flush=True)

    try:
        stack.start_web(workers=2)
        stack.start_worker(concurrency=2)
        stack.start_beat()
        print(f"load: {args.rate}/s for {args.minutes} min; prefix {prefix}", flush=True)
        load.run(seconds, [(0.3, broker_restart), (0.6, worker_kill)])
        time.sleep(2)
        events_sent = sum(load.batches.values())
        captured = sorted(set(load.captured))
        print("draining …", flush=True)
        drain_start = time.monotonic()

        def drained() -> dict | None:
            s = _state(prefix, captured)
            ok = (s["outbox"]["pending"] == 0 and s["processed"] == s["stored"]
                  and s["welcome_sent"] == len(captured) and s["scored"] == s["leads"])  # fmt: skip
            return s if ok else None

        try:
            final = wait_for(drained, args.drain_minutes * 60, "follow-ups", step=3.0)
        except AssertionError:
            final = _state(prefix, captured)
        drain = time.monotonic() - drain_start
    finally:
        stack.stop()
        broker.stop()
        cache_redis.stop()

    everything = [x for v in load.latency.values() for x in v]
    print("\n== soak results ==")
    print(f"duration {args.minutes} min at {args.rate} req/s; drain took {drain:.0f} s")
    print(f"{'kind':8} {'requests':>8} {'5xx':>5} {'timeout':>7} {'other':>6} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'p99 ms':>8}")  # fmt: skip
    for kind, lat in sorted(load.latency.items()) + [("all", everything)]:
        st = (load.status[kind] if kind != "all"
              else sum(load.status.values(), Counter()))  # fmt: skip
        five = sum(v for k, v in st.items() if 500 <= k < TIMEOUT)
        timeouts = st.get(TIMEOUT, 0)
        other = sum(v for k, v in st.items() if not (200 <= k < 300) and k < 500)
        print(f"{kind:8} {len(lat):8d} {five:5d} {timeouts:7d} {other:6d} {_pct(lat, .5):8.1f} "
              f"{_pct(lat, .95):8.1f} {_pct(lat, .99):8.1f}")  # fmt: skip
    print(f"events sent {events_sent}, stored {final['stored']}, "
          f"processed {final['processed']}")  # fmt: skip
    print(
        f"captures {len(captured)}, leads {final['leads']}, scored {final['scored']}, "
        f"welcome emails sent {final['welcome_sent']} (doubled {final['welcome_doubled']})"
    )
    print(f"outbox {final['outbox']}")
    lost = max(0, events_sent - final["stored"]) + max(0, len(captured) - final["leads"])
    unfinished = (len(captured) - final["welcome_sent"]) + (final["stored"] - final["processed"])
    doubled = max(0, final["stored"] - events_sent) + final["welcome_doubled"]
    errors = sum(v for st in load.status.values() for k, v in st.items() if 500 <= k < TIMEOUT)
    timeouts = sum(st.get(TIMEOUT, 0) for st in load.status.values())
    print(
        f"LOST {lost}  DOUBLED {doubled}  5xx {errors}  client timeouts {timeouts}  "
        f"follow-ups not yet done at the end of the drain {unfinished} "
        f"(outbox pending {final['outbox']['pending']})"
    )
    if lost or doubled or errors or unfinished:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
