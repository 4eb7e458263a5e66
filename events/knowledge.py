"""What an event page says, as sentences: how it is held, who speaks, the agenda and who
it is for. The knowledge index reads an event page through ``knowledge_sections`` (so a
visitor's question about a meetup or a workshop finds and cites the event's page), and the
chat's live event facts use the same sentences. Seats left, "is it over" and the time in
the visitor's zone change by the minute and stay out of the index: the chat reads them
live."""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import strip_tags


def where_sentence(event: Any) -> str:
    """How the event is held: "It is hybrid: in person, the venue is …, or online on Zoom"."""
    fmt = str(event.format or "")
    platform = f" on the {event.platform} platform" if event.platform else ""
    venue = f", and the venue is {event.location}" if event.location else ""
    if fmt == "in-person":
        return f"It is in person, not online{venue}."
    if fmt == "hybrid":
        return f"It is hybrid: in person{venue}, or online{platform}."
    on = f",{platform}" if platform else ""
    link = (
        "the joining link comes with the confirmation"
        if event.registration_required
        else "the joining link is on the event page"
    )
    return f"It is online, not in person{on}; {link}."


def speakers_sentence(event: Any) -> str:
    """ "Speakers presenting: A (title, company) and B (…)." as the page lists them (not
    their bios: a bio's "led 30 production AI systems" would answer "have you done this
    before?" in place of a case study)."""
    people = []
    for block in event.speakers or []:
        value = block.value
        about = ", ".join(x for x in (value.get("title"), value.get("company")) if x)
        people.append(f"{value.get('name')} ({about})" if about else str(value.get("name")))
    if not people:
        return ""
    names = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]
    return f"Speakers presenting: {names}."


def agenda_sentence(event: Any, *, details: bool = False) -> str:
    """ "The agenda: 14:00 Welcome; 14:15 Retrieval done right." """
    items = []
    for value in (block.value for block in event.agenda or []):
        item = f"{value.get('time') or ''} {value.get('title')}".strip()
        if details and value.get("description"):
            item += f" ({value.get('description').rstrip('.')})"
        items.append(item)
    return f"The agenda: {'; '.join(items)}." if items else ""


def audience_sentence(event: Any) -> str:
    """Who it is for and how many seats it has in all, as the event page says."""
    said = [f"Capacity: {event.capacity} seats in total."] if event.capacity else []
    if event.qualification_required:
        said.append(
            "Open to qualified leads only: teams already exploring a concrete project with us."
        )
    return " ".join(said)


def description_text(event: Any) -> str:
    """The page's description as plain text."""
    return re.sub(r"\s+", " ", strip_tags(event.description or "")).strip()


def length_text(event: Any) -> str:
    minutes = int(event.duration_minutes or 0)
    if minutes >= 120 and minutes % 60 == 0:
        return f"{minutes // 60} hours ({minutes} minutes)"
    return f"{minutes} minutes"


def knowledge_sections(event: Any) -> list[tuple[str, str]]:
    """The event page for the knowledge index: what it is, when (in the event's zone) and
    how it is held, then the description, the agenda and the speakers."""
    kind = event.get_event_type_display()
    start, end = event.starts_at_local, event.ends_at_local
    intro = [
        event.summary,
        f"Date: {start:%A %-d %B %Y}, {start:%H:%M} to {end:%H:%M} ({event.timezone} time); "
        f"it lasts {length_text(event)}.",
        where_sentence(event),
        audience_sentence(event),
    ]
    if event.recording_url:
        intro.append(f"The recording of the {kind.lower()} “{event.title}” is on its page.")
    sections = [("", " ".join(s for s in intro if s))]
    for heading, text in (
        ("About", description_text(event)),
        ("Agenda", agenda_sentence(event, details=True)),
        ("Speakers", speakers_sentence(event)),
    ):
        if text:
            sections.append((heading, text))
    return sections
