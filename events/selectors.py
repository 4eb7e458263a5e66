"""Reads of the events app: listings, seat counts, the fields still to ask a visitor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from events.models import (
    EVENT_FIELDS,
    LEAD_FIELDS,
    REGISTRATION_FIELDS,
    EventPage,
    EventRegistration,
)

QUALIFIED_STAGES = ("qualified", "opportunity", "customer")
REGISTERED = EventRegistration.Status.REGISTERED
WAITLISTED = EventRegistration.Status.WAITLISTED


def _with_counts(qs: QuerySet[EventPage]) -> QuerySet[EventPage]:
    return qs.annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=REGISTERED)),
        waitlist_count=Count("registrations", filter=Q(registrations__status=WAITLISTED)),
    )


def event_list_upcoming(*, parent=None, now: datetime | None = None) -> QuerySet[EventPage]:
    """Published, not cancelled events that have not ended (upcoming and live), soonest first,
    annotated with ``registered_count`` and ``waitlist_count``."""
    now = now or timezone.now()
    qs = EventPage.objects.live().filter(cancelled=False, ends_at__gt=now)
    if parent is not None:
        qs = qs.child_of(parent)
    return _with_counts(qs.select_related("cover_image")).order_by("starts_at", "id")


def event_list_past(*, parent=None, now: datetime | None = None) -> QuerySet[EventPage]:
    now = now or timezone.now()
    qs = EventPage.objects.live().filter(cancelled=False, ends_at__lte=now)
    if parent is not None:
        qs = qs.child_of(parent)
    return qs.select_related("cover_image").order_by("-starts_at", "id")


def event_get_public(*, event_uuid) -> EventPage | None:
    """A published, not cancelled event by its public UUID (None otherwise)."""
    return EventPage.objects.live().filter(uuid=event_uuid, cancelled=False).first()


def event_seat_counts(*, event: EventPage) -> dict[str, int]:
    counts = dict(
        EventRegistration.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    registered = counts.get(REGISTERED, 0)
    return {
        "capacity": event.capacity,
        "registered": registered,
        "waitlisted": counts.get(WAITLISTED, 0),
        "remaining": max(event.capacity - registered, 0),
    }


def lead_is_qualified(lead) -> bool:
    return getattr(lead, "stage", "") in QUALIFIED_STAGES


def event_fields_to_ask(*, event: EventPage, lead=None) -> list[str]:
    """Registration fields still to ask (besides email): the lead fields the
    ``event_registration`` form or the event requires that the lead lacks, then the event's
    own questions (asked on every registration)."""
    from leads.facade import next_fields

    required_lead = [f for f in event.registration_fields if f in LEAD_FIELDS]
    missing = [
        f
        for f in next_fields(form="event_registration", lead=lead)
        if f != "email" and f in REGISTRATION_FIELDS
    ]
    for field in required_lead:
        value = getattr(lead, field, "") if lead is not None else ""
        if not value and field not in missing:
            missing.append(field)
    ask = [f for f in missing if f in LEAD_FIELDS]
    ask += [f for f in event.registration_fields if f in EVENT_FIELDS]
    return ask


def event_required_fields(*, event: EventPage, lead=None) -> list[str]:
    """Fields that must be answered: the event's own list (lead fields only when missing).
    ``next_fields`` suggestions beyond it are asked but optional."""
    required = []
    for field in event.registration_fields:
        known = lead is not None and getattr(lead, field, "")
        if field in EVENT_FIELDS or (field in LEAD_FIELDS and not known):
            required.append(field)
    return required


@dataclass(frozen=True)
class DueEmail:
    registration_id: str
    kind: str


def registrations_due_reminders(*, now: datetime) -> list[DueEmail]:
    """Registrations that should get their 24 h or 1 h reminder now.

    24 h: the event starts within 24 h but more than 1 h from now, and the seat was
    confirmed before the 24 h mark (later registrants just got their confirmation).
    1 h: the event starts within the hour. Sent flags exclude what went out already; the
    send itself claims the flag atomically, so overlapping runs cannot send twice.
    """
    base = EventRegistration.objects.filter(
        status=REGISTERED, event__cancelled=False, event__live=True
    )
    day = base.filter(
        reminder_24h_sent_at__isnull=True,
        event__starts_at__gt=now + timedelta(hours=1),
        event__starts_at__lte=now + timedelta(hours=24),
        seat_confirmed_at__lte=F("event__starts_at") - timedelta(hours=24),
    )
    hour = base.filter(
        reminder_1h_sent_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(hours=1),
    )
    due = [DueEmail(str(pk), "reminder_24h") for pk in day.values_list("id", flat=True)]
    due += [DueEmail(str(pk), "reminder_1h") for pk in hour.values_list("id", flat=True)]
    return due


FOLLOW_UP_GRACE = timedelta(hours=48)
FOLLOW_UP_MAX_AGE = timedelta(days=30)


def registrations_due_follow_up(*, now: datetime) -> list[str]:
    """Registrations of ended events that still need their follow-up.

    An event's follow-ups go out once its attendance has been recorded (a CSV import or an
    admin action), or 48 h after it ended if nobody recorded any; events that ended more
    than 30 days ago are left alone.
    """
    ended = EventPage.objects.filter(
        cancelled=False, ends_at__lte=now, ends_at__gt=now - FOLLOW_UP_MAX_AGE
    ).filter(Q(attendance_imports__isnull=False) | Q(ends_at__lte=now - FOLLOW_UP_GRACE))
    return [
        str(pk)
        for pk in EventRegistration.objects.filter(
            event__in=ended.values("pk"), status=REGISTERED, follow_up_sent_at__isnull=True
        ).values_list("id", flat=True)
    ]


def event_page_context(*, event: EventPage, request: HttpRequest | None) -> dict:
    """What the public event page shows: status, seats, and the form for this visitor."""
    from leads.facade import lead_for_request

    lead = lead_for_request(request) if request is not None else None
    seats = event_seat_counts(event=event)
    status = event.status
    return {
        "event_status": status,
        "seats": seats,
        "registration_open": status in (EventPage.Status.UPCOMING, EventPage.Status.LIVE),
        "event_full": seats["remaining"] == 0,
        "known_lead": lead,
        "fields_to_ask": event_fields_to_ask(event=event, lead=lead),
        "required_fields": event_required_fields(event=event, lead=lead),
    }
