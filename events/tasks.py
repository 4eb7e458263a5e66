"""Celery tasks of the events app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def send_registration_email(registration_id: str, kind: str) -> bool:
    """Queue one registration email unless it went out already (claimed atomically); the
    mail worker sends it and retries a mail-server failure."""
    from events.services import registration_email_send

    return registration_email_send(registration_id=registration_id, kind=kind)


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Beat: queue the 24 h and 1 h reminders that are due."""
    from events.services import reminders_dispatch

    return reminders_dispatch()


@shared_task(acks_late=True)
def send_due_follow_ups() -> int:
    """Beat: queue post-event follow-ups (recording for attendees, 'sorry we missed you')."""
    from events.services import follow_ups_dispatch

    return follow_ups_dispatch()


@shared_task(acks_late=True)
def fill_from_waitlist(event_id: int) -> int:
    """Promote waitlisted registrants into seats freed by a capacity increase."""
    from events.services import event_fill_from_waitlist

    return event_fill_from_waitlist(event_id=event_id)


@shared_task(acks_late=True)
def notify_event_cancelled(event_id: int) -> int:
    """Email registrants and the waitlist that the organiser cancelled the event."""
    from events.services import event_cancellation_notify

    return event_cancellation_notify(event_id=event_id)
