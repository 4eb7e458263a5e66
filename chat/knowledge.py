"""Retrieved knowledge for the chat, numbered as ``[Source N]`` and marked untrusted."""

from __future__ import annotations

import difflib
import logging
import re
from typing import Any

from chat.event_facts import words as _words
from chat.thesaurus import with_site_terms

log = logging.getLogger(__name__)


NAMED_BOOST = 0.15  # a page the question names by its title answers before look-alikes
SHORT_FOLLOW_UP_WORDS = 5
REFERS_BACK = re.compile(
    # "there" as a place said before ("how do I get there?"), not "is there anything …"
    r"\b(it|its|that|this|these|those|they|them|(?<!is )(?<!are )(?<!was )(?<!were )there"
    r"(?! (?:is|are|was|were|any)\b)|the same|such|comparable|similar|"
    r"relevant|like (ours|us|mine|ourselves))\b",
    re.I,
)
# "what about Arabic?", "and for hotels?", "same for Uganda?": the earlier question, asked
# again of something else.
ELLIPTICAL = re.compile(
    r"^\W*(?:ok(?:ay)?\W+|and\W+|so\W+)?(?:what|how) about\b|^\W*(?:and|also|plus|same)\b"
    r"(?:\s+[\w\-]+){0,4}\W*$|^\W*same (?:for|with|in)\b",
    re.I,
)


def refers_back(question: str) -> bool:
    """Whether a question leans on what came before ("did it account for paydays?",
    "how many trucks was that for?", "what about Arabic?") rather than naming its whole
    subject."""
    return bool(REFERS_BACK.search(question or "") or ELLIPTICAL.search(question or ""))


def elliptical(question: str) -> bool:
    """Whether a question is the earlier one asked of something else ("what about Arabic?")."""
    return bool(ELLIPTICAL.search(question or ""))


def sources_for(
    query: str,
    *,
    k: int = 3,
    page_url: str = "",
    topic_url: str = "",
    context: str = "",
    tz_name: str = "",
) -> list[dict[str, Any]]:
    """Retrieved chunks with, first, the best passage of the page the visitor is on and,
    for a question that refers back ("does it post to Odoo?"), of the page the conversation
    was just about (``topic_url``), those two read with the earlier question (``context``);
    and the structured catalogue first for price and time questions. On an event's page,
    that event's facts come first ("how long is it?" is about this event), read live in the
    visitor's time zone ``tz_name``."""
    from chat.case_overview import case_overview_source, wants_case_overview
    from chat.catalogue import OFFER_WORDS, catalogue_source, wants_catalogue
    from chat.event_facts import (
        PAGE_BOOST,
        another_event,
        event_facts,
        event_for_page,
        event_over,
        event_question,
        event_source,
        events_sources,
        names_other_event,
    )

    query = respelled(query)
    # "how many ppl can come", "border queues factored in?": too short to name a subject
    # of its own, so about what was just answered.
    short = len(re.findall(r"[^\W\d_]+", query)) <= SHORT_FOLLOW_UP_WORDS
    follow_up = refers_back(query) or short
    pin_query = f"{context} {query}" if follow_up and context else query
    here = event_for_page(page_url)
    topic_event = event_for_page(topic_url) if topic_url else None
    if (
        here is None
        and topic_event is not None
        and event_question(query)
        and not _named_page_ids(query)
        and not names_other_event(query, topic_event)
        and not OFFER_WORDS.search(query)  # "how long does a chatbot pilot take?"
        and not ABOUT_US.search(query)  # "where are you based?"
    ):
        # "How many people, and will it be recorded?", "Any remote option?" right after
        # the roundtable was answered: the roundtable's
        here = topic_event
    # Event pages answer questions about events (on an event's page, or right after one
    # was answered); elsewhere an agenda's "Case study: Pesa Logistics" would answer "we
    # pay farmers through M-Pesa" before the service does.
    events_asked = here is not None or wants_events(query) or topic_event is not None
    found = _retrieved_whole_and_parts(
        pin_query if elliptical(query) else query, k=k, events=events_asked
    )
    elsewhere = wants_events(query) and another_event(query)
    if here is not None and not elsewhere:  # "is this online?" on a page: this event only
        found = [src for src in found if src.get("type") != "event" or src["url"] == here.url]
    page_id = _page_id(page_url)
    pinned_ids = [page_id]
    named = _named_page_ids(query, events=events_asked)  # "what's in your implementation guide?"
    # "what do we get at the end of it?": "it" is what was just answered, unless the
    # question names its subject ("what's in your implementation guide, is it free?").
    topic_id = _page_id(topic_url) if follow_up and topic_url != page_url and not named else None
    pinned_ids.insert(0, topic_id)
    pinned_ids[:0] = named
    # What the question names answers before look-alikes from other pages.
    boosted = set(named)
    if topic_id:
        boosted.add(topic_id)
    pinned: list[dict[str, Any]] = []
    for pin in dict.fromkeys(p for p in pinned_ids if p):
        got = _retrieved(pin_query, k=1, filters={"page_id": pin})
        for src in got if pin in boosted else []:
            src["boost"] = NAMED_BOOST
        for src in got if pin == topic_id else []:
            src["topic"] = True  # what "that" in the question is: priced by its page
        pinned += got
    if pinned:
        by_url = {s["url"]: s for s in pinned}
        for src in found:  # the page's passage found for the question itself joins the pin
            pin = by_url.get(src["url"])
            if pin is not None and src["text"] not in pin["text"]:
                pin["text"] += "\n" + src["text"]
        found = pinned + [s for s in found if s["url"] not in by_url][: k - (1 if page_id else 0)]
        for i, src in enumerate(found, start=1):
            src["n"] = i
    live: list[dict[str, Any]] = []
    if here is not None:
        live.append(event_source(here, 1, tz_name=tz_name, boost=0.0 if elsewhere else PAGE_BOOST))
    if wants_events(query) and (here is None or elsewhere):
        live += events_sources(query, first_n=1, tz_name=tz_name, exclude=here.url if here else "")
    if live:
        # One source per page: an event's indexed passage joins its live facts (a past
        # event's passage, its dates and registration, is left out: only what is still true).
        by_url = {src["url"]: src for src in live}
        for src in found:
            if src["url"] in by_url and not by_url[src["url"]]["over"]:
                by_url[src["url"]]["text"] += "\n" + src["text"]
        found = live + [src for src in found if src["url"] not in by_url]
        for i, src in enumerate(found, start=1):
            src["n"] = i
    live_urls = {s["url"] for s in live}
    for src in found:  # a past event found by its indexed passage speaks in the past tense
        if src.get("type") == "event" and src["url"] not in live_urls:
            event = event_for_page(src["url"])
            if event is not None and event_over(event):
                src["text"] = event_facts(event, tz_name)
    if ASKS_FOR_CASES.search(query):  # "any logistics case study?": a client's story answers
        for src in found:
            if src.get("type") == "case_study":
                src["boost"] = max(float(src.get("boost") or 0.0), NAMED_BOOST)
    if wants_case_overview(query) and (overview := case_overview_source(1, boost=NAMED_BOOST)):
        for src in found:
            src["n"] += 1
        found = [overview, *found]
    if not wants_catalogue(query) or (here is not None and not OFFER_WORDS.search(query)):
        return found  # on an event's page, "how long does it run?" is the event's
    try:
        catalogue = catalogue_source(1)
    except Exception:  # noqa: BLE001 - the catalogue is a bonus, never a failure
        log.exception("catalogue unavailable")
        catalogue = None
    if catalogue is None:
        return found
    for src in found:
        src["n"] += 1
    return [catalogue, *found]


ASKS_FOR_CASES = re.compile(
    r"\bcase[\s-]?stud|\b(success )?stor(y|ies)\b|\bclients? like\b|\breferences?\b|"
    r"\b(examples?|done this|worked with|built) (for|in|with)\b",
    re.I,
)
LONG_QUERY_WORDS = 35  # past this, one embedding of the whole message blurs its subject
CLAUSE_SPLIT = re.compile(r"(?<=[.!?;])\s+|,\s+(?:and\s+|then\s+|but\s+|so\s+)?")
LONG_VOTE_BOOST = 0.15  # the page most clauses point to answers before the others


def _retrieved_whole_and_parts(query: str, *, k: int, events: bool = True) -> list[dict[str, Any]]:
    """The chunks for ``query``; for a long message ("we collect milk from 6,000 farmers,
    the clerks write paper delivery notes, somebody types them into Excel, … is that
    something you do?") also the best chunk for each of its clauses, so the page about one
    concrete detail is not drowned by the rest; pages ranked by their best score."""
    found = _retrieved(query, k=k, events=events)
    if len(query.split()) <= LONG_QUERY_WORDS:
        return found
    # Reciprocal rank fusion: the whole message's list, and each clause's best page.
    votes: dict[str, float] = {}
    by_url: dict[str, dict[str, Any]] = {}
    clauses = [
        c for c in CLAUSE_SPLIT.split(query)
        if len(c.split()) >= 5 and not ("?" in c and refers_back(c))  # "is that something…?"
    ]  # fmt: skip
    lists = [found] + [_retrieved(c, k=1, events=events)[:1] for c in clauses]
    for got in lists:
        for rank, src in enumerate(got):
            votes[src["url"]] = votes.get(src["url"], 0.0) + 1.0 / (rank + 1)
            by_url.setdefault(src["url"], src)
    ranked = sorted(by_url.values(), key=lambda s: -votes[s["url"]])[:k]
    most = max(votes.values())
    for i, src in enumerate(ranked, start=1):
        src["n"] = i
        if votes[src["url"]] == most and most > 1:
            src["boost"] = max(float(src.get("boost") or 0.0), LONG_VOTE_BOOST)
    return ranked


def price_on_page(url: str) -> str:
    """The sentence where the page at ``url`` states what its work costs, or ""."""
    from chat.catalogue import MONEY

    page_id = _page_id(url)
    if page_id is None:
        return ""
    for src in _retrieved("typical engagements cost price", k=3, filters={"page_id": page_id}):
        for sent in re.split(r"(?<=[.!?])\s+|\n", src["text"]):
            if MONEY.search(sent) and "service catalogue" not in sent:
                return sent.strip()
    return ""


def respelled(query: str) -> str:
    """``query`` with a misspelt word replaced by the knowledge pages' own word it is
    plainly meant as ("logistcs case study" → "logistics case study"); the retrieval's
    keyword half never matches a typo."""
    try:
        from content.facade import knowledge_page_titles

        titles = knowledge_page_titles()
    except Exception:  # noqa: BLE001 - the spelling hint is a bonus, never a failure
        return query
    vocab = {w for _, title in titles for w in re.findall(r"[a-z]{5,}", title.lower())}

    def fix(match: re.Match) -> str:
        word = match.group(0)
        low = word.lower()
        if low in vocab or len(low) < 5:
            return word
        close = difflib.get_close_matches(low, vocab, n=1, cutoff=SPELLING_CUTOFF)
        return close[0] if close and close[0][:1] == low[:1] else word

    return re.sub(r"[A-Za-z]{5,}", fix, query)


SPELLING_CUTOFF = 0.88


def topic(conversation) -> tuple[str, str]:
    """(the page the assistant's last cited answer came from, not the catalogue; the
    visitor's message before the current one): what a question that refers back is about."""
    from chat.catalogue import CATALOGUE_URL

    last = (
        conversation.messages.filter(role="assistant")
        .exclude(sources=[])
        .order_by("-created_at")
        .values_list("sources", flat=True)
        .first()
    )
    url = ""
    last = [src or {} for src in last or []]
    # A catalogue line answered: its service page (cited with the catalogue's number) is
    # what was talked about, before any page quoted beside it.
    priced = {s.get("n") for s in last if (s.get("url") or "") == CATALOGUE_URL}
    lines = [s for s in last if s.get("n") in priced and s.get("url") != CATALOGUE_URL]
    for src in lines + last:
        candidate = (src.get("url") or "").split("#")[0]
        if candidate and candidate != CATALOGUE_URL:
            url = candidate
            break
    earlier = list(
        conversation.messages.filter(role="user")
        .order_by("-created_at")
        .values_list("content", flat=True)[1:2]
    )
    return url, (earlier[0] if earlier else "")


def _named_page_ids(query: str, events: bool = True) -> list[int]:
    """Knowledge pages the question names by their title: at least two of the title's
    words and most of them ("your implementation guide" names "The AI Implementation
    Guide"), best match first; an event's title (it names its kind) only when ``events``
    ("automating the intake of documents" names the service, not the workshop)."""
    from chat.event_facts import EVENT_KIND

    asked = _words(query)
    if len(asked) < 2:
        return []
    try:
        from content.facade import knowledge_page_titles

        titles = knowledge_page_titles()
    except Exception:  # noqa: BLE001 - the title hint is a bonus, never a failure
        return []
    if not events:
        titles = [(pk, title) for pk, title in titles if not EVENT_KIND.search(title)]
    scored = []
    for pk, title in titles:
        words = _words(title)
        hits = len(words & asked)
        if hits >= 2 and hits / len(words) >= 0.6:
            scored.append((hits / len(words), hits, pk))
    if not scored and (m := NAMED_BY_WORD.search(query)):
        # "your strategy thing", "the fraud one": one word only one page's title holds
        word = m.group(1).lower()[:6]
        holders = [pk for pk, title in titles if any(w[:6] == word for w in _words(title))]
        return holders if len(holders) == 1 else []
    return [pk for *_, pk in sorted(scored, reverse=True)[:1]]


ABOUT_US = re.compile(r"\b(you|your|yours|you guys|emen\w*)\b", re.I)
NAMED_BY_WORD = re.compile(
    r"\b(?:your|the|that|this)\s+([a-z]{4,})\s+(?:thing|one|service|offer(?:ing)?|package|"
    r"stuff|work|engagement|product)\b",
    re.I,
)


EVENTS_RE = re.compile(
    r"\b(webinars?|workshops?|events?|masterclass(es)?|meetups?|roundtables?|"
    r"training sessions?|recordings?|matukio|mkutano|mikutano)\b",
    re.I,
)


def wants_events(query: str) -> bool:
    return bool(EVENTS_RE.search(query or ""))


def _page_id(page_url: str) -> int | None:
    """The live page at ``page_url`` (a path), if any."""
    if not page_url or not page_url.startswith("/") or page_url == "/":
        return None
    try:
        from wagtail.models import Page

        path = "/" + page_url.strip("/") + "/"
        page = Page.objects.live().filter(url_path__endswith=path).only("pk").first()
    except Exception:  # noqa: BLE001 - the page hint is a bonus, never a failure
        return None
    return page.pk if page else None


def _retrieved(
    query: str, *, k: int = 3, filters: dict[str, Any] | None = None, events: bool = True
) -> list[dict[str, Any]]:
    """The top ``k`` knowledge chunks for ``query`` as numbered sources (1-based); without
    event pages unless ``events``.

    Uses the content app's hybrid retrieval; an empty knowledge base (or one being
    re-indexed) gives no sources, and the assistant says it does not know.
    """
    if not query.strip():
        return []
    from content.facade import knowledge_retrieve

    if not events:
        filters = {**(filters or {}), "type_not": ["event"]}
    try:
        chunks = knowledge_retrieve(query=with_site_terms(query), filters=filters, k=k + 2)
    except Exception:  # noqa: BLE001 - a broken index must not break the chat
        log.exception("knowledge retrieval failed")
        return []
    out: list[dict[str, Any]] = []
    by_url: dict[str, dict[str, Any]] = {}
    for chunk in chunks:  # one source per page: chunks of the same page are merged
        key = chunk.url or f"{chunk.title}|{chunk.id}"
        if key in by_url:
            by_url[key]["text"] += "\n" + chunk.text
            continue
        src = {
            "n": len(out) + 1,
            "title": chunk.title,
            "url": chunk.url,
            "type": chunk.type,
            "score": chunk.score,
            "text": chunk.text,
        }
        by_url[key] = src
        out.append(src)
    return out


def public_sources(sources: list[dict[str, Any]], cited: list[int] | None = None) -> list[dict]:
    """What the widget shows: number, title, URL and type (cited ones when known)."""
    keep = set(cited) if cited else None
    return [
        {"n": s["n"], "title": s["title"], "url": s["url"], "type": s["type"]}
        for s in sources
        if keep is None or s["n"] in keep
    ]
