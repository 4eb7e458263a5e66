"""Calendar invites (.ics, RFC 5545) for registrants, built with ``icalendar``.

Start and end are written in the event's own time zone (``DTSTART;TZID=Africa/Nairobi``)
with a matching ``VTIMEZONE``, so calendars show the right local time anywhere; ``DTSTAMP``
is UTC. The join link (virtual/hybrid) goes in ``URL``, ``LOCATION`` and the description;
in-person events carry their address in ``LOCATION``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

PRODID = "-//EmenTech//Engage Events//EN"


def event_uid(event) -> str:
    return f"event-{event.uuid}@ementech"


def build_ics(registration, *, method: str = "PUBLISH", now: datetime | None = None) -> bytes:
    """The invite for one registration (``method="CANCEL"`` withdraws it)."""
    event = registration.event
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    vevent = Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("dtstart", event.starts_at_local)
    vevent.add("dtend", event.ends_at_local)
    vevent.add("summary", event.title)
    vevent.add("sequence", int(now.timestamp()) if method == "CANCEL" else 0)
    vevent.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event_url = f"{settings.SITE_URL}{event.url or ''}"
    description = [event.summary, ""]
    locations = []
    if event.is_virtual and event.join_url:
        description.append(f"Join online ({event.platform or 'link'}): {event.join_url}")
        vevent.add("url", event.join_url)
        locations.append(event.join_url)
    if event.is_physical and event.location:
        description.append(f"Venue: {event.location}")
        locations.insert(0, event.location)
    description += ["", f"Event page: {event_url}"]
    vevent.add("description", "\n".join(description))
    if locations:
        vevent.add("location", " · ".join(locations))
    organizer = vCalAddress(f"mailto:{_from_address()}")
    organizer.params["cn"] = vText("EmenTech Events")
    vevent.add("organizer", organizer)
    if method != "CANCEL":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{event.title} starts in 30 minutes")
        alarm.add("trigger", timedelta(minutes=-30))
        vevent.add_component(alarm)
    cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()


def _from_address() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    if "<" in sender and sender.endswith(">"):
        return sender.rsplit("<", 1)[1][:-1]
    return sender
