"""The integrations app's public surface: the only module another app imports from
``integrations``. Lifecycle hooks (a booked demo, a hand-off), Slack alerts and the
presigned URL of a stored download."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from integrations.queue import enqueue
from integrations.slack import SlackUnavailable

__all__ = ["SlackUnavailable", "demo_booked", "download_url", "handoff_alert", "slack_alert"]


def demo_booked(*, booking_id: Any, lead_id: Any) -> None:
    """A demo was booked (call inside the booking's transaction): a HubSpot meeting on the
    lead's contact and PostHog's "demo booked" lifecycle event, both after commit."""
    from integrations import tasks

    if settings.HUBSPOT_ACCESS_TOKEN:
        enqueue(tasks.hubspot_push_meeting, str(booking_id))
    if settings.POSTHOG_API_KEY and lead_id:
        from integrations import posthog as ph

        ph.lifecycle_enqueue(lead_id=lead_id, event="demo booked", key=f"booking:{booking_id}")


def slack_alert(*, kind: str, payload: dict[str, Any]) -> bool:
    """Post an alert to the Slack channel routed for ``kind`` (``hot_lead``, ``handoff``).
    Returns False when Slack is not configured; raises ``SlackUnavailable`` to retry."""
    from integrations import slack

    return slack.alert_post(kind=kind, payload=payload)


def handoff_alert(*, conversation_id: Any) -> None:
    """A chat was handed to a person (call inside its transaction): Slack's hand-off
    channel hears about it after commit."""
    from integrations import slack, tasks

    if slack.enabled("handoff"):
        enqueue(tasks.slack_handoff, str(conversation_id))


def download_url(*, file: Any, filename: str) -> str | None:
    """A short-lived presigned URL for a gated download (``file`` is the document's file
    field), or ``None`` when the file is stored locally (then the caller streams it)."""
    from integrations.storage import download_url as _url

    return _url(file, filename=filename)
