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
    from content.models import (
        BlogPage,
        CaseStudyPage,
        HomePage,
        ResourcePage,
        ServicePage,
        StandardPage,
    )

    return (HomePage, StandardPage, ServicePage, CaseStudyPage, BlogPage, ResourcePage)


def _page_document(page_id: int) -> SourceDocument | None:
    from wagtail.models import Page

    from content.text import page_sections

    page = Page.objects.filter(pk=page_id).first()
    if page is None or not page.live:
        return None
    page = page.specific
    if not isinstance(page, indexable_page_models()) or page.get_view_restrictions().exists():
        return None
    url = page.get_url() or page.url_path
    return SourceDocument(
        source_key=f"page:{page.pk}",
        page_id=page.pk,
        title=page.title,
        url=url,
        content_type=getattr(page, "content_kind", "page"),
        sections=page_sections(page),
        industry=getattr(page, "industry", "") or "",
        difficulty=getattr(page, "difficulty", "") or "",
        is_gated=bool(getattr(page, "is_gated", False)),
    )


def _faq_document(faq_id: int) -> SourceDocument | None:
    from content.models import FAQ
    from content.text import clean, html_to_text

    faq = FAQ.objects.filter(pk=faq_id, live=True).first()
    if faq is None:
        return None
    return SourceDocument(
        source_key=f"faq:{faq.pk}",
        page_id=None,
        title=faq.question,
        url=f"/services/#faq-{faq.pk}",
        content_type="faq",
        sections=[("", clean(html_to_text(faq.answer)))],
    )


def _catalogue_document(item_id: int) -> SourceDocument | None:
    from content.models import ServiceCatalogueItem

    item = ServiceCatalogueItem.objects.filter(pk=item_id, live=True).first()
    if item is None:
        return None
    url = item.service_page.get_url() if item.service_page_id else "/services/"
    text = (
        f"{item.summary} Price: ${item.price_from:,}–${item.price_to:,}. Duration: {item.duration}."
    )
    return SourceDocument(
        source_key=f"catalogue:{item.pk}",
        page_id=None,
        title=f"{item.name} (service catalogue)",
        url=url or "/services/",
        content_type="catalogue",
        sections=[("", text)],
    )


LOADERS: dict[str, Callable[[int], SourceDocument | None]] = {
    "page": _page_document,
    "faq": _faq_document,
    "catalogue": _catalogue_document,
}


def source_document(source_key: str) -> SourceDocument | None:
    """What ``source_key`` should contribute to the index now (None: nothing)."""
    kind, _, raw_id = source_key.partition(":")
    loader = LOADERS.get(kind)
    if loader is None or not raw_id.isdigit():
        raise ValueError(f"unknown knowledge source {source_key!r}")
    return loader(int(raw_id))


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
