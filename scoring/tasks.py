"""Celery tasks of the scoring app: thin wrappers that take ids and call a service.

``rescore_lead`` is scheduled (debounced) by ``services.lead_rescore_soon``; rescoring is
idempotent (the same state gives the same score and no new history row). ``deliver_alert``
skips the channels an alert was already delivered on, so a retry never repeats them.
"""

from __future__ import annotations

import httpx
from celery import shared_task

from core.queue import enqueue
from integrations.facade import SlackUnavailable
from scoring import services


@shared_task(acks_late=True, ignore_result=True)
def rescore_lead(lead_id: str) -> None:
    services.lead_rescore_debounced(lead_id=lead_id)


@shared_task(acks_late=True, ignore_result=True)
def rescore_all_leads() -> None:
    """Nightly: every live lead, in bulk (beat entry in ``ementech/schedule.py``)."""
    services.leads_rescore_bulk(reason="nightly")


@shared_task(acks_late=True, ignore_result=True)
def rescore_recent_leads() -> None:
    """Every minute: leads changed since the last sweep (the event path's safety net)."""
    services.leads_rescore_recent()


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(httpx.HTTPError, SlackUnavailable),
    retry_backoff=30,
    max_retries=5,
)
def deliver_alert(alert_id: int) -> None:
    services.alert_deliver(alert_id=alert_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_alerts(alert_ids: list[int]) -> None:
    """A batch from bulk rescoring: one delivery task per alert (each retried alone)."""
    for alert_id in alert_ids:
        enqueue(deliver_alert, alert_id, key=f"alert-delivery:{alert_id}")
