"""Attendance: staff marking in the admin, and Zoom's reports imported from a CSV upload or
the API, matched to registrations by address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from events.models import (
    AttendanceImport,
    EventPage,
    EventRegistration,
)
from events.services.registration import _record_interaction

# --- Attendance --------------------------------------------------------------------------------


def _mark_attended(
    registration: EventRegistration,
    *,
    source: str,
    minutes: int | None,
    joined_at: datetime | None,
    now: datetime,
) -> bool:
    """Mark one registration attended; True (and an interaction) the first time."""
    first_time = not registration.attended
    registration.attended = True
    registration.attended_at = registration.attended_at or joined_at or now
    if minutes is not None:
        registration.attendance_minutes = minutes
    registration.attendance_source = source
    registration.save(
        update_fields=[
            "attended",
            "attended_at",
            "attendance_minutes",
            "attendance_source",
            "updated_at",
        ]
    )
    if first_time:
        event = registration.event
        _record_interaction(
            type_=attendance_interaction_type(),
            lead=registration.lead,
            properties={
                "action": "attended",
                "event_id": str(event.uuid),
                "event_slug": event.slug,
                "event_type": event.event_type,
                "minutes": minutes,
                "source": source,
            },
        )
    return first_time


def attendance_interaction_type() -> str:
    """``event_attended`` once analytics has it; until then the attendance is recorded as an
    ``event_register`` interaction with ``properties.action == "attended"``."""
    from analytics.facade import interaction_types

    values = interaction_types()
    return "event_attended" if "event_attended" in values else "event_register"


@transaction.atomic
def attendance_mark(*, registration_ids: list, actor=None, now: datetime | None = None) -> int:
    """Staff mark registrations as attended (admin action); returns how many changed."""
    now = now or timezone.now()
    registrations = list(
        EventRegistration.objects.select_for_update()
        .select_related("event", "lead")
        .filter(pk__in=registration_ids)
        .order_by("event_id", "id")
    )
    changed = 0
    per_event: dict[int, int] = {}
    for reg in registrations:
        if _mark_attended(
            reg,
            source=EventRegistration.AttendanceSource.ADMIN,
            minutes=None,
            joined_at=None,
            now=now,
        ):
            changed += 1
        per_event[reg.event_id] = per_event.get(reg.event_id, 0) + 1
    for event_id, count in per_event.items():
        AttendanceImport.objects.create(
            event_id=event_id,
            source=EventRegistration.AttendanceSource.ADMIN,
            uploaded_by=actor,
            rows=count,
            marked_attended=count,
        )
    return changed


def _registrations_by_email(event: EventPage) -> dict[str, EventRegistration]:
    """The event's registrations by the lead's normalised address, locked for the import."""
    return {
        reg.lead.email_normalized: reg
        for reg in EventRegistration.objects.select_for_update(of=("self",))
        .select_related("lead", "event")
        .filter(event=event)
    }


def _mark_attendance(
    regs: dict[str, EventRegistration],
    people: list[tuple[str, Any, list[int]]],
    *,
    source: str,
    now: datetime,
) -> tuple[int, int, list[int]]:
    """Mark the attendees of a report, one ``(address, attendee, rows)`` each (the rows are
    reported as unmatched when no registration has the address). Returns (marked, newly
    attended, unmatched rows). The CSV and the API imports share it."""
    marked = newly = 0
    unmatched: list[int] = []
    for email, person, rows in people:
        reg = regs.get(email)
        if reg is None:
            unmatched.extend(rows)
            continue
        if not person.attended:
            continue
        marked += 1
        if _mark_attended(
            reg, source=source, minutes=person.minutes, joined_at=person.first_join, now=now
        ):
            newly += 1
    return marked, newly, unmatched


@dataclass(frozen=True)
class ImportResult:
    log: AttendanceImport
    marked: int
    newly_attended: int
    unmatched_rows: list[int]


@transaction.atomic
def attendance_import_zoom(
    *, event: EventPage, content: bytes, filename: str = "", actor=None
) -> ImportResult:
    """Import Zoom's webinar attendee report (or a meeting participants export) for one
    event: all rows are validated first and nothing is written unless every row is valid
    (raises ``attendance.AttendanceImportError`` with ``{row_number: [messages]}``)."""
    from events.attendance import parse_zoom_report

    report = parse_zoom_report(content, tz=event.tzinfo)
    # Absent people the event does not know are not worth a report line.
    people = [(p.email, p, p.rows if p.attended else []) for p in report.attendees]
    marked, newly, unmatched = _mark_attendance(
        _registrations_by_email(event),
        people,
        source=EventRegistration.AttendanceSource.ZOOM_CSV,
        now=timezone.now(),
    )
    log = AttendanceImport.objects.create(
        event=event,
        source=EventRegistration.AttendanceSource.ZOOM_CSV,
        filename=filename[:255],
        uploaded_by=actor,
        rows=report.row_count,
        marked_attended=marked,
        unmatched=sorted(unmatched),
    )
    return ImportResult(log=log, marked=marked, newly_attended=newly, unmatched_rows=unmatched)


@transaction.atomic
def attendance_import_api(
    *,
    event_id: int,
    attendees: list,
    questions: dict[str, int] | None = None,
    polls: dict[str, int] | None = None,
) -> ImportResult:
    """The API path beside the CSV import: Zoom's participant, Q&A and poll reports
    fetched by the integrations app. ``attendees`` are ``attendance.Attendee`` rows; matched
    to registrations by address like the CSV; ``questions``/``polls`` count per address.
    Running it again changes nothing (attendance is marked once, counts are set)."""
    event = EventPage.objects.get(pk=event_id)
    regs = _registrations_by_email(event)
    people = [((p.email or "").strip().lower(), p, [n]) for n, p in enumerate(attendees, start=1)]
    marked, newly, unmatched = _mark_attendance(
        regs, people, source=EventRegistration.AttendanceSource.ZOOM_API, now=timezone.now()
    )
    for email, reg in regs.items():
        counts = {
            "questions_asked": (questions or {}).get(email),
            "poll_responses": (polls or {}).get(email),
        }
        changed = {k: v for k, v in counts.items() if v is not None and getattr(reg, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(reg, key, value)
            reg.save(update_fields=[*changed, "updated_at"])
    log = AttendanceImport.objects.create(
        event=event,
        source=EventRegistration.AttendanceSource.ZOOM_API,
        filename="zoom report (API)",
        rows=len(attendees),
        marked_attended=marked,
        unmatched=unmatched,
    )
    return ImportResult(log=log, marked=marked, newly_attended=newly, unmatched_rows=unmatched)
