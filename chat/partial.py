"""Questions only partly answered by the sources: the languages, tools and systems a visitor
asks about ("does it work in Swahili, French or Amharic?", "do you integrate with iManage?")
that nothing in the knowledge base mentions. The answer says what is known, then says
plainly what isn't and offers a reply by email, and the question is recorded as unanswered
(as the "don't know" path does)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from chat.vocabulary import KNOWN_TOOLS

LANGUAGES = [
    "English", "Swahili", "Sheng", "French", "Arabic", "Amharic", "Somali", "Oromo", "Tigrinya",
    "Acholi", "Lugbara", "Ateso", "Runyankole",
    "Luganda", "Kinyarwanda", "Kirundi", "Lingala", "Zulu", "Xhosa", "Afrikaans", "Sesotho",
    "Setswana", "Shona", "Ndebele", "Chichewa", "Yoruba", "Igbo", "Hausa", "Twi", "Akan", "Wolof",
    "Fulani", "Kikuyu", "Gikuyu", "Luo", "Dholuo", "Kalenjin", "Kamba", "Luhya", "Maasai",
    "Portuguese", "Spanish", "German", "Italian", "Dutch", "Russian", "Turkish", "Hindi", "Urdu",
    "Gujarati", "Punjabi", "Bengali", "Tamil", "Mandarin", "Cantonese", "Chinese", "Japanese",
    "Korean", "Vietnamese", "Thai", "Indonesian", "Malay", "Persian", "Farsi", "Hebrew", "Greek",
    "Polish", "Ukrainian",
]  # fmt: skip
LANGUAGE_RE = re.compile(r"\b(?:ki)?(" + "|".join(LANGUAGES) + r")\b", re.I)
# Asking whether something is supported: a language, or a system to connect to.
SUPPORT_CUE = re.compile(
    r"\b(integrat\w*|connect\w*|plug\w*|sync\w*|compatible|link\w*|work(s|ing)? (with|on|in)|"
    r"run(s)? on|talk(s)? to|pull(s)? from|push(es)? to|post(s)? to|support\w*|speak\w*|"
    r"understand\w*|answer\w* in|read\w*|handle\w*|in (?:[A-Z]\w+|" + "|".join(LANGUAGES) + r"))\b",
    re.I,
)
# A system named as the object of a support cue ("integrate with iManage", "sync to Sage
# 300"), or one the visitor says they use ("we use iManage", "we're on Temenos").
OBJECT_OF_CUE = re.compile(
    r"\b(?:integrat\w*|connect\w*|plug\w*|sync\w*|link\w*|work\w* with|talk\w* to|pull\w* from|"
    r"push\w* to|post\w* to|compatible with|run\w* on)\s+(?:with\s+|to\s+|into\s+|on\s+)?"
    r"(?:our\s+|the\s+|an?\s+)?(?P<name>[A-Za-z][\w.&+-]*(?:\s+(?!(?:and|or|for|to|in|with|on|at|as|so)\b)[A-Z0-9][\w.&+-]*)?)",
    re.I,
)
WE_USE = re.compile(
    r"\bwe(?:'re| are)?\s+(?:use|using|run|running|on|have|work in|work with)\s+"
    r"(?P<name>[A-Za-z][\w.&+-]*(?:\s+(?!(?:and|or|for|to|in|with|on|at|as|so)\b)[A-Z0-9][\w.&+-]*)?)",
    re.I,
)
MORE_NAMES = re.compile(
    r"\s*(?:,|\bor\b|\band\b|/)\s*(?:or\s+|and\s+)?(?:our\s+|the\s+)?"
    r"(?P<name>[A-Z][\w.&+-]*(?:\s+\d+)?)"
)
CAMEL_CASE = re.compile(r"\b(?:[a-z]+[A-Z]\w*|[A-Z][a-z]+[A-Z]\w*)\b")  # iManage, NetDocuments
NOT_A_SYSTEM = re.compile(
    r"^(it|its|this|that|them|those|these|our|your|the|a|an|you|us|me|my|any|some|other|"
    r"existing|current|customers?|staff|people|team|data|system|systems|tools?|software|"
    r"email|emails|phone|excel sheets|paper|ai|api|apis)$",
    re.I,
)


def _product_like(name: str) -> bool:
    """A name that looks like a product: capitalised or camel-case ("iManage", "Sage 300")."""
    first = name.split()[0]
    return bool(re.match(r"[A-Z]|[a-z]+[A-Z]", first)) and not NOT_A_SYSTEM.match(first)


def asked_about(question: str, whole: str) -> list[str]:
    """The languages and systems a question asks about: languages named in ``question``;
    systems named after a support cue in it, or (when it asks about "it") the systems the
    visitor says they use elsewhere in ``whole``."""
    names = [m.group(1).capitalize() for m in LANGUAGE_RE.finditer(question)]
    if not SUPPORT_CUE.search(question):
        return list(dict.fromkeys(names))
    systems = []
    for m in OBJECT_OF_CUE.finditer(question):
        systems.append(m.group("name"))
        rest = question[m.end() :]  # "Temenos, Flexcube or Finacle"
        while more := MORE_NAMES.match(rest):
            systems.append(more.group("name"))
            rest = rest[more.end() :]
    if any(NOT_A_SYSTEM.match(s.split()[0]) for s in systems):  # "connect to it"
        systems += [m.group("name") for m in WE_USE.finditer(whole)]
        systems += CAMEL_CASE.findall(whole)
    for name in systems:
        name = re.sub(r"\s+(?:and|or|for|to|in|with)$", "", name.strip(" .,?!"))
        if _product_like(name) and not LANGUAGE_RE.fullmatch(name):
            names.append(name)
    return list(dict.fromkeys(names))


def _mentioned(term: str) -> bool:
    from content.facade import chunk_ids_mentioning

    needles = [term]
    needles += [t for t in KNOWN_TOOLS if t.lower() == term.lower()]
    return bool(chunk_ids_mentioning(needles=needles))


def known_terms(question: str, whole: str) -> list[str]:
    """What the question asks about that the knowledge base does mention (an answer to
    fall back on when the whole question matches nothing: "Luganda? ... Kiswahili?")."""
    return [t for t in asked_about(question, whole) if _mentioned(t)]


def unknown_terms(question: str, whole: str) -> list[str]:
    """What the question asks about that no page of the knowledge base mentions."""
    return [t for t in asked_about(question, whole) if not _mentioned(t)]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def unknown_part(
    question: str, whole: str, email: str, promise: str, say: Callable[[str], str]
) -> Iterator[Any]:
    """After an answer: the part of the question it could not answer, said plainly, with a
    reply by email offered and the question recorded as unanswered."""
    missing = unknown_terms(question, whole)
    if not missing:
        return
    yield say(
        f"On {_listed(missing)} I can't find anything in our material, so I won't guess: "
        f"I've noted the question, and {promise}" + (f" to {email}." if email else ".")
    )
    yield {"unanswered": whole}
