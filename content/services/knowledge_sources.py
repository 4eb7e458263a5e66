"""Knowledge-base sources: what each published page, FAQ and catalogue item contributes
to the index (title, url, sections, filters), and the list of every source that should be
in it. Reads only; ``knowledge`` chunks, embeds and stores them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceDocument:
    source_key: str
    page_id: int | None
    title: str
    url: str
    content_type: str
    sections: list[tuple[str, str]]
    industry: str = ""
    difficulty: str = ""
    is_gated: bool = False


def indexable_page_models() -> tuple[type, ...]:
    """Content's own pages, and any other app's page type that says what it contributes
    (a ``knowledge_sections()`` method: events), without content importing that app."""
    from wagtail.models import get_page_models

    from content.models import (
        BlogPage,
        CaseStudyPage,
        HomePage,
        ResourcePage,
        ServicePage,
        StandardPage,
    )

    own = (HomePage, StandardPage, ServicePage, CaseStudyPage, BlogPage, ResourcePage)
    others = tuple(
        m
        for m in get_page_models()
        if m not in own and callable(getattr(m, "knowledge_sections", None))
    )
    return own + others


def _page_documents(ids: list[int]) -> dict[int, SourceDocument]:
    """The live, unrestricted, indexable pages among ``ids``: one query per page type and
    one for the view restrictions (a restriction on a page covers its subtree)."""
    from wagtail.models import Page, PageViewRestriction

    from content.text import page_sections

    restricted = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    indexable = indexable_page_models()
    documents = {}
    for page in Page.objects.filter(pk__in=ids, live=True).specific():
        if (
            not isinstance(page, indexable)
            or not getattr(page, "in_knowledge_base", True)
            or any(page.path.startswith(path) for path in restricted)
        ):
            continue
        documents[page.pk] = SourceDocument(
            source_key=f"page:{page.pk}",
            page_id=page.pk,
            title=page.title,
            url=page.get_url() or page.url_path,
            content_type=getattr(page, "content_kind", "page"),
            sections=page_sections(page),
            industry=getattr(page, "industry", "") or "",
            difficulty=getattr(page, "difficulty", "") or "",
            is_gated=bool(getattr(page, "is_gated", False)),
        )
    return documents


def _faq_documents(ids: list[int]) -> dict[int, SourceDocument]:
    from content.models import FAQ
    from content.text import clean, html_to_text

    return {
        faq.pk: SourceDocument(
            source_key=f"faq:{faq.pk}",
            page_id=None,
            title=faq.question,
            url=f"/services/#faq-{faq.pk}",
            content_type="faq",
            sections=[("", clean(html_to_text(faq.answer)))],
        )
        for faq in FAQ.objects.filter(pk__in=ids, live=True)
    }


def _catalogue_documents(ids: list[int]) -> dict[int, SourceDocument]:
    from content.models import ServiceCatalogueItem

    documents = {}
    for item in ServiceCatalogueItem.objects.filter(pk__in=ids, live=True).select_related(
        "service_page"
    ):
        url = item.service_page.get_url() if item.service_page_id else "/services/"
        text = (
            f"{item.summary} Price: ${item.price_from:,}–${item.price_to:,}. "
            f"Duration: {item.duration}."
        )
        documents[item.pk] = SourceDocument(
            source_key=f"catalogue:{item.pk}",
            page_id=None,
            title=f"{item.name} (service catalogue)",
            url=url or "/services/",
            content_type="catalogue",
            sections=[("", text)],
        )
    return documents


# Each kind of source: what the ids of that kind contribute (absent: nothing).
LOADERS: dict[str, Callable[[list[int]], dict[int, SourceDocument]]] = {
    "page": _page_documents,
    "faq": _faq_documents,
    "catalogue": _catalogue_documents,
}


def source_documents(source_keys: list[str]) -> list[SourceDocument | None]:
    """What each of ``source_keys`` should contribute to the index now (None: nothing),
    read with a few queries per kind rather than a few per source."""
    wanted: dict[str, list[int]] = {}
    for key in source_keys:
        kind, _, raw_id = key.partition(":")
        if kind not in LOADERS or not raw_id.isdigit():
            raise ValueError(f"unknown knowledge source {key!r}")
        wanted.setdefault(kind, []).append(int(raw_id))
    found = {
        document.source_key: document
        for kind, ids in wanted.items()
        for document in LOADERS[kind](ids).values()
    }
    return [found.get(key) for key in source_keys]


def source_document(source_key: str) -> SourceDocument | None:
    """What ``source_key`` should contribute to the index now (None: nothing)."""
    return source_documents([source_key])[0]


def all_source_keys() -> list[str]:
    """Every source that should be in the index: live indexable pages and live snippets."""
    from wagtail.models import Page

    from content.models import FAQ, ServiceCatalogueItem

    page_ids = Page.objects.live().type(*indexable_page_models()).values_list("pk", flat=True)
    keys = [f"page:{pk}" for pk in page_ids.order_by("path")]
    keys += [f"faq:{pk}" for pk in FAQ.objects.filter(live=True).values_list("pk", flat=True)]
    keys += [
        f"catalogue:{pk}"
        for pk in ServiceCatalogueItem.objects.filter(live=True).values_list("pk", flat=True)
    ]
    return keys
