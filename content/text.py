"""Plain text out of pages and snippets, and sentence-boundary chunking.

A page is split into *sections* at its headings first and each section is chunked on its
own, so editing one paragraph changes only the chunks of that section: the chunks of the
other sections keep their text, hence their content hash, hence their embedding.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

from django.utils.html import strip_tags
from wagtail.rich_text import RichText

_TOKEN = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_SPACE = re.compile(r"\s+")


def count_tokens(text: str) -> int:
    """Approximate token count: words and punctuation marks."""
    return len(_TOKEN.findall(text))


def html_to_text(value: str) -> str:
    value = re.sub(r"</(p|li|h[1-6]|div|br)\s*>", "\n", value, flags=re.I)
    value = re.sub(r"<li[^>]*>", "• ", value, flags=re.I)
    return html.unescape(strip_tags(value))


def clean(text: str) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _block_text(block) -> tuple[str, str]:
    """(kind, text) of one StreamField block: kind 'heading' starts a new section."""
    kind, value = block.block_type, block.value
    if kind == "heading":
        return "heading", str(value)
    if isinstance(value, RichText):
        return "text", html_to_text(value.source)
    if kind == "paragraph":
        return "text", html_to_text(str(value))
    if kind == "quote":
        return "text", str(value)
    if kind == "features":
        parts = [value.get("heading") or ""]
        parts += [f"{f['title']}: {f['text']}" for f in value.get("features", [])]
        return "text", "\n".join(p for p in parts if p)
    if kind == "stats":
        return "text", "\n".join(f"{s['value']} {s['label']}." for s in value)
    if kind == "call_to_action":
        return "text", f"{value['title']}. {value.get('text') or ''}"
    if kind == "result":
        return "text", f"{value['value']} {value['label']}."
    return "text", ""


def stream_sections(stream, *, first_heading: str = "") -> list[tuple[str, str]]:
    """Split a StreamField into (heading, text) sections at its heading blocks."""
    sections: list[tuple[str, list[str]]] = [(first_heading, [])]
    for block in stream or []:
        kind, text = _block_text(block)
        if kind == "heading":
            sections.append((text, []))
        elif text.strip():
            sections[-1][1].append(text)
    return [(h, clean("\n".join(parts))) for h, parts in sections if clean("\n".join(parts))]


def _money(value: int | None) -> str:
    return f"${value:,}" if value is not None else ""


def page_sections(page) -> list[tuple[str, str]]:
    """The sections of text that describe ``page`` (specific instance); a page type of
    another app says its own (``knowledge_sections``)."""
    if callable(getattr(page, "knowledge_sections", None)):
        return page.knowledge_sections()
    intro: list[str] = []
    for attr in ("hero_title", "hero_text", "intro", "summary"):
        value = getattr(page, attr, "")
        if value:
            intro.append(str(value))
    kind = getattr(page, "content_kind", "page")
    if kind == "service":
        if page.price_from or page.price_to:
            intro.append(
                f"Typical engagements cost {_money(page.price_from)}–{_money(page.price_to)}"
                + (f" and take {page.duration}." if page.duration else ".")
            )
        if page.outcomes:
            intro.append("Outcomes: " + "; ".join(page.outcome_list) + ".")
    elif kind == "case_study":
        intro.append(f"Client: {page.client_name} ({page.get_industry_display()}).")
        if page.challenge:
            intro.append(page.challenge)
        results = [f"{b.value['value']} {b.value['label']}" for b in page.results]
        if results:
            intro.append("Results: " + "; ".join(results) + ".")
    elif kind == "resource":
        label = page.get_resource_type_display()
        size = f", {page.page_count} pages" if page.page_count else ""
        intro.append(f"{label} ({page.file_format}{size}).")
        if page.value_exchange:
            intro.append(page.value_exchange)
    sections = []
    if intro:
        sections.append(("", clean("\n".join(intro))))
    body = getattr(page, "body", None)
    sections += stream_sections(body)
    return sections


def page_plain_text(page) -> str:
    return "\n".join(
        (f"{heading}\n{text}" if heading else text) for heading, text in page_sections(page)
    )


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for line in text.splitlines():
        sentences += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return sentences


def _split_long(sentence: str, limit: int) -> list[str]:
    words = sentence.split()
    pieces, current = [], []
    for word in words:
        current.append(word)
        if count_tokens(" ".join(current)) >= limit:
            pieces.append(" ".join(current))
            current = []
    if current:
        pieces.append(" ".join(current))
    return pieces


def chunk_text(text: str, *, max_tokens: int, overlap: int) -> list[str]:
    """Greedy chunks of whole sentences up to ``max_tokens``; each chunk starts with the
    last sentences (up to ``overlap`` tokens) of the previous one."""
    sentences: list[str] = []
    for sentence in split_sentences(text):
        if count_tokens(sentence) > max_tokens:
            sentences += _split_long(sentence, max_tokens)
        else:
            sentences.append(sentence)
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in sentences:
        tokens = count_tokens(sentence)
        if current and size + tokens > max_tokens:
            chunks.append(" ".join(current))
            carried: list[str] = []
            carried_size = 0
            for previous in reversed(current):
                t = count_tokens(previous)
                if carried_size + t > overlap:
                    break
                carried.insert(0, previous)
                carried_size += t
            current, size = carried, carried_size
        current.append(sentence)
        size += tokens
    if current:
        chunks.append(" ".join(current))
    return chunks


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    content_hash: str


def chunk_sections(
    title: str, sections: list[tuple[str, str]], *, max_tokens: int, overlap: int
) -> list[Chunk]:
    """Chunks of every section, each prefixed with the title (and section heading) so a
    chunk read on its own still says what it is about."""
    out: list[Chunk] = []
    seen: set[str] = set()
    for heading, text in sections:
        prefix = f"{title} — {heading}" if heading else title
        budget = max(32, max_tokens - count_tokens(prefix))
        for piece in chunk_text(text, max_tokens=budget, overlap=overlap):
            chunk = f"{prefix}\n{piece}"
            digest = hashlib.sha256(chunk.encode()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            out.append(Chunk(len(out), chunk, digest))
    return out


def chunk_params(max_model_tokens: int) -> tuple[int, int]:
    """(chunk tokens, overlap): about 500/100, reduced to fit a small model's window.

    Tokens here are words and punctuation; a wordpiece tokenizer produces about 1.3 per
    word, so a 256-wordpiece model gets ~180-token chunks with a 20% overlap.
    """
    if max_model_tokens >= 650:
        return 500, 100
    size = int(max_model_tokens * 0.7)
    return size, size // 5
