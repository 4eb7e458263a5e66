"""Enqueue after commit through the project's one queue API (durable once the outbox
lands behind it). TODO(core): import from ``core.queue`` when i12's core app is on main."""

from __future__ import annotations

from ementech.queue import enqueue, enqueue_with

__all__ = ["enqueue", "enqueue_with"]
