"""The published case studies as one overview source ("Which industries have you done case
studies in?", "what kind of clients have you worked with?"): the industries they cover and
each title, citing the case-study index, so a question about all of them is not answered
from whichever single story looks closest."""

from __future__ import annotations

import re
from typing import Any

OVERVIEW = re.compile(
    r"\b(which|what|list|all|how many|kinds? of|types? of|sectors?|industr\w*)\b.*"
    r"\b(case[\s-]?stud\w*|success stor\w*|clients?|customers?|industr\w*|sectors?)\b",
    re.I,
)
CASES = re.compile(
    r"\bcase[\s-]?stud|\bsuccess stor|\b(worked|work) with\b|\bclients?\b|\bindustr|\bsectors?\b",
    re.I,
)
LABEL = {"fintech": "financial services", "retail": "retail and e-commerce"}


def wants_case_overview(query: str) -> bool:
    """A question about the case studies as a whole, naming no one industry of them."""
    from chat.slots_people import extract_industry

    query = query or ""
    return bool(OVERVIEW.search(query) and CASES.search(query) and not extract_industry(query))


def case_overview_source(n: int, *, boost: float = 0.0) -> dict[str, Any] | None:
    """The overview as source ``n`` (None when no case study is published)."""
    from content.facade import published_pages

    pages = [p for p in published_pages(kinds=["CaseStudyPage"]) if p.url]
    if not pages:
        return None
    industries = list(dict.fromkeys(LABEL.get(p.industry, p.industry) for p in pages))
    listed = ", ".join(industries[:-1]) + (" and " if len(industries) > 1 else "") + industries[-1]
    lines = [f"Our published case studies are in {listed}."]
    lines += [f"{LABEL.get(p.industry, p.industry).capitalize()}: {p.title}." for p in pages]
    index_url = re.sub(r"[^/]+/?$", "", pages[0].url)
    return {
        "n": n,
        "title": "Case studies",
        "url": index_url,
        "type": "case_studies",
        "score": 1.0,
        "boost": boost,
        "text": " ".join(lines),
    }
