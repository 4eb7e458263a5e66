"""Smart form fill (seed 3.1.2): role, company size bucket and industry from one sentence.

"I'm a CTO at a 50-person fintech company" -> role "CTO", seniority "c_level",
company_size "11-50", industry "fintech". Rules by default; with an LLM configured its
answer is used when every value it gives is valid, the rules fill what it left out. The
form shows the result to the visitor to confirm before anything is saved.
"""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache

from ementech.ai.structured import llm_json

# The industry vocabulary is progressive profiling's (leads.profiling), shared with inference.
from leads.facade import INDUSTRIES

INDUSTRY_LABELS = {key: label for key, label, _ in INDUSTRIES}

SIZE_BUCKETS = ((10, "1-10"), (50, "11-50"), (200, "51-200"), (500, "201-500"))

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "a hundred": 100, "dozen": 12,
    "a dozen": 12, "thousand": 1000, "a thousand": 1000,
}  # fmt: skip

C_LEVEL = {
    "ceo": "CEO", "chief executive officer": "CEO", "cto": "CTO",
    "chief technology officer": "CTO", "chief technical officer": "CTO", "cio": "CIO",
    "chief information officer": "CIO", "cfo": "CFO", "chief financial officer": "CFO",
    "coo": "COO", "chief operating officer": "COO", "cmo": "CMO",
    "chief marketing officer": "CMO", "cdo": "CDO", "chief data officer": "CDO",
    "cpo": "CPO", "chief product officer": "CPO", "ciso": "CISO",
    "chief information security officer": "CISO",
}  # fmt: skip

_AREA = r"([a-z&/]+(?:\s+(?!at\b|for\b|in\b|with\b|of\b|on\b|and\b|a\b|an\b|the\b)[a-z&/]+){0,2})"
_STOP = r"(?=\s+(?:at|for|in|with|of|on|and)\b|[,.;!?)]|$)"

ROLE_PATTERNS: list[tuple[re.Pattern, str, str]] = [
    (re.compile(r"\b(co-?founder|founder|owner|managing director)\b", re.I), "{0}", "c_level"),
    (re.compile(r"\b(?:vp|vice[- ]president)\s+(?:of\s+)?" + _AREA + _STOP, re.I),
     "VP of {1}", "vp"),
    (re.compile(r"\bhead\s+of\s+" + _AREA + _STOP, re.I), "Head of {1}", "director"),
    (re.compile(r"\bdirector\s+of\s+" + _AREA + _STOP, re.I), "Director of {1}", "director"),
    (re.compile(r"\b([a-z]+)\s+director\b", re.I), "{1} Director", "director"),
    (re.compile(r"\b((?:[a-z]+\s+)?(?:manager|lead|architect))\b", re.I), "{1}", "manager"),
    (re.compile(r"\b((?:[a-z]+\s+)?(?:engineer|developer|scientist|analyst|consultant|"
                r"designer|specialist))\b", re.I), "{1}", "individual"),
    (re.compile(r"\bi\s+(?:run|lead|head(?:\s+up)?|manage)\s+(?:the\s+|our\s+)?" + _AREA + _STOP,
                re.I), "Head of {1}", "director"),
]  # fmt: skip

_ARTICLES = {"a", "an", "the", "our", "my", "their"}

_SIZE_RE = re.compile(
    r"(?P<n>\d[\d,]*(?:\.\d+)?\s*k?|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")[\s-]*(?:\+\s*)?(?:person|people|employees?|staff|strong|members?|heads?|fte|"
    r"-?man|workers)\b",
    re.I,
)
_TEAM_RE = re.compile(
    r"\b(?:team|company|startup|business|firm|organi[sz]ation|staff)\s+of\s+(?:about\s+|around\s+|"
    r"roughly\s+|some\s+|~)?(?P<n>\d[\d,]*(?:\.\d+)?\s*k?|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")\b",
    re.I,
)


def _number(raw: str) -> int | None:
    raw = raw.strip().lower().replace(",", "")
    if raw in NUMBER_WORDS:
        return NUMBER_WORDS[raw]
    mult = 1000 if raw.endswith("k") else 1
    raw = raw.rstrip("k").strip()
    try:
        return int(float(raw) * mult)
    except ValueError:
        return None


def size_bucket(n: int) -> str:
    for limit, label in SIZE_BUCKETS:
        if n <= limit:
            return label
    return "500+"


def extract_company_size(text: str) -> str | None:
    for pattern in (_SIZE_RE, _TEAM_RE):
        match = pattern.search(text)
        if match:
            n = _number(match.group("n"))
            if n and 0 < n < 10_000_000:
                return size_bucket(n)
    return None


def extract_industry(text: str) -> str | None:
    lowered = text.lower()
    for key, _label, pattern in INDUSTRIES:
        if re.search(pattern, lowered):
            return key
    return None


def _title_case(words: str) -> str:
    keep_upper = {"ai", "it", "hr", "ml", "qa", "ux", "ui", "r&d", "bi"}
    out = []
    for w in words.split():
        lw = w.lower()
        out.append(
            lw.upper() if lw in keep_upper else (lw if lw in {"of", "and"} else w.capitalize())
        )
    return " ".join(out)


def extract_role(text: str) -> tuple[str, str] | None:
    """(title, seniority) or None."""
    lowered = text.lower()
    for phrase in sorted(C_LEVEL, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            return C_LEVEL[phrase], "c_level"
    for pattern, template, seniority in ROLE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        groups = [g.strip() for g in match.groups()]
        if template == "{0}":
            return _title_case(groups[0]), seniority
        value = groups[0]
        if value.lower().split()[0] in _ARTICLES and len(value.split()) > 1:
            value = " ".join(value.split()[1:])
        if value.lower() in _ARTICLES | {"team", "company", "business"}:
            continue
        return template.format(None, _title_case(value)).strip(), seniority
    return None


def extract_rules(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    role = extract_role(text)
    if role:
        out["role"], out["seniority"] = role
    size = extract_company_size(text)
    if size:
        out["company_size"] = size
    industry = extract_industry(text)
    if industry:
        out["industry"] = industry
    return out


VALID_SIZES = {label for _, label in SIZE_BUCKETS} | {"500+"}
VALID_SENIORITY = {"c_level", "vp", "director", "manager", "individual"}


def _valid_llm(answer: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    role = answer.get("role")
    if isinstance(role, str) and 0 < len(role.strip()) <= 100:
        out["role"] = role.strip()
    if answer.get("seniority") in VALID_SENIORITY:
        out["seniority"] = answer["seniority"]
    if answer.get("company_size") in VALID_SIZES:
        out["company_size"] = answer["company_size"]
    if answer.get("industry") in INDUSTRY_LABELS:
        out["industry"] = answer["industry"]
    return out


def extract(text: str) -> tuple[dict[str, str], str]:
    """(fields, method) where method is "llm" or "rules"."""
    text = (text or "")[:500]
    rules = extract_rules(text)
    answer = _llm_fields(text)
    if answer:
        valid = _valid_llm(answer)
        if valid:
            return {**rules, **valid}, "llm"
    return rules, "rules"


# The endpoint is public: one sentence costs one model call however often it is sent.
LLM_CACHE_SECONDS = 24 * 3600


def _llm_fields(text: str) -> dict | None:
    """The model's reading of ``text``, cached by the normalised sentence."""
    normalised = " ".join(text.lower().split())
    key = "tools:extract:" + hashlib.sha256(normalised.encode("utf-8", "replace")).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    answer = llm_json(
        task="qualification",
        system=(
            "Extract form fields from the visitor's sentence. Reply with JSON only: "
            '{"role": str|null, "seniority": one of c_level|vp|director|manager|individual|null,'
            ' "company_size": one of 1-10|11-50|51-200|201-500|500+|null, "industry": one of '
            + "|".join(INDUSTRY_LABELS)
            + "|null}. Never guess what the sentence does not say."
        ),
        prompt=text,
        max_tokens=150,
    )
    if answer is not None:  # no key or a failed call is not remembered: it may work later
        cache.set(key, answer, LLM_CACHE_SECONDS)
    return answer
