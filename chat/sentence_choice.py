"""Which knowledge sentences picked for an answer stand: one copy of a sentence said on
two pages (kept from the more specific page), and, below the usual relevance bar, the one
that names the very tool or system the visitor asks about or says they use, or the very
figure they quote."""

from __future__ import annotations

import re


def asked_systems(asked: str) -> set[str]:
    """The tools and systems (lower case) a question asks about or says the visitor uses."""
    from chat.partial import asked_about
    from chat.slots import extract_tools

    terms = {t.lower() for t in asked_about(asked, asked)} | {
        t.lower() for t in extract_tools(asked)
    }
    return {t for t in terms if len(t) >= 3}


def naming_first(
    picked: list[tuple[str, int, float]], asked: str, knowledge: list[dict], provider
) -> list[tuple[str, int, float]]:
    """``picked`` with, first, the sources' sentence that names a system the question asks
    about, when none of the picked ones does ("quickbooks?" after invoices: "We post results
    to … QuickBooks …")."""
    systems = asked_systems(asked)
    if not systems or any(_names(p[0], systems) for p in picked):
        return picked
    found, _ = provider.best_sentences(" ".join(sorted(systems)), knowledge, limit=3)
    hit = next((p for p in found if _names(p[0], systems)), None)
    return [hit, *picked][:2] if hit else picked


def _names(sentence: str, systems: set[str]) -> bool:
    low = sentence.lower()
    return any(re.search(r"\b" + re.escape(t) + r"\b", low) for t in systems)


def names_asked_system(asked: str, sentence: str) -> bool:
    """Whether ``sentence`` names a tool or system the question asks about or says the
    visitor uses ("can you connect to Dynamics?", "we use Freshdesk")."""
    if _names(sentence, asked_systems(asked)):
        return True
    # a result the visitor quotes ("is the 60% saving real?", "the 94% in your case study")
    quoted = set(FIGURE.findall(asked))
    return bool(quoted & set(FIGURE.findall(sentence)))


FIGURE = re.compile(r"\d+(?:\.\d+)?\s?(?:%|x\b|×)|\d\.\d\b")


def distinct(
    picked: list[tuple[str, int, float]], knowledge: list[dict]
) -> list[tuple[str, int, float]]:
    """The picked sentences less one that repeats another (a page's summary quoted on the
    home page and on the page itself), keeping the copy on the more specific page."""
    depth = {s["n"]: len((s.get("url") or "").strip("/").split("/")) for s in knowledge}
    seen: list[str] = []
    out: list[tuple[str, int, float]] = []
    for item in picked:
        norm = " ".join(re.findall(r"\w+", item[0].lower()))
        twin = next((i for i, s in enumerate(seen) if norm in s or s in norm), None)
        if twin is None:
            seen.append(norm)
            out.append(item)
        elif depth.get(item[1], 0) > depth.get(out[twin][1], 0):
            out[twin] = (item[0], item[1], out[twin][2])
    return out
