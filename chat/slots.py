"""Slot filling: BANT and contact details read from a visitor's own words.

``extract(text, asked=...)`` returns only what the text states (or, when we had just asked
about one slot, what it answers: "that sounds about right" to a proposed budget range), in
the Lead model's vocabulary (:mod:`chat.vocabulary`). The reading is done by the kept
parsers of :mod:`ementech.ai.parsers`; this module decides which value answers which slot.
"""

from __future__ import annotations

import re

from chat.vocabulary import (  # noqa: F401 - the vocabulary is re-exported for callers
    AFFIRM_RE,
    AUTHORITY_PHRASES,
    BUDGET_CHOICES,
    CONTACT_ORDER,
    DENY_RE,
    EMAIL_RE,
    INDUSTRIES,
    KNOWN_TOOLS,
    PAIN_PATTERNS,
    PROPOSED_BUDGET,
    QUALIFY_ORDER,
    QUESTIONS,
    TIMELINE_CHOICES,
    describe,
    missing,
    qualification_progress,
    question_for,
)

# --- reading values -------------------------------------------------------------------------
# The kept parsers of ementech.ai.parsers do the reading; this module decides which value
# answers which slot, in the Lead model's vocabulary.

USD_PER = {"USD": 1.0, "": 1.0, "KES": 1 / 129, "GBP": 1.27, "EUR": 1.08}
REGION_OF_TZ = {
    "Africa/Nairobi": "KE", "Africa/Kampala": "UG", "Africa/Dar_es_Salaam": "TZ",
    "Africa/Kigali": "RW", "Africa/Addis_Ababa": "ET", "Africa/Lagos": "NG",
    "Africa/Johannesburg": "ZA", "Europe/London": "GB", "Europe/Berlin": "DE",
}  # fmt: skip
HEADCOUNT_WORDS = (
    r"staff|employees|people|ppl|persons|members|agents?|workers|drivers|engineers|developers|"
    r"reps|heads|colleagues|stores|branches|clinics|hotels|schools|trucks|tickets|calls"
)
BUDGET_CONTEXT = re.compile(
    r"budget|spend|invest|afford|\$|usd|dollars?|kes|ksh|shillings?|£|€|grant|can go up to|"
    r"allocated|set aside|thinking (about|around|of)|pay",
    re.I,
)
PRICE_QUESTION = re.compile(r"\b(cost|price|pricing|charge|how much|fee)s?\b", re.I)
TIMELINE_CONTEXT = re.compile(
    r"\b(live|launch|start|begin|kick ?off|running|go.?live|deploy|roll ?out|deadline|"
    r"implement|timeline|tender|in place|tuanze|kuanza)\b|"
    r"\b(in|within|next|by|before)\s+(?:[a-z]+ |\d+(?:\s*(?:-|to)\s*\d+)? ){0,3}(weeks?|months?|"
    r"quarters?|years?|"
    r"q[1-4])\b",
    re.I,
)
TIME_UNIT = re.compile(
    r"\b(weeks?|months?|quarters?|years?|q[1-4]|h[12]|season|january|february|march|april|may|"
    r"june|july|august|september|october|november|december)\b",
    re.I,
)
SCHEDULING_CONTEXT = re.compile(
    r"\b(demo|call|meeting|meet|talk|slot|book|works for me|suits me|is best|is good)\b", re.I
)


def budget_bucket(low: float, high: float | None = None) -> str:
    mid = low if high is None else (low + high) / 2
    if mid < 10_000:
        return "<10k"
    if mid <= 50_000:
        return "10k-50k"
    if mid <= 100_000:
        return "50k-100k"
    return "100k+"


def extract_budget(text: str) -> str | None:
    """The visitor's budget bucket from an amount they state as theirs (not a price they ask
    about, not a headcount): "about 20k USD", "KES 2.5M", "£20-25k", "up to 30k"."""
    from ementech.ai.parsers import find_money

    t = text.lower()
    if not BUDGET_CONTEXT.search(t) and not re.search(r"\d\s?(k|m|mn|million)\b", t):
        return None
    text = re.sub(r"\d[\d,.]*\s?k?\+?\s+(" + HEADCOUNT_WORDS + r")\b", " ", text, flags=re.I)
    # "80k, not 40k": an amount taken back is the old figure, not the budget
    text = re.sub(
        r"(\bnot|instead of|rather than|no longer)\s+(?:\$|usd|kes|ksh|£|€)?\s*\d[\d,.]*\s?"
        r"(?:k|m|mn|million|thousand)?\b",
        " ",
        text,
        flags=re.I,
    )
    for money in reversed(find_money(text)):
        if not money.explicit and not BUDGET_CONTEXT.search(t):
            continue
        rate = USD_PER.get(money.currency, 1.0)
        low = money.low * rate
        high = money.high * rate if money.high else None
        if low < 500 and (high or 0) < 500:
            continue
        if high is None and re.search(r"under|less than|below|up to|max(imum)?|at most|tops", t):
            return budget_bucket(low * 0.9)
        if high is None and re.search(r"over|more than|above|at least|north of", t):
            return budget_bucket(low * 1.1)
        return budget_bucket(low, high)
    return None


def _bucket_months(months: float) -> str:
    if months <= 1.05:
        return "immediate"
    if months <= 3.05:
        return "1-3mo"
    if months <= 6.05:
        return "3-6mo"
    if months <= 12.05:
        return "6-12mo"
    return "12mo+"


def extract_timeline(text: str, asked: bool = False) -> str | None:
    """A timeline choice from "in six weeks", "by Q1", "before the end of next quarter",
    "asap"; only when the text speaks of starting or going live (or we just asked)."""
    from ementech.ai.parsers import horizon_months

    t = text.lower()
    if re.search(r"asap|as soon as possible|immediately|right away|urgent|this month|"
                 r"within the month|already begun|right now", t):  # fmt: skip
        return "immediate"
    if re.search(r"no rush|no timeline|not sure when|someday|next year or later|long.?term", t):
        return "12mo+"
    t = re.sub(r"\bby the way\b", " ", t)
    if not TIME_UNIT.search(t) or (not asked and not TIMELINE_CONTEXT.search(t)):
        return None
    if (
        not asked
        and SCHEDULING_CONTEXT.search(t)
        and not re.search(r"\b(live|launch|start|begin|kick ?off|running|deploy|roll ?out)\b", t)
    ):
        return None
    t = re.sub(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|"
               r"thu|thur|thurs|fri)\b.*$", "", t)  # fmt: skip
    months = horizon_months(t)
    if months is None:
        return None
    if re.search(r"\b(tops|at the latest|at most|max|under|within|less than|b4|before)\b", t):
        months -= 0.01
    return _bucket_months(months)


TITLE_RE = re.compile(
    r"\b((?:co-?founder(?: and| &)? )?(?:ceo|cto|cio|coo|cfo|cmo)|chief [a-z]+ officer|"
    r"product owner|(?:co-?)?founder|owner|managing director|general manager|president|\bgm|\bmd|"
    r"(?:vp|vice president|director)(?: of| for)? [a-z&]+(?: [a-z&]+)?|"
    r"head (?:of|for) [a-z&]+(?: [a-z&]+)?|"
    r"(?:it|ict|marketing|sales|product|project|programme|program|operations|ops|category|"
    r"customer experience|customer service|customer support|support|finance|hr|procurement|"
    r"account|office|country|general|data|engineering)"
    r" (?:manager|lead|officer|director|head|specialist|analyst|agent|coordinator)|"
    r"customer care agent|support agent|(?:msc|phd|mba|university) student|student|researcher|"
    r"(?:software |data |ml )?(?:engineer|developer|scientist|analyst)|consultant)\b",
    re.I,
)
AUTHORITY_OF_TITLE = [
    (r"product owner", "influencer"),
    (r"ceo|cto|cio|coo|cfo|cmo|chief|founder|owner|managing director|general manager|\bgm\b|\bmd\b|"
     r"president|director|\bvp\b|vice president|head", "decision_maker"),
    (r"manager|lead|officer|coordinator", "influencer"),
    (r"agent|engineer|developer|scientist|analyst|specialist|student|researcher|consultant",
     "user"),
]  # fmt: skip
NOT_MINE = re.compile(r"\b(our|my boss|the|to|with|by|your|their|his|her)\s+$", re.I)
HEAD_UP = re.compile(r"\bi(?:'?m| am)? (?:head(?: up)?|run|lead|manage|in charge of) "
                     r"((?:the |our )?[a-z ]{2,30}?)\b"
                     r"(?= at | for |[,.;]|$)", re.I)  # fmt: skip


def extract_role(text: str) -> tuple[str, str] | None:
    """(role as the visitor wrote it, authority implied by the title) for their own role:
    "I'm Head of Customer Support at …", "CEO, Shamba Fresh", never "our COO who signs off"."""
    for m in TITLE_RE.finditer(text):
        before = text[: m.start()]
        if NOT_MINE.search(before) and not re.search(r"\b(i'?m|i am|as)\s+the\s+$", before, re.I):
            continue
        if re.search(r"\b(with|to|for)\s+(a|an)\s+$", before, re.I):
            continue
        role = m.group(1).strip()
        role = re.sub(r"\s+(at|of|for|in)$", "", role, flags=re.I)
        head = re.match(r"(head|director|vp|vice president)( of| for)? ", role, re.I)
        if head and re.search(r"\b(at|and|in|with)$", role, re.I):
            role = role.rsplit(" ", 1)[0]
        authority = next(
            (a for p, a in AUTHORITY_OF_TITLE if re.search(p, role, re.I)), "influencer"
        )
        return role, authority
    m = HEAD_UP.search(text)
    if m and not re.search(r"\b(chain|company|business|fleet|shop|store)\b", m.group(1), re.I):
        area = re.sub(r"^(the|our) ", "", m.group(1).strip(), flags=re.I)
        return f"Head of {area}", "decision_maker"
    return None


AUTHORITY_EXAMPLES = {
    "decision_maker": [
        "I decide on this myself",
        "the final decision is mine",
        "I approve the spending",
        "I hold the budget and sign the contract",
        "it's my call",
    ],
    "influencer": [
        "my manager makes the decision",
        "the board has to approve it",
        "I will recommend it to my boss",
        "someone above me signs off",
        "I need to get approval first",
    ],
    "user": [
        "I would just be using the tool",
        "I'm not involved in buying decisions",
        "I only use the system day to day",
    ],
}
# Words that say the sentence is about who decides (the classifier reads only those).
DECIDING = re.compile(
    r"decid|decision|sign|approv|cheque|check|final say|authori[sz]|budget holder|purchas|"
    r"buying|in charge|the call\b|boss|superior|management|board",
    re.I,
)
_authority_classifier = None


def extract_authority(text: str) -> str | None:
    """Who decides, from the vocabulary's phrases, else (for a sentence about deciding that
    the phrases miss: "I'm the one who signs the cheques") the nearest labelled example in
    embedding space."""
    global _authority_classifier
    for pattern, authority in AUTHORITY_PHRASES:
        if re.search(pattern, text, re.I):
            return authority
    parts = [p for p in re.split(r"(?<=[.!?;])\s+|,\s+", text) if DECIDING.search(p)]
    if not parts:
        return None
    from ementech.ai.intents import IntentClassifier

    if _authority_classifier is None:
        _authority_classifier = IntentClassifier(examples=AUTHORITY_EXAMPLES, min_score=0.5)
    for part in parts:
        found = _authority_classifier.classify(part)
        runner_up = sorted(found.scores.values())[-2]
        if found.name != "unknown" and found.score - runner_up >= 0.1:  # a clear nearest
            return found.name
    return None


def extract_pains(text: str) -> list[str]:
    t = text.lower()
    return [label for pattern, label in PAIN_PATTERNS if re.search(pattern, t)]


def extract_tools(text: str) -> list[str]:
    found = []
    for tool in KNOWN_TOOLS:
        if re.search(r"(?<![\w])" + re.escape(tool) + r"(?![\w])", text, re.I):
            found.append(tool)
    return found


def extract_team_size(text: str) -> int | None:
    from ementech.ai.parsers import words_to_digits

    m = re.search(
        r"(\d+)\s+(?:\w+\s+){0,2}?(agents?|reps|representatives)\b", words_to_digits(text), re.I
    )
    if not m:
        m = re.search(r"team of (\d+)", words_to_digits(text), re.I)
    if m:
        n = int(m.group(1))
        if 0 < n < 1_000_000:
            return n
    return None


def extract_company_size(text: str) -> str | None:
    """Headcount of the company ("85 staff", "about 220 staff", "12 persons"); the last one
    stated wins ("30 is just the office … closer to 260")."""
    from ementech.ai.parsers import words_to_digits

    t = words_to_digits(text)
    found = re.findall(
        r"(\d[\d,]*)\s*\+?\s*-?\s*(?:full.?time\s+)?(staff|employees|people|ppl|persons?|"
        r"workers|person company|strong|of us)\b",
        t,
        re.I,
    )
    if not found:
        m = re.search(r"closer to (\d[\d,]*)|we'?re (?:about |around )?(\d[\d,]*) now", t, re.I)
        if not m:
            return None
        found = [(m.group(1) or m.group(2), "")]
    n = int(found[-1][0].replace(",", ""))
    for limit, label in ((10, "1-10"), (50, "11-50"), (200, "51-200"), (500, "201-500")):
        if n <= limit:
            return label
    return "500+"


def extract_industry(text: str) -> str | None:
    t = text.lower()
    for label, pattern in INDUSTRIES.items():
        if re.search(pattern, t):
            return label
    return None


NOT_NAMES = {
    "looking", "interested", "the", "a", "an", "from", "at", "in", "with", "here", "just",
    "not", "currently", "working", "trying", "based", "responsible", "happy", "good", "fine",
    "convinced", "sorry", "thinking", "ready", "only", "really", "also", "still", "head",
    "owner", "founder", "ceo", "cto", "coo", "it", "ict", "marketing", "so", "afraid",
}  # fmt: skip
NAME_LEAD = re.compile(
    r"(?i:\bmy name is|(?<!company )(?<!business )(?:\bname'?s|\bname is|\bname:)|\bi'?m|\bi am|"
    r"\bthis is|\bcall me|"
    r"\bmimi ni|\bit'?s)\s+((?i:dr\.?|mr\.?|mrs\.?|ms\.?|prof\.?|eng\.?)?\s*[A-Z][\w'\-]+"
    r"(?:\s+[A-Z][\w'\-]+){0,2})",
)


def extract_name(text: str, asked: bool = False) -> str | None:
    """A person's name the visitor gives for themselves ("I'm Achieng Otieno", "name
    Okello James", "Mimi ni Wambui Njeri"), parsed with nameparser; titles dropped."""
    from ementech.ai.parsers import person_name

    for m in NAME_LEAD.finditer(text):
        words = m.group(1).split()
        while words and words[-1].lower() in {"and", "from", "at", "of", "the", "ceo", "coo"}:
            words.pop()
        if not words or words[0].lower().strip(".") in NOT_NAMES:
            continue
        if TITLE_RE.fullmatch(" ".join(words)) or extract_industry(" ".join(words)):
            continue
        name = person_name(" ".join(words))
        if name:
            return name
    m = re.search(r"\bname\s+([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,2})", text)
    if m:
        return person_name(m.group(1))
    if name := appositive_name(text):
        return name
    if asked:
        bare = EMAIL_RE.sub("", text).strip(" .!,")
        bare = re.sub(r"^(it'?s|i'?m|name:?|sure,?|ok,?)\s+", "", bare, flags=re.I)
        return person_name(bare)
    return None


APPOSITIVE = re.compile(
    r"^(?i:dr\.?|mr\.?|mrs\.?|ms\.?|prof\.?|eng\.?)?\s*[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){1,2}$"
)


def appositive_name(text: str) -> str | None:
    """A name set beside the visitor's own role, between commas: "I am the IT manager,
    Peter Kamau, ..." or "Amina Yusuf, head of sales at ...". Not a company (no legal
    suffix, cleanco), a place, a tool or an industry."""
    from ementech.ai.parsers import company_core, person_name

    parts = [p.strip() for p in re.split(r"[,;:()]|(?<=[.!?])\s+|\s+-\s+", text)]
    for i, part in enumerate(parts):
        if not APPOSITIVE.match(part):
            continue
        words = part.replace(".", " ").split()
        if (
            words[0] in NOT_COMPANY_FIRST
            or any(w in KNOWN_TOOLS or w in WEEKDAY_WORDS for w in words)
            or company_core(part) != part.strip()
            or extract_industry(part)
            or TITLE_RE.search(part)
        ):
            continue
        before = parts[i - 1] if i > 0 else ""
        after = parts[i + 1] if i + 1 < len(parts) else ""
        own_role = bool(
            (TITLE_RE.search(before) and re.search(r"\b(i'?m|i am|as|my|here)\b", before, re.I))
            or re.match(r"(?:the |a )?" + TITLE_RE.pattern, after, re.I)
        )
        if own_role:
            return person_name(part)
    return None


COMPANY_WORD = r"[A-Z][\w&'\-]*"
COMPANY_RE = re.compile(
    r"(?i:\bwork (?:at|for)|\bi'?m (?:\w+ )?(?:at|with|from)|\bwe are|\bwe'?re|\bcompany is|"
    r"\bcompany'?s|\bcalled|\bfrom|\bat|\bof|\bjoin(?:ed)?|\bfor|\bwa)\s*,?\s*(?:the\s+)?"
    r"(" + COMPANY_WORD + r"(?:\s+(?:" + COMPANY_WORD + r"|&|(?:of|and|for)(?=\s+[A-Z])))*)"
)
WEEKDAY_WORDS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
NOT_COMPANY_FIRST = {
    "I", "We", "The", "Our", "Thursday", "Friday", "Monday", "Tuesday", "Wednesday", "Saturday",
    "Sunday", "Nairobi", "Mombasa", "Kenya", "Lagos", "London", "Kigali", "Kampala", "Machakos",
    "Zanzibar", "Kericho", "Strathmore", "Athi", "Hi", "Hello", "Good", "OK", "Ok", "Morning",
    "Great", "Thanks", "Thank", "Habari", "Niaje", "Bonjour", "Helo", "Hallo", "Sure", "Yes",
    "Book", "Budget", "Email", "My", "Let", "Please", "Can", "Do", "Does", "What", "How",
    "SACCO", "NGO", "ICT", "IT", "MD", "GM", "CEO", "CTO", "COO", "CFO", "East", "UK",
    "Africa", "Swahili", "English", "Sheng", "WhatsApp", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
}  # fmt: skip


def extract_company(text: str, asked: bool = False) -> str | None:
    """The visitor's company as typed, legal suffix kept ("Polypak Kenya Ltd"): after "at",
    "of", "we're", "company is", or right after a job title ("CEO, Shamba Fresh Exporters")."""
    candidates: list[str] = []
    for m in COMPANY_RE.finditer(text):
        name = m.group(1).strip()
        words = name.split()
        while words and (words[-1] in WEEKDAY_WORDS or words[-1] == "&"):
            words.pop()
        if not words or words[0] in NOT_COMPANY_FIRST or words[0] in KNOWN_TOOLS:
            continue
        lone = len(words) == 1 and m.group(0).strip().lower() in ("at", "from", "of", "for", "")
        if lone and not re.search(r"\b(at|of)\s+" + re.escape(words[0]) + r"\b", text):
            continue
        name = " ".join(words)
        doubtful = name in KNOWN_TOOLS or TITLE_RE.fullmatch(name)
        if doubtful and not re.search(r"\b(at|of|we'?re|we are)\s+" + re.escape(name), text):
            continue
        cue = m.group(0)[: m.start(1) - m.start()].strip(" ,").lower()
        strong = bool(re.search(r"we'?re|we are|company|called|work|\bat\b|i'?m", cue))
        candidates.append((strong, name))
    m = re.search(
        r"\b(?:company|business|organi[sz]ation)(?: name)?(?: is|:)\s+"
        r"([\w&' \-]{2,60}?)(?=[,.;!]|$)",
        text,
        re.I,
    )
    if m and (asked or re.match(r"[A-Z0-9]", m.group(1))):  # not "the company is small"
        return m.group(1).strip()
    strong_ones = [c for st, c in candidates if st]
    if strong_ones:
        return max(strong_ones, key=lambda c: (len(c.split()) > 1, len(c)))
    role = TITLE_RE.search(text)
    if role:
        after = text[role.end() :]
        m = re.match(r"\s*(?:,|at|of|for|wa)\s*(?:the\s+)?(" + COMPANY_WORD + r"(?:\s+(?:"
                     + COMPANY_WORD + r"|(?:of|and)(?=\s+[A-Z])))*)", after)  # fmt: skip
        if m and m.group(1).split()[0] not in NOT_COMPANY_FIRST:
            return m.group(1)
        m = re.match(r"\s*(?:at|of|for)\s+([a-z][a-z]+(?:\s+[a-z]+){0,2})(?=\s*[,.;]|\s+(?:and|"
                     r"we|were|a|an)\b)", after)  # fmt: skip
        if m and not re.match(r"(a|an|the|our|my)\b", m.group(1)):
            return m.group(1)
    if candidates:
        return max((c for _, c in candidates), key=lambda c: (len(c.split()) > 1, len(c)))
    if asked:
        bare = EMAIL_RE.sub("", text).strip(" .!,")
        bare = re.sub(
            r"^(it'?s|we'?re|we are|i work (at|for)|company is|the company is|called|at)\s+",
            "", bare, flags=re.I,
        ).strip(" .!,")  # fmt: skip
        if 1 <= len(bare.split()) <= 5 and len(bare) <= 80:
            return bare
    return None


SLOT_WORDS = {
    "budget": r"budget|invest|spend|price|cost|usd|\$|k\b",
    "timeline": r"when|live|start|month|week|quarter",
}


def extract(
    text: str,
    *,
    asked: str | None = None,
    proposed_budget: str | None = None,
    region: str | None = None,
) -> dict:
    """Every slot the text states. ``asked`` is the slot we had just asked about, so a bare
    "that sounds about right" answers it; a value that does not answer a slot is left out."""
    from ementech.ai.parsers import find_emails, find_phone

    out: dict = {}
    emails = find_emails(text)
    if emails:
        out["email"] = emails[-1]
    if phone := find_phone(text, region):
        out["phone"] = phone
    body = EMAIL_RE.sub(" ", text)
    asking_price = PRICE_QUESTION.search(body) and (
        "?" in body or re.search(r"\b(what|how much|roughly|kindly advise)\b", body, re.I)
    )
    if not asking_price and (b := extract_budget(body)):
        out["budget"] = b
    elif asked == "budget" and proposed_budget:
        t = body.lower()
        if re.search(r"too (much|high|expensive)|less|lower|smaller|cheaper|tight", t):
            idx = max(0, BUDGET_CHOICES.index(proposed_budget) - 1)
            out["budget"] = BUDGET_CHOICES[idx]
        elif re.search(r"\b(more|higher|bigger|larger|above)\b", t):
            idx = min(3, BUDGET_CHOICES.index(proposed_budget) + 1)
            out["budget"] = BUDGET_CHOICES[idx]
        elif AFFIRM_RE.search(body) or re.search(r"\b(right|fine|works|ok|good|align)", t):
            out["budget"] = proposed_budget
    if tl := extract_timeline(body, asked=asked == "timeline"):
        out["timeline"] = tl
    role = extract_role(body)
    if role:
        out["role"], out["authority"] = role
    if auth := extract_authority(body):
        out["authority"] = auth
    pains = extract_pains(body)
    if pains:
        out["pain_points"] = pains
    tools = extract_tools(body)
    if tools:
        out["tech_stack"] = tools
    if (n := extract_team_size(body)) is not None:
        out["team_size"] = n
    if cs := extract_company_size(body):
        out["company_size"] = cs
    if ind := extract_industry(body):
        out["industry"] = ind
    name = extract_name(body, asked=asked == "name")
    if name and not (role and name.lower() in role[0].lower()):
        out["name"] = name
    company = extract_company(body, asked=asked == "company")
    if company and company != out.get("name") and not (role and company.lower() == role[0].lower()):
        out["company"] = company
    return out
