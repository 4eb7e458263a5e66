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


def wants_catalogue(text: str) -> bool:
    return bool(PRICE_OR_TIME.search(text or "")) and not RUNNING_COST.search(text or "")


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
