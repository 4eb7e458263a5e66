"""Engagement counting per page and the precomputed "for you" feeds it refreshes
(debounced per lead or visitor, and a beat sweep of stale ones).
"""

from __future__ import annotations

from django.db import transaction

# --- Engagement ---------------------------------------------------------------------------------


def _stats_add(page_id: int, **counts: int) -> None:
    from django.db.models import F

    from content.models import ContentStats

    ContentStats.objects.get_or_create(page_id=page_id)
    ContentStats.objects.filter(page_id=page_id).update(
        **{name: F(name) + n for name, n in counts.items()}
    )


def subject_key_for(*, lead=None, visitor=None) -> str | None:
    if lead is not None:
        return f"lead:{lead.pk}"
    if visitor is not None:
        return f"visitor:{visitor.pk}"
    return None


FEED_DEBOUNCE_SECONDS = 30


def _schedule_feed(subject_key: str | None) -> None:
    from django.core.cache import cache

    from content.tasks import refresh_feed
    from core.queue import enqueue

    if subject_key and cache.add(f"content:feed-queued:{subject_key}", 1, FEED_DEBOUNCE_SECONDS):
        enqueue(refresh_feed, subject_key)


@transaction.atomic
def engagement_record(*, page_id: int, kind: str, visitor=None, lead=None) -> None:
    """Count a view/download of ``page_id`` and remember who engaged (for "for you")."""
    from content.models import ContentEngagement, EngagementKind

    if lead is None and visitor is not None and visitor.lead_id:
        lead = visitor.lead
    ContentEngagement.objects.create(page_id=page_id, kind=kind, visitor=visitor, lead=lead)
    field_of = {
        EngagementKind.VIEW: "views",
        EngagementKind.DOWNLOAD: "downloads",
        EngagementKind.DOWNLOAD_REQUEST: "download_requests",
    }
    _stats_add(page_id, **{field_of[kind]: 1})
    _schedule_feed(subject_key_for(lead=lead, visitor=visitor))


# --- "For you" feeds ---------------------------------------------------------------------------


def _subject(subject_key: str):
    from leads.facade import Lead, Visitor

    kind, _, raw = subject_key.partition(":")
    if kind == "lead":
        return Lead.objects.filter(pk=raw).first(), None
    if kind == "visitor":
        visitor = Visitor.objects.filter(pk=raw).select_related("lead").first()
        return (visitor.lead if visitor and visitor.lead_id else None), visitor
    raise ValueError(f"unknown subject {subject_key!r}")


@transaction.atomic
def feed_refresh(*, subject_key: str):
    """Recompute and store the "for you" items of ``lead:<id>`` or ``visitor:<id>``."""
    from django.utils import timezone

    from content.models import PersonalisedFeed
    from content.recommendations import compute

    lead, visitor = _subject(subject_key)
    if lead is None and visitor is None:
        PersonalisedFeed.objects.filter(subject_key=subject_key).delete()
        return PersonalisedFeed(subject_key=subject_key, items=[])
    items = [item.as_dict() for item in compute(lead=lead, visitor=visitor)]
    feed, _ = PersonalisedFeed.objects.update_or_create(
        subject_key=subject_key,
        defaults={
            "lead": lead,
            "visitor": visitor,
            "items": items,
            "computed_at": timezone.now(),
        },
    )
    if lead is not None and subject_key.startswith("visitor:"):
        # The visitor has identified: keep the lead's feed in step too.
        PersonalisedFeed.objects.update_or_create(
            subject_key=f"lead:{lead.pk}",
            defaults={"lead": lead, "items": items, "computed_at": feed.computed_at},
        )
    return feed


def feeds_refresh_stale(*, limit: int = 500) -> int:
    """Recompute feeds whose subject engaged after the feed was computed (beat)."""
    from django.db.models import Exists, OuterRef, Q

    from content.models import ContentEngagement, PersonalisedFeed

    newer = ContentEngagement.objects.filter(
        Q(lead_id=OuterRef("lead_id"), lead_id__isnull=False)
        | Q(visitor_id=OuterRef("visitor_id"), visitor_id__isnull=False),
        created_at__gt=OuterRef("computed_at"),
    )
    keys = list(
        PersonalisedFeed.objects.filter(Exists(newer)).values_list("subject_key", flat=True)[:limit]
    )
    for key in keys:
        feed_refresh(subject_key=key)
    return len(keys)
