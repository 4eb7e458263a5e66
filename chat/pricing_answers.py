"""Price and duration answers of the local assistant (:mod:`chat.assistant`): the
catalogue line a price question is about, and on a service page the range that page
states when the question says only "this" or "it"."""

from __future__ import annotations

import re

import numpy as np

from ementech.ai.providers.local import LocalProvider

CATALOGUE_ITEM_MIN = 0.24  # below: the price question names no offer ("how do you charge?")
CATALOGUE_ITEM_SURE = 0.45  # above: the line answers even when another is close
CATALOGUE_LEXICAL = 0.3  # the visitor's own words ("invoices") beside the meaning


def catalogue_line(query: str, source: dict, provider: LocalProvider, messages: list[dict]):
    """The catalogue line that answers a price or duration question (see ``catalogue_pick``)."""
    return catalogue_pick(query, source, provider, messages)[0]


def catalogue_pick(
    query: str, source: dict, provider: LocalProvider, messages: list[dict]
) -> tuple[str, dict | None]:
    """(line, item) answering a price or duration question (the subject may be in an earlier
    message when the question refers back: "what would a pilot like that cost?"); item is
    None when the question names no line ("how are your projects priced?") and the line
    gives the whole range."""
    from chat.catalogue import CHEAPEST, DURATION_ONLY, in_english
    from chat.knowledge import refers_back
    from ementech.ai.providers.local import lexical_scores

    items = source["catalogue"]
    query = in_english(query)  # "bei ni ngapi kwa pilot?"
    recent = [in_english(m["content"]) for m in messages if m["role"] == "user"][-3:]
    context = " ".join([*recent[:-1], query]) if recent else query
    # Each line is read with its service page's title and summary ("Document automation
    # pilot" is about "invoice matching"), by meaning and by the visitor's own words.
    names = [f"{i['name']}. {i['summary']}" for i in items]
    abouts = [
        f"{(i.get('page') or {}).get('title', '')}. {i.get('about', '')}".strip(". ") or names[k]
        for k, i in enumerate(items)
    ]
    subject, context = price_subject(query), price_subject(context)
    vecs = provider.embed([subject, context, *names, *abouts])
    n = len(items)
    by_name, by_about = vecs[2 : 2 + n], vecs[2 + n :]
    words = [f"{a} {b}" for a, b in zip(names, abouts, strict=True)]

    def score(q_vec, q_text: str) -> np.ndarray:
        sims = np.maximum(by_name @ q_vec, 0.9 * (by_about @ q_vec))
        return sims + CATALOGUE_LEXICAL * lexical_scores(q_text, words)

    sims = score(vecs[0], subject)
    earlier = score(vecs[1], context) * 0.9
    # "something like this", "a pilot like that", or nothing but the asking ("cost?", "and
    # roughly how much?"): the earlier subject.
    if refers_back(query) or not asks_of_something(query):
        sims = np.maximum(sims, earlier)
    best = int(np.argmax(sims))
    # "cost of pilot" after invoices were talked about: of the lines the words fit alike
    # (two pilots), the one the conversation was about
    said = set(re.findall(r"[a-z]+", subject.lower()))
    alike = [
        k
        for k, i in enumerate(items)
        if said and said <= set(re.findall(r"[a-z]+", i["name"].lower()))
    ]
    if len(alike) >= 2 and best in alike:
        best = max(alike, key=lambda k: earlier[k])
    fixed = [i for i in items if i["duration"] != "monthly"] or items
    if not _answers(sims):
        if CHEAPEST.search(query):  # "what's the cheapest way to start?": the smallest offer
            item = min(fixed, key=lambda i: (i["price_from"], i["price_to"]))
            return _line_for(item), item
        if DURATION_ONLY.search(query) and not re.search(r"cost|price|how much", query, re.I):
            return "", None  # "how long before we see a return?": not the price list
        low = min(fixed, key=lambda i: i["price_from"])
        high = max(fixed, key=lambda i: i["price_to"])
        return (
            f"Our fixed-scope offers run from the {low['name']} at ${low['price_from']:,} to "
            f"${low['price_to']:,} up to the {high['name']} at ${high['price_from']:,} to "
            f"${high['price_to']:,}."
        ), None
    item = items[best]
    return _line_for(item), item


PRICE_WORDS = re.compile(
    r"\b(what|how|would|will|does|do|did|is|are|it|that|this|you|your|we|us|our|me|i|a|an|the|"
    r"much|long|cost|costs|price|prices|pricing|priced|charge|charges|fee|fees|rates?|quote|"
    r"roughly|approximately|typically|usually|typical|ballpark|be|to|for|of|like|something|"
    r"take|takes|pay|budget|kind|sort|type|so|and|also|then|ok|okay)\b",
    re.I,
)


def price_subject(query: str) -> str:
    """What a price question is about, without its asking words ("What would you charge to
    match delivery notes?" → "match delivery notes"); the question itself when nothing
    is left."""
    rest = re.sub(r"\s+", " ", PRICE_WORDS.sub(" ", re.sub(r"[?!.,;:]", " ", query))).strip()
    return rest if len(rest) >= 4 else query


def _answers(sims: np.ndarray) -> bool:
    """Whether the best line answers: it stands out from the others, or is plainly close."""
    best = float(np.max(sims))
    runner_up = float(np.sort(sims)[-2]) if len(sims) > 1 else 0.0
    return (best >= CATALOGUE_ITEM_MIN and best - runner_up >= 0.06) or best >= CATALOGUE_ITEM_SURE


FILLER = re.compile(
    r"\b(roughly|approx\w*|around|about|exactly|then|na|ni|kwa|ya|yake|yenu|basi|sasa|sawa|"
    r"please|kindly|pls|"
    r"in general|to get started|live|go live|ready)\b",
    re.I,
)


def asks_of_something(query: str) -> bool:
    """Whether a price question says what it is about: anything besides asking words and
    filler ("cost?", "and roughly how long to go live?" say nothing; "how are your
    projects priced?" is about projects in general)."""
    rest = FILLER.sub(" ", PRICE_WORDS.sub(" ", re.sub(r"[?!.,;:]", " ", query)))
    return bool(re.search(r"[a-z]{3,}", rest.lower()))


def _line_for(item: dict) -> str:
    duration = item["duration"]
    takes = "billed monthly" if duration == "monthly" else f"and takes about {duration}"
    return (
        f"The {item['name']} ({item['summary'].rstrip('.').lower()}) costs "
        f"${item['price_from']:,} to ${item['price_to']:,} {takes}."
    )


THIS_ONE = re.compile(r"\b(this|it|that|these|them|this one|such a thing)\b", re.I)


def event_free(page: str) -> bool:
    """Whether ``page`` is no event's page."""
    return "/events/" not in (page or "")


def _page_price(ctx: dict, asked: str, knowledge: list[dict]) -> tuple[str, int] | None:
    """(sentence, source number): on a service page, "how much does this cost, and how long
    does it take?" is about that page's service, answered by the range the page states."""
    from chat.catalogue import CHEAPEST, RUNNING_COST
    from chat.knowledge import price_on_page
    from chat.priced import names_subject

    page = (ctx.get("page_url") or "").rstrip("/")
    if not event_free(page):  # an event's page: "how long is it?" is the event's
        page = ""
    # "how long does a project like that take?" right after a service page answered
    topic = next((s.get("url") or "" for s in knowledge if s.get("topic")), "")
    page = page or topic.rstrip("/")
    if not page or not THIS_ONE.search(asked) or CHEAPEST.search(asked):
        return None
    if RUNNING_COST.search(asked) or names_subject(THIS_ONE.sub(" ", asked)):
        return None
    here = next((s for s in knowledge if (s.get("url") or "").rstrip("/") == page), None)
    price = price_on_page(page + "/") if here else ""
    return (price, here["n"]) if price else None
