"""The nurture app's public surface: the only module another app imports from ``nurture``
(newsletters and sequences). Foreign keys to nurture stay string labels."""

from __future__ import annotations

__all__ = ["newsletter_subscribed"]


def newsletter_subscribed(*, email_normalized: str) -> bool:
    """Whether this (normalised) address has a confirmed, active newsletter subscription."""
    from nurture.models import Subscriber

    return Subscriber.objects.filter(
        email_normalized=email_normalized,
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
    ).exists()
