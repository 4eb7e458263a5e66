"""Benchmark of ``POST /api/events/{id}/register`` under a burst of concurrent requests.

Starts uvicorn (``ementech.asgi:application``, service mode) on a free port, creates one
event per round in the database, fires all registrations at once from threads (each with
its own client address through a trusted proxy header, so the per-IP rate limit does not
interfere), then prints per round: status codes, seats taken versus capacity (read back
from the database), waitlist length, latency p50/p95/max and wall time.

The acceptance (issue 7): seats taken never exceed capacity and no request errors.

    .venv/bin/python bench/events.py [--rounds 50:20,200:100] [--workers 2]

Environment: ``DATABASE_URL`` (default the events engineer's ``ementech_h7``),
``REDIS_URL`` (default Redis db 7).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ementech_h7")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")

from track import Server, django_setup, migrate, percentile, service_env  # noqa: E402


def make_event(capacity: int, label: str):
    from datetime import timedelta

    from django.utils import timezone

    from content.models import HomePage
    from events.models import EventIndexPage
    from events.services import event_create

    index = EventIndexPage.objects.first()
    if index is None:
        from wagtail.models import Page

        home = HomePage.objects.first()
        if home is None:
            home = HomePage(title="Bench home", slug="bench-home", hero_title="Bench")
            Page.get_first_root_node().add_child(instance=home)
        index = EventIndexPage(title="Events", slug="events")
        home.add_child(instance=index)
    return event_create(
        data={
            "title": f"Bench event {label}",
            "slug": f"bench-{label}",
            "event_type": "webinar",
            "summary": "Benchmark",
            "description": "<p>Benchmark</p>",
            "scheduled_for": timezone.now() + timedelta(days=7),
            "duration_minutes": 60,
            "format": "virtual",
            "join_url": "https://zoom.us/j/1",
            "capacity": capacity,
            "registration_fields": ["name"],
        }
    )


def burst(base: str, event, requests: int) -> tuple[Counter, list[float], float, int]:
    barrier = threading.Barrier(requests)
    lock = threading.Lock()
    codes: Counter = Counter()
    latencies: list[float] = []
    failures = 0

    def worker(i: int) -> None:
        nonlocal failures
        body = {
            "email": f"bench{i}-{event.uuid.hex[:8]}@bench.example",
            "name": f"Bench {i}",
            "consent": {"data_processing": True},
            "join_waitlist": i % 2 == 0,
        }
        headers = {"X-Forwarded-For": f"10.{i // 250}.{i % 250}.1"}
        with httpx.Client(timeout=60) as client:
            barrier.wait()
            t0 = time.perf_counter()
            try:
                r = client.post(
                    f"{base}/api/events/{event.uuid}/register", json=body, headers=headers
                )
                code = r.status_code
            except httpx.HTTPError:
                code = -1
            elapsed = time.perf_counter() - t0
        with lock:
            codes[code] += 1
            latencies.append(elapsed)
            if code not in (201, 202, 409):
                failures += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(requests)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes, latencies, time.perf_counter() - start, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", default="50:20,200:100", help="requests:capacity,...")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    env = service_env(TRUSTED_PROXY_COUNT="1", CELERY_TASK_ALWAYS_EAGER="false")
    migrate(env)
    django_setup(env)
    from events.models import EventRegistration

    server = Server(env, workers=args.workers)
    try:
        server.wait_ready()
        stamp = str(int(time.time()))
        for n, spec in enumerate(args.rounds.split(",")):
            requests, capacity = (int(x) for x in spec.split(":"))
            event = make_event(capacity, f"{stamp}-{n}")
            codes, latencies, wall, failures = burst(server.base, event, requests)
            taken = EventRegistration.objects.filter(event=event, status="registered").count()
            waiting = EventRegistration.objects.filter(event=event, status="waitlisted").count()
            ms = [x * 1000 for x in latencies]
            print(
                f"{requests} concurrent registrations for {capacity} seats: "
                f"codes {dict(sorted(codes.items()))}; seats taken {taken}/{capacity}; "
                f"waitlisted {waiting}; errors {failures}; "
                f"latency p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, "
                f"max {max(ms):.0f} ms; wall {wall:.2f} s "
                f"({requests / wall:.0f} registrations/s)"
            )
            ok = taken == min(capacity, requests) and failures == 0 and codes[201] == taken
            print("  OK: seats never exceeded capacity" if ok else "  FAILED")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
