"""Enqueue Celery tasks only after the surrounding transaction commits.

Tasks take ids, never model instances, so a worker never sees a row that was rolled back.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import Task
from django.db import transaction


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """``task.delay(*args, **kwargs)`` once the current transaction commits."""
    transaction.on_commit(partial(task.delay, *args, **kwargs))


def enqueue_with(
    task: Task, *, args: tuple = (), kwargs: dict | None = None, **options: Any
) -> None:
    """``task.apply_async`` with options (countdown, task_id, ...) after commit."""
    transaction.on_commit(partial(task.apply_async, args=args, kwargs=kwargs or {}, **options))
