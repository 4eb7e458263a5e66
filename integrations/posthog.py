"""PostHog server-side capture through the official ``posthog`` SDK.

Only with the person's analytics consent: lifecycle events (lead captured, lead qualified,
demo booked, deal won) and page views. ``$identify`` links the visitor's anonymous id to
the lead; person properties (address, name, company, role) are set only under marketing
consent. Event uuids are derived from our ids, so a retried send is deduplicated by PostHog.
Erasure deletes the person through PostHog's REST API (``persons/bulk_delete``), which the
capture SDK does not cover."""

from __future__ import annotations

import logging
import uuid
from functools import lru_cache
from typing import Any

import httpx
from django.conf import settings

from integrations.models import SyncCursor
from integrations.queue import enqueue

log = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("6f1c3d1e-8a55-4c4e-9d3a-2b7f0c1e5a90")
PAGEVIEW_CURSOR = "posthog.pageviews"


class PostHogUnavailable(Exception):
    pass


def enabled() -> bool:
    return bool(settings.POSTHOG_API_KEY)


@lru_cache(maxsize=4)
def _client(api_key: str, host: str):
    from posthog import Posthog

    # sync_mode: each capture is posted to /batch/ before the task returns (the SDK retries
    # 5xx/429 with backoff), so a worker that stops loses nothing it reported as sent.
    return Posthog(api_key, host=host, sync_mode=True, max_retries=2, timeout=5)


def client():
    return _client(settings.POSTHOG_API_KEY, settings.POSTHOG_HOST)


def _event_uuid(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(str(p) for p in parts)))


def _consent(lead: Any) -> dict[str, bool]:
    from leads.facade import consent_current

    return consent_current(lead=lead)


def lifecycle_enqueue(*, lead_id: Any, event: str, key: str) -> None:
    from integrations import tasks

    enqueue(tasks.posthog_lifecycle, str(lead_id), event, key)


def lifecycle_send(*, lead_id: Any, event: str, key: str) -> bool:
    """Send one lifecycle event if the lead (still) consents to analytics."""
    from leads.facade import Lead

    if not enabled():
        return False
    lead = Lead.all_objects.filter(pk=lead_id, erased_at__isnull=True).first()
    if lead is None:
        return False
    consent = _consent(lead)
    if not consent.get("analytics"):
        return False
    ph = client()
    distinct_id = str(lead.pk)
    if event == "lead captured":
        props: dict[str, Any] = {}
        visitor = lead.visitors.order_by("first_seen").first()
        if visitor is not None:
            props["$anon_distinct_id"] = str(visitor.pk)
        if consent.get("marketing"):
            props["$set"] = {
                "email": lead.email,
                "name": lead.name,
                "company": lead.company,
                "role": lead.role,
            }
        ph.capture(
            "$identify",
            distinct_id=distinct_id,
            properties=props,
            uuid=_event_uuid(key, "$identify"),
        )
    ph.capture(
        event,
        distinct_id=distinct_id,
        properties={
            "stage": lead.stage,
            "source": lead.source,
            "grade": lead.grade,
            "score": lead.score,
            "$process_person_profile": bool(consent.get("marketing")),
        },
        uuid=_event_uuid(key, event),
    )
    return True


def pageviews_forward(*, limit: int = 1000) -> int:
    """Send page views recorded since the last run (stored only with analytics consent;
    a lead who withdrew since is skipped)."""
    from analytics.facade import interactions

    if not enabled():
        return 0
    cursor, _ = SyncCursor.objects.get_or_create(name=PAGEVIEW_CURSOR)
    rows = list(
        interactions()
        .filter(type="page_view", pk__gt=cursor.position)
        .select_related("lead")
        .order_by("pk")[:limit]
    )
    ph = client()
    sent = 0
    consents: dict[Any, bool] = {}
    for row in rows:
        if row.lead_id:
            if row.lead_id not in consents:
                consents[row.lead_id] = bool(_consent(row.lead).get("analytics"))
            if not consents[row.lead_id]:
                continue
        distinct_id = str(row.lead_id or row.visitor_id or "")
        if not distinct_id:
            continue
        props = row.properties or {}
        ph.capture(
            "$pageview",
            distinct_id=distinct_id,
            properties={
                "$current_url": settings.SITE_URL
                + str(props.get("path") or props.get("url") or ""),
                "$session_id": row.session_id,
                "$process_person_profile": False,
            },
            timestamp=row.occurred_at,
            uuid=_event_uuid("pageview", row.pk),
        )
        sent += 1
    if rows:
        SyncCursor.objects.filter(pk=cursor.pk).update(position=rows[-1].pk)
    return sent


def persons_delete(*, distinct_ids: list[str]) -> None:
    """Delete the persons (and their events) behind these distinct ids."""
    if not distinct_ids:
        return
    url = (
        f"{settings.POSTHOG_APP_HOST.rstrip('/')}/api/projects/"
        f"{settings.POSTHOG_PROJECT_ID}/persons/bulk_delete/"
    )
    try:
        response = httpx.post(
            url,
            json={"distinct_ids": distinct_ids[:1000], "delete_events": True},
            headers={"Authorization": f"Bearer {settings.POSTHOG_PERSONAL_API_KEY}"},
            timeout=10,
        )
    except httpx.HTTPError as exc:
        raise PostHogUnavailable(str(exc)) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise PostHogUnavailable(f"{response.status_code}: {response.text[:200]}")
    if response.status_code >= 400 and response.status_code != 404:
        raise PostHogUnavailable(f"refused {response.status_code}: {response.text[:200]}")
