"""Events as the chat's sources: the events are not in the knowledge index (their seats and
dates change), so their facts (when, for how long, where or on which platform, in the
visitor's own time zone, and whether it is over and has a recording) are read live and
cited from the event's own page."""

from __future__ import annotations

import logging
import re
import zoneinfo
from typing import Any
from urllib.parse import urlparse

from django.utils import timezone
from django.utils.html import strip_tags

log = logging.getLogger(__name__)

PAGE_BOOST = 0.15  # the event whose page the visitor is on answers before look-alikes
NAMED_BOOST = 0.15  # an event the question describes ("a workshop on invoices") likewise
# "is there another workshop?", "any other events?": not the event on this page.
ANOTHER_RE = re.compile(r"\b(another|other|others|different|else|more)\b", re.I)
TITLE_STOP = {
    "a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "by", "your", "our", "is",
    "ai", "how", "what", "when", "why", "that", "it", "its", "we", "you", "do", "at", "from",
}  # fmt: skip


def words(text: str) -> set[str]:
    """Content words, lower-cased, a plural's ``s`` dropped (for matching titles)."""
    out = set()
    for w in re.findall(r"[a-z0-9]+", (text or "").lower()):
        if w in TITLE_STOP or len(w) < 3:
            continue
        out.add(w[:-1] if len(w) > 4 and w.endswith("s") else w)
    return out


def _stems(text: str) -> set[str]:
    """Words cut to six letters: "automating" meets "automation", "invoices" "invoice"."""
    return {w[:6] for w in words(text)}


def event_for_page(page_url: str):
    """The published event whose page is ``page_url`` (path or absolute URL), or None."""
    from events.facade import events_live

    path = urlparse(page_url or "").path
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    if not slug or not path.startswith("/"):
        return None
    try:
        pages = events_live(slug=slug)
    except Exception:  # noqa: BLE001 - the event hint is a bonus, never a failure
        log.exception("events unavailable")
        return None
    for page in pages:
        if (page.url or "").rstrip("/") == path.rstrip("/"):
            return page
    return None


def event_over(event) -> bool:
    return event.ends_at <= timezone.now()


def _where(event) -> str:
    fmt = str(event.format or "")
    online = f"online on the {event.platform} platform" if event.platform else "online"
    venue = f", and the venue is {event.location}" if event.location else ""
    if fmt == "in-person":
        return f"It is in person, not online{venue}."
    if fmt == "hybrid":
        return f"It is hybrid: in person{venue}, or {online}."
    return f"It is virtual, {online}; the joining link comes with the confirmation."


def event_facts(event, tz_name: str = "") -> str:
    """What a visitor asks about an event, one fact a sentence (so the answer picks the one
    asked): when, how long, where, and the time in the visitor's zone when it differs."""
    kind = event.get_event_type_display().lower()
    start = event.starts_at_local
    when = f"{start:%A %-d %B %Y} at {start:%H:%M} ({event.timezone} time)"
    if event_over(event):
        recording = " Its recording is on the event page." if event.recording_url else ""
        return (
            f"Our {kind} “{event.title}” took place on {when}, so registration has closed."
            f"{recording} {event.summary}"
        )
    minutes = int(event.duration_minutes or 0)
    whole_hours = minutes >= 120 and minutes % 60 == 0
    length = f"{minutes // 60} hours ({minutes} minutes)" if whole_hours else f"{minutes} minutes"
    end = event.ends_at_local
    said = [
        f"Our {kind} “{event.title}” is on {when}.",
        f"It lasts {length}, from {start:%H:%M} to {end:%H:%M} {event.timezone} time.",
        _where(event),
    ]
    try:
        visitor = zoneinfo.ZoneInfo(tz_name) if tz_name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        visitor = None
    if visitor is not None and visitor.key != event.tzinfo.key:
        mine = event.starts_at.astimezone(visitor)
        place = visitor.key.rsplit("/", 1)[-1].replace("_", " ")
        if mine.utcoffset() != start.utcoffset():
            said.append(
                f"{start:%H:%M} in {event.timezone.rsplit('/', 1)[-1].replace('_', ' ')} is "
                f"{mine:%H:%M} in {place} ({visitor.key} time), on {mine:%A %-d %B}."
            )
    said.append(event.summary)
    # what to bring, what is shared afterwards: the page's own description, as plain text
    said.append(re.sub(r"\s+", " ", strip_tags(event.description or "")).strip())
    said += [_speakers(event), _agenda(event), _who_and_seats(event)]
    return " ".join(s for s in said if s)


def _speakers(event) -> str:
    """ "The speakers are A (title, company) and B (…)." as the page lists them."""
    people = []
    for block in event.speakers or []:
        value = block.value
        about = ", ".join(x for x in (value.get("title"), value.get("company")) if x)
        people.append(f"{value.get('name')} ({about})" if about else str(value.get("name")))
    if not people:
        return ""
    names = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]
    return f"Speakers presenting: {names}."


def _agenda(event) -> str:
    items = [
        f"{v.get('time')} {v.get('title')}".strip()
        for v in (block.value for block in event.agenda or [])
    ]
    return f"The agenda: {'; '.join(items)}." if items else ""


def _who_and_seats(event) -> str:
    """Who it is for and how many seats it has, as the event page says."""
    said = [f"Capacity: {event.capacity} seats in total."] if event.capacity else []
    if event.qualification_required:
        said.append(
            "Open to qualified leads only: teams already exploring a concrete project with us."
        )
    return " ".join(said)


def event_source(event, n: int, *, tz_name: str = "", boost: float = 0.0) -> dict[str, Any]:
    return {
        "n": n,
        "title": event.title,
        "url": event.url or "",
        "type": "event",
        "score": 1.0,
        "boost": boost,
        "text": event_facts(event, tz_name),
    }


def events_sources(
    query: str, *, first_n: int, k: int = 2, tz_name: str = "", exclude: str = ""
) -> list[dict[str, Any]]:
    """The upcoming events (and past ones with a recording) closest to the question, each
    as a source citing its own page."""
    try:
        from events.facade import event_list_past, event_list_upcoming

        events = list(event_list_upcoming()[:8]) + [
            e for e in event_list_past()[:8] if e.recording_url
        ]
    except Exception:  # noqa: BLE001 - the events are a bonus, never a failure
        log.exception("events unavailable")
        return []
    events = [e for e in events if not exclude or (e.url or "") != exclude]
    asked = _stems(query) - _stems(" ".join(EVENT_WORDS))

    def hits(event) -> int:
        return len(asked & _stems(f"{event.title} {event.summary}"))

    ranked = sorted(events, key=lambda e: -hits(e))
    return [
        event_source(
            event,
            first_n + i,
            tz_name=tz_name,
            boost=NAMED_BOOST if i == 0 and hits(event) else 0.0,
        )
        for i, event in enumerate(ranked[:k])
    ]


EVENT_WORDS = words("webinar workshop event masterclass meetup roundtable training session")


def another_event(query: str) -> bool:
    """The question asks about an event other than the one on this page."""
    return bool(ANOTHER_RE.search(query or ""))
