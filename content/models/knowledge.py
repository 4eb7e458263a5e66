"""The knowledge base: embedded chunks of every source, and the index version and build
state per embedding model.
"""

from __future__ import annotations

from django.db import models

# --- Knowledge base ---------------------------------------------------------------------------


class ContentChunk(models.Model):
    """One embedded chunk of a page or snippet. Derived data: rebuilt by ingestion.

    ``source_key`` is ``page:<id>``, ``faq:<id>`` or ``catalogue:<id>``. The embedding is
    raw float32 bytes with its model name and dimension, so vectors from different models
    are never compared.
    """

    source_key = models.CharField(max_length=40, db_index=True)
    page_id = models.IntegerField(null=True, blank=True, db_index=True)
    chunk_index = models.PositiveIntegerField()
    vector_id = models.CharField(max_length=80)
    content_type = models.CharField(max_length=20)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    industry = models.CharField(max_length=30, blank=True)
    difficulty = models.CharField(max_length=20, blank=True)
    is_gated = models.BooleanField(default=False)
    model_name = models.CharField(max_length=100)
    dimension = models.PositiveIntegerField()
    embedding = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model_name", "vector_id"], name="chunk_unique_vector")
        ]
        indexes = [models.Index(fields=["model_name", "source_key"])]
        ordering = ["source_key", "chunk_index"]

    def __str__(self) -> str:
        return f"{self.source_key}#{self.chunk_index}"


class KnowledgeVersion(models.Model):
    """A counter bumped on every knowledge-base change; each process reloads its in-memory
    index when the counter moves (read through the cache)."""

    version = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"knowledge v{self.version}"


class KnowledgeIndex(models.Model):
    """The index of the knowledge base for one embedding model. Switching the model (an
    OpenAI key set or removed, ``EMBEDDING_MODEL``) builds the new model's index in the
    background; search keeps serving the previous ready one until it is done."""

    class State(models.TextChoices):
        BUILDING = "building", "Rebuilding"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    model_name = models.CharField(max_length=100, unique=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.BUILDING)
    chunks = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched by the worker as it goes: a "building" index whose worker died stops moving.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.model_name}: {self.get_state_display()}"

    def last_sign_of_life(self):
        """When the build last showed progress (its heartbeat, else its start)."""
        return self.heartbeat_at or self.started_at

    def is_stale(self, *, now, after_seconds: int) -> bool:
        """Marked building, but nothing moved for ``after_seconds``: its worker is gone."""
        if self.state != self.State.BUILDING:
            return False
        last = self.last_sign_of_life()
        return last is None or (now - last).total_seconds() > after_seconds
