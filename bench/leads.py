"""Benchmark of the staff lead list, ``GET /api/leads``, at 100,000 leads (service mode).

Seeds 100,000 leads with ``bulk_create`` (once; ``--reseed`` to redo), starts uvicorn
(``ementech.asgi:application``) on a free port, and measures the latency of filtered,
keyset-paginated list requests made with a Sales user's API token. Prints p50/p95 per
query, the deepest page reached through ``next`` links, and the server's peak resident
memory (VmHWM). Target (issue 3, acceptance 7): p95 <= 100 ms with a filter.

    .venv/bin/python bench/leads.py [--leads 100000] [--requests 200] [--reseed]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from track import Server, django_setup, migrate, percentile, service_env  # noqa: E402

BENCH_DOMAIN = "bench.example"
INDUSTRIES = ["Fintech", "Healthcare", "Retail", "Logistics", "Education", "Energy", "Media"]
SOURCES = ["google", "linkedin", "newsletter", "webinar", "referral", "direct"]
STAGES = ["anonymous", "identified", "identified", "qualified", "opportunity", "customer"]
GRADES = ["A", "B", "C", "D", ""]


def seed(total: int, reseed: bool) -> int:
    from django.contrib.auth import get_user_model

    from leads.models import Lead

    existing = Lead.all_objects.filter(email_normalized__endswith=f"@{BENCH_DOMAIN}")
    have = existing.count()
    if have >= total and not reseed:
        return have
    existing.delete()
    reps = list(get_user_model().objects.filter(username__startswith="bench-rep-"))
    rng = random.Random(42)
    batch: list[Lead] = []
    for i in range(total):
        email = f"lead{i}@{BENCH_DOMAIN}"
        score = rng.randint(0, 100)
        batch.append(
            Lead(
                email=email,
                email_normalized=email,
                name=f"Bench Lead {i}",
                company=f"Company {i % 5000}",
                industry=rng.choice(INDUSTRIES),
                source=rng.choice(SOURCES),
                stage=rng.choice(STAGES),
                grade=rng.choice(GRADES),
                score=score,
                assigned_to=rng.choice(reps) if reps and i % 3 == 0 else None,
            )
        )
        if len(batch) == 5000:
            Lead.all_objects.bulk_create(batch)
            batch = []
    if batch:
        Lead.all_objects.bulk_create(batch)
    return Lead.all_objects.filter(email_normalized__endswith=f"@{BENCH_DOMAIN}").count()


def spread_created_at() -> None:
    from django.db import connection

    from leads.models import Lead

    table = Lead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET created_at = now() - "  # noqa: S608 - table name from the model
            "(substring(email_normalized from 'lead([0-9]+)@')::int * interval '1 minute') "
            "WHERE email_normalized LIKE %s",
            [f"%@{BENCH_DOMAIN}"],
        )
        cursor.execute(f"ANALYZE {table}")


def staff_token() -> tuple[str, int]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from core.roles import roles_setup

    roles_setup()
    user_model = get_user_model()
    reps = []
    for n in range(3):
        rep, _ = user_model.objects.get_or_create(
            username=f"bench-rep-{n}", defaults={"is_staff": True, "email": f"rep{n}@x.test"}
        )
        rep.groups.add(Group.objects.get(name="Sales"))
        reps.append(rep)
    token, _ = Token.objects.get_or_create(user=reps[0])
    return token.key, reps[1].pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per query")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    env = service_env()
    workers = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
    migrate(env)
    django_setup(env)
    from leads.models import Lead

    key, rep_id = staff_token()
    t0 = time.perf_counter()
    count = seed(args.leads, args.reseed)
    if (
        args.reseed
        or not Lead.all_objects.filter(
            email_normalized=f"lead{args.leads - 1}@{BENCH_DOMAIN}",
            created_at__lt=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        ).exists()
    ):
        spread_created_at()
    print(f"seed:     {count:,} bench leads ready in {time.perf_counter() - t0:.1f} s")
    total_live = Lead.objects.count()

    queries = {
        "stage=qualified": "stage=qualified&limit=25",
        "industry=fintech&source=google": "industry=fintech&source=google&limit=25",
        "grade=A&limit=100": "grade=A&limit=100",
        "score_min=80&score_max=90": "score_min=80&score_max=90&limit=50",
        f"assigned_to={rep_id}": f"assigned_to={rep_id}&limit=25",
        "created range (7 days)": "created_after="
        + (dt.datetime.now(dt.UTC) - dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        + "&limit=25",
        "q=company 4242": "q=company%204242&limit=25",
    }
    server = Server(env, workers=workers)
    results = []
    try:
        server.wait_ready()
        headers = {"Authorization": f"Token {key}"}
        with httpx.Client(base_url=server.base, headers=headers, timeout=30) as client:
            for name, query in queries.items():
                for _ in range(5):  # warm-up
                    client.get(f"/api/leads?{query}")
                latencies = []
                rows = 0
                for _ in range(args.requests):
                    t = time.perf_counter()
                    resp = client.get(f"/api/leads?{query}")
                    latencies.append(time.perf_counter() - t)
                    if resp.status_code != 200:
                        raise RuntimeError(f"{query}: {resp.status_code} {resp.text[:200]}")
                    rows = len(resp.json()["results"])
                results.append((name, rows, percentile(latencies, 50), percentile(latencies, 95)))
            # Walk 50 pages deep through next links: keyset pages cost the same at any depth.
            url = "/api/leads?stage=identified&limit=100"
            page_lat = []
            for _ in range(50):
                t = time.perf_counter()
                body = client.get(url).json()
                page_lat.append(time.perf_counter() - t)
                url = body["next"]
        peak = server.peak_rss_mb()
    finally:
        server.stop()

    print(f"server:   uvicorn ementech.asgi:application, workers={workers}")
    print(f"leads:    {total_live:,} live leads in the table")
    for name, rows, p50, p95 in results:
        flag = "OK" if p95 <= 0.100 else "over target"
        print(
            f"GET /api/leads?{name:32s} rows {rows:3d}  p50 {p50 * 1000:6.1f} ms  "
            f"p95 {p95 * 1000:6.1f} ms  {flag}"
        )
    print(
        f"paging:   50 pages x 100 via next links: p50 {percentile(page_lat, 50) * 1000:.1f} ms, "
        f"p95 {percentile(page_lat, 95) * 1000:.1f} ms, "
        f"last 5 pages p50 {percentile(page_lat[-5:], 50) * 1000:.1f} ms"
    )
    print(f"memory:   server peak RSS (VmHWM) {peak:.1f} MB")
    print(f"machine:  {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
