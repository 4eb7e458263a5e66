"""The events app's public surface: the only module another app imports from ``events``.

The Zoom integration reads an event's meeting details and confirmed registrants, sets the
join link the platform created and hands back the attendance reports it fetched; the chat
finds the event a visitor is looking at and registers them like the page's form does.
Foreign keys to events stay string labels (``"events.EventPage"``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.attendance import Attendee
from events.knowledge import (
    agenda_sentence,
    audience_sentence,
    description_text,
    length_text,
    speakers_sentence,
    where_sentence,
)
from events.models import REGISTRATION_FIELDS
from events.services.registration import RegistrationError, event_register

__all__ = [
    "REGISTRATION_FIELDS",
    "Attendee",
    "EventMeeting",
    "Registrant",
    "RegistrationError",
    "agenda_sentence",
    "attendance_import_api",
    "audience_sentence",
    "description_text",
    "event_list_past",
    "event_list_upcoming",
    "event_register",
    "event_required_fields",
    "events_live",
    "length_text",
    "event_meeting",
    "event_set_join_url",
    "registrants_confirmed",
    "speakers_sentence",
    "where_sentence",
]


@dataclass(frozen=True)
class EventMeeting:
    """What an online-meeting platform needs to know about an event."""

    id: int
    title: str
    summary: str
    starts_at: datetime
    duration_minutes: int
    timezone: str
    event_type: str
    format: str
    cancelled: bool
    join_url: str


@dataclass(frozen=True)
class Registrant:
    """A confirmed registration and the person behind it."""

    registration_id: Any
    email: str
    name: str


def event_meeting(*, event_id: int) -> EventMeeting | None:
    """The event's meeting details, or None when there is no such event."""
    from events.models import EventPage

    event = EventPage.objects.filter(pk=event_id).first()
    if event is None:
        return None
    return EventMeeting(
        id=event.pk,
        title=event.title,
        summary=event.summary or "",
        starts_at=event.starts_at,
        duration_minutes=event.duration_minutes,
        timezone=event.timezone,
        event_type=event.event_type,
        format=event.format,
        cancelled=event.cancelled,
        join_url=event.join_url,
    )


def event_set_join_url(*, event_id: int, join_url: str, platform: str) -> None:
    """Set the event's join link (and platform) when it has none yet; the event's
    reminders carry it."""
    from events.models import EventPage

    EventPage.objects.filter(pk=event_id, join_url="").update(join_url=join_url, platform=platform)


def registrants_confirmed(*, event_id: int, exclude_ids: Collection[Any] = ()) -> list[Registrant]:
    """The event's confirmed (``registered``) registrations, minus ``exclude_ids``."""
    from events.models import EventRegistration

    regs = (
        EventRegistration.objects.filter(event_id=event_id, status="registered")
        .exclude(pk__in=exclude_ids)
        .select_related("lead")
    )
    return [
        Registrant(registration_id=r.pk, email=r.lead.email, name=r.lead.name or "") for r in regs
    ]


def attendance_import_api(
    *,
    event_id: int,
    attendees: list[Attendee],
    questions: dict[str, int] | None = None,
    polls: dict[str, int] | None = None,
) -> Any:
    """Mark attendance from a platform's participant, Q&A and poll reports (see
    ``events.services.attendance_import_api``). Running it again changes nothing."""
    from events.services import attendance_import_api as _import

    return _import(event_id=event_id, attendees=attendees, questions=questions, polls=polls)


def events_live(*, slug: str | None = None, uuid: Any = None) -> list[Any]:
    """Published, not cancelled event pages, by slug and/or uuid."""
    from events.models import EventPage

    pages = EventPage.objects.live().filter(cancelled=False)
    if slug is not None:
        pages = pages.filter(slug=slug)
    if uuid is not None:
        pages = pages.filter(uuid=uuid)
    return list(pages)


def event_required_fields(*, event: Any, lead: Any = None) -> list[str]:
    """The registration fields this person must still answer for ``event``."""
    from events.selectors import event_required_fields as _required

    return _required(event=event, lead=lead)


def event_list_upcoming() -> Any:
    """Published upcoming events, soonest first (a queryset of event pages)."""
    from events.selectors import event_list_upcoming as _upcoming

    return _upcoming()


def event_list_past() -> Any:
    """Published past events, latest first (a queryset of event pages)."""
    from events.selectors import event_list_past as _past

    return _past()
