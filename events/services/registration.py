"""Registration: the one entry point for the page form, the API and the chat. The event's
row is locked first, so the count of ``registered`` rows read under the lock is the count
that commits; a full event waitlists.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.queue import enqueue
from events.models import (
    EVENT_FIELDS,
    LEAD_FIELDS,
    REGISTRATION_FIELDS,
    EventPage,
    EventRegistration,
)
from events.selectors import event_required_fields, lead_is_qualified

if TYPE_CHECKING:
    from core.context import RequestContext

logger = logging.getLogger(__name__)

REGISTERED = EventRegistration.Status.REGISTERED
WAITLISTED = EventRegistration.Status.WAITLISTED
CANCELLED = EventRegistration.Status.CANCELLED
CANCEL_SALT = "events.registration.cancel"
MAX_ANSWER_LENGTH = 1000


class RegistrationError(ApplicationError):
    """A registration refused. ``code`` is the ``ApplicationError`` code (what the edge
    answers with); ``reason`` says which refusal it is for a caller that reacts to it
    (``not_found``, ``ended``, ``invalid``, ``qualification_required``,
    ``already_registered``, ``full``)."""

    def __init__(self, message: str, *, code: str, reason: str, details: dict | None = None):
        super().__init__(message, details, code=code)
        self.reason = reason


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
    ctx: RequestContext | None = None,
    now: datetime | None = None,
) -> RegistrationResult:
    """Register a person for an event: capture or update the lead (consent required), check
    qualification, then take a seat, join the waitlist or refuse — atomically.

    Raises ``RegistrationError`` (not found: unknown/cancelled/unpublished; invalid input;
    forbidden: not qualified; conflict: already registered / full / ended). Nothing is
    stored on error. ``ctx`` is the caller's request context (its truncated address for the
    consent records unless ``ip`` is given, its device for the interaction).
    """
    from leads.facade import CaptureError, lead_capture

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
        raise RegistrationError(
            "Event not found.", code=RegistrationError.NOT_FOUND, reason="not_found"
        )
    if event.status_at(now) == EventPage.Status.COMPLETED:
        raise RegistrationError(
            "This event has already taken place; registration is closed.",
            code=RegistrationError.CONFLICT,
            reason="ended",
        )

    cleaned, errors = _clean_answers(answers or {})
    known = _known_lead_for(email or "", visitor)
    for name in event_required_fields(event=event, lead=known):
        if name not in cleaned:
            errors.setdefault(name, ["This field is required."])
    if errors:
        raise RegistrationError(
            "Some registration fields are missing or invalid.",
            code=RegistrationError.INVALID,
            reason="invalid",
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
                ip=ip or (ctx.ip_truncated if ctx is not None else ""),
            )
        except CaptureError as exc:
            raise RegistrationError(
                "Invalid registration.",
                code=RegistrationError.INVALID,
                reason="invalid",
                details=getattr(exc, "details", {}) or {"email": [str(exc)]},
            ) from exc
        lead = capture.lead
        if event.qualification_required and not lead_is_qualified(lead):
            raise RegistrationError(
                f"“{event.title}” is reserved for qualified leads: it is a small, "
                "confidential session for teams already working with us on a concrete "
                "project. Tell us about your project through the contact form or the chat "
                "and our team will invite you to the next one.",
                code=RegistrationError.FORBIDDEN,
                reason="qualification_required",
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
                code=RegistrationError.CONFLICT,
                reason="already_registered",
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
                code=RegistrationError.CONFLICT,
                reason="full",
                details={"join_waitlist": ["Send join_waitlist: true to join the waitlist."]},
            )
        else:
            raise RegistrationError(
                "This event is full.", code=RegistrationError.CONFLICT, reason="full"
            )

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
                code=RegistrationError.CONFLICT,
                reason="already_registered",
            ) from exc

        _record_interaction(
            type_="event_register",
            lead=lead,
            visitor=visitor,
            ctx=ctx,
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
    for name in EventRegistration.CYCLE_FIELDS:
        setattr(registration, name, None)


def _record_interaction(
    *, type_: str, lead, visitor=None, ctx: RequestContext | None = None, properties: dict
) -> None:
    from analytics.facade import interaction_record

    interaction_record(type=type_, properties=properties, visitor=visitor, lead=lead, ctx=ctx)


def _enqueue_email(registration_id, kind: str) -> None:
    from events.tasks import send_registration_email

    enqueue(send_registration_email, str(registration_id), kind)
