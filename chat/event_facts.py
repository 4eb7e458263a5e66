"""Events as the chat's live sources: the knowledge index holds what an event page says
(description, agenda, speakers), but whether it is over, the time in the visitor's own
zone and who it is for are read live here, worded by the events app, and cited from the
event's own page."""

from __future__ import annotations

import logging
import re
import zoneinfo
from typing import Any
from urllib.parse import urlparse

from django.utils import timezone

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


def event_facts(event, tz_name: str = "") -> str:
    """What a visitor asks about an event, one fact a sentence (so the answer picks the one
    asked): when, how long, where, and the time in the visitor's zone when it differs."""
    from events.facade import (
        agenda_sentence,
        audience_sentence,
        description_text,
        length_text,
        speakers_sentence,
        where_sentence,
    )

    kind = event.get_event_type_display().lower()
    start = event.starts_at_local
    when = f"{start:%A %-d %B %Y} at {start:%H:%M} ({event.timezone} time)"
    if event_over(event):
        recording = " Its recording is on the event page." if event.recording_url else ""
        return (
            f"Our {kind} “{event.title}” took place on {when}, so registration has closed."
            f"{recording} {event.summary}"
        )
    end = event.ends_at_local
    said = [
        f"Our {kind} “{event.title}” is on {when}.",
        f"It lasts {length_text(event)}, from {start:%H:%M} to {end:%H:%M} {event.timezone} time.",
        where_sentence(event),
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
    said.append(description_text(event))
    said += [speakers_sentence(event), agenda_sentence(event), audience_sentence(event)]
    return " ".join(s for s in said if s)


def event_source(event, n: int, *, tz_name: str = "", boost: float = 0.0) -> dict[str, Any]:
    return {
        "n": n,
        "title": event.title,
        "url": event.url or "",
        "type": "event",
        "score": 1.0,
        "boost": boost,
        "text": event_facts(event, tz_name),
        "over": event_over(event),  # its indexed passage (dates, joining link) no longer holds
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
    kinds = _stems(query) & _stems(" ".join(EVENT_WORDS))  # "the meetup": its kind counts

    def hits(event) -> int:
        kind = _stems(f"{event.title} {event.get_event_type_display()}") & kinds
        return len(asked & _stems(f"{event.title} {event.summary}")) + 2 * len(kind)

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


EVENT_KIND = re.compile(
    r"\b(webinar|workshop|masterclass|meetup|roundtable|training session)s?\b", re.I
)


def names_other_event(query: str, event) -> bool:
    """Whether ``query`` names an event other than ``event``: "another", a kind it is not
    ("is the meetup online too?" after the roundtable), or words of another's title ("the
    document intake one") more than of its own."""
    if another_event(query):
        return True
    kind = f"{event.title} {event.get_event_type_display()}".lower()
    if any(m.group(1).lower() not in kind for m in EVENT_KIND.finditer(query)):
        return True
    asked = _stems(query) - _stems(" ".join(EVENT_WORDS))
    own = len(asked & _stems(event.title))
    try:
        from events.facade import event_list_upcoming

        others = [e for e in event_list_upcoming()[:8] if e.pk != event.pk]
    except Exception:  # noqa: BLE001 - the events are a bonus, never a failure
        return False
    return any(len(asked & _stems(e.title)) > own for e in others)


def another_event(query: str) -> bool:
    """The question asks about an event other than the one on this page."""
    return bool(ANOTHER_RE.search(query or ""))


# How visitors ask about an event, put beside the words its facts use, so the fact asked
# for is the one picked ("can I dial in instead?" asks whether it is online).
EVENT_PARAPHRASES = (
    (r"dial[- ]?in|join (remotely|online|virtually|from)|remote(ly)?|virtual(ly)?|from home|"
     r"live ?stream|stream(ed|ing)?|attend online|watch (it )?online|link to join", "online"),
    (r"how long|duration|how many (hours|minutes)|run for|does it (end|finish)|what time .*end",
     "lasts minutes"),
    (r"who('?s| is| are)? (speaking|presenting|talking|hosting|running it)|speakers?|presenters?|"
     r"\bhosts?\b|facilitat\w*", "speakers presenting"),
    (r"where (?:is|will|does) (?:it|this|the (?:event|session|workshop|meetup|roundtable|webinar))|"
     r"venue|location|address|directions|which building", "venue"),
    (r"how many (people|ppl|seats|attendees|spots|places)|capacity|spaces? left|seats|spots|"
     r"\bfull\b|room for", "capacity seats"),
    (r"\bbring\b|need to have|come with|prerequisite", "bring"),
    (r"recording|recorded|slides|can'?t make it|miss(ed)? it|watch later|afterwards",
     "recording shared slides"),
)  # fmt: skip


def event_question(question: str) -> str:
    """``question`` with the words an event's facts use for what it asks added; empty
    when it asks none of those facts."""
    extra = [words for pattern, words in EVENT_PARAPHRASES if re.search(pattern, question, re.I)]
    return f"{question} ({' '.join(extra)})" if extra else ""
