"""Enqueue Celery tasks durably: the intent commits with the caller's transaction.

``enqueue``/``enqueue_with`` write an outbox row (``core.outbox``) in the current
transaction and publish it after commit; a broker outage never fails the caller, and the
relay publishes the row when the broker is back. Tasks take ids, never model instances, so
a worker never sees a row that was rolled back. ``key`` makes an intent idempotent: a
second ``enqueue`` with the same key records nothing.
"""

from __future__ import annotations

from typing import Any

from celery import Task


def enqueue(task: Task, *args: Any, key: str | None = None, **kwargs: Any) -> bool:
    """``task.delay(*args, **kwargs)``, durably, once the current transaction commits.
    False when ``key`` was already recorded (nothing new is queued)."""
    from core.outbox import outbox_add

    return outbox_add(task=task, args=args, kwargs=kwargs, key=key) is not None


def enqueue_with(
    task: Task,
    *,
    args: tuple = (),
    kwargs: dict | None = None,
    key: str | None = None,
    countdown: float | None = None,
    **options: Any,
) -> None:
    """``task.apply_async`` with options (countdown, queue, ...), durably, after commit."""
    from core.outbox import outbox_add

    outbox_add(task=task, args=args, kwargs=kwargs, key=key, countdown=countdown, **options)
