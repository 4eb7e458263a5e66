"""Registration emails (confirmation, waitlist, promotion, cancellation, reminders, follow
ups), each sent at most once per registration and kind.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from events.models import (
    EventPage,
    EventRegistration,
)
from events.services.registration import CANCELLED, REGISTERED, WAITLISTED

# --- Emails, each sent at most once ------------------------------------------------------------

EMAIL_FLAGS: dict[str, tuple[str, tuple[str, ...]]] = {
    # kind -> (sent-at column, statuses the registration must be in)
    "confirmation": ("confirmation_sent_at", (REGISTERED,)),
    "waitlisted": ("waitlist_email_sent_at", (WAITLISTED,)),
    "promoted": ("promotion_email_sent_at", (REGISTERED,)),
    "reminder_24h": ("reminder_24h_sent_at", (REGISTERED,)),
    "reminder_1h": ("reminder_1h_sent_at", (REGISTERED,)),
    "cancelled": ("cancellation_email_sent_at", (CANCELLED,)),
    "follow_up": ("follow_up_sent_at", (REGISTERED,)),
    "event_cancelled": ("event_cancelled_email_sent_at", (REGISTERED, WAITLISTED)),
}


def registration_email_send(
    *, registration_id: uuid.UUID | str, kind: str, now: datetime | None = None
) -> bool:
    """Queue one email of ``kind`` if it has not gone out yet; True when this call queued it.

    The sent-at column is claimed by a conditional UPDATE (``... WHERE sent_at IS NULL``)
    before queueing, so two workers or two beat runs cannot both send. The email is
    written and handed to the mail worker in one transaction with the claim (``mail``
    retries a failed delivery); if queueing fails the claim is rolled back.
    """
    from events import emails
    from mail.facade import queue_email

    if kind not in EMAIL_FLAGS:
        raise ValueError(f"unknown email kind {kind!r}")
    now = now or timezone.now()
    column, statuses = EMAIL_FLAGS[kind]
    registration = (
        EventRegistration.objects.select_related("event", "lead").filter(pk=registration_id).first()
    )
    if registration is None or registration.status not in statuses:
        return False
    if kind == "event_cancelled" and not registration.event.cancelled:
        return False
    if kind not in ("cancelled", "event_cancelled") and registration.event.cancelled:
        return False
    updates: dict[str, Any] = {column: now}
    if kind == "follow_up":
        follow_kind = (
            EventRegistration.FollowUp.RECORDING
            if registration.attended
            else EventRegistration.FollowUp.MISSED
        )
        updates["follow_up_kind"] = follow_kind
        registration.follow_up_kind = follow_kind
    with transaction.atomic():
        claimed = EventRegistration.objects.filter(
            pk=registration.pk, status__in=statuses, **{f"{column}__isnull": True}
        ).update(**updates)
        if not claimed:
            return False
        email = emails.build(kind, registration)
        queue_email(
            to=email.to,
            subject=email.subject,
            text=email.text,
            html=email.html,
            kind=email.kind,
            lead_id=registration.lead_id,
            category="events",
            attachments=email.attachments,
        )
    return True


def _queue_email(registration_id: object, kind: str) -> bool:
    """Queue one registration email durably (``core.queue``: the intent survives a broker
    outage); the key makes a second dispatch of the same email record nothing."""
    from core.queue import enqueue
    from events.tasks import send_registration_email

    return enqueue(
        send_registration_email,
        str(registration_id),
        kind,
        key=f"event-email:{registration_id}:{kind}",
    )


def event_cancellation_notify(*, event_id: int) -> int:
    """Tell everyone registered or waitlisted that the organiser cancelled the event (each
    person once, with a calendar cancellation); returns how many were queued."""

    if not EventPage.objects.filter(pk=event_id, cancelled=True).exists():
        return 0
    ids = list(
        EventRegistration.objects.filter(
            event_id=event_id,
            status__in=(REGISTERED, WAITLISTED),
            event_cancelled_email_sent_at__isnull=True,
        ).values_list("id", flat=True)
    )
    return sum(_queue_email(registration_id, "event_cancelled") for registration_id in ids)


def reminders_dispatch(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due (beat, every few minutes); returns how many were
    newly queued (one already queued is not queued again)."""
    from events.selectors import registrations_due_reminders

    due = registrations_due_reminders(now=now or timezone.now())
    return sum(_queue_email(item.registration_id, item.kind) for item in due)


def follow_ups_dispatch(*, now: datetime | None = None) -> int:
    from events.selectors import registrations_due_follow_up

    due = registrations_due_follow_up(now=now or timezone.now())
    return sum(_queue_email(registration_id, "follow_up") for registration_id in due)
