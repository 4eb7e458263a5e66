"""Celery tasks of the integrations: thin, take ids, retry only what can succeed later."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from integrations.hubspot.client import HubSpotUnavailable
from integrations.slack import SlackUnavailable

log = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(HubSpotUnavailable,),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def hubspot_push() -> int:
    """Push dirty contacts. While HubSpot is down the rows stay dirty; this task retries
    with backoff and the beat sweep picks up whatever is left."""
    from integrations.hubspot.sync import contacts_push_all

    if not settings.HUBSPOT_ACCESS_TOKEN:
        return 0
    return contacts_push_all().upserted


@shared_task(
    acks_late=True,
    autoretry_for=(HubSpotUnavailable,),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def hubspot_push_meeting(booking_id: str) -> str:
    """A demo booking becomes a HubSpot meeting on the lead's contact."""
    from integrations.hubspot.sync import meeting_push

    if not settings.HUBSPOT_ACCESS_TOKEN:
        return ""
    return meeting_push(booking_id=booking_id)


@shared_task(acks_late=True)
def hubspot_sweep() -> int:
    """Beat: push what is still dirty, then pull contacts modified since the last pull."""
    from integrations.hubspot.sync import contacts_pull, contacts_push_all

    if not settings.HUBSPOT_ACCESS_TOKEN:
        return 0
    try:
        pushed = contacts_push_all().upserted
        contacts_pull(full=False)
    except HubSpotUnavailable:
        log.warning("hubspot: unavailable, will try again at the next sweep")
        return 0
    return pushed


@shared_task(
    acks_late=True,
    autoretry_for=(HubSpotUnavailable,),
    retry_backoff=10,
    max_retries=8,
)
def hubspot_apply_webhook(events: list[dict]) -> int:
    """Apply verified webhook events (the view only verifies and queues)."""
    from integrations.hubspot.webhooks import events_apply

    return events_apply(events=events)


@shared_task(acks_late=True)
def remote_erasures() -> int:
    """Carry out pending erasures in HubSpot and PostHog; failures stay pending for the
    next run (beat)."""
    from integrations.erasure import remote_erasures_process

    return remote_erasures_process()


@shared_task(acks_late=True, ignore_result=True)
def posthog_lifecycle(lead_id: str, event: str, key: str) -> bool:
    from integrations import posthog as ph

    return ph.lifecycle_send(lead_id=lead_id, event=event, key=key)


@shared_task(acks_late=True)
def posthog_pageviews() -> int:
    from integrations import posthog as ph

    return ph.pageviews_forward()


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(SlackUnavailable,),
    retry_backoff=30,
    max_retries=5,
)
def slack_handoff(conversation_id: str) -> bool:
    from integrations import slack

    return slack.alert_post(
        kind="handoff", payload=slack.handoff_payload(conversation_id=conversation_id)
    )


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=30, max_retries=8)
def zoom_event_published(event_id: int) -> str:
    """Create the event's Zoom meeting/webinar and push its registrants."""
    from integrations import zoom

    return zoom.meeting_for_event(event_id=event_id)


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=30, max_retries=8)
def zoom_push_registrants(event_id: int) -> int:
    from integrations import zoom

    return zoom.registrants_push(event_id=event_id)


@shared_task(acks_late=True)
def zoom_pull_reports() -> int:
    """Beat: attendance, Q&A and polls of finished events."""
    from integrations import zoom

    return zoom.reports_pull_due()
