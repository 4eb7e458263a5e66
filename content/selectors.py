"""Reads of the content app: knowledge retrieval (used by search and by chat), content
listings, related content, FAQs and the personalised block."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet

from content.knowledge import snapshot

FILTER_KEYS = {"content_type", "industry", "difficulty", "is_gated", "page_id"}
TYPE_ALIASES = {"case-study": "case_study", "case_studies": "case_study", "post": "blog"}


@dataclass(frozen=True)
class RetrievedChunk:
    """One chunk of knowledge with where it comes from and how well it matched."""

    id: str
    text: str
    title: str
    url: str
    type: str
    score: float
    page_id: int | None
    chunk_index: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _index_filter(filters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Whitelisted retrieval filters in index syntax (``{"type": [..]}`` → ``$in``)."""
    if not filters:
        return None
    spec: dict[str, Any] = {}
    for key, value in filters.items():
        if key == "type_not" and value:  # ``{"type_not": ["event"]}`` → ``$nin``
            values = [value] if isinstance(value, str) else list(value)
            spec["content_type"] = {"$nin": [TYPE_ALIASES.get(v, v) for v in values]}
            continue
        name = "content_type" if key == "type" else key
        if name not in FILTER_KEYS or value in (None, "", []):
            continue
        if name == "content_type":
            value = (
                [TYPE_ALIASES.get(v, v) for v in value]
                if isinstance(value, list | tuple)
                else TYPE_ALIASES.get(value, value)
            )
        spec[name] = {"$in": list(value)} if isinstance(value, list | tuple) else value
    return spec or None


def retrieve(
    query: str,
    filters: Mapping[str, Any] | None = None,
    k: int = 5,
    *,
    mode: str = "hybrid",
    rerank: bool = True,
) -> list[RetrievedChunk]:
    """Top ``k`` knowledge chunks for ``query`` after hybrid retrieval and rerank.

    ``filters`` may hold ``type`` (service, case_study, blog, resource, event, page, faq,
    catalogue — or a list), ``type_not`` (types left out), ``industry``, ``difficulty``,
    ``is_gated`` and ``page_id``.
    """
    from content.models import ContentChunk

    kb = snapshot()
    hits = kb.retriever.search(
        query,
        k=k,
        filter=_index_filter(filters),
        mode=mode,
        rerank=rerank,  # type: ignore
    )
    if not hits:
        return []
    rows = {
        row.vector_id: row
        for row in ContentChunk.objects.filter(
            model_name=kb.model_name, vector_id__in=[h.id for h in hits]
        ).only("vector_id", "text", "title", "url", "content_type", "page_id", "chunk_index")
    }
    out = []
    for hit in hits:
        row = rows.get(hit.id)
        if row is None:  # removed since the snapshot was taken
            continue
        out.append(
            RetrievedChunk(
                id=hit.id,
                text=row.text,
                title=row.title,
                url=row.url,
                type=row.content_type,
                score=round(float(hit.score), 4),
                page_id=row.page_id,
                chunk_index=row.chunk_index,
            )
        )
    return out


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    type: str
    snippet: str
    score: float
    page_id: int | None


def _snippet(text: str, title: str, length: int = 240) -> str:
    body = text.split("\n", 1)[1] if "\n" in text else text
    body = " ".join(body.split())
    return body if len(body) <= length else body[: length - 1].rsplit(" ", 1)[0] + "…"


def search(
    query: str,
    *,
    filters: Mapping[str, Any] | None = None,
    k: int = 10,
    mode: str = "hybrid",
    rerank: bool = True,
) -> list[SearchResult]:
    """Search results grouped by page (or snippet): the best chunk of each."""
    chunks = retrieve(query, filters, k=max(k * 3, 15), mode=mode, rerank=rerank)
    seen: set[str] = set()
    results: list[SearchResult] = []
    for chunk in chunks:
        key = f"page:{chunk.page_id}" if chunk.page_id is not None else chunk.url + chunk.title
        if key in seen:
            continue
        seen.add(key)
        results.append(
            SearchResult(
                title=chunk.title,
                url=chunk.url,
                type=chunk.type,
                snippet=_snippet(chunk.text, chunk.title),
                score=chunk.score,
                page_id=chunk.page_id,
            )
        )
        if len(results) == k:
            break
    return results


# --- Listings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentFilters:
    type: str = ""
    topic: str = ""
    industry: str = ""
    difficulty: str = ""
    gated: bool | None = None


def content_list(*, filters: ContentFilters) -> list:
    """Live content pages (specific instances), newest first, filtered."""
    from content.models import CONTENT_PAGE_MODELS, ResourcePage

    models = [m for m in CONTENT_PAGE_MODELS if not filters.type or m.content_kind == filters.type]
    if filters.gated is not None:
        models = [m for m in models if m is ResourcePage]
    pages: list = []
    for model in models:
        qs = model.objects.live().public().select_related("cover_image")
        if filters.topic:
            qs = qs.filter(topics__slug=filters.topic)
        if filters.industry:
            qs = qs.filter(industry=filters.industry)
        if filters.difficulty:
            qs = qs.filter(difficulty=filters.difficulty)
        if filters.gated is not None:
            qs = qs.filter(is_gated=filters.gated)
        pages += list(qs.prefetch_related("topics").distinct())
    pages.sort(key=lambda p: p.first_published_at or p.latest_revision_created_at, reverse=True)
    return pages


def content_get(*, slug: str):
    """The live content page with ``slug`` (specific), or None."""
    from content.models import CONTENT_PAGE_MODELS

    for model in CONTENT_PAGE_MODELS:
        page = model.objects.live().public().filter(slug=slug).first()
        if page is not None:
            return page
    return None


def related_pages(page, *, k: int = 3) -> list:
    """Pages most similar to ``page``: page-vector cosine from the in-memory knowledge
    snapshot (no model call), falling back to shared topics."""
    import numpy as np
    from wagtail.models import Page

    ids: list[int] = []
    try:
        centroids = snapshot().page_centroids()
    except Exception:  # a broken index must not break page rendering
        centroids = {}
    mine = centroids.get(page.pk)
    if mine is not None:
        others = [
            (pid, float(np.dot(mine, vec))) for pid, vec in centroids.items() if pid != page.pk
        ]
        others.sort(key=lambda item: item[1], reverse=True)
        ids = [pid for pid, _ in others[: k * 3]]
    from content.models import CONTENT_PAGE_MODELS

    # Content pages only: event pages are in the index too, but not cards of this kind.
    pages = {
        p.pk: p
        for p in Page.objects.live().public().filter(pk__in=ids).specific()
        if isinstance(p, tuple(CONTENT_PAGE_MODELS)) and p.content_kind != "page"
    }
    related = [pages[pid] for pid in ids if pid in pages][:k]
    if len(related) < k and hasattr(page, "topics"):
        # A preview (or a revision) holds topics in a modelcluster FakeQuerySet: no "pk" lookup.
        topic_ids = [topic.pk for topic in page.topics.all()]
        for model in CONTENT_PAGE_MODELS:
            for other in model.objects.live().public().filter(topics__in=topic_ids).distinct():
                if other.pk != page.pk and all(other.pk != r.pk for r in related):
                    related.append(other)
                if len(related) >= k:
                    return related
    return related


def faqs_for_page(page) -> QuerySet:
    from content.models import FAQ

    qs = FAQ.objects.filter(live=True).select_related("topic")
    # A preview (or a revision) holds topics in a modelcluster FakeQuerySet: no "pk" lookup.
    topic_ids = [topic.pk for topic in page.topics.all()]
    if topic_ids:
        qs = qs.filter(topic_id__in=topic_ids)
    return qs[:6]


def knowledge_page_titles() -> list[tuple[int, str]]:
    """(page id, title) of every live page the knowledge base indexes."""
    from wagtail.models import Page

    from content.services.knowledge_sources import indexable_page_models

    return list(Page.objects.live().type(*indexable_page_models()).values_list("pk", "title"))


def catalogue_items() -> QuerySet:
    from content.models import ServiceCatalogueItem

    return ServiceCatalogueItem.objects.filter(live=True).select_related("service_page")


# --- Visitors, gating and personalisation -----------------------------------------------------


def request_subject(request) -> tuple[Any, Any]:
    """(lead, visitor) of the ``em_vid`` cookie; either may be None. Without analytics
    consent (or with Global Privacy Control) the visitor is not recognised at all."""
    from core.context import context_from_request
    from leads.facade import Visitor

    vid = context_from_request(getattr(request, "_request", request)).tracked_visitor_id
    if vid is None:
        return None, None
    visitor = Visitor.objects.filter(pk=vid).select_related("lead").first()
    if visitor is None:
        return None, None
    lead = visitor.lead if visitor.lead_id and visitor.lead.deleted_at is None else None
    return lead, visitor


def download_field_set(*, page, request, lead, submit: bool = False) -> list[str] | None:
    """The fields of this visitor's variant of a form test running on ``page`` (``None``:
    the page's own). Decided by the signed visitor cookie, never by the request body; the
    exposure is counted once, and only for a visitor not yet a lead."""
    from experiments.facade import form_fields_for_request

    return form_fields_for_request(request=request, page_id=page.pk, count=lead is None, now=submit)


def download_form_fields(*, page, request) -> list[str]:
    """The gate fields this visitor still has to give for ``page``."""
    from content.services import gate_fields_to_ask

    lead, _visitor = request_subject(request)
    fields = download_field_set(page=page, request=request, lead=lead)
    return gate_fields_to_ask(page=page, lead=lead, fields=fields)


def feed_for(*, lead=None, visitor=None):
    """The stored "for you" feed of the lead (preferred) or the visitor, or None."""
    from content.models import PersonalisedFeed

    keys = []
    if lead is not None:
        keys.append(f"lead:{lead.pk}")
    if visitor is not None:
        keys.append(f"visitor:{visitor.pk}")
    if not keys:
        return None
    feeds = {f.subject_key: f for f in PersonalisedFeed.objects.filter(subject_key__in=keys)}
    for key in keys:
        if key in feeds and feeds[key].items:
            return feeds[key]
    return None


def for_you_block(*, request) -> dict | None:
    """What the "for you" block shows for this request: precomputed items for a returning
    visitor or known lead, None (the default page) for a first-time visitor. Reads one
    stored row; never computes."""
    if request is None or not hasattr(request, "COOKIES"):
        return None
    lead, visitor = request_subject(request)
    feed = feed_for(lead=lead, visitor=visitor)
    if feed is None:
        return None
    items = feed.items
    return {
        "items": items[:6],
        "next_resource": next((i for i in items if i.get("slot") == "next_resource"), None),
        "case_study": next((i for i in items if i.get("slot") == "industry_case_study"), None),
        "name": (lead.name.split(" ")[0] if lead is not None and lead.name else ""),
    }
