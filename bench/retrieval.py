"""Benchmark of knowledge retrieval at 10k and 100k chunks (service mode), and 1M (index).

For each size N it stores N synthetic chunks in ``content_contentchunk`` through the ORM:
texts drawn from the demo vocabulary, vectors clustered around real MiniLM embeddings of
demo-like sentences (a random unit vector per chunk would give a graph nothing to find).
It bumps the knowledge version and has a separate *worker* process publish the version's
memory-mapped index set (``content.knowledge.build_set``), timed. This process then plays
a *web* process: it maps the new set on its next query (``content.selectors.retrieve``,
the function search and chat call) and prints

- what the knowledge change cost it: the switch time and its resident memory before and
  after the switch and 150 queries (RSS, of which file-backed pages shared with every
  process that maps the set, private anonymous memory, and PSS), once growing from the
  demo set to N chunks and once for a change at N (one chunk edited in a process that
  already serves the N-chunk set: the steady state of a busy site);
- query latency p50/p95 with and without rerank, the query embedding alone, dense top-40
  (exact scan, or the HNSW graph above ``KNOWLEDGE_ANN_THRESHOLD``) and BM25 alone, and a
  same-run ceiling: a raw numpy dot-product scan of an in-memory float32 matrix of N rows;
- recall@10 of the dense index against exact search, over real query embeddings;
- ingestion is measured by ``bench/ingest.py``, as the worker runs it, on the demo site's
  real pages and on long synthetic chunks.

``--million`` adds 1,000,000 chunks at the index layer only (synthetic vectors as above
and synthetic 24-word texts; not stored in PostgreSQL, not embedded: embedding 1M chunks
would take about an hour here): build time, then embed + HNSW top-40 + BM25 top-40 +
fusion — the retriever without the final fetch of 5 rows — p50/p95, recall@10 against
exact, and the same raw-scan ceiling. Load average is printed with every block: the
machine is shared.

The synthetic rows are deleted afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ementech_h4 \\
    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/retrieval.py \\
        [--sizes 10000,100000] [--million]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
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

from content import knowledge  # noqa: E402
from content.knowledge import bump_version, snapshot  # noqa: E402
from content.models import ContentChunk  # noqa: E402
from content.selectors import retrieve  # noqa: E402
from ementech.ai import indexfiles  # noqa: E402
from ementech.ai.config import get_embedder  # noqa: E402
from ementech.ai.lexical import BM25Index  # noqa: E402
from ementech.ai.retrieval import HybridRetriever  # noqa: E402
from tests.content.retrieval_set import QUESTIONS  # noqa: E402

SOURCE_PREFIX = "bench:"
DIM = 384
WORKER = """
import os, sys, time
sys.path.insert(0, os.getcwd())
import django
django.setup()
from content.knowledge import publish_current
start = time.perf_counter()
path = publish_current()
print(f"{time.perf_counter() - start:.2f} {path}")
"""


def load() -> str:
    return "load {:.1f}/{:.1f}".format(*os.getloadavg()[:2])


def memory() -> dict[str, int]:
    """This process's resident memory in bytes: rss, file (shared file pages), anon, pss."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssFile", "RssAnon"):
            out[key] = int(value.split()[0]) * 1024
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            out["Pss"] = int(line.split()[1]) * 1024
    return {"rss": out["VmRSS"], "file": out["RssFile"], "anon": out["RssAnon"], "pss": out["Pss"]}


def mib(value: int) -> str:
    return f"{value / 2**20:+.1f}"


def vocabulary() -> list[str]:
    from content.demo_data import blog, case_studies, resources, services

    words: list[str] = []
    for module in (blog, case_studies, resources, services):
        for value in vars(module).values():
            words += str(value).lower().split()
    words = [w.strip(".,;:()\"'[]{}") for w in words]
    return sorted({w for w in words if w.isalpha() and len(w) > 2})


def centres(embedder, words: list[str], rng: np.random.Generator, n: int = 256) -> np.ndarray:
    """Real MiniLM embeddings of short demo-vocabulary sentences: the cluster centres."""
    texts = [" ".join(rng.choice(words, size=12)) for _ in range(n)]
    return np.asarray(embedder.embed(texts), dtype=np.float32)


def clustered(rng: np.random.Generator, middle: np.ndarray, n: int) -> np.ndarray:
    """``n`` unit vectors in two levels around the real embeddings ``middle``: 64 topics
    per centre, chunks around their topic. (Isotropic noise straight around 256 centres
    makes hundreds of chunks equidistant from any query: the worst case of every graph
    index, and unlike text, whose embeddings cluster at several scales.)"""
    topics = middle[:, None, :] + _noise(rng, (len(middle), 64), middle.shape[1], 0.45)
    topics = topics.reshape(-1, middle.shape[1])
    out = topics[rng.integers(0, len(topics), size=n)] + _noise(rng, (n,), middle.shape[1], 0.3)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)


def _noise(rng: np.random.Generator, shape: tuple, dim: int, scale: float) -> np.ndarray:
    noise = rng.normal(size=(*shape, dim)).astype(np.float32)
    return noise * (scale / np.linalg.norm(noise, axis=-1, keepdims=True))


def cleanup() -> None:
    with transaction.atomic():
        gone, _ = ContentChunk.objects.filter(source_key__startswith=SOURCE_PREFIX).delete()
        bump_version()
    from django.db import connection

    if gone and connection.vendor == "postgresql":
        # 100k dead rows slow every later query on the table until autovacuum comes by
        # (bench/ingest.py read 48-61 chunks/s right after this bench, 86 after a vacuum).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE content_contentchunk")


def seed(n: int, model: str, rng, words: list[str], middle: np.ndarray) -> float:
    cleanup()
    start = time.perf_counter()
    weights = 1.0 / np.arange(1, len(words) + 1)
    weights /= weights.sum()
    batch = []
    for lo in range(0, n, 5000):
        vectors = clustered(rng, middle, min(5000, n - lo))
        for j, vec in enumerate(vectors):
            i = lo + j
            batch.append(
                ContentChunk(
                    source_key=f"{SOURCE_PREFIX}{i // 8}",
                    page_id=None,
                    chunk_index=i % 8,
                    vector_id=f"{SOURCE_PREFIX}{i}",
                    content_type=("blog", "service", "case_study", "resource")[i % 4],
                    title=f"Synthetic document {i // 8}",
                    url=f"/bench/{i // 8}/",
                    text=" ".join(rng.choice(words, size=90, p=weights)),
                    content_hash=f"{i:064d}",
                    model_name=model,
                    dimension=DIM,
                    embedding=vec.tobytes(),
                )
            )
        ContentChunk.objects.bulk_create(batch)
        batch = []
    with transaction.atomic():
        bump_version()
    from django.db import connection

    if connection.vendor == "postgresql":  # planner statistics, as autovacuum would make
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE content_contentchunk")
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def timed(fn, items: list) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def line(label: str, values: list[float]) -> None:
    print(
        f"  {label:34s} p50={statistics.median(values):7.1f} ms "
        f"p95={percentile(values, 95):7.1f} ms  ({load()})"
    )


def queries_for(round_no: int) -> list[str]:
    # Distinct strings every round so the query-vector cache never answers.
    return [f"{q} ({round_no}.{n})" for n, (q, _slug) in enumerate(QUESTIONS * 3)]


def recall_at_10(index, vectors: list[np.ndarray]) -> float:
    hits = 0
    for vec in vectors:
        want = {m.id for m in index.query(vec, k=10, exact=True)}
        hits += len(want & {m.id for m in index.query(vec, k=10)})
    return hits / (10 * len(vectors))


def raw_scan(n: int, rng: np.random.Generator, vectors: list[np.ndarray]) -> list[float]:
    """Ceiling of the same run: numpy's matrix-vector product over an in-memory float32
    matrix of ``n`` rows plus the top-40 partition (what an exact scan cannot beat)."""
    matrix = rng.normal(size=(n, DIM)).astype(np.float32)

    def scan(vec):
        scores = matrix @ vec
        np.argpartition(-scores, 40)[:40]

    return timed(scan, vectors)


def publish_in_worker() -> tuple[float, str]:
    """A separate process (the worker) publishes the current version's set."""
    out = subprocess.run(
        [sys.executable, "-c", WORKER], cwd=ROOT, capture_output=True, text=True, check=True
    )
    seconds, path = out.stdout.strip().splitlines()[-1].split(" ", 1)
    return float(seconds), path


def one_size(n: int, embedder, rng, words, middle) -> None:
    seed_s = seed(n, embedder.model_name, rng, words, middle)
    build_s, path = publish_in_worker()
    gc.collect()
    before = memory()
    start = time.perf_counter()
    kb = snapshot()
    switch_s = time.perf_counter() - start
    first = timed(lambda q: retrieve(q, None, 5, rerank=False), queries_for(0)[:1])[0]
    assert str(kb.files.path) == path, (kb.files.path, path)  # mapped, not rebuilt
    no_rerank = timed(lambda q: retrieve(q, None, 5, rerank=False), queries_for(2))
    full = timed(lambda q: retrieve(q, None, 5), queries_for(1))
    after = memory()
    kb = None  # before the exact scans below map the whole matrix
    change = steady_change(n, embedder, rng, middle)
    kb = snapshot()
    vectors = {q: embedder.embed_query(q) for q in queries_for(3)}
    embed_only = timed(embedder.embed_query, queries_for(4))
    dense_only = timed(lambda v: kb.local_index.query(v, k=40), list(vectors.values()))
    lexical_only = timed(lambda q: kb.lexical.search(q, k=40), list(vectors))
    ceiling = raw_scan(n, rng, list(vectors.values()))
    recall = recall_at_10(kb.local_index, list(vectors.values()))
    recall_synthetic = recall_at_10(kb.local_index, list(clustered(rng, middle, len(vectors))))

    kind = "HNSW" if kb.local_index.ann is not None else "exact scan"
    print(f"\nN={n:,} chunks (seeded in {seed_s:.1f}s; {load()})")
    print(f"  worker: published the set in {build_s:.1f}s ({kind}) -> {path}")
    print(
        f"  web process, from the demo set to N: switch {switch_s * 1000:.1f} ms + first query "
        f"{first:.1f} ms; after the switch and {len(no_rerank) + len(full) + 1} queries "
        f"RSS {mib(after['rss'] - before['rss'])} MiB (file-backed, shared "
        f"{mib(after['file'] - before['file'])}; private anon "
        f"{mib(after['anon'] - before['anon'])}; PSS {mib(after['pss'] - before['pss'])})"
    )
    print(change)
    line(f"embed+search+rerank (n={len(full)})", full)
    line("embed+search, no rerank", no_rerank)
    line("query embedding alone", embed_only)
    line(f"dense top-40 ({kind})", dense_only)
    line("BM25 top-40", lexical_only)
    line("ceiling: raw numpy scan top-40", ceiling)
    recall_line(recall_synthetic, recall, len(vectors))


def steady_change(n: int, embedder, rng, middle) -> str:
    """A knowledge change in a process already serving the N-chunk set: one chunk is
    edited, the worker publishes the new version, this process switches to it and runs
    the same queries again. The old set's mappings are released with it, so what stays
    is the change's own cost (the line above measures growing from the demo set to N,
    including the first import of the graph library)."""
    for q in queries_for(5):
        retrieve(q, None, 5, rerank=False)  # the old set's pages, as a busy process has
    gc.collect()
    before = memory()
    with transaction.atomic():
        row = ContentChunk.objects.filter(source_key__startswith=SOURCE_PREFIX).first()
        row.embedding = clustered(rng, middle, 1)[0].tobytes()
        row.save(update_fields=["embedding"])
        bump_version()
    build_s, path = publish_in_worker()
    start = time.perf_counter()
    kb = snapshot()
    switch_s = time.perf_counter() - start
    assert str(kb.files.path) == path, (kb.files.path, path)
    del kb
    count = 0
    for q in queries_for(6) + queries_for(7):
        retrieve(q, None, 5, rerank=count % 2 == 0)
        count += 1
    gc.collect()
    after = memory()
    return (
        f"  web process, a change at N={n:,} (one chunk edited; worker published in "
        f"{build_s:.1f}s): switch {switch_s * 1000:.1f} ms; after the switch and {count} "
        f"queries RSS {mib(after['rss'] - before['rss'])} MiB (file-backed "
        f"{mib(after['file'] - before['file'])}; private anon "
        f"{mib(after['anon'] - before['anon'])}; PSS {mib(after['pss'] - before['pss'])})"
    )


def recall_line(synthetic: float, real: float, n: int) -> None:
    print(
        f"  dense recall@10 against exact search, {n} queries each: {synthetic:.3f} for "
        f"queries drawn like the chunks; {real:.3f} for the real questions (far from every "
        f"synthetic chunk) ({load()})"
    )


def million(embedder, rng, words, middle, keep: bool) -> None:
    """1,000,000 synthetic chunks at the index layer (see the module docstring)."""
    from django.conf import settings

    n = 1_000_000
    root = Path(settings.VAR_DIR) / "bench-1m"
    path = root / "v1m"
    built = "reused"
    if not (path / indexfiles.META).exists():
        start = time.perf_counter()
        matrix = np.concatenate([clustered(rng, middle, 100_000) for _ in range(10)])
        ids = [f"{SOURCE_PREFIX}{i}" for i in range(n)]
        weights = 1.0 / np.arange(1, len(words) + 1)
        weights /= weights.sum()
        picks = rng.choice(len(words), size=(n, 24), p=weights)
        texts = [" ".join(words[w] for w in row) for row in picks]
        kinds = np.array(["blog", "service", "case_study", "resource"])[np.arange(n) % 4]
        bm25 = BM25Index(ids, texts, columns={"content_type": kinds})
        del texts, picks
        prep_s = time.perf_counter() - start
        start = time.perf_counter()
        indexfiles.write_set(
            root,
            "v1m",
            ids=ids,
            matrix=matrix,
            columns={"content_type": kinds},
            lexical=bm25.arrays(),
            ann_threshold=settings.KNOWLEDGE_ANN_THRESHOLD,
            ann_dtype=settings.KNOWLEDGE_ANN_DTYPE,
        )
        built = (
            f"vectors+BM25 {prep_s:.0f}s, written with HNSW in {time.perf_counter() - start:.0f}s"
        )
        del matrix, ids, bm25
        gc.collect()
    before = memory()
    start = time.perf_counter()
    files = indexfiles.open_set(path, ann_expansion_search=settings.KNOWLEDGE_ANN_EXPANSION)
    lexical = BM25Index.from_arrays(files.ids, files.lexical, columns=files.columns)
    open_ms = (time.perf_counter() - start) * 1000
    retriever = HybridRetriever(
        embedder=embedder,
        vector_index=files.vector_index,
        lexical_index=lexical,
        reranker=None,
        texts=lambda ids: {},
    )
    searched = timed(lambda q: retriever.search(q, k=5, rerank=False), queries_for(5))
    after = memory()
    vectors = [embedder.embed_query(q) for q in queries_for(6)]
    dense_only = timed(lambda v: files.vector_index.query(v, k=40), vectors)
    lexical_only = timed(lambda q: lexical.search(q, k=40), queries_for(6))
    recall = recall_at_10(files.vector_index, vectors)
    recall_synthetic = recall_at_10(files.vector_index, list(clustered(rng, middle, len(vectors))))
    ceiling = raw_scan(n, rng, vectors[:40])
    print(f"\nN=1,000,000 synthetic chunks, index layer only ({built}; {load()})")
    print(
        f"  open {open_ms:.1f} ms; after {len(searched)} searches RSS "
        f"{mib(after['rss'] - before['rss'])} MiB (file-backed "
        f"{mib(after['file'] - before['file'])}, private anon "
        f"{mib(after['anon'] - before['anon'])})"
    )
    line(f"embed+HNSW+BM25+fusion (n={len(searched)})", searched)
    line("dense top-40 (HNSW)", dense_only)
    line("BM25 top-40", lexical_only)
    line("ceiling: raw numpy scan top-40", ceiling)
    recall_line(recall_synthetic, recall, len(vectors))
    expansion_sweep(files.vector_index, vectors, list(clustered(rng, middle, len(vectors))))
    if not keep:
        shutil.rmtree(root, ignore_errors=True)


def expansion_sweep(index, real: list[np.ndarray], synthetic: list[np.ndarray]) -> None:
    """Recall and dense latency at other graph expansions (``KNOWLEDGE_ANN_EXPANSION``)."""
    configured = index.ann.expansion_search
    for expansion in (128, 256, 512, 1024, 2048):
        index.ann.expansion_search = expansion
        dense = timed(lambda v: index.query(v, k=40), real)
        print(
            f"  expansion {expansion:5d}: dense top-40 p50={statistics.median(dense):.1f} ms "
            f"p95={percentile(dense, 95):.1f} ms; recall@10 {recall_at_10(index, synthetic):.3f} "
            f"drawn like the chunks, {recall_at_10(index, real):.3f} real questions ({load()})"
        )
    index.ann.expansion_search = configured


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--million", action="store_true")
    parser.add_argument("--keep-million", action="store_true", help="keep var/bench-1m")
    args = parser.parse_args()
    from django.conf import settings

    print(
        f"database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
        f"cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} "
        f"cpus={os.cpu_count()} {load()} ann_threshold={settings.KNOWLEDGE_ANN_THRESHOLD} "
        f"ann_expansion={settings.KNOWLEDGE_ANN_EXPANSION}"
    )
    embedder = get_embedder()
    embedder.embed(["warm up"])
    rng = np.random.default_rng(42)
    words = vocabulary()
    middle = centres(embedder, words, rng)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if sizes:  # (``--sizes ""`` leaves the database alone)
        try:
            cleanup()
            for n in sizes:
                one_size(n, embedder, rng, words, middle)
        finally:
            cleanup()
            knowledge.forget()
    if args.million:
        million(embedder, rng, words, middle, args.keep_million)


if __name__ == "__main__":
    main()
