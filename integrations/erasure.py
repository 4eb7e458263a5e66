"""Erasure in the other systems: privacy calls ``on_erasure`` (registered as its erasure
hook) inside its transaction before any row goes; we record what to delete where (only the
other systems' opaque ids) and carry it out after commit, retrying while a service is down."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from integrations.models import RemoteErasure

log = logging.getLogger(__name__)


def on_erasure(subject: Any) -> None:
    """Privacy's erasure hook (``privacy.registry.register_erasure_hook``)."""
    from integrations import tasks
    from integrations.queue import enqueue

    queued = 0
    if settings.HUBSPOT_ACCESS_TOKEN and subject.lead_ids:
        from integrations.hubspot.sync import erasure_requested

        queued += erasure_requested(lead_ids=subject.lead_ids)
    if settings.POSTHOG_API_KEY and settings.POSTHOG_PERSONAL_API_KEY:
        distinct_ids = sorted(str(i) for i in (*subject.lead_ids, *subject.visitor_ids))
        RemoteErasure.objects.bulk_create(
            [
                RemoteErasure(service=RemoteErasure.Service.POSTHOG, remote_id=d)
                for d in distinct_ids
            ]
        )
        queued += len(distinct_ids)
    if queued:
        enqueue(tasks.remote_erasures)


def remote_erasures_process(limit: int = 200) -> int:
    """Carry out pending remote erasures; those that fail stay pending."""
    from integrations import posthog as ph
    from integrations.hubspot.client import HubSpotRefused, HubSpotUnavailable
    from integrations.hubspot.sync import contact_gdpr_delete

    done = 0
    pending = list(RemoteErasure.objects.filter(done_at__isnull=True).order_by("pk")[:limit])
    posthog_ids = [p.remote_id for p in pending if p.service == RemoteErasure.Service.POSTHOG]
    posthog_ok = False
    if posthog_ids:
        try:
            ph.persons_delete(distinct_ids=posthog_ids)
            posthog_ok = True
        except ph.PostHogUnavailable as exc:
            RemoteErasure.objects.filter(
                pk__in=[p.pk for p in pending if p.service == RemoteErasure.Service.POSTHOG]
            ).update(attempts=F("attempts") + 1, last_error=str(exc)[:500])
    for item in pending:
        if item.service == RemoteErasure.Service.POSTHOG:
            ok = posthog_ok
        else:
            try:
                contact_gdpr_delete(hubspot_id=item.remote_id)
                ok = True
            except (HubSpotUnavailable, HubSpotRefused) as exc:
                RemoteErasure.objects.filter(pk=item.pk).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:500]
                )
                ok = False
        if ok:
            # The other system's id is no longer needed once the deletion is done there.
            RemoteErasure.objects.filter(pk=item.pk).update(
                done_at=timezone.now(), remote_id="", last_error=""
            )
            done += 1
    return done
