"""The transactional outbox: background work that is never lost and never skipped.

``core.queue.enqueue`` writes an ``OutboxMessage`` row in the caller's transaction, so the
intent commits (or rolls back) with the rows it is about. After commit the row is published
to the broker at once (the fast path); if the broker is unreachable the request still
succeeds and the row waits. A relay (``relay_pending``: run by the ``core.tasks.outbox_relay``
beat entry every ``OUTBOX_SWEEP_SECONDS`` and when a worker starts) publishes rows that were
never sent, re-publishes a run that started but did not finish within
``OUTBOX_LEASE_SECONDS`` (a worker killed mid-task), and re-publishes a message that no
worker started within ``OUTBOX_LOST_SECONDS`` (lost with a broker that restarted without
persistence). A backlog waiting in the queue is never re-published: the lease counts from
the start of a run, not from the publish, so a long queue after an outage does not
multiply itself.

Every task runs through ``core.task_class.OutboxTask``: a run first claims its row
(``started_at``); a second delivery of a row that is done, or that another worker is
running within its lease, does nothing. A finished run marks its row done (signals
below), so work runs at least once and, short of a worker dying mid-task, exactly once;
tasks make their side effect happen once (claims, idempotency keys).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from celery import Task, current_app
from celery.signals import task_failure, task_postrun, worker_ready
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
SKIPPED_FLAG = "outbox_duplicate_skipped"  # set on a run's request by core.task_class


class OutboxMessage(models.Model):
    """One task intent: which task, its (JSON) arguments, and where it is in its life."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    publishes = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    dead = models.BooleanField(default=False)
    last_error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        app_label = "core"
        indexes = [
            models.Index(
                fields=["available_at"],
                name="outbox_pending_idx",
                condition=Q(done_at__isnull=True, dead=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}#{self.pk}"

    @property
    def task_id(self) -> str:
        return f"{TASK_ID_PREFIX}{self.pk}"


def outbox_add(
    *,
    task: Task | str,
    args: tuple | list = (),
    kwargs: dict | None = None,
    key: str | None = None,
    countdown: float | None = None,
    **options: Any,
) -> OutboxMessage | None:
    """Record a task intent in the current transaction and publish it after commit.

    With ``key``, a second intent with the same key is dropped (None is returned): the work
    it names is already recorded. Arguments must be JSON values (ids, never instances).
    """
    name = task if isinstance(task, str) else task.name
    available = timezone.now() + timedelta(seconds=countdown or 0)
    if key is not None:
        try:
            with transaction.atomic():
                row = OutboxMessage.objects.create(
                    task=name,
                    args=list(args),
                    kwargs=kwargs or {},
                    options=options,
                    key=key[:200],
                    available_at=available,
                )
        except IntegrityError:
            return None
    else:
        row = OutboxMessage.objects.create(
            task=name, args=list(args), kwargs=kwargs or {}, options=options, available_at=available
        )
    row_id = row.pk
    transaction.on_commit(lambda: publish(row_id, countdown=countdown))
    return row


def _send(row: OutboxMessage, countdown: float | None = None) -> None:
    options = dict(row.options or {})
    if countdown:
        options["countdown"] = countdown
    current_app.send_task(
        row.task,
        args=row.args,
        kwargs=row.kwargs,
        task_id=row.task_id,
        retry=False,  # a broker outage must not hold the request: the relay retries
        ignore_result=True,  # nothing waits on it; no result-backend round trip either
        **options,
    )


_broker_down_until = 0.0  # per process: after a failed publish, leave it to the relay


def publish(row_id: int, *, countdown: float | None = None) -> bool:
    """Send one row to the broker (the after-commit fast path); False if it must wait."""
    global _broker_down_until
    row = OutboxMessage.objects.filter(pk=row_id, done_at__isnull=True).first()
    if row is None:
        return False
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return _run_eagerly(row)
    if time.monotonic() < _broker_down_until:
        return False  # the broker failed moments ago: the relay publishes this row
    try:
        _send(row, countdown)
    except Exception as exc:  # noqa: BLE001 - any broker error: the relay publishes it later
        _broker_down_until = time.monotonic() + settings.REDIS_RETRY_SECONDS
        logger.warning("outbox: broker unavailable, %s #%s waits for the relay: %s",
                       row.task, row.pk, exc)  # fmt: skip
        return False
    OutboxMessage.objects.filter(pk=row.pk).update(
        published_at=timezone.now(), publishes=F("publishes") + 1
    )
    return True


def _run_eagerly(row: OutboxMessage) -> bool:
    """Tests and embedded one-process runs: execute in-process, as ``.delay`` did before."""
    task = current_app.tasks[row.task]
    OutboxMessage.objects.filter(pk=row.pk).update(
        published_at=timezone.now(), publishes=F("publishes") + 1
    )
    task.delay(*row.args, **row.kwargs)  # raises (eager propagation) if the task fails
    OutboxMessage.objects.filter(pk=row.pk).update(done_at=timezone.now())
    return True


def relay_pending(*, limit: int = 500) -> int:
    """Publish rows never sent, re-publish runs that started but did not finish within the
    lease (the worker died) and messages no worker started for ``OUTBOX_LOST_SECONDS``
    (lost by the broker); returns how many were sent."""
    now = timezone.now()
    lease = now - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    lost = now - timedelta(seconds=settings.OUTBOX_LOST_SECONDS)
    fresh = now - timedelta(seconds=settings.OUTBOX_FAST_PATH_GRACE_SECONDS)
    due = (
        Q(published_at__isnull=True, created_at__lte=fresh)
        | Q(started_at__lte=lease)
        | Q(started_at__isnull=True, published_at__lte=lost)
    )
    sent = 0
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(due, done_at__isnull=True, dead=False, available_at__lte=now)
            .order_by("available_at", "pk")[:limit]
        )
        for row in rows:
            if row.publishes >= settings.OUTBOX_MAX_PUBLISHES:
                row.dead = True
                row.last_error = (row.last_error or "never finished")[:500]
                row.save(update_fields=["dead", "last_error"])
                logger.error("outbox: %s #%s gave up after %s publishes",
                             row.task, row.pk, row.publishes)  # fmt: skip
                continue
            try:
                _send(row)
            except Exception as exc:  # noqa: BLE001 - broker still down: stop, try next sweep
                logger.warning("outbox relay: broker unavailable (%s); %d rows wait",
                               exc, len(rows) - sent)  # fmt: skip
                break
            row.published_at, row.publishes = timezone.now(), row.publishes + 1
            row.save(update_fields=["published_at", "publishes"])
            sent += 1
    if sent:
        logger.info("outbox relay: published %d rows", sent)
    return sent


def outbox_stats() -> dict[str, int]:
    qs = OutboxMessage.objects
    return {
        "pending": qs.filter(done_at__isnull=True, dead=False).count(),
        "unpublished": qs.filter(published_at__isnull=True, done_at__isnull=True).count(),
        "dead": qs.filter(dead=True).count(),
        "done": qs.filter(done_at__isnull=False).count(),
    }


# --- task lifecycle: a run claims its row, a finished run marks it done --------------------------


def claim_run(task_id: str | None) -> bool:
    """Claim the outbox row of this run; False when the row is done or another run of it
    started within the lease (a duplicate delivery: do nothing). Tasks not sent through
    the outbox (beat, direct calls) always run."""
    row_id = _row_id(task_id)
    if row_id is None:
        return True
    now = timezone.now()
    lease = now - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = (
        OutboxMessage.objects.filter(pk=row_id, done_at__isnull=True)
        .filter(Q(started_at__isnull=True) | Q(started_at__lte=lease))
        .update(started_at=now)
    )
    if not claimed and OutboxMessage.objects.filter(pk=row_id).exists():
        logger.info("outbox: duplicate delivery of #%s skipped", row_id)
        return False
    return True  # claimed, or a row this database does not know (run as before)


def _row_id(task_id: str | None) -> int | None:
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    try:
        return int(task_id[len(TASK_ID_PREFIX) :])
    except ValueError:
        return None


@task_postrun.connect(dispatch_uid="core.outbox.done")
def _mark_done(
    task_id: str | None = None, state: str | None = None, task: Any = None, **_: Any
) -> None:
    row_id = _row_id(task_id)
    if row_id is None or getattr(getattr(task, "request", None), SKIPPED_FLAG, False):
        return  # not an outbox run, or a skipped duplicate: the run that claimed it decides
    if state == "RETRY":  # the broker holds the next attempt, which must be able to claim
        OutboxMessage.objects.filter(pk=row_id).update(started_at=None)
        return
    if state not in ("SUCCESS", "FAILURE", "IGNORED"):
        return
    update: dict[str, Any] = {"done_at": timezone.now()}
    if state == "FAILURE":
        update = {"failures": F("failures") + 1}  # re-published after the lease, then dead
    OutboxMessage.objects.filter(pk=row_id).update(**update)


@task_failure.connect(dispatch_uid="core.outbox.failed")
def _note_failure(task_id: str | None = None, exception: BaseException | None = None, **_: Any):
    row_id = _row_id(task_id)
    if row_id is not None:
        OutboxMessage.objects.filter(pk=row_id).update(
            last_error=f"{type(exception).__name__}: {exception}"[:500]
        )


@worker_ready.connect(dispatch_uid="core.outbox.worker_ready")
def _relay_on_start(**_: Any) -> None:
    """A worker that (re)connects publishes what waited while the broker was away."""
    try:
        relay_pending()
    except Exception:  # noqa: BLE001 - never stop a worker from starting
        logger.exception("outbox: relay at worker start failed")
