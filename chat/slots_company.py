"""Slot filling, the company a visitor names in their own words ("I work at Acme Logistics",
"we're Shamba Fresh", "officer with the Kenya Ports Authority"), without taking a weekday,
a place, a period or a tool for one (``chat.slots`` re-exports it for callers)."""

from __future__ import annotations

import re

from chat.slots_people import TITLE_RE
from chat.vocabulary import (
    ACK_WORDS,
    BUSINESS_NOUN,
    EMAIL_RE,
    KNOWN_TOOLS,
    NOT_COMPANY_FIRST,
    PERIOD_RE,
    PLACES,
    WEEKDAY_WORDS,
)

COMPANY_WORD = r"[A-Z][\w&'\-]*"
COMPANY_NAME = COMPANY_WORD + r"(?:\s+(?:" + COMPANY_WORD + r"|&)){0,4}"
# Occupations that say who employs the visitor when followed by "with"/"at": "a reporter
# with TechCabal", "a student at Strathmore", "a consultant for Acme".
PERSON_ROLE = (
    r"reporter|journalist|writer|editor|correspondent|producer|student|researcher|analyst|"
    r"consultant|engineer|developer|lecturer|intern|partner|associate|doctor|nurse|teacher"
)
COMPANY_RE = re.compile(
    r"(?i:\bwork (?:at|for)|\bi'?m (?:\w+ )?(?:at|with|from)|\bwe are|\bwe'?re|\bcompany is|"
    r"\bsisi ni|\ba (?:" + PERSON_ROLE + r") (?:with|at|for)|"
    r"\bcompany'?s|\bcalled|\bfrom|\bat|\bof|\bjoin(?:ed)?|\bfor|\bwa)\s*,?\s*(?:the\s+)?"
    r"(" + COMPANY_WORD + r"(?:\s+(?:" + COMPANY_WORD + r"|&|(?:of|and|for)(?=\s+[A-Z])))*)"
)


# A function right after a title or "I head/lead/run" is a department, not the company.
DEPARTMENT_CUE = re.compile(
    r"(?i:\b(?:head|vp|vice president|director|manager|lead|chief|officer|dean) (?:of|for)"
    r"|\bi (?:head|lead|run|manage|oversee))\s+(?:the\s+)?$"
)


# "we are UK-registered", "we're Nairobi-based": a hyphenated adjective, not a name
ADJECTIVE_WORD = re.compile(
    r"[\w&']+-(?:based|registered|owned|listed|headquartered|focused|funded|led|run|founded)",
    re.I,
)


# Words of an ordinary phrase, never of a company typed in lower case after a title.
PLAIN_WORDS = {
    "a", "an", "the", "and", "or", "but", "so", "here", "there", "thanks", "thank", "you",
    "looking", "want", "need", "we", "i", "my", "our", "is", "are", "in", "at", "of", "for",
    "to", "with", "just", "based", "from", "please", "hi", "hello", "interested", "team",
    "company", "startup", "business", "firm", "not", "currently", "also", "too",
    "he", "she", "they", "it", "who", "decides", "approves", "signs", "will", "would", "has",
}  # fmt: skip


def _placed_company(words: list[str]) -> bool:
    """A company named after a place ("Mombasa Port Services", "Kenya Airways"), not the
    place itself ("from Mombasa")."""
    return len(words) >= 2 and any(BUSINESS_NOUN.fullmatch(w) for w in words[1:])


# "…, Pesa Haraka, 70 staff": after "we're a digital lender," the name as an appositive
APPOSITIVE = re.compile(
    r"\b(?i:we(?:'?re| are)\s+an?\s+[a-z][a-z \-]{1,40}),\s+(" + COMPANY_NAME + r")(?=\s*[,.;]|$)"
)
# "RemitLane, NYC-based remittance company, we …": the message opens with the name and a
# description of it ending in a business noun
OPENING_NAME = re.compile(
    r"^\W*(" + COMPANY_NAME + r"),\s+(?i:(?:an?\s+)?[\w\- ]{0,40}?\b(?:company|firm|startup|"
    r"business|provider|platform|lender|bank|agency|group|brand|chain|operator|manufacturer|"
    r"exporter|importer|retailer|distributor|school|hospital|clinic|ngo|charity))\b"
)
# "the Addis Ababa City Revenue Bureau is studying …": a public body as the sentence subject
PUBLIC_BODY = re.compile(
    r"\b[Tt]he\s+((?:[A-Z][\w&'\-]*\s+){1,6}(?:Bureau|Authority|Ministry|Agency|Commission|"
    r"Council|Board|Directorate|Department|Institute|Corporation)(?:\s+of(?:\s+[A-Z][\w'\-]*)+)?)"
    r"\s+(?:is|are|has|have|was|would|will|wants?|plans?|intends?|seeks?|needs?)\b"
)
# "lab is Afya Bora Diagnostics", "clinic is …": a kind of business as a label
KIND_LABEL = re.compile(
    r"(?i:\b(?:lab|clinic|school|shop|store|hospital|hotel|restaurant|startup|firm|brand|"
    r"agency|ngo|sacco|employer|kampuni|kampuni yetu|hoteli|shule|duka|kliniki|hospitali))"
    r"\s+(?:is|ni|:)\s+(" + COMPANY_NAME + r")(?=\s*[,.;!]|$)"
)
# "… Busoga Grain Millers no sorry its Busoga Agro Millers": the name after a correction
CORRECTED = re.compile(
    r"(?i:\b(?:no,?\s+)?(?:sorry|i mean|i meant|correction|rather|actually)"
    r"(?:[,:]?\s+(?:i mean|i meant|actually))?)[,:]?\s+"
    r"(?i:(?:it'?s|its|it is|we'?re|we are|the company is|company is)\s+)?(" + COMPANY_NAME + r")"
)


def _trimmed(name: str) -> list[str]:
    """The words of a name less a trailing pronoun or weekday ("Busoga Agro Millers I")."""
    words = name.split()
    while words and (words[-1] in NOT_COMPANY_FIRST or words[-1] in WEEKDAY_WORDS):
        words.pop()
    return words


def _corrected(text: str) -> str | None:
    """The name given after a correction in a message that names a company before it."""
    for m in CORRECTED.finditer(text):
        words = _trimmed(m.group(1))
        if not words or words[0] in NOT_COMPANY_FIRST or TITLE_RE.fullmatch(" ".join(words)):
            continue
        before = text[: m.start()]
        if re.search(r"(?i:\bcompany|\bbusiness|\bwe'?re|\bwe are|\bsisi ni)", before):
            return " ".join(words)
    return None


def _framed_company(text: str) -> str | None:
    """A company named by the shape of the sentence around it rather than a cue word: an
    appositive after "we're a …,", an opening name with its description, a public body as
    the subject, or a kind of business as a label ("lab is …")."""
    for pattern in (APPOSITIVE, OPENING_NAME, PUBLIC_BODY, KIND_LABEL):
        m = pattern.search(text)
        if not m:
            continue
        words = _trimmed(m.group(1))
        if not words or words[0] in NOT_COMPANY_FIRST or words[0] in KNOWN_TOOLS:
            continue
        if TITLE_RE.fullmatch(" ".join(words)):
            continue
        if words[0] in PLACES and not _placed_company(words) and pattern is not PUBLIC_BODY:
            continue
        return " ".join(words)
    return None


def _letters(text: str) -> str:
    """Lower-case ASCII letters only ("Santé Unie-Kivu" → "santeuniekivu")."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


WEBMAIL = {
    "gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live", "icloud", "proton",
    "protonmail", "aol", "gmx", "mail", "zoho", "yandex", "rediffmail",
}  # fmt: skip


def domain_named_company(text: str) -> str | None:
    """A capitalised name in the message whose first words spell the domain of the email
    given with it ("Grace Namutebi, grace@kampalahillschools.ac.ug, Kampala Hill Schools";
    "kevin@kilimafresh.co.ke, Kilima Fresh Exporters"): the business the address belongs
    to, whatever its words look like (a place first, no business noun). Up to two words may
    follow the spelled part, and a plural "s" may differ ("zanzibarpearls": "Zanzibar Pearl
    Hotels")."""
    from chat.slots_people import extract_name

    domains = {_letters(m.group(0).split("@")[1].split(".")[0]) for m in EMAIL_RE.finditer(text)}
    domains = {d for d in domains if len(d) >= 4 and d not in WEBMAIL}
    if not domains:
        return None
    spelled = domains | {d[:-1] for d in domains if d.endswith("s")}
    person = set((extract_name(text) or "").lower().split())
    bare = EMAIL_RE.sub(" ", text)  # "…@MkopoHaraka.co.ke" names no company in its words
    for run in re.finditer(COMPANY_WORD + r"(?:\s+(?:" + COMPANY_WORD + r"|&|of|and))*", bare):
        words = run.group(0).split()
        for i in range(len(words)):
            for k in range(i + 1, min(len(words), i + 6) + 1):
                head = _letters(" ".join(words[i:k]))
                if head not in spelled and head + "s" not in domains:
                    continue
                name = words[i : min(len(words), k + 2)]
                if {w.lower() for w in name} <= person or name[0] in ("&", "of", "and"):
                    continue
                if len(name) == 1 and name[0] in PLACES:  # tom@mombasa.co.ke "in Mombasa"
                    continue
                while name[-1] in ("&", "of", "and"):
                    name.pop()
                return " ".join(name)
    # typed in lower case, a piece of its own between commas ("sarah nakato, ugapack.")
    for piece in re.split(r"[,;:|()\n]|(?<=[.!?])\s+|\.$", bare):
        piece = piece.strip(" .!?")
        words = piece.lower().split()
        if 0 < len(words) <= 5 and _letters(piece) in domains and not set(words) <= person:
            return piece
    return None


def extract_company(text: str, asked: bool = False) -> str | None:
    """The visitor's company as typed, legal suffix kept ("Polypak Kenya Ltd"): after "at",
    "of", "we're", "company is", or right after a job title ("CEO, Shamba Fresh Exporters")."""
    if name := _corrected(text) or _framed_company(text):
        return name
    candidates: list[str] = []
    for m in COMPANY_RE.finditer(text):
        name = m.group(1).strip()
        words = name.split()
        while words and (words[-1] in WEEKDAY_WORDS or words[-1] == "&"):
            words.pop()
        if words and PERIOD_RE.fullmatch(words[0]):  # "by end of Q2" names a time
            continue
        if words and words[0] in PLACES and not _placed_company(words):
            continue
        if not words or (words[0] in NOT_COMPANY_FIRST and words[0] not in PLACES):
            continue
        if words[0] in KNOWN_TOOLS or ADJECTIVE_WORD.fullmatch(name):
            continue
        if DEPARTMENT_CUE.search(text[: m.start(1)]):  # "Head of Credit", "I head CX at"
            continue
        lone = len(words) == 1 and m.group(0).strip().lower() in ("at", "from", "of", "for", "")
        if lone and not re.search(r"\b(at|of)\s+" + re.escape(words[0]) + r"\b", text):
            continue
        name = " ".join(words)
        doubtful = name in KNOWN_TOOLS or TITLE_RE.fullmatch(name)
        if doubtful and not re.search(r"\b(at|of|we'?re|we are)\s+" + re.escape(name), text):
            continue
        cue = m.group(0)[: m.start(1) - m.start()].strip(" ,").lower()
        strong = bool(
            re.search(r"we'?re|we are|company|called|work|\bat\b|i'?m|sisi|with|\bfor\b", cue)
            and not re.fullmatch(r"with|for", cue)
        )
        candidates.append((strong, name))
    m = re.search(
        r"\b(?:company|business|organi[sz]ation)(?: name)?(?: is|:)\s+"
        r"([\w&' \-]{2,60}?)(?=[,.;!]|$)",
        text,
        re.I,
    )
    if m and (asked or re.match(r"[A-Z0-9]", m.group(1))):  # not "the company is small"
        return m.group(1).strip()
    # "…, company Kilele Labs.": the word as a label before a capitalised name
    m = re.search(r"(?i:\b(?:company|organi[sz]ation|employer|firm)(?: name)?)\s*[-–,:]?\s+("
                  + COMPANY_WORD + r"(?:\s+" + COMPANY_WORD + r"){0,4})(?=\s*(?:[,.;!)|]|$)"
                  r"|\s+[a-z])", text)  # fmt: skip
    if m and m.group(1).split()[0] not in NOT_COMPANY_FIRST:
        return m.group(1).strip()
    strong_ones = [c for st, c in candidates if st]
    if strong_ones:
        return max(strong_ones, key=lambda c: (len(c.split()) > 1, len(c)))
    role = TITLE_RE.search(text)
    if role:
        after = text[role.end() :]
        m = re.match(r"\s*(?:,|at|of|for|with|wa)\s*(?:the\s+)?(" + COMPANY_WORD + r"(?:\s+(?:"
                     + COMPANY_WORD + r"|(?:of|and)(?=\s+[A-Z])))*)", after)  # fmt: skip
        if m and m.group(1).split()[0] not in NOT_COMPANY_FIRST:
            return m.group(1)
        m = re.match(r"\s*(?:at|of|for)\s+([a-z][a-z]+(?:\s+[a-z]+){0,2})(?=\s*[,.;]|\s*$|\s+(?:"
                     r"and|we|were|a|an)\b)", after)  # fmt: skip
        if m and not re.match(r"(a|an|the|our|my)\b", m.group(1)):
            return m.group(1)
        # typed in lower case after the title and a comma: "cto, somesha edtech."
        m = re.match(r"\s*,\s*([a-z][a-z]+\s+[a-z]+(?:\s+[a-z]+)?)\s*(?:[.;]|$)", after)
        if m and not set(m.group(1).split()) & PLAIN_WORDS:
            return m.group(1)
    if candidates:
        return max((c for _, c in candidates), key=lambda c: (len(c.split()) > 1, len(c)))
    if asked:
        bare = EMAIL_RE.sub("", text).strip(" .!,")
        bare = re.sub(
            r"^(?:(?:it'?s|we'?re|we are|i work (?:at|for)|company is|the company is|called|"
            r"at|it is|with|from|the name is|name is)\s+)+",
            "", bare, flags=re.I,
        ).strip(" .!,")  # fmt: skip
        if 1 <= len(bare.split()) <= 5 and len(bare) <= 80 and bare.lower() not in ACK_WORDS:
            return bare
    return None


NAME_PIECE = re.compile(r"[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){1,2}")
COMPANY_PIECE = re.compile(COMPANY_WORD + r"(?:\s+(?:" + COMPANY_WORD + r"|&)){0,4}")


def signed_pair(text: str) -> tuple[str, str] | None:
    """A name and a company written one after the other as a signature ("Wanjiku Kamau,
    Baobab Freight.", "Sam Okafor, BrightPath, sam@…"): two or three capitalised words that
    could be a person, a comma, then a name that looks like a business (several words, a
    capital inside a word, or a business noun), not a place, a title, a tool or a weekday."""
    from chat.slots_people import could_be_person
    from ementech.ai.parsers import person_name

    pieces = [p.strip(" .!?:") for p in re.split(r"[;\n|]|,|(?<=[.!?])\s+|\s[-–]\s", text)]
    # "Brian Ochieng | Operations Manager | Pwani Mills": a title may stand between them
    pairs = list(zip(pieces, pieces[1:], strict=False)) + [
        (a, c)
        for a, b, c in zip(pieces, pieces[1:], pieces[2:], strict=False)
        if not b
        or TITLE_RE.match(b)
        or EMAIL_RE.fullmatch(b)
        or re.fullmatch(r"\+?[\d ()\-]{7,}", b)
    ]
    for first, second in pairs:
        if not (NAME_PIECE.fullmatch(first) and COMPANY_PIECE.fullmatch(second)):
            continue
        words = second.split()
        looks_business = (
            len(words) > 1
            or re.search(r"[a-z][A-Z]", second)
            or any(BUSINESS_NOUN.fullmatch(w) for w in words)
        )
        if (
            not looks_business
            or words[0] in NOT_COMPANY_FIRST
            or (words[0] in PLACES and not _placed_company(words))
            or any(w in WEEKDAY_WORDS or w in KNOWN_TOOLS for w in words)
            or TITLE_RE.search(second)
            or not could_be_person(first)
        ):
            continue
        name = person_name(first)
        if name:
            return name, second
    return None
