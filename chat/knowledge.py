"""Retrieved knowledge for the chat, numbered as ``[Source N]`` and marked untrusted."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def sources_for(query: str, *, k: int = 3, page_url: str = "") -> list[dict[str, Any]]:
    """Retrieved chunks (the page the visitor is on first, when it answers), with the
    structured catalogue first for price and time questions."""
    from chat.catalogue import catalogue_source, wants_catalogue

    found = _retrieved(query, k=k)
    page_id = _page_id(page_url)
    if page_id:
        on_page = _retrieved(query, k=1, filters={"page_id": page_id})
        urls = {s["url"] for s in on_page}
        found = on_page + [s for s in found if s["url"] not in urls][: k - 1]
        for i, src in enumerate(found, start=1):
            src["n"] = i
    if not wants_catalogue(query):
        return found
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
    query: str, *, k: int = 3, filters: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The top ``k`` knowledge chunks for ``query`` as numbered sources (1-based).

    Uses the content app's hybrid retrieval; an empty knowledge base (or one being
    re-indexed) gives no sources, and the assistant says it does not know.
    """
    if not query.strip():
        return []
    from content.selectors import retrieve

    try:
        chunks = retrieve(query, filters, k=k + 2)
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
