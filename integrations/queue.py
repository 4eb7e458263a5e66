"""Enqueue after commit through the project's one queue API (``core.queue``), so our
pushes inherit its durability once the transactional outbox sits behind it."""

from __future__ import annotations

from core.queue import enqueue, enqueue_with

__all__ = ["enqueue", "enqueue_with"]
