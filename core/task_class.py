"""The project's Celery task class (``Celery(task_cls=...)``): a duplicate delivery of an
outbox row does nothing.

Kept apart from ``core.outbox`` (which defines a model) so Celery can load it before
Django's app registry is ready; the claim itself is looked up at run time.
"""

from __future__ import annotations

from typing import Any

from celery import Task


class OutboxTask(Task):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if not request.called_directly and not request.is_eager:
            from core.outbox import SKIPPED_FLAG, claim_run

            if not claim_run(request.id):
                setattr(request, SKIPPED_FLAG, True)  # postrun must not mark the row done
                return None
        return super().__call__(*args, **kwargs)
