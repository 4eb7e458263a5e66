"""The content app's public surface: the only module another app imports from ``content``.

Knowledge retrieval (for the chat), the live service catalogue, recommendations and the
published page tree (for emails), the knowledge index's health, FAQ publishing, a search
of the indexed chunks (for subject-access requests), and the home page that other apps'
demo loaders hang their pages under. Foreign keys to content stay string labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from content.recommendations import Item as RecommendedItem
from content.selectors import RetrievedChunk

__all__ = [
    "CatalogueLine",
    "PublishedPage",
    "RecommendedItem",
    "RetrievedChunk",
    "catalogue_lines",
    "chunk_ids_mentioning",
    "faq_publish",
    "gate_field_names",
    "home_page",
    "knowledge_index_status",
    "knowledge_page_titles",
    "knowledge_retrieve",
    "published_pages",
    "recommendations_for_lead",
    "recommendations_popular",
    "resource_form_fields",
    "resource_form_fields_set",
    "standard_page",
]


@dataclass(frozen=True)
class CatalogueLine:
    """One live line of the service catalogue and its service page (title, url)."""

    name: str
    summary: str
    price_from: int
    price_to: int
    duration: str
    page_title: str | None
    page_url: str | None
    page_summary: str = ""  # the service page's own summary (what the line is about)


@dataclass(frozen=True)
class PublishedPage:
    """A live content page as a list shows it."""

    title: str
    url: str
    url_path: str
    summary: str
    kind: str
    industry: str
    first_published_at: datetime | None


def knowledge_retrieve(
    *, query: str, filters: Mapping[str, Any] | None = None, k: int = 5
) -> list[RetrievedChunk]:
    """Top ``k`` knowledge chunks for ``query`` (hybrid retrieval and rerank)."""
    from content.selectors import retrieve

    return retrieve(query, filters, k=k)


def knowledge_page_titles() -> list[tuple[int, str]]:
    """``(page id, title)`` of the pages in the knowledge index."""
    from content.selectors import knowledge_page_titles as _titles

    return list(_titles())


def catalogue_lines() -> list[CatalogueLine]:
    """The live service catalogue, in its order."""
    from content.selectors import catalogue_items

    return [
        CatalogueLine(
            name=item.name,
            summary=item.summary,
            price_from=item.price_from,
            price_to=item.price_to,
            duration=item.duration,
            page_title=item.service_page.title if item.service_page_id else None,
            page_url=(item.service_page.url or "") if item.service_page_id else None,
            page_summary=(item.service_page.summary or "") if item.service_page_id else "",
        )
        for item in catalogue_items()
    ]


def knowledge_index_status() -> dict:
    """The knowledge index: configured embedding model, the one serving, rebuild state."""
    from content.knowledge import index_status

    return index_status()


def chunk_ids_mentioning(*, needles: Iterable[str]) -> list[int]:
    """Ids of the knowledge chunks whose text contains any of ``needles`` (any case)."""
    from django.db.models import Q

    from content.models import ContentChunk

    query = Q(pk__in=[])
    for needle in needles:
        query |= Q(text__icontains=needle)
    return list(ContentChunk.objects.filter(query).values_list("pk", flat=True))


def faq_publish(*, question: str, answer: str) -> Any:
    """Publish a live FAQ (the chat's knowledge picks it up); returns it."""
    from content.models import FAQ

    return FAQ.objects.create(question=question, answer=answer, live=True)


def recommendations_for_lead(*, lead: Any) -> list[RecommendedItem]:
    """Personalised items for a lead with engagement history (may be empty)."""
    from content import recommendations

    return recommendations.compute(lead=lead)


def recommendations_popular(*, limit: int) -> list[RecommendedItem]:
    """The most-viewed content."""
    from content import recommendations

    return recommendations.popular(limit=limit)


def published_pages(*, kinds: Iterable[str], per_kind: int = 50) -> list[PublishedPage]:
    """The newest ``per_kind`` live pages of each page model named in ``kinds``
    (``BlogPage``, ``ResourcePage``, ``CaseStudyPage``), in that order."""
    from content.models import BlogPage, CaseStudyPage, ResourcePage

    known = {model.__name__: model for model in (BlogPage, ResourcePage, CaseStudyPage)}
    pages: list[PublishedPage] = []
    for name in kinds:
        model = known.get(name)
        if model is None:
            continue
        for page in model.objects.live().order_by("-first_published_at")[:per_kind]:
            pages.append(
                PublishedPage(
                    title=page.title,
                    url=page.get_url() or "",
                    url_path=page.url_path,
                    summary=getattr(page, "summary", "") or "",
                    kind=getattr(page, "content_kind", page._meta.model_name),
                    industry=getattr(page, "industry", "") or "",
                    first_published_at=page.first_published_at,
                )
            )
    return pages


def home_page(*, slug: str | None = None) -> Any:
    """The site's home page (a Wagtail page other apps' demo loaders add children to), or
    None before the content demo has run."""
    from content.models import HomePage

    pages = HomePage.objects.all()
    return (pages.filter(slug=slug) if slug is not None else pages).first()


def standard_page(*, slug: str) -> Any:
    """The standard page with this slug, or a new unsaved one (title and slug set) for
    the caller to fill, add under the home page and publish."""
    from content.models import StandardPage

    return StandardPage.objects.filter(slug=slug).first() or StandardPage(slug=slug)


def gate_field_names() -> list[str]:
    """The lead fields a gated resource's download form may ask for."""
    from content.models.pages import GATE_FIELD_CHOICES

    return [name for name, _label in GATE_FIELD_CHOICES]


def resource_form_fields(*, page_id: Any) -> list[str] | None:
    """The fields a gated resource page's download form asks for, or None when the page is
    not a gated resource."""
    from content.models import ResourcePage

    page = ResourcePage.objects.filter(pk=page_id).first()
    if page is None or not page.is_gated:
        return None
    return list(page.required_fields or [])


def resource_form_fields_set(*, page_id: Any, fields: list[str], actor: Any = None) -> None:
    """Make ``fields`` the download form's own (a form test's winner shipping): a new
    revision of the resource page, published, logged with the acting user."""
    from content.services.downloads import resource_form_fields_set as _set

    _set(page_id=page_id, fields=fields, actor=actor)
