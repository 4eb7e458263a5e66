"""Benchmark of ``POST /api/track`` against the running ASGI server (service mode).

Starts uvicorn (``ementech.asgi:application``) on a free port with PostgreSQL and Redis,
drives it from this process with threads, and prints:

- batched throughput (events/s through ``{"events": [...]}`` batches of 100),
- single-event latency p50/p95/p99 at moderate load (a few concurrent clients),
- events sent (accepted) versus events stored (rows in the database),
- the server's peak resident memory (VmHWM from /proc/<pid>/status).

Targets (issue 3, acceptance 7): >= 5,000 events/s batched, p95 <= 25 ms single.

    .venv/bin/python bench/track.py [--batches 300] [--singles 1500] [--concurrency 4]

Environment: ``DATABASE_URL`` (default the leads engineer's ``ementech_h3``), ``REDIS_URL``
(default Redis db 3), ``BENCH_WEB_WORKERS`` (uvicorn workers, default 2 as ``make web``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ementech_h3"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
CONSENT_COOKIE = {"em_consent": "1.a1.m0"}  # the visitor accepted analytics


def service_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DB)
    env.setdefault("REDIS_URL", DEFAULT_REDIS)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ementech.settings.base",
            "DEBUG": "false",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_TRACK": "100000000/m",
            "RATE_LIMIT_LEAD_CAPTURE": "100000000/m",
            "CACHE_KEY_PREFIX": "bench",
        }
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def django_setup(env: dict[str, str]) -> None:
    """Configure Django in this process against the same database as the server."""
    for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY"):
        os.environ[key] = env[key]
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )


class Server:
    """uvicorn serving the project's ASGI app in a subprocess."""

    def __init__(self, env: dict[str, str], workers: int = 1):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [
            PYTHON,
            "-m",
            "uvicorn",
            "ementech.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/health", timeout=2).status_code < 500:
                    return
            time.sleep(0.3)
        raise RuntimeError("server did not become ready")

    def pids(self) -> list[int]:
        """The server process and its worker children."""
        pids = [self.proc.pid]
        with contextlib.suppress(OSError):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                with contextlib.suppress(OSError):
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(stat[1]) == self.proc.pid:
                        pids.append(int(entry.name))
        return pids

    def peak_rss_mb(self) -> float:
        """Sum of VmHWM (peak resident set) of the server and its workers, in MB."""
        total_kb = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total_kb += int(line.split()[1])
        return total_kb / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def run_threads(count: int, concurrency: int, work) -> tuple[list[float], list[int], float]:
    """Run ``work(client, i)`` ``count`` times over ``concurrency`` threads (closed loop).
    Returns per-call latencies (s), per-call accepted counts and the wall time."""
    latencies: list[float] = []
    accepted: list[int] = []
    lock = threading.Lock()
    next_index = iter(range(count))

    def worker() -> None:
        with httpx.Client(cookies=CONSENT_COOKIE, timeout=30) as client:
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                n = work(client, i)
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    accepted.append(n)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, accepted, time.perf_counter() - start


def page_view(i: int) -> dict:
    return {
        "type": "page_view",
        "session_id": f"bench-{i // 20}",
        "properties": {"path": f"/blog/post-{i % 50}", "title": "Bench", "duration": i % 90},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=300, help="batched requests (100 each)")
    parser.add_argument("--singles", type=int, default=1500, help="single-event requests")
    parser.add_argument("--concurrency", type=int, default=4, help="batched client threads")
    parser.add_argument(
        "--single-concurrency", default="1,2", help="comma-separated client counts for singles"
    )
    args = parser.parse_args()

    env = service_env()
    workers = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
    migrate(env)
    django_setup(env)
    from analytics.models import Interaction
    from leads.models import Visitor

    batch_visitors = [Visitor.objects.create().pk for _ in range(args.concurrency * 4)]
    single_levels = [int(n) for n in str(args.single_concurrency).split(",") if n.strip()]
    single_visitors = [Visitor.objects.create().pk for _ in range(max(single_levels) * 4)]
    run_visitors = batch_visitors + single_visitors

    server = Server(env, workers=workers)
    try:
        server.wait_ready()
        url = f"{server.base}/api/track"
        ua = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}

        def batch(client: httpx.Client, i: int) -> int:
            vid = str(batch_visitors[i % len(batch_visitors)])
            events = [page_view(i * 100 + j) for j in range(100)]
            resp = client.post(url, json={"events": events, "visitor_id": vid}, headers=ua)
            if resp.status_code != 202:
                raise RuntimeError(f"batch refused: {resp.status_code} {resp.text[:300]}")
            return resp.json()["accepted"]

        def single(client: httpx.Client, i: int) -> int:
            vid = str(single_visitors[i % len(single_visitors)])
            event = {**page_view(i), "visitor_id": vid}
            resp = client.post(url, json=event, headers=ua)
            if resp.status_code != 202:
                raise RuntimeError(f"event refused: {resp.status_code} {resp.text[:300]}")
            return resp.json()["accepted"]

        # Warm-up (connections, code paths, UA cache) — not measured.
        run_threads(20, 2, batch)
        run_threads(50, 2, single)
        warm = Interaction.objects.filter(visitor_id__in=run_visitors).count()

        b_lat, b_acc, b_wall = run_threads(args.batches, args.concurrency, batch)
        singles = [(n, *run_threads(args.singles, n, single)) for n in single_levels]
        stored = Interaction.objects.filter(visitor_id__in=run_visitors).count() - warm
        sent = sum(b_acc) + sum(sum(acc) for _, _, acc, _ in singles)
        peak = server.peak_rss_mb()
    finally:
        server.stop()

    ms = 1000
    print(f"server: uvicorn ementech.asgi:application, workers={workers}, DB={env['DATABASE_URL']}")
    print(
        f"batched:  {args.batches} requests x 100 events, {args.concurrency} clients: "
        f"{sum(b_acc) / b_wall:,.0f} events/s "
        f"(request p50 {percentile(b_lat, 50) * ms:.1f} ms, "
        f"p95 {percentile(b_lat, 95) * ms:.1f} ms)"
    )
    for clients, s_lat, _, s_wall in singles:
        print(
            f"single:   {args.singles} requests, {clients} client(s): "
            f"{len(s_lat) / s_wall:,.0f} req/s, p50 {percentile(s_lat, 50) * ms:.1f} ms, "
            f"p95 {percentile(s_lat, 95) * ms:.1f} ms, p99 {percentile(s_lat, 99) * ms:.1f} ms, "
            f"mean {statistics.fmean(s_lat) * ms:.1f} ms"
        )
    print(
        f"events:   sent (accepted) {sent:,} / stored {stored:,} -> "
        f"{'OK' if sent == stored else 'MISMATCH'}"
    )
    print(f"memory:   server peak RSS (VmHWM) {peak:.1f} MB")
    print(f"machine:  {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    # Clean up the benchmark rows so repeated runs stay comparable.
    Interaction.objects.filter(visitor_id__in=run_visitors).delete()
    Visitor.objects.filter(pk__in=run_visitors).delete()


if __name__ == "__main__":
    main()
