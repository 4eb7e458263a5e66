"""``manage.py reindex_knowledge [--all] [--model NAME]``: bring the knowledge base up to
date (only changed chunks are embedded), or rebuild it with ``--all``. Either way the
model's index is marked ready when it finishes (replacing a stale or failed rebuild)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from content.services import knowledge_rebuild
from core.console import ProgressStream
from ementech.ai import config as ai_config
from ementech.ai.embeddings import use_cores_for_batches


class Command(BaseCommand):
    help = "Index every published page and snippet into the knowledge base."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Re-embed everything, not only what changed."
        )
        parser.add_argument(
            "--model",
            default=None,
            help="Embedding model (all-MiniLM-L6-v2 or text-embedding-3-small); "
            "default: the configured one.",
        )

    def handle(self, *args, **options):
        use_cores_for_batches()
        model = options["model"]
        embedder = ai_config.get_embedder(model)
        self.stdout.write(f"model {embedder.model_name} ({embedder.dimension} dimensions)")

        def progress(keys):
            return tqdm(keys, desc="indexing", unit="source", file=ProgressStream(self.stderr))

        # Through the index's own bookkeeping: a stale or failed background rebuild of this
        # model is replaced by this run, and the index reads ready when it finishes.
        result = knowledge_rebuild(rebuild=options["all"], model=model, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.sources} sources, {result.chunks} chunks: {result.embedded} embedded, "
                f"{result.reused} unchanged; {result.removed_sources} removed sources"
            )
        )
