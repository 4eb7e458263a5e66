"""The emails registrants receive, rendered from ``templates/events/email/``.

Confirmation and promotion carry the ``.ics`` invite; reminders repeat the join link or
venue; follow-ups thank attendees (with the recording) or tell no-shows what they missed.
Every email links to the signed cancellation page while a seat can still be given up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from events.ics import build_ics

SUBJECTS = {
    "confirmation": "You're registered: {title}",
    "waitlisted": "You're on the waitlist: {title}",
    "promoted": "A seat opened up — you're in: {title}",
    "reminder_24h": "Tomorrow: {title}",
    "reminder_1h": "Starting in one hour: {title}",
    "cancelled": "Registration cancelled: {title}",
    "event_cancelled": "Cancelled: {title}",
    "follow_up_recording": "Thanks for joining {title} — your recording",
    "follow_up_missed": "Sorry we missed you at {title}",
}
WITH_INVITE = {"confirmation", "promoted"}


@dataclass(frozen=True)
class EventEmail:
    """One rendered registration email, handed to ``mail.facade.queue_email``."""

    kind: str  # the outbox's template column: ``event-<template name>``
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, bytes | str, str], ...] = ()


def cancel_url(registration) -> str:
    from events.services import registration_cancel_token

    token = registration_cancel_token(registration)
    return settings.SITE_URL + reverse("events:registration-cancel", args=[token])


def template_name(kind: str, registration) -> str:
    if kind == "follow_up":
        return f"follow_up_{registration.follow_up_kind or 'missed'}"
    return kind


def build(kind: str, registration) -> EventEmail:
    event = registration.event
    lead = registration.lead
    name = template_name(kind, registration)
    context = {
        "event": event,
        "lead": lead,
        "greeting_name": (lead.name or "").split(" ")[0] or "there",
        "registration": registration,
        "event_url": settings.SITE_URL + (event.url or ""),
        "starts_local": event.starts_at_local,
        "ends_local": event.ends_at_local,
        "cancel_url": cancel_url(registration)
        if kind not in ("cancelled", "event_cancelled")
        else "",
        "show_join": event.is_virtual and bool(event.join_url),
        "show_venue": event.is_physical and bool(event.location),
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "EmenTech"),
    }
    subject = SUBJECTS[name].format(title=event.title)
    text = render_to_string(f"events/email/{name}.txt", context)
    html = render_to_string("events/email/base.html", {**context, "body_text": text})
    attachments: tuple[tuple[str, bytes | str, str], ...] = ()
    if kind in WITH_INVITE:
        attachments = ((f"{event.slug}.ics", build_ics(registration), "text/calendar"),)
    elif kind in ("cancelled", "event_cancelled"):
        attachments = (
            (
                f"{event.slug}-cancelled.ics",
                build_ics(registration, method="CANCEL"),
                "text/calendar",
            ),
        )
    return EventEmail(
        kind=f"event-{name}",
        to=lead.email,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
    )
