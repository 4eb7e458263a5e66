"""Rescoring many leads: all of them in chunks (the command), or those active since the
last sweep (beat), raising the alerts of leads that newly reach grade A.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.queue import enqueue
from scoring import selectors
from scoring.engine import (
    Config,
    Scored,
    score_rows,
)
from scoring.models import ScoreAlert
from scoring.services.alerts import alert_raise
from scoring.services.scores import GRADE_A, HIGH_INTENT, _newly_a, write_scores

# --- all leads --------------------------------------------------------------------------------


@dataclass
class BulkStats:
    leads: int = 0
    changed: int = 0
    written: int = 0
    alerts: int = 0
    seconds: float = 0.0
    model: str = "rules"

    @property
    def per_second(self) -> float:
        return self.leads / self.seconds if self.seconds else 0.0


def leads_rescore_bulk(
    *,
    reason: str = "nightly",
    chunk_size: int | None = None,
    lead_ids: Sequence[Any] | None = None,
    progress: Callable[[int], None] | None = None,
    now: dt.datetime | None = None,
) -> BulkStats:
    """Rescore all live leads (or ``lead_ids``) chunk by chunk: one read of the lead rows,
    one grouped read of their interactions, one set-based write of the scores and one of the
    history per chunk (each chunk its own transaction). Leads reaching grade A get their
    alert (delivered by Celery after commit)."""
    now = now or timezone.now()
    chunk_size = chunk_size or settings.SCORING_BULK_CHUNK
    config = Config.from_settings()
    model = selectors.active_model(config)
    write = write_scores
    stats = BulkStats(model=model.label)
    started = time.perf_counter()
    # Chunks allocate hundreds of thousands of short-lived objects; full collections
    # scanning the whole process heap would cost more than the scoring itself.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _bulk_chunks(
            stats,
            config=config,
            model=model,
            write=write,
            now=now,
            reason=reason,
            chunk_size=chunk_size,
            lead_ids=lead_ids,
            progress=progress,
        )
    finally:
        if gc_was_enabled:
            gc.enable()
    stats.seconds = time.perf_counter() - started
    if stats.leads:
        from analytics.facade import dashboard_push

        dashboard_push(
            event="scores.refreshed", data={"leads": stats.leads, "changed": stats.changed}
        )
    return stats


def _bulk_chunks(
    stats: BulkStats, *, config, model, write, now, reason, chunk_size, lead_ids, progress
) -> None:
    for rows in selectors.lead_row_chunks(chunk_size=chunk_size, lead_ids=lead_ids):
        with transaction.atomic():
            if lead_ids is None:  # chunks are consecutive primary keys: a range scan
                activities = selectors.activity_for_range(rows[0][0], rows[-1][0])
            else:
                activities = selectors.activity_for([r[0] for r in rows])
            results = score_rows(rows, activities, config=config, model=model, now=now)
            write(results, now=now, model_label=model.label, reason=reason)
            hot = _newly_a(results)
            if hot:
                stats.alerts += _alerts_bulk(hot)
        stats.leads += len(rows)
        stats.changed += sum(1 for s in results if s.changed)
        stats.written += sum(1 for s in results if s.needs_write)
        if progress is not None:
            progress(len(rows))


def _alerts_bulk(hot: Sequence[Scored]) -> int:
    """Grade-A alerts for many leads at once; existing (lead, reason) rows are left alone.
    Synthetic demo leads (``load_demo --history``) raise none."""
    from leads.facade import synthetic_lead_ids
    from scoring import tasks

    fake = synthetic_lead_ids([s.lead_id for s in hot])
    hot = [s for s in hot if s.lead_id not in fake]
    ids = [s.lead_id for s in hot]
    existing = set(
        ScoreAlert.objects.filter(lead_id__in=ids, reason=GRADE_A).values_list("lead_id", flat=True)
    )
    fresh = [s for s in hot if s.lead_id not in existing]
    if not fresh:
        return 0
    ScoreAlert.objects.bulk_create(
        [
            ScoreAlert(
                lead_id=s.lead_id,
                reason=GRADE_A,
                score=s.score,
                grade=s.grade,
                details={"score": s.score, "previous_grade": s.previous_grade},
            )
            for s in fresh
        ],
        ignore_conflicts=True,
    )
    alert_ids = list(
        ScoreAlert.objects.filter(
            lead_id__in=[s.lead_id for s in fresh], reason=GRADE_A, deliveries={}
        ).values_list("pk", flat=True)
    )
    for i in range(0, len(alert_ids), 200):
        enqueue(tasks.deliver_alerts, alert_ids[i : i + 200])
    return len(alert_ids)


SWEEP_KEY = "scoring:sweep:since"


def leads_rescore_recent(*, now: dt.datetime | None = None, overlap_seconds: int = 5) -> BulkStats:
    """The safety net behind event-driven rescoring (beat, every minute): rescore the leads
    that changed or had interactions since the last sweep, and raise the high-intent alerts
    of the leads app's ``high_intent`` triggers fired since then. Idempotent."""
    from analytics.facade import interactions
    from leads.facade import Lead, LeadTrigger

    now = now or timezone.now()
    since = cache.get(SWEEP_KEY) or (now - dt.timedelta(minutes=10))
    since = since - dt.timedelta(seconds=overlap_seconds)
    ids = set(Lead.objects.filter(updated_at__gte=since).values_list("pk", flat=True)[:50000])
    ids |= set(
        interactions()
        .filter(created_at__gte=since, lead_id__isnull=False)
        .values_list("lead_id", flat=True)
        .distinct()[:50000]
    )
    stats = (
        leads_rescore_bulk(reason="event", lead_ids=sorted(ids), now=now) if ids else BulkStats()
    )
    for trigger in LeadTrigger.objects.filter(
        kind="high_intent", created_at__gte=since
    ).select_related("lead"):
        with transaction.atomic():
            alert_raise(
                lead=trigger.lead,
                reason=HIGH_INTENT,
                details={
                    "trigger": trigger.kind,
                    "key": trigger.key,
                    "at": trigger.created_at.isoformat(),
                },
            )
    from analytics.facade import metrics_sweep

    metrics_sweep(since=since)
    cache.set(SWEEP_KEY, now, timeout=None)
    return stats
