"""Recommendations for a visitor or lead, computed without any model call:

- *similar content*: cosine between page vectors (the mean of each page's chunk vectors,
  already in the in-memory knowledge snapshot) of what they engaged with and the rest;
- *similar visitors*: pages engaged with by other visitors/leads who engaged with the
  same pages (item-to-item co-occurrence);
- a case study from their industry and the next resource in their journey (one
  difficulty level up from what they have read).

Everything they already consumed is excluded, and every item says why it is there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

import numpy as np
from django.db.models import Q

DIFFICULTY_ORDER = ["beginner", "intermediate", "advanced"]
MAX_ITEMS = 6


@dataclass
class Item:
    page_id: int
    title: str
    url: str
    type: str
    reason: str
    score: float
    slot: str = "recommended"

    def as_dict(self) -> dict:
        return asdict(self)


def _engagements(*, lead=None, visitor=None):
    from content.models import ContentEngagement

    q = Q(pk__in=[])
    if lead is not None:
        q |= Q(lead=lead) | Q(visitor__lead=lead)
    if visitor is not None:
        q |= Q(visitor=visitor)
    return ContentEngagement.objects.filter(q).order_by("-created_at")


def _industry_value(raw: str) -> str:
    from content.models import Industry

    raw = (raw or "").strip().lower()
    if not raw:
        return ""
    for value, label in Industry.choices:
        if raw == value or raw == label.lower() or value in raw or raw in label.lower():
            return value
    if any(w in raw for w in ("bank", "finance", "payment", "lending")):
        return Industry.FINTECH
    return ""


def compute(*, lead=None, visitor=None) -> list[Item]:
    """The personalised items for this subject; [] for a first-time visitor."""
    from wagtail.models import Page

    from content.knowledge import snapshot
    from content.models import CONTENT_PAGE_MODELS, CaseStudyPage, ResourcePage

    rows = list(_engagements(lead=lead, visitor=visitor).values_list("page_id", "kind")[:500])
    if not rows:
        return []
    consumed = {pid for pid, _ in rows}
    recent: list[int] = []
    for pid, _ in rows:
        if pid not in recent:
            recent.append(pid)
    recent = recent[:10]

    candidates = {}
    for model in CONTENT_PAGE_MODELS:
        for page in model.objects.live().public().exclude(pk__in=consumed):
            candidates[page.pk] = page
    titles = dict(Page.objects.filter(pk__in=recent).values_list("pk", "title"))
    if not candidates:
        return []

    # Similar content: best recency-weighted cosine to anything engaged with.
    centroids = snapshot().page_centroids()
    similar: dict[int, tuple[float, int]] = {}
    for rank, pid in enumerate(recent):
        anchor = centroids.get(pid)
        if anchor is None:
            continue
        weight = 0.9**rank
        for cid in candidates:
            vec = centroids.get(cid)
            if vec is None:
                continue
            score = weight * float(np.dot(anchor, vec))
            if score > similar.get(cid, (-1.0, 0))[0]:
                similar[cid] = (score, pid)

    # Similar visitors: who else engaged with these pages, and what else they engaged with.
    from content.models import ContentEngagement

    others = ContentEngagement.objects.filter(page_id__in=consumed)
    if lead is not None:
        others = others.exclude(lead=lead)
    if visitor is not None:
        others = others.exclude(visitor=visitor)
    subject_pages: dict[str, set[int]] = defaultdict(set)
    for lead_id, visitor_id, pid in others.values_list("lead_id", "visitor_id", "page_id")[:5000]:
        if lead_id is None and visitor_id is None:
            continue  # a view without analytics consent: counted, but nobody to compare
        subject_pages[f"l{lead_id}" if lead_id else f"v{visitor_id}"].add(pid)
    co_count: Counter = Counter()
    co_anchor: dict[int, Counter] = defaultdict(Counter)
    if subject_pages:
        peer_rows = ContentEngagement.objects.filter(
            Q(lead_id__in=[k[1:] for k in subject_pages if k[0] == "l"])
            | Q(visitor_id__in=[k[1:] for k in subject_pages if k[0] == "v"])
        ).values_list("lead_id", "visitor_id", "page_id")[:20000]
        seen_pairs = set()
        for lead_id, visitor_id, pid in peer_rows:
            key = f"l{lead_id}" if lead_id else f"v{visitor_id}"
            if pid in candidates and (key, pid) not in seen_pairs and key in subject_pages:
                seen_pairs.add((key, pid))
                co_count[pid] += 1
                for shared in subject_pages[key]:
                    co_anchor[pid][shared] += 1
    top_co = max(co_count.values()) if co_count else 1

    items: list[Item] = []
    used: set[int] = set()

    def add(page, reason: str, score: float, slot: str) -> None:
        if page.pk in used:
            return
        used.add(page.pk)
        items.append(
            Item(
                page.pk,
                page.title,
                page.get_url() or page.url_path,
                page.content_kind,
                reason,
                round(score, 4),
                slot,
            )
        )

    # Next resource in the journey: one difficulty level above the highest engaged with.
    levels = [
        DIFFICULTY_ORDER.index(getattr(p.specific, "difficulty", "beginner"))
        for p in Page.objects.filter(pk__in=consumed)
        if getattr(p.specific, "difficulty", None) in DIFFICULTY_ORDER
    ]
    target = DIFFICULTY_ORDER[min(max(levels, default=-1) + 1, 2)]
    resources = [p for p in candidates.values() if isinstance(p, ResourcePage)]
    if resources and recent:
        resources.sort(key=lambda p: (p.difficulty != target, -similar.get(p.pk, (0.0, 0))[0]))
        nxt = resources[0]
        add(
            nxt,
            f"Your next step after “{titles.get(recent[0], 'what you read')}”",
            similar.get(nxt.pk, (0.0, 0))[0],
            "next_resource",
        )

    # A case study from their industry.
    industry = _industry_value(getattr(lead, "industry", "") if lead is not None else "")
    if not industry:
        seen_industries = [
            p.industry for p in CaseStudyPage.objects.filter(pk__in=consumed) if p.industry
        ]
        industry = seen_industries[0] if seen_industries else ""
    if industry and industry != "general":
        studies = [
            p
            for p in candidates.values()
            if isinstance(p, CaseStudyPage) and p.industry == industry
        ]
        if studies:
            studies.sort(key=lambda p: -similar.get(p.pk, (0.0, 0))[0])
            add(
                studies[0],
                f"A case study from {studies[0].get_industry_display()}",
                similar.get(studies[0].pk, (0.0, 0))[0],
                "industry_case_study",
            )

    # Blend similarity and co-engagement for the rest.
    blended = []
    for cid, page in candidates.items():
        sim, sim_anchor = similar.get(cid, (0.0, 0))
        co = co_count.get(cid, 0) / top_co
        score = 0.6 * max(sim, 0.0) + 0.4 * co
        if score <= 0:
            continue
        if co > 0 and 0.4 * co >= 0.6 * max(sim, 0.0):
            anchor = co_anchor[cid].most_common(1)[0][0]
            anchor_title = (
                titles.get(anchor)
                or Page.objects.filter(pk=anchor).values_list("title", flat=True).first()
            )
            reason = f"Readers of “{anchor_title}” also read this"
        else:
            reason = f"Because you read “{titles.get(sim_anchor, 'a related page')}”"
        blended.append((score, page, reason))
    blended.sort(key=lambda item: item[0], reverse=True)
    for score, page, reason in blended:
        if len(items) >= MAX_ITEMS:
            break
        add(page, reason, score, "recommended")
    return items


def popular(*, limit: int = MAX_ITEMS) -> list[Item]:
    """The default for first-time visitors: most viewed content."""
    from content.models import CONTENT_PAGE_MODELS, ContentStats

    views = dict(ContentStats.objects.values_list("page_id", "views"))
    pages = [p for m in CONTENT_PAGE_MODELS for p in m.objects.live().public()]
    pages.sort(key=lambda p: (views.get(p.pk, 0), p.first_published_at), reverse=True)
    return [
        Item(
            p.pk,
            p.title,
            p.get_url() or p.url_path,
            p.content_kind,
            "Popular with other readers",
            float(views.get(p.pk, 0)),
            "popular",
        )
        for p in pages[:limit]
    ]
