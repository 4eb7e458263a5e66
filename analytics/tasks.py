"""Celery tasks of the analytics app (thin: ids in, a service call out).

Ingestion enqueues ``leads.tasks.process_lead_events`` for identified visitors; this task
lets ops re-run processing for every lead with unprocessed interactions.
"""

from __future__ import annotations

from celery import shared_task

from analytics.models import Interaction


@shared_task(acks_late=True, ignore_result=True)
def process_pending(limit: int = 1000) -> int:
    """Enqueue lead processing for leads that have unprocessed interactions."""
    from leads.facade import lead_events_process_later

    lead_ids = list(
        Interaction.objects.filter(processed_at__isnull=True, lead__isnull=False)
        .values_list("lead_id", flat=True)
        .distinct()[:limit]
    )
    for lead_id in lead_ids:
        lead_events_process_later(lead_id=lead_id)
    return len(lead_ids)


@shared_task(acks_late=True, ignore_result=True)
def prune_tracked_batches() -> int:
    """Forget client batch ids older than ``TRACK_BATCH_TTL_DAYS`` (a retry comes within
    minutes; the ids only need to outlive the tracker's retries)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from analytics.models import TrackedBatch

    cutoff = timezone.now() - timedelta(days=settings.TRACK_BATCH_TTL_DAYS)
    deleted, _ = TrackedBatch.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(acks_late=True, ignore_result=True)
def drain_track_buffer() -> int:
    """Copy the tracking buffer into PostgreSQL (scheduled by requests, and by beat in case
    a publish was lost); returns the events stored."""
    from analytics.ingest import track_buffer_drain

    return track_buffer_drain().events
