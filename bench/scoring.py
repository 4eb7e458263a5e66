"""Benchmark of lead scoring in service mode (PostgreSQL + Redis).

Seeds (once, reused on later runs) ``--leads`` leads with random profiles and about three
tracked interactions each, then prints:

- bulk rescoring throughput (leads/s) of ``services.leads_rescore_bulk`` — the nightly
  job and ``manage.py rescore_leads`` — on a first pass (every score new: history rows for
  all) and a second pass (nothing changed: scores rewritten, no history);
- single-lead rescoring latency (``services.lead_rescore``, what the debounced task and
  ``POST /api/leads/{id}/score`` run) p50/p95/p99 over ``--singles`` random leads.

Target (issue 5, acceptance 6): >= 10,000 leads/s bulk.

    .venv/bin/python bench/scoring.py [--leads 100000] [--singles 300]

Environment: ``DATABASE_URL`` (default the scoring engineer's ``ementech_h5``) and
``REDIS_URL`` (default Redis db 5). Alert deliveries queued by the first pass go to that
Redis broker and are purged at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ementech_h5")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-scoring")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from analytics.models import Interaction  # noqa: E402
from leads.models import Lead  # noqa: E402
from scoring import services  # noqa: E402

SIZES = ["", "1-10", "11-50", "51-200", "201-500", "500+"]
BUDGETS = ["", "<10k", "10k-50k", "50k-100k", "100k+"]
TIMELINES = ["", "immediate", "1-3mo", "3-6mo", "6-12mo", "12mo+"]
AUTHORITY = ["", "decision_maker", "influencer", "user"]
STAGES = ["awareness", "consideration", "decision"]
INDUSTRIES = ["", "fintech", "healthcare", "agriculture", "retail", "media", "software"]
ROLES = ["", "CTO", "Head of Data", "Engineering Manager", "Analyst", "Founder", "Marketing"]
TYPES = ["page_view"] * 6 + ["resource_download", "form_submit", "chat_message", "email_open"]


def seed(n: int) -> None:
    existing = Lead.objects.filter(email_normalized__endswith="@bench.test").count()
    if existing >= n:
        print(f"seed: reusing {existing:,} bench leads")
        return
    rng = random.Random(5)
    now = timezone.now()
    started = time.perf_counter()
    batch = 5000
    for start in range(existing, n, batch):
        leads = []
        interactions = []
        for i in range(start, min(start + batch, n)):
            created = now - dt.timedelta(days=rng.uniform(0, 365))
            lead = Lead(
                id=uuid.uuid4(),
                email=f"lead{i}@bench.test",
                email_normalized=f"lead{i}@bench.test",
                stage="identified",
                company_size=rng.choice(SIZES),
                industry=rng.choice(INDUSTRIES),
                role=rng.choice(ROLES),
                budget=rng.choice(BUDGETS),
                timeline=rng.choice(TIMELINES),
                authority=rng.choice(AUTHORITY),
                buying_stage=rng.choice(STAGES),
                pain_points=rng.sample(["cost", "speed", "quality", "scale"], rng.randint(0, 3)),
                tech_stack=rng.sample(["python", "aws", "sap", "excel"], rng.randint(0, 2)),
                visits=rng.randint(0, 12),
                page_views=rng.randint(0, 40),
                time_on_site_seconds=rng.randint(0, 3600),
                source=rng.choice(["google", "linkedin", "newsletter", "direct"]),
            )
            leads.append(lead)
            last = created
            for _ in range(rng.randint(0, 6)):
                last = last + dt.timedelta(hours=rng.uniform(0, 200))
                itype = rng.choice(TYPES)
                props = {"path": f"/p/{rng.randint(1, 60)}/", "duration": rng.randint(5, 300)}
                interactions.append(
                    Interaction(
                        type=itype,
                        category="page_view" if itype == "page_view" else "engagement",
                        lead_id=lead.id,
                        session_id=f"s{rng.randint(1, 8)}",
                        properties=props,
                        occurred_at=min(last, now),
                    )
                )
        Lead.all_objects.bulk_create(leads, batch_size=batch)
        Interaction.objects.bulk_create(interactions, batch_size=batch)
        print(f"seed: {min(start + batch, n):,}/{n:,} leads", end="\r", flush=True)
    print(
        f"\nseed: {n - existing:,} leads and their interactions in "
        f"{time.perf_counter() - started:.1f}s"
    )


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (same machine only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--chunk-size", type=int, default=None)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not in service mode (set DATABASE_URL to PostgreSQL)")
    call_command("migrate", verbosity=0)
    seed(args.leads)
    n_leads = Lead.objects.count()
    n_inter = Interaction.objects.count()
    print(f"data: {n_leads:,} leads, {n_inter:,} interactions ({connection.vendor})")

    # Reset scores so the first pass writes every lead's history, as on a fresh install.
    from scoring.models import ScoreAlert, ScoreSnapshot

    ScoreSnapshot.objects.all().delete()
    ScoreAlert.objects.all().delete()
    Lead.all_objects.update(score=0, grade="", scored_at=None, score_factors={})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE leads_lead") if connection.vendor == "postgresql" else None

    results = []
    now = timezone.now()
    passes = [
        ("first pass (every lead new: all written, history for all)", now),
        ("same state again (idempotent: nothing to write)", now),
        ("next night (+1 day of decay: changed leads written)", now + dt.timedelta(days=1)),
    ]
    for label, at in passes:
        cpu0, db0 = time.process_time(), backend_cpu_seconds()
        stats = services.leads_rescore_bulk(reason="bench", chunk_size=args.chunk_size, now=at)
        cpu1, db1 = time.process_time(), backend_cpu_seconds()
        results.append(stats)
        print(
            f"bulk {label}: {stats.leads:,} leads in {stats.seconds:.2f}s = "
            f"{stats.per_second:,.0f} leads/s; written {stats.written:,}, history rows "
            f"{stats.changed:,}, grade-A alerts {stats.alerts:,}"
        )
        if db0 is not None and db1 is not None:
            cpu = (cpu1 - cpu0) + (db1 - db0)
            print(
                f"    CPU: python {cpu1 - cpu0:.2f}s + postgres {db1 - db0:.2f}s = {cpu:.2f}s "
                f"-> {stats.leads / cpu:,.0f} leads per CPU-second (wall time includes waiting "
                "for CPUs shared with other processes and for disk)"
            )
    print(f"history rows: {ScoreSnapshot.objects.count():,}")

    ids = list(Lead.objects.values_list("pk", flat=True)[: max(args.singles * 20, 1000)])
    rng = random.Random(9)
    sample = rng.sample(ids, min(args.singles, len(ids)))
    timings = []
    for lead_id in sample:
        t0 = time.perf_counter()
        services.lead_rescore(lead_id=lead_id, reason="bench")
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    q = statistics.quantiles(timings, n=100)
    print(
        f"single-lead rescore ({len(timings)} leads): p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, "
        f"p99 {q[98]:.1f} ms, max {timings[-1]:.1f} ms"
    )
    best = max(s.per_second for s in results)
    print(
        f"target >= 10,000 leads/s bulk: {'met' if best >= 10_000 else 'NOT met'} "
        f"(best {best:,.0f} leads/s)"
    )
    from ementech.celery import app

    purged = app.control.purge()
    print(f"purged {purged} queued alert deliveries from the bench broker")


if __name__ == "__main__":
    main()
