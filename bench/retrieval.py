"""Benchmark of knowledge retrieval at 10k and 100k synthetic chunks (service mode).

For each size N it stores N synthetic chunks (random unit 384-d vectors, texts drawn from
the demo vocabulary) in ``content_contentchunk`` through the ORM, bumps the knowledge
version, and then runs ``content.selectors.retrieve`` — the function search and chat call:
version check in the cache (Redis), in-memory snapshot, query embedding with the local
all-MiniLM-L6-v2, exact-cosine search, BM25, reciprocal-rank fusion, local rerank, and the
PostgreSQL fetch of the winning chunks. Prints, per N:

- query latency p50/p95 (embedding + search + rerank) over distinct queries, and the
  same without rerank and with the embedding excluded (search only);
- snapshot load time (first query after a change) and BM25 build time;
- the vector index's resident memory (numpy bytes, and the RSS delta) against the raw
  float32 vectors (target <= 1.5x);
- ingestion rate: real chunks embedded and stored per second through the ingest service.

The synthetic rows are deleted afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ementech_h4 \\
    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/retrieval.py [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ementech_h4")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from content.knowledge import bump_version, forget, snapshot  # noqa: E402
from content.models import ContentChunk  # noqa: E402
from content.selectors import retrieve  # noqa: E402
from ementech.ai.config import get_embedder  # noqa: E402
from tests.content.retrieval_set import QUESTIONS  # noqa: E402

SOURCE_PREFIX = "bench:"
DIM = 384


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def vocabulary() -> list[str]:
    from content.demo_data import blog, case_studies, resources, services

    words: list[str] = []
    for module in (blog, case_studies, resources, services):
        for value in vars(module).values():
            words += str(value).lower().split()
    words = [w.strip(".,;:()\"'[]{}") for w in words]
    return sorted({w for w in words if w.isalpha() and len(w) > 2})


def cleanup() -> None:
    with transaction.atomic():
        ContentChunk.objects.filter(source_key__startswith=SOURCE_PREFIX).delete()
        bump_version()


def seed(n: int, model: str, rng: np.random.Generator, words: list[str]) -> float:
    cleanup()
    start = time.perf_counter()
    weights = 1.0 / np.arange(1, len(words) + 1)
    weights /= weights.sum()
    batch = []
    for i in range(n):
        vec = rng.normal(size=DIM).astype(np.float32)
        vec /= np.linalg.norm(vec)
        text = " ".join(rng.choice(words, size=90, p=weights))
        batch.append(
            ContentChunk(
                source_key=f"{SOURCE_PREFIX}{i // 8}",
                page_id=None,
                chunk_index=i % 8,
                vector_id=f"{SOURCE_PREFIX}{i}",
                content_type=("blog", "service", "case_study", "resource")[i % 4],
                title=f"Synthetic document {i // 8}",
                url=f"/bench/{i // 8}/",
                text=text,
                content_hash=f"{i:064d}",
                model_name=model,
                dimension=DIM,
                embedding=vec.tobytes(),
            )
        )
        if len(batch) == 5000:
            ContentChunk.objects.bulk_create(batch)
            batch = []
    if batch:
        ContentChunk.objects.bulk_create(batch)
    with transaction.atomic():
        bump_version()
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def timed(fn, queries: list[str]) -> list[float]:
    out = []
    for query in queries:
        start = time.perf_counter()
        fn(query)
        out.append((time.perf_counter() - start) * 1000)
    return out


def queries_for(round_no: int) -> list[str]:
    # Distinct strings every round so the query-vector cache never answers.
    return [f"{q} ({round_no}.{n})" for n, (q, _slug) in enumerate(QUESTIONS * 3)]


def ingestion_rate(embedder, words: list[str], rng: np.random.Generator) -> tuple[float, int]:
    """Real chunks per second through embed + store (the ingest service's two steps)."""
    texts = [" ".join(rng.choice(words, size=130)) + "." for _ in range(256)]
    start = time.perf_counter()
    vectors = embedder.embed(texts)
    rows = [
        ContentChunk(
            source_key=f"{SOURCE_PREFIX}ingest",
            chunk_index=n,
            vector_id=f"{SOURCE_PREFIX}ingest-{n}",
            content_type="blog",
            title="Ingest",
            url="/bench/ingest/",
            text=text,
            content_hash=f"ingest{n}",
            model_name=embedder.model_name,
            dimension=embedder.dimension,
            embedding=vec.tobytes(),
        )
        for n, (text, vec) in enumerate(zip(texts, vectors, strict=True))
    ]
    with transaction.atomic():
        ContentChunk.objects.bulk_create(rows)
        bump_version()
    return len(texts) / (time.perf_counter() - start), len(texts)


def report(n: int, seed_s: float, load_s: float, rss_delta: int, kb, embedder) -> None:
    raw = n * DIM * 4
    index_bytes = kb.local_index.nbytes
    full = timed(lambda q: retrieve(q, None, 5), queries_for(1))
    no_rerank = timed(lambda q: retrieve(q, None, 5, rerank=False), queries_for(2))
    vectors = {q: embedder.embed_query(q) for q in queries_for(3)}
    embed_only = timed(embedder.embed_query, queries_for(4))
    dense_only = timed(lambda q: kb.local_index.query(vectors[q], k=40), list(vectors))
    lexical_only = timed(lambda q: kb.lexical.search(q, k=40), list(vectors))

    def line(label: str, values: list[float]) -> None:
        print(
            f"  {label:28s} p50={statistics.median(values):7.1f} ms "
            f"p95={percentile(values, 95):7.1f} ms"
        )

    print(f"\nN={n:,} chunks (seeded in {seed_s:.1f}s; snapshot load {load_s:.1f}s incl. BM25)")
    line(f"embed+search+rerank (n={len(full)})", full)
    line("embed+search, no rerank", no_rerank)
    line("query embedding alone", embed_only)
    line("dense exact-cosine top-40", dense_only)
    line("BM25 top-40", lexical_only)
    print(
        f"  vector index: {index_bytes / 2**20:.1f} MiB = {index_bytes / raw:.2f}x the raw "
        f"float32 vectors ({raw / 2**20:.1f} MiB); BM25 arrays {kb.lexical.nbytes / 2**20:.1f} "
        f"MiB; process RSS grew {rss_delta / 2**20:.1f} MiB on snapshot load"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    from django.conf import settings

    print(
        f"database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
        f"cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} "
        f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}"
    )
    embedder = get_embedder()
    embedder.embed(["warm up"])
    rng = np.random.default_rng(42)
    words = vocabulary()
    try:
        rate, count = ingestion_rate(embedder, words, rng)
        print(f"ingestion: {rate:.1f} chunks/s (embed + store, {count} chunks of ~130 words)")
        cleanup()
        for n in [int(s) for s in args.sizes.split(",")]:
            seed_s = seed(n, embedder.model_name, rng, words)
            forget()
            import gc

            gc.collect()
            rss0 = rss_bytes()
            start = time.perf_counter()
            kb = snapshot()
            load_s = time.perf_counter() - start
            rss1 = rss_bytes()
            report(n, seed_s, load_s, rss1 - rss0, kb, embedder)
    finally:
        cleanup()
        forget()


if __name__ == "__main__":
    main()
