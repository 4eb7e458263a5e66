"""Writes of the events app: registration (the one entry point for the page form, the API
and the chat), cancellation with waitlist promotion, emails sent exactly once, attendance.

Seats are guarded in the database: every change to an event's seats runs in a transaction
that first locks the event's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite takes its
write lock at ``BEGIN IMMEDIATE``), so the count of ``registered`` rows read under the lock
is the count that commits. One registration per lead and event is a unique constraint.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from core.queue import enqueue
from events.models import (
    EVENT_FIELDS,
    LEAD_FIELDS,
    REGISTRATION_FIELDS,
    AttendanceImport,
    EventIndexPage,
    EventPage,
    EventRegistration,
)
from events.selectors import event_required_fields, lead_is_qualified

logger = logging.getLogger(__name__)

REGISTERED = EventRegistration.Status.REGISTERED
WAITLISTED = EventRegistration.Status.WAITLISTED
CANCELLED = EventRegistration.Status.CANCELLED
CANCEL_SALT = "events.registration.cancel"
MAX_ANSWER_LENGTH = 1000


class RegistrationError(Exception):
    """A registration refused; ``status_code`` is the HTTP status the API answers with."""

    def __init__(self, message: str, *, status_code: int, code: str, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.details = details or {}


@dataclass(frozen=True)
class RegistrationResult:
    registration: EventRegistration
    lead_created: bool

    @property
    def status(self) -> str:
        return self.registration.status


@dataclass(frozen=True)
class CancelResult:
    registration: EventRegistration
    promoted: list[EventRegistration] = field(default_factory=list)


# --- Registration ------------------------------------------------------------------------------


def _clean_answers(answers: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in answers.items():
        spec = REGISTRATION_FIELDS.get(key)
        if spec is None or raw is None:
            continue
        if not isinstance(raw, str | int | float):
            errors[key] = ["Expected text."]
            continue
        value = str(raw).strip()
        if not value:
            continue
        if len(value) > MAX_ANSWER_LENGTH:
            errors[key] = [f"At most {MAX_ANSWER_LENGTH} characters."]
            continue
        if spec.choices and value not in {c for c, _ in spec.choices}:
            allowed = ", ".join(c for c, _ in spec.choices)
            errors[key] = [f"Choose one of: {allowed}."]
            continue
        cleaned[key] = value
    return cleaned, errors


def _known_lead_for(email: str, visitor) -> Any:
    """The lead whose known fields may be skipped: only the visitor's own lead, and only when
    the email matches it — a bare email never reveals what we know about its owner."""
    lead = getattr(visitor, "lead", None) if visitor is not None else None
    if lead is not None and lead.email_normalized == email.strip().lower():
        return lead
    return None


def _lock_event(event_pk: int) -> EventPage:
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_pk)


def _registered_count(event_pk: int) -> int:
    return EventRegistration.objects.filter(event_id=event_pk, status=REGISTERED).count()


def event_register(
    *,
    event_id: uuid.UUID | str,
    email: str,
    consent,
    answers: dict[str, Any] | None = None,
    join_waitlist: bool = False,
    visitor=None,
    source: str = "web",
    ip: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> RegistrationResult:
    """Register a person for an event: capture or update the lead (consent required), check
    qualification, then take a seat, join the waitlist or refuse — atomically.

    Raises ``RegistrationError`` (404 unknown/cancelled/unpublished, 400 invalid input,
    403 not qualified, 409 already registered / full / ended). Nothing is stored on error.
    """
    from leads.services import CaptureError, lead_capture

    now = now or timezone.now()
    try:
        event_uuid = uuid.UUID(str(event_id))
    except ValueError:
        event_uuid = None
    event = (
        EventPage.objects.live().filter(uuid=event_uuid, cancelled=False).first()
        if event_uuid
        else None
    )
    if event is None:
        raise RegistrationError("Event not found.", status_code=404, code="not_found")
    if event.status_at(now) == EventPage.Status.COMPLETED:
        raise RegistrationError(
            "This event has already taken place; registration is closed.",
            status_code=409,
            code="ended",
        )

    cleaned, errors = _clean_answers(answers or {})
    known = _known_lead_for(email or "", visitor)
    for name in event_required_fields(event=event, lead=known):
        if name not in cleaned:
            errors.setdefault(name, ["This field is required."])
    if errors:
        raise RegistrationError(
            "Some registration fields are missing or invalid.",
            status_code=400,
            code="invalid",
            details=errors,
        )

    profile = {k: v for k, v in cleaned.items() if k in LEAD_FIELDS}
    event_answers = {k: v for k, v in cleaned.items() if k in EVENT_FIELDS}

    with transaction.atomic():
        try:
            capture = lead_capture(
                email=email,
                consent=consent,
                source="event_registration",
                visitor=visitor,
                profile=profile or None,
                ip=ip,
            )
        except CaptureError as exc:
            raise RegistrationError(
                "Invalid registration.",
                status_code=400,
                code="invalid",
                details=getattr(exc, "details", {}) or {"email": [str(exc)]},
            ) from exc
        lead = capture.lead
        if event.qualification_required and not lead_is_qualified(lead):
            raise RegistrationError(
                f"“{event.title}” is reserved for qualified leads: it is a small, "
                "confidential session for teams already working with us on a concrete "
                "project. Tell us about your project through the contact form or the chat "
                "and our team will invite you to the next one.",
                status_code=403,
                code="qualification_required",
                details={"stage": [f"Your profile is at the “{lead.stage}” stage."]},
            )

        locked = _lock_event(event.pk)
        existing = (
            EventRegistration.objects.select_for_update().filter(event=locked, lead=lead).first()
        )
        if existing is not None and existing.status != CANCELLED:
            message = (
                "You are already registered for this event."
                if existing.status == REGISTERED
                else "You are already on the waitlist for this event."
            )
            raise RegistrationError(
                message,
                status_code=409,
                code="already_registered",
                details={"status": [existing.status]},
            )

        if _registered_count(locked.pk) < locked.capacity:
            status = REGISTERED
        elif join_waitlist and locked.waitlist_enabled:
            status = WAITLISTED
        elif locked.waitlist_enabled:
            raise RegistrationError(
                "This event is full. You can join the waitlist and we will email you if a "
                "seat frees up.",
                status_code=409,
                code="full",
                details={"join_waitlist": ["Send join_waitlist: true to join the waitlist."]},
            )
        else:
            raise RegistrationError("This event is full.", status_code=409, code="full")

        registration = existing or EventRegistration(event=locked, lead=lead)
        _reset_for_new_cycle(registration)
        registration.status = status
        registration.source = source[:40]
        registration.data = {**(registration.data or {}), **event_answers}
        if status == REGISTERED:
            registration.seat_confirmed_at = now
        else:
            registration.waitlisted_at = now
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:  # a concurrent request for the same lead won
            raise RegistrationError(
                "You are already registered for this event.",
                status_code=409,
                code="already_registered",
            ) from exc

        _record_interaction(
            type_="event_register",
            lead=lead,
            visitor=visitor,
            request=request,
            properties={
                "event_id": str(locked.uuid),
                "event_slug": locked.slug,
                "event_type": locked.event_type,
                "registration_status": status,
                "conversion": "event_registration",
                "source": source,
            },
        )
        kind = "confirmation" if status == REGISTERED else "waitlisted"
        _enqueue_email(registration.pk, kind)
    return RegistrationResult(registration=registration, lead_created=capture.created)


def _reset_for_new_cycle(registration: EventRegistration) -> None:
    """A cancelled registration taken up again starts over: new emails, no old flags."""
    for name in (
        "seat_confirmed_at",
        "waitlisted_at",
        "promoted_at",
        "cancelled_at",
        "confirmation_sent_at",
        "waitlist_email_sent_at",
        "promotion_email_sent_at",
        "reminder_24h_sent_at",
        "reminder_1h_sent_at",
        "cancellation_email_sent_at",
        "event_cancelled_email_sent_at",
    ):
        setattr(registration, name, None)


def _record_interaction(*, type_: str, lead, visitor=None, request=None, properties: dict) -> None:
    from analytics.services import interaction_record

    interaction_record(
        type=type_, properties=properties, visitor=visitor, lead=lead, request=request
    )


def _enqueue_email(registration_id, kind: str) -> None:
    from events.tasks import send_registration_email

    enqueue(send_registration_email, str(registration_id), kind)


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
    """Send one email of ``kind`` if it has not gone out yet; True when this call sent it.

    The sent-at column is claimed by a conditional UPDATE (``... WHERE sent_at IS NULL``)
    before sending, so two workers or two beat runs cannot both send. If sending fails the
    claim is released so a retry can send.
    """
    from events import emails

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
    claimed = EventRegistration.objects.filter(
        pk=registration.pk, status__in=statuses, **{f"{column}__isnull": True}
    ).update(**updates)
    if not claimed:
        return False
    try:
        emails.build(kind, registration).send()
    except Exception:
        EventRegistration.objects.filter(pk=registration.pk).update(
            **{column: None, **({"follow_up_kind": ""} if kind == "follow_up" else {})}
        )
        raise
    return True


def event_cancellation_notify(*, event_id: int) -> int:
    """Tell everyone registered or waitlisted that the organiser cancelled the event (each
    person once, with a calendar cancellation); returns how many were queued."""
    from events.tasks import send_registration_email

    if not EventPage.objects.filter(pk=event_id, cancelled=True).exists():
        return 0
    ids = list(
        EventRegistration.objects.filter(
            event_id=event_id,
            status__in=(REGISTERED, WAITLISTED),
            event_cancelled_email_sent_at__isnull=True,
        ).values_list("id", flat=True)
    )
    for registration_id in ids:
        send_registration_email.delay(str(registration_id), "event_cancelled")
    return len(ids)


def reminders_dispatch(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due (beat, every few minutes); returns how many."""
    from events.selectors import registrations_due_reminders
    from events.tasks import send_registration_email

    due = registrations_due_reminders(now=now or timezone.now())
    for item in due:
        send_registration_email.delay(item.registration_id, item.kind)
    return len(due)


def follow_ups_dispatch(*, now: datetime | None = None) -> int:
    from events.selectors import registrations_due_follow_up
    from events.tasks import send_registration_email

    due = registrations_due_follow_up(now=now or timezone.now())
    for registration_id in due:
        send_registration_email.delay(registration_id, "follow_up")
    return len(due)


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
    from analytics.models import InteractionType

    values = set(InteractionType.values)
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
    now = timezone.now()
    by_email = {
        reg.lead.email_normalized: reg
        for reg in EventRegistration.objects.select_for_update(of=("self",))
        .select_related("lead", "event")
        .filter(event=event)
    }
    marked = newly = 0
    unmatched: list[int] = []
    for person in report.attendees:
        reg = by_email.get(person.email)
        if reg is None:
            if person.attended:
                unmatched.extend(person.rows)
            continue
        if not person.attended:
            continue
        marked += 1
        if _mark_attended(
            reg,
            source=EventRegistration.AttendanceSource.ZOOM_CSV,
            minutes=person.minutes,
            joined_at=person.first_join,
            now=now,
        ):
            newly += 1
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
    now = timezone.now()
    regs = {
        reg.lead.email_normalized: reg
        for reg in EventRegistration.objects.select_for_update(of=("self",))
        .select_related("lead", "event")
        .filter(event=event)
    }
    marked = newly = 0
    unmatched: list[int] = []
    for n, person in enumerate(attendees, start=1):
        reg = regs.get((person.email or "").strip().lower())
        if reg is None:
            unmatched.append(n)
            continue
        if not person.attended:
            continue
        marked += 1
        if _mark_attended(
            reg,
            source=EventRegistration.AttendanceSource.ZOOM_API,
            minutes=person.minutes,
            joined_at=person.first_join,
            now=now,
        ):
            newly += 1
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


# --- Event creation (staff API) ------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    data: dict[str, Any],
    actor=None,
    publish: bool = True,
    parent: EventIndexPage | None = None,
) -> EventPage:
    """Create an event page under the events index (and publish it unless told not to).

    ``data`` holds model field values; ``scheduled_for`` (an aware datetime) may be given
    instead of ``start_date``/``start_time`` and is converted to the event's local time.
    """
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError
    from django.utils.text import slugify

    parent = parent or EventIndexPage.objects.first()
    if parent is None:
        raise ValidationError({"parent": ["There is no events index page to add events to."]})
    data = dict(data)
    scheduled_for = data.pop("scheduled_for", None)
    tz_name = data.get("timezone") or "Africa/Nairobi"
    if scheduled_for is not None:
        local = scheduled_for.astimezone(ZoneInfo(tz_name))
        data["start_date"] = local.date()
        data["start_time"] = time(local.hour, local.minute, local.second)
    page = EventPage(**data)
    if not page.slug:
        page.slug = slugify(page.title)[:255] or f"event-{uuid.uuid4().hex[:8]}"
    page.live = publish
    page.owner = actor
    parent.add_child(instance=page)
    revision = page.save_revision(user=actor)
    if publish:
        revision.publish(user=actor)
        page.refresh_from_db()
    return page
