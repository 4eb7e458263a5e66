"""Cancellation (by signed link or staff) and the waitlist: a freed seat goes to the next
person waiting, under the event's row lock.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core import signing
from django.db import transaction
from django.utils import timezone

from events.models import (
    EventPage,
    EventRegistration,
)
from events.services.registration import (
    CANCEL_SALT,
    CANCELLED,
    REGISTERED,
    WAITLISTED,
    CancelResult,
    _enqueue_email,
    _lock_event,
    _registered_count,
)

# --- Cancellation and the waitlist ------------------------------------------------------------


def registration_cancel_token(registration: EventRegistration) -> str:
    return signing.dumps(str(registration.pk), salt=CANCEL_SALT)


def registration_from_cancel_token(token: str) -> EventRegistration | None:
    try:
        registration_id = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    return (
        EventRegistration.objects.select_related("event", "lead").filter(pk=registration_id).first()
    )


def _promote_waitlist(event: EventPage, *, now: datetime) -> list[EventRegistration]:
    """Fill free seats from the head of the waitlist (the caller holds the event lock)."""
    if event.status_at(now) == EventPage.Status.COMPLETED or event.cancelled:
        return []
    free = event.capacity - _registered_count(event.pk)
    if free <= 0:
        return []
    heads = list(
        EventRegistration.objects.select_for_update()
        .filter(event=event, status=WAITLISTED)
        .order_by("waitlisted_at", "created_at", "id")[:free]
    )
    for reg in heads:
        reg.status = REGISTERED
        reg.promoted_at = now
        reg.seat_confirmed_at = now
        reg.save(update_fields=["status", "promoted_at", "seat_confirmed_at", "updated_at"])
        _enqueue_email(reg.pk, "promoted")
    return heads


@transaction.atomic
def registration_cancel(
    *, registration_id: uuid.UUID | str, now: datetime | None = None
) -> CancelResult:
    """Cancel a registration (idempotent), free its seat and promote the waitlist head."""
    now = now or timezone.now()
    event_pk = (
        EventRegistration.objects.filter(pk=registration_id)
        .values_list("event_id", flat=True)
        .first()
    )
    if event_pk is None:
        raise EventRegistration.DoesNotExist(registration_id)
    event = _lock_event(event_pk)
    registration = EventRegistration.objects.select_for_update().get(pk=registration_id)
    if registration.status == CANCELLED:
        return CancelResult(registration=registration)
    registration.status = CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    _enqueue_email(registration.pk, "cancelled")
    promoted = _promote_waitlist(event, now=now)
    return CancelResult(registration=registration, promoted=promoted)


@transaction.atomic
def event_fill_from_waitlist(*, event_id: int, now: datetime | None = None) -> int:
    """Promote waitlisted registrants into free seats (e.g. after capacity was raised)."""
    now = now or timezone.now()
    event = _lock_event(event_id)
    return len(_promote_waitlist(event, now=now))
