"""Reads of the nurture app: what to recommend in an email, the outbox, offer statistics.

Recommendations come from the content app's recommender when it offers one; otherwise from
the published content pages themselves (matching the lead's industry first, pages the lead
has already read last, newest first).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ementech.ai.structured import llm_json
from leads.facade import Lead

logger = logging.getLogger(__name__)

CONTENT_MODELS = ("BlogPage", "ResourcePage", "CaseStudyPage")


@dataclass(frozen=True)
class Recommendation:
    title: str
    url: str
    summary: str = ""
    kind: str = ""
    industry: str = ""


def _seen_paths(lead: Lead | None) -> set[str]:
    if lead is None:
        return set()
    from analytics.facade import interactions

    paths = (
        interactions()
        .filter(lead=lead, type="page_view")
        .values_list("properties__path", flat=True)[:500]
    )
    return {p for p in paths if isinstance(p, str)}


def _as_recommendation(page: Any) -> Recommendation:
    url = page.url or page.url_path
    if url and url.startswith("/"):
        url = settings.SITE_URL + url
    return Recommendation(
        title=page.title,
        url=url or settings.SITE_URL,
        summary=page.summary,
        kind=page.kind,
        industry=page.industry,
    )


def _from_content_recommender(lead: Lead | None, limit: int) -> list[Recommendation] | None:
    """The content app's recommender (``content.recommendations``): personalised items for
    a lead with engagement history, the most-viewed content otherwise. ``None`` if missing."""
    from content.facade import recommendations_for_lead, recommendations_popular

    items = recommendations_for_lead(lead=lead) if lead is not None else []
    if not items:
        items = recommendations_popular(limit=limit)
    out = []
    for item in items[:limit]:
        url = item.url or ""
        if url.startswith("/"):
            url = settings.SITE_URL + url
        out.append(Recommendation(title=item.title, url=url, summary=item.reason, kind=item.type))
    return out


def recommendations_for(
    *, lead: Lead | None, limit: int = 3, kinds: tuple[str, ...] = CONTENT_MODELS
) -> list[Recommendation]:
    """Up to ``limit`` content pages for this lead: the content recommender's picks, or
    (when it has nothing or fails) the page tree: industry first, unread first, newest."""
    if kinds == CONTENT_MODELS:
        try:
            picked = _from_content_recommender(lead, limit)
        except Exception:  # noqa: BLE001 - an email must not fail on recommendations
            logger.warning("content recommendations failed; using the page tree", exc_info=True)
            picked = None
        if picked:
            return picked
    industry = (lead.industry or "").lower() if lead else ""
    seen = _seen_paths(lead)
    from content.facade import published_pages

    candidates = published_pages(kinds=kinds, per_kind=50)

    def rank(page) -> tuple:
        url = page.url
        page_industry = page.industry
        return (
            url in seen,
            0
            if industry and page_industry == industry
            else (1 if page_industry in ("", "general") else 2),
            -(page.first_published_at.timestamp() if page.first_published_at else 0),
        )

    candidates.sort(key=rank)
    return [_as_recommendation(p) for p in candidates[:limit]]


def case_study_for(*, lead: Lead | None) -> Recommendation | None:
    """The case study closest to the lead's industry (the welcome sequence's day 3)."""
    found = recommendations_for(lead=lead, limit=1, kinds=("CaseStudyPage",))
    return found[0] if found else None


@dataclass(frozen=True)
class Digest:
    intro: str
    items: list[Recommendation]
    personalised_by: str  # "llm" or "rules"


def digest_for(*, lead: Lead | None, limit: int = 3) -> Digest | None:
    """The personalised 'picked for you' section of a newsletter issue."""
    items = recommendations_for(lead=lead, limit=limit)
    if not items:
        return None
    intro = ""
    personalised_by = "rules"
    if lead is not None:
        answer = llm_json(
            task="personalization",
            system=(
                "You write one friendly sentence (max 40 words) introducing reading picks in "
                'a B2B newsletter. Reply as JSON: {"intro": "..."}. Do not invent facts.'
            ),
            prompt=(
                f"Reader role: {lead.role or 'unknown'}; industry: {lead.industry or 'unknown'}; "
                f"interests: {', '.join(lead.interests or []) or 'unknown'}.\nPicks: "
                + "; ".join(i.title for i in items)
            ),
            max_tokens=120,
        )
        if answer and isinstance(answer.get("intro"), str) and 0 < len(answer["intro"]) <= 400:
            intro = answer["intro"].strip()
            personalised_by = "llm"
    if not intro:
        if lead is not None and lead.industry:
            intro = f"Picked for you, with a focus on {lead.industry}:"
        elif lead is not None and lead.role:
            intro = f"Picked for you as a {lead.role}:"
        else:
            intro = "Picked for you from what readers like you read most:"
    return Digest(intro=intro, items=items, personalised_by=personalised_by)
