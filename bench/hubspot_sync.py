"""Benchmark of ``manage.py sync_hubspot --full`` against a local HubSpot stub holding
``--contacts`` contacts (default 10,000), in service mode.

The stub (tests/integrations/hubspot_stub.py, HubSpot's wire format through the official
SDK) runs in a child process, so the peak RSS printed is the sync's own process. Prints:

- run 1: a first full sync into a database without those contacts (each page read,
  10,000 leads created with their id mapping): contacts/s;
- run 2: a second full sync (every lead pushed back by HubSpot id in batches of 100, then
  every contact read again and found unchanged): contacts/s;
- peak RSS of the process before and after, and the stub's request count.

    .venv/bin/python bench/hubspot_sync.py [--contacts 10000]

Environment: ``DATABASE_URL`` (default the integrations engineer's ``eng_i19``, migrated
on first use) and ``REDIS_URL`` (default Redis db 8). The bench's leads and links are
deleted at the start of each run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve_stub(n: int, queue) -> None:
    from tests.integrations.hubspot_stub import HubSpotStub

    stub = HubSpotStub()
    for i in range(n):
        stub.add_contact(
            email=f"bench{i:05d}@hubspot-bench.example",
            firstname=f"First{i}",
            lastname=f"Last{i}",
            company=f"Company {i % 500}",
            jobtitle=["CTO", "VP Sales", "Analyst", "Founder"][i % 4],
            lifecyclestage=["lead", "marketingqualifiedlead", "opportunity"][i % 3],
        )
    stub.start()
    queue.put((stub.url, stub.token))
    queue.get()  # wait for "stop"
    queue.put(len(stub.requests))
    stub.stop()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=10_000)
    args = parser.parse_args()

    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=serve_stub, args=(args.contacts, queue), daemon=True)
    child.start()
    url, token = queue.get(timeout=600)

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eng_i19")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench-hubspot")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["HUBSPOT_ACCESS_TOKEN"] = token
    os.environ["HUBSPOT_BASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    from integrations.models import CrmLink, SyncConflict, SyncCursor
    from leads.models import Lead

    call_command("migrate", verbosity=0)
    Lead.all_objects.filter(email_normalized__endswith="@hubspot-bench.example").delete()
    CrmLink.objects.all().delete()
    SyncConflict.objects.all().delete()
    SyncCursor.objects.all().delete()
    baseline = rss_mb()
    print(f"contacts in the stub: {args.contacts:,}; RSS after setup {baseline:.0f} MB")

    for label in (
        "run 1 (first full sync: leads created)",
        "run 2 (full again: all pushed back, all re-read)",
    ):
        started = time.perf_counter()
        call_command("sync_hubspot", "--full", "--no-progress", stdout=sys.stdout)
        elapsed = time.perf_counter() - started
        print(
            f"{label}: {elapsed:.1f} s, {args.contacts / elapsed:,.0f} contacts/s, "
            f"peak RSS {rss_mb():.0f} MB (+{rss_mb() - baseline:.0f} MB over setup)"
        )
    leads = Lead.objects.filter(email_normalized__endswith="@hubspot-bench.example").count()
    links = CrmLink.objects.filter(kind="contact").exclude(hubspot_id="").count()
    queue.put("stop")
    requests = queue.get(timeout=60)
    child.join(timeout=30)
    print(f"leads {leads:,}, mapped contacts {links:,}, stub requests {requests:,}")


if __name__ == "__main__":
    main()
