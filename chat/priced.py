"""A price asked for something no catalogue line names ("what would credit scoring
cost?", "what budget does churn prediction need?"): the page that answers what was asked
states its own range ("Typical engagements cost …"), which is the answer, rather than the
whole catalogue's span. How pricing works in general ("how are your projects priced?")
still gets the catalogue."""

from __future__ import annotations

import re
from collections.abc import Callable

from chat.assistant import PRICE_WORDS, _sentences
from chat.catalogue import MONEY as MONEY_RE
from chat.catalogue import priced_passages

Picked = list[tuple[str, int, float]]


GENERIC_SUBJECT = re.compile(
    r"\b(projects?|services?|work|solutions?|engagements?|offers?|products?|things?|stuff|"
    r"kindly|advise|please|tell|know|general|overall|models?|hi|hello|hey|hiya|habari|jambo|"
    r"greetings|thanks|there|good|morning|"
    r"afternoon|ai)\b|\bi'?m\b|\bam\b|\b\w{1,2}\b",
    re.I,
)


def names_subject(question: str) -> bool:
    """Whether a price question is about something in particular ("credit scoring"), not
    how pricing works ("how are your projects priced?")."""
    rest = GENERIC_SUBJECT.sub(" ", PRICE_WORDS.sub(" ", re.sub(r"[?!.,;:]", " ", question)))
    return len(re.findall(r"[a-z]{3,}", rest.lower())) >= 1


def price_beside(
    picked: list[tuple], priced: list[dict], same_passage: bool = True
) -> list[tuple[str, int]]:
    """The price its page states beside the sentence picked (in the same passage, or
    anywhere on that page), when that sentence does not state one."""
    if not picked or MONEY_RE.search(picked[0][0]):
        return []
    sent, n, _ = picked[0]
    text = next((s["text"] for s in priced if s["n"] == n), "")
    paras = text.split("\n")
    para = next((p for p in paras if sent in p), "" if same_passage else "\n".join(paras))
    return [(s, n) for s in _sentences(para) if MONEY_RE.search(s)][:1]


def priced_answer(
    asked: str, knowledge: list[dict], best: Callable[[str, list[dict]], Picked]
) -> list[tuple[str, int]]:
    """[(sentence, source number)]: the best answer with the price its page states, or
    the priced passage closest to the question; [] when no price is found."""
    from chat.knowledge import price_on_page

    priced = priced_passages(knowledge)
    picked = best(asked, knowledge)
    said = [(s, n) for s, n, _ in picked] + price_beside(picked, priced, same_passage=False)
    if len(said) == 1 and not MONEY_RE.search(said[0][0]):
        url = next((k["url"] for k in knowledge if k["n"] == said[0][1]), "")
        if price := price_on_page(url):
            said.append((price, said[0][1]))
    if not any(MONEY_RE.search(sent) for sent, _ in said):
        picked = best(asked, priced)
        said = [(s, n) for s, n, _ in picked] + price_beside(picked, priced, same_passage=False)
    return said if any(MONEY_RE.search(sent) for sent, _ in said) else []
