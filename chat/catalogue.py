"""Structured answers the assistant gives before anything else: service prices and
durations from the catalogue, as a numbered source that cites the services page."""

from __future__ import annotations

import re
from typing import Any

PRICE_OR_TIME = re.compile(
    r"\b(cost|costs|price|prices|pricing|priced|charge|fee|fees|budget usually|cheap|cheaper|"
    r"cheapest|affordable|expensive|quote|quotation|ballpark|how much(?=\s*[?!.]|\s*$)|"
    r"how much (does|would|will|is|do|for|to)|how long|duration|fits this money|offer fits|"
    r"timeline for|time ?frame for|turnaround|lead time)\b|"
    r"\bwhat(?:'?s| is| are| would be)? (?:the |your )?(?:\w+ )?(?:budget|price range|rates?)\b",
    re.I,
)
RUNNING_COST = re.compile(
    r"\bper (conversation|chat|message|query|request|user|ticket|month)\b|to run\b|"
    r"running costs?|keep(ing)? (it|them|the \w+) (running|going|live)|monthly|per month|"
    r"operat(e|ing) costs?|api (cost|usage|bill)",
    re.I,
)
CHEAPEST = re.compile(
    r"\b(cheapest|least expensive|lowest|smallest|entry|starter|minimum|min|start small|"
    r"way to start|to get started|first step|where to start)\b",
    re.I,
)
DURATION_ONLY = re.compile(
    r"\b(how long|how quickly|how soon|duration|how many weeks|timeline for|time ?frame for|"
    r"turnaround|lead time)\b",
    re.I,
)
CATALOGUE_URL = "/services/"
# Price and time asked in Swahili ("bei ni ngapi?", "gharama ya kuanza ni kiasi gani?",
# "inachukua muda gani?"), read as the English the patterns above know.
SWAHILI_PRICE = (
    (re.compile(r"\b(?:bei|gharama)\s+(?:yake\s+|yenu\s+)?(?:ni\s+)?(?:ngapi|kiasi gani)\b", re.I),
     "how much does it cost"),
    (re.compile(r"\b(?:ni\s+)?(?:pesa|shilingi|dola)\s+ngapi\b", re.I), "how much does it cost"),
    (re.compile(r"\b(?:ni\s+)?kiasi gani\b", re.I), "how much"),
    (re.compile(r"\bbei\b", re.I), "price"),
    (re.compile(r"\b(?:gharama|(?:ina|ita|u|i)?gharimu)\b", re.I), "cost"),
    (re.compile(r"\b(?:inachukua\s+|itachukua\s+)?(?:muda|siku|wiki|miezi) (?:gani|ngapi)\b", re.I),
     "how long"),
    (re.compile(r"\bya kuanza\b|\bkuanza\b", re.I), "to get started"),
)  # fmt: skip


def in_english(text: str) -> str:
    """``text`` with Swahili price and time wording put in English ("Bei ni ngapi kwa
    pilot?" → "how much does it cost kwa pilot?")."""
    for pattern, english in SWAHILI_PRICE:
        text = pattern.sub(english, text or "")
    return text


# "Have you taken volume off a call centre? Roughly how much?": a bare "how much" beside an
# outcome asks for the amount achieved, not a price.
BARE_HOW_MUCH = re.compile(r"\bhow much(?=\s*[?!.]|\s*$)", re.I)
OUTCOME_WORDS = re.compile(
    r"\b(volume|calls?|tickets?|reduc\w*|cut|sav(e|ed|ing)|took|taken|drop\w*|fell|fewer|less|"
    r"improv\w*|results?|impact|faster|increase\w*|gain\w*|load)\b",
    re.I,
)
# "How much did support costs drop for your clients?": an amount achieved, not a price.
OUTCOME_QUESTION = re.compile(
    r"\bhow much (?:did|has|have|was|were|do|does|would|will|can|could)\b"
    # "how much would it cost to cut…" is a price: a price asked before the verb
    r"(?:(?!\b(?:it|that|this|you|we|they) (?:cost|charge|pay)|\bpric|\bfees?\b)[^?.!]){0,60}?"
    r"\b(?:drop|"
    r"fall|fell|cut|sav|reduc|improv|grow|increas|go(?:ne)? down|come down|decreas|shr[iu]nk|"
    r"lower)\w*",
    re.I,
)
# What the catalogue prices: on an event's page only these make a time question the
# catalogue's ("how long does it run?" is the event's).
OFFER_WORDS = re.compile(
    r"\b(pilot|sprint|chatbots?|bots?|assistants?|automation|models?|forecast\w*|projects?|"
    r"engagements?|platforms?|consult\w*|readiness|services?|implementation|build|solution)\b",
    re.I,
)


def wants_catalogue(text: str) -> bool:
    text = in_english(text or "")
    found = [m.group(0) for m in PRICE_OR_TIME.finditer(text)]
    if not found or RUNNING_COST.search(text):
        return False
    bare = all(BARE_HOW_MUCH.fullmatch(f) for f in found)
    return not (bare and OUTCOME_WORDS.search(text)) and not OUTCOME_QUESTION.search(text)


def catalogue_source(n: int) -> dict[str, Any] | None:
    """The live catalogue as source ``n``: its lines both as text (for models) and as
    structured items (for the local assistant), each with its service page (cited beside
    the catalogue when that line answers)."""
    from content.facade import catalogue_lines

    items = [
        {
            "name": line.name,
            "summary": line.summary,
            "price_from": line.price_from,
            "price_to": line.price_to,
            "duration": line.duration,
            "about": line.page_summary or "",
            "page": (
                {"title": line.page_title, "url": line.page_url}
                if line.page_title is not None
                else None
            ),
        }
        for line in catalogue_lines()
    ]
    if not items:
        return None
    text = "\n".join(
        f"{i['name']}: ${i['price_from']:,}–${i['price_to']:,}, {i['duration']}. {i['summary']}"
        for i in items
    )
    return {
        "n": n,
        "title": "Service catalogue",
        "url": CATALOGUE_URL,
        "type": "catalogue",
        "score": 1.0,
        "text": text,
        "catalogue": items,
    }


MONEY = re.compile(r"\$\s?\d|\b(USD|KES|EUR|GBP)\s?\d", re.I)


def priced_passages(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The knowledge sources cut to their passages that state a price (a service page's
    "Typical engagements cost …" with what the service covers), for a price question about
    something no catalogue line names ("what would credit scoring cost?")."""
    out = []
    for src in sources:
        kept = [p for p in str(src.get("text", "")).split("\n") if MONEY.search(p)]
        if kept:
            out.append({**src, "text": "\n".join(kept)})
    return out
