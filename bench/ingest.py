"""Benchmark of knowledge ingestion as the worker runs it (issue 20: at least 100 chunks/s).

Runs in its own process, configured like a worker process (``use_cores_for_batches``;
``--threads 1`` for a web-like process), and prints:

- the demo site: ``knowledge_reindex(rebuild=True)`` over every published page, FAQ and
  catalogue item (read, chunk, embed in batches across sources, store, announce):
  chunks per second, median and best of ``--rounds``, and the chunks' mean length in
  wordpieces;
- long chunks: 256 synthetic chunks of ~130 words (full 256-wordpiece windows, the worst
  case) embedded in one batch and stored;
- the same run's ceiling: the same model on 300 short sentences (sentences per second),
  the figure the issue compares with.

The model is the one the worker embeds documents with: the int8 copy by default;
``EMBEDDING_PRECISION=float32`` runs the full-precision export for a same-machine
comparison.

The demo content is loaded into the database first if it is missing. Synthetic rows are
deleted afterwards; the demo index is left rebuilt.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eng_bench \\
    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/ingest.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ementech_h4")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

SOURCE_PREFIX = "bench-ingest:"


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def document_model(embedder):
    """The model file that embeds knowledge documents (the int8 copy by default)."""
    return (getattr(embedder, "document_onnx_path", None) or embedder.onnx_path).name


def wordpieces(embedder, texts: list[str]) -> float | None:
    if embedder.backend != "onnx":
        return None
    from ementech.ai.embeddings import load_onnx_model

    tokenizer = load_onnx_model(embedder.onnx_path).tokenizer
    return statistics.fmean(sum(e.attention_mask) for e in tokenizer.encode_batch(texts))


def demo_site(embedder, rounds: int) -> None:
    from django.core.management import call_command

    from content.models import ContentChunk
    from content.services import all_source_keys, knowledge_reindex

    if not all_source_keys():
        call_command("load_demo", verbosity=0)
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = knowledge_reindex(rebuild=True, model=embedder.model_name)
        rates.append(result.embedded / (time.perf_counter() - start))
    texts = list(
        ContentChunk.objects.filter(model_name=embedder.model_name).values_list("text", flat=True)
    )
    pieces = wordpieces(embedder, texts)
    print(
        f"demo site: {result.sources} sources, {result.embedded} chunks"
        + (f" of {pieces:.0f} wordpieces on average" if pieces else "")
        + f": median {statistics.median(rates):.1f} chunks/s, best {max(rates):.1f} "
        f"over {rounds} rebuilds ({load()})"
    )


def long_chunks(embedder) -> None:
    import numpy as np
    from django.db import transaction

    from content.knowledge import bump_version
    from content.models import ContentChunk
    from ementech.ai.embeddings import local_model_vocabulary

    rng = np.random.default_rng(7)
    words = [w for w in local_model_vocabulary() if w.isalpha() and len(w) > 3][:8000]
    texts = [" ".join(rng.choice(words, size=130)) + "." for _ in range(256)]
    start = time.perf_counter()
    vectors = embedder.embed_documents(texts)
    with transaction.atomic():
        ContentChunk.objects.bulk_create(
            ContentChunk(
                source_key=f"{SOURCE_PREFIX}long",
                chunk_index=n,
                vector_id=f"{SOURCE_PREFIX}long-{n}",
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
        )
        bump_version()
    rate = len(texts) / (time.perf_counter() - start)
    with transaction.atomic():
        ContentChunk.objects.filter(source_key__startswith=SOURCE_PREFIX).delete()
        bump_version()
    print(
        f"long chunks: {rate:.1f} chunks/s ({len(texts)} chunks of "
        f"{wordpieces(embedder, texts) or 0:.0f} wordpieces, one batch, embed + store; "
        f"{load()})"
    )


def ceiling(embedder) -> None:
    sentences = [
        f"Our team in region {n} wants a pilot of the {('chatbot', 'dashboard', 'workflow')[n % 3]}"
        f" before quarter {n % 4 + 1}."
        for n in range(300)
    ]
    start = time.perf_counter()
    embedder.embed_documents(sentences)
    rate = len(sentences) / (time.perf_counter() - start)
    print(
        f"ceiling, same model and process: {rate:.0f} short sentences/s "
        f"({wordpieces(embedder, sentences) or 0:.0f} wordpieces each; {load()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--threads", type=int, default=0, help="model threads (default: as the worker)"
    )
    args = parser.parse_args()
    if args.threads:
        os.environ["EMBEDDING_TORCH_THREADS"] = str(args.threads)
    import django

    django.setup()
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)  # eager tasks log each run
    from ementech.ai.config import get_embedder
    from ementech.ai.embeddings import model_threads, use_cores_for_batches

    use_cores_for_batches()  # as a worker process does when it starts
    embedder = get_embedder()
    embedder.embed_documents(["warm up"])
    print(
        f"embedder {embedder.model_name} ({embedder.backend}"
        + (f": documents {document_model(embedder)}" if embedder.backend == "onnx" else "")
        + f"), {model_threads()} model "
        f"threads, cpus={os.cpu_count()} ({load()})"
    )
    demo_site(embedder, args.rounds)
    long_chunks(embedder)
    ceiling(embedder)


if __name__ == "__main__":
    main()
