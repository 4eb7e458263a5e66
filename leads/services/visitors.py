"""Visitors: the anonymous browser row (first touch, last seen) and identity stitching."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.models import Lead, LeadAudit, Visitor

if TYPE_CHECKING:
    from core.context import RequestContext

# --- Visitors ---------------------------------------------------------------------------------


def _parse_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if not value or not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def visitor_touch(
    *,
    visitor_id: uuid.UUID | str | None,
    ctx: RequestContext | None = None,
    touch_interval: dt.timedelta = dt.timedelta(seconds=60),
    **utm: str,
) -> Visitor:
    """Get or create the visitor ``visitor_id`` (a new id if missing or malformed) and
    update ``last_seen`` (at most once per ``touch_interval``) and first-touch attribution.

    ``utm`` may carry ``utm_source``, ``utm_medium``, ``utm_campaign``, ``referrer`` and
    ``landing_page``; they are recorded only while the visitor has none. A new visitor's
    device, browser and OS come from ``ctx``'s user agent (none without a context).
    """
    now = timezone.now()
    vid = _parse_uuid(visitor_id)
    attribution = {
        key: str(value)[:length]
        for key, length in (
            ("utm_source", 100),
            ("utm_medium", 100),
            ("utm_campaign", 200),
            ("referrer", 500),
            ("landing_page", 500),
        )
        if (value := utm.get(key))
    }
    visitor = Visitor.objects.filter(pk=vid).first() if vid else None
    if visitor is None:
        ua = {}
        if ctx is not None:
            from analytics.facade import parse_user_agent

            ua = parse_user_agent(ua=ctx.user_agent)
        visitor = Visitor(
            id=vid or uuid.uuid4(),
            user_agent_family=ua.get("browser", "")[:100],
            device=ua.get("device", "")[:20],
            os_family=ua.get("os", "")[:100],
            **attribution,
        )
        try:
            with transaction.atomic():
                visitor.save(force_insert=True)
        except IntegrityError:  # created concurrently by another request
            visitor = Visitor.objects.get(pk=visitor.pk)
        return visitor
    updates: dict[str, Any] = {}
    if now - visitor.last_seen >= touch_interval:
        updates["last_seen"] = now
    if not (visitor.utm_source or visitor.utm_medium or visitor.utm_campaign):
        for key in ("utm_source", "utm_medium", "utm_campaign"):
            if attribution.get(key):
                updates[key] = attribution[key]
    for key in ("referrer", "landing_page"):
        if attribution.get(key) and not getattr(visitor, key):
            updates[key] = attribution[key]
    if updates:
        Visitor.objects.filter(pk=visitor.pk).update(**updates)
        for key, value in updates.items():
            setattr(visitor, key, value)
    return visitor


@transaction.atomic
def visitor_link(*, visitor: Visitor, lead: Lead) -> int:
    """Link ``visitor`` to ``lead`` and attribute its unattributed interactions to the lead
    (identity stitching). Interactions already attributed to another lead stay there: two
    leads are never merged. Returns how many interactions were stitched."""
    from analytics.facade import interactions_attach_to_lead

    if visitor.lead_id != lead.pk:
        previous = visitor.lead_id
        Visitor.objects.filter(pk=visitor.pk).update(lead=lead)
        visitor.lead = lead
        if previous is not None:
            LeadAudit.objects.create(
                lead=lead,
                action="visitor_relinked",
                changes={"visitor": str(visitor.pk), "from_lead": str(previous)},
            )
    stitched = interactions_attach_to_lead(visitor_id=visitor.pk, lead_id=lead.pk)
    return stitched
