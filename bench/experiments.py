"""Benchmark of experiment variant resolution on the page-render path (issue 18, acceptance 5).

Loads the demo site (idempotent), puts a running two-variant experiment on the home page's
hero title, and measures:

1. **the cost resolution adds to a render**: the three ``{% page_experiment %}`` tags of the
   home page template (title, text, call to action) rendered for a fresh request each time,
   against the same template with the experiment tags' output replaced by the page's
   fields (no tag). Three visitor mixes: returning consenting visitors (already exposed —
   the common case), first-time consenting visitors (the exposure row is written), and
   visitors without analytics consent (control, not counted);
2. **the whole home page** (``GET /`` through the middleware stack, Django's test client)
   with the experiment running and with no experiment, for context.

Target: resolution adds <= 1 ms p95 to a page render.

    .venv/bin/python bench/experiments.py [--renders 3000] [--pages 600]

Environment: ``DATABASE_URL`` (default ``eng_h18``) and ``REDIS_URL`` (default Redis db 6).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eng_h18")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-experiments")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402

from content.models import HomePage  # noqa: E402
from experiments import resolution  # noqa: E402
from experiments.models import Experiment, Exposure, Variant  # noqa: E402
from experiments.services import experiment_start, experiment_stop  # noqa: E402
from leads.identity import VISITOR_COOKIE, visitor_cookie_value  # noqa: E402

CONSENT = {"em_consent": "1.a1.m0"}
WITH_TAGS = Template(
    "{% load experiments_tags %}"
    '{% page_experiment page "hero_title" as t %}{% page_experiment page "hero_text" as x %}'
    '{% page_experiment page "hero_cta_label" as c %}'
    "<h1>{{ t.content|default:page.hero_title }}</h1><p>{{ x.content|default:page.hero_text }}"
    "</p><a>{{ c.content|default:page.hero_cta_label }}</a>"
)
WITHOUT_TAGS = Template(
    "<h1>{{ page.hero_title }}</h1><p>{{ page.hero_text }}</p><a>{{ page.hero_cta_label }}</a>"
)
SLUG = "bench-hero"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def summary(label: str, ms: list[float]) -> str:
    return (
        f"{label:<58} p50 {statistics.median(ms):6.3f} ms  p95 {pct(ms, 0.95):6.3f} ms  "
        f"p99 {pct(ms, 0.99):6.3f} ms  (n={len(ms)})"
    )


def experiment_setup(home: HomePage) -> Experiment:
    Experiment.objects.filter(slug=SLUG).delete()
    exp = Experiment.objects.create(
        name="Bench hero", slug=SLUG, target="hero_title", page=home, goal="lead_captured"
    )
    Variant.objects.create(experiment=exp, key="control", weight=50, content="", sort_order=0)
    Variant.objects.create(
        experiment=exp, key="b", weight=50, content="Ship AI that pays for itself", sort_order=1
    )
    return experiment_start(experiment=exp)


def request_for(factory: RequestFactory, vid: uuid.UUID | None, consent: bool):
    req = factory.get("/")
    if vid is not None:
        req.COOKIES[VISITOR_COOKIE] = visitor_cookie_value(vid)
    if consent:
        req.COOKIES.update(CONSENT)
    return req


def time_renders(template: Template, home: HomePage, requests: list) -> list[float]:
    out = []
    for req in requests:
        ctx = Context({"page": home, "request": req})
        t0 = time.perf_counter()
        template.render(ctx)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=600)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not in service mode (set DATABASE_URL to PostgreSQL)")
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    home = HomePage.objects.live().first()
    exp = experiment_setup(home)
    resolution.invalidate()
    resolution.forget_seen()
    factory = RequestFactory()
    n = args.renders

    returning = [uuid.uuid4() for _ in range(n)]
    # Each returning visitor has been exposed once already (their first page).
    for vid in returning:
        resolution.resolve(request_for(factory, vid, True), SLUG)
    resolution.flush_exposures()
    time_renders(WITH_TAGS, home, [request_for(factory, uuid.uuid4(), False) for _ in range(200)])

    fresh = [uuid.uuid4() for _ in range(n)]
    cases = {
        "no experiment tags (baseline template)": (WITHOUT_TAGS, returning, True),
        "3 tags, returning consenting visitors": (WITH_TAGS, returning, True),
        "3 tags, first-time consenting visitors (exposure queued)": (WITH_TAGS, fresh, True),
        "3 tags, visitors without analytics consent": (WITH_TAGS, fresh, False),
    }
    times: dict[str, list[float]] = {label: [] for label in cases}
    flush_ms: list[float] = []
    # Interleaved, one render of each case per round, so load spikes hit every case alike.
    for i in range(n):
        for label, (template, visitors, consent) in cases.items():
            req = request_for(factory, visitors[i], consent)
            ctx = Context({"page": home, "request": req})
            t0 = time.perf_counter()
            template.render(ctx)
            times[label].append((time.perf_counter() - t0) * 1000)
        # What request_finished does once the response has gone out.
        t0 = time.perf_counter()
        resolution.flush_exposures()
        flush_ms.append((time.perf_counter() - t0) * 1000)
    print(f"\n== resolution cost inside a render ({connection.vendor}) ==")
    for label, ms in times.items():
        print(summary(label, ms))
    print(summary("after the response: writing a first exposure (not in render)", flush_ms))
    base_ms = times["no experiment tags (baseline template)"]
    b95 = pct(base_ms, 0.95)
    print("\nadded by resolution (p95 of the tags' render minus the baseline's p95):")
    for label, ms in list(times.items())[1:]:
        added = pct(ms, 0.95) - b95
        verdict = "OK" if added <= 1.0 else "OVER"
        print(f"  {label:<56} +{added:6.3f} ms p95  [{verdict} target <= 1 ms]")
    exposures = Exposure.objects.filter(experiment=exp).count()
    print(f"exposure rows: {exposures} (one per consenting visitor: {2 * n} expected)")
    sys.stdout.flush()

    print("\n== whole home page, GET / (test client, full middleware) ==")
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
        whole_page(exp, returning[: args.pages])
    Experiment.objects.filter(slug=SLUG).delete()


def whole_page(exp: Experiment, pool: list[uuid.UUID]) -> None:
    client = Client()
    client.cookies["em_consent"] = CONSENT["em_consent"]
    page_rows = {"experiment running": [], "no experiment": []}
    for running in (True, False, True, False):
        if not running and exp.status == "running":
            experiment_stop(experiment=exp)
        elif running and exp.status != "running":
            experiment_start(experiment=exp)
        resolution.invalidate()
        label = "experiment running" if running else "no experiment"
        for vid in pool:
            client.cookies[VISITOR_COOKIE] = visitor_cookie_value(vid)
            t0 = time.perf_counter()
            resp = client.get("/")
            page_rows[label].append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200, resp.status_code
    for label, ms in page_rows.items():
        print(summary(f"GET / {label}", ms))


if __name__ == "__main__":
    main()
