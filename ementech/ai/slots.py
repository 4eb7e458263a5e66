"""Slot filling: BANT and contact details read from a visitor's own words.

``extract(text, asked=...)`` returns only what the text states (or, when we had just asked
about one slot, what it answers: "that sounds about right" to a proposed budget range).
Values use the Lead model's vocabulary (budget and timeline choices, authority levels).
``next_question`` picks the most useful missing slot and phrases one natural question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")

BUDGET_CHOICES = ("<10k", "10k-50k", "50k-100k", "100k+")
TIMELINE_CHOICES = ("immediate", "1-3mo", "3-6mo", "6-12mo", "12mo+")

AFFIRM_RE = re.compile(
    r"^\s*(yes|yeah|yep|yup|sure|ok|okay|correct|right|exactly|absolutely|definitely|"
    r"of course|that works|works for us|sounds (about )?right|sounds good|that sounds|"
    r"that'?s (about )?right|that would be (great|good|helpful)|please do|go ahead|"
    r"i think so|roughly|more or less|ballpark|in that range|that aligns|fair)\b",
    re.I,
)
DENY_RE = re.compile(r"^\s*(no|nope|nah|not really|not now|no thanks|maybe later)\b", re.I)

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "couple": 2,
    "few": 3, "several": 4,
}  # fmt: skip

KNOWN_TOOLS = [
    "Zendesk", "Freshdesk", "Intercom", "Salesforce", "HubSpot", "Slack", "Jira", "ServiceNow",
    "Zoho", "WhatsApp", "Excel", "Google Sheets", "Shopify", "SAP", "Odoo", "Microsoft Teams",
    "Dynamics", "Twilio", "Help Scout", "Gorgias", "Front", "Pipedrive", "Notion", "Airtable",
    "Power BI", "Tableau", "Snowflake", "BigQuery", "AWS", "Azure", "Google Cloud", "Mailchimp",
    "QuickBooks", "Xero", "Sage", "Trello", "Asana", "Monday", "Kustomer", "LiveChat", "Drift",
]  # fmt: skip

INDUSTRIES = {
    "financial services": r"fintech|bank|banking|lending|microfinance|sacco|payments?|insurance|"
    r"insurer|financial",
    "retail & e-commerce": r"e-?commerce|online (shop|store)|retail|shop(s|ping)?\b|marketplace",
    "healthcare": r"health ?care|hospital|clinic|pharma|medical|telemedicine",
    "logistics": r"logistics|shipping|freight|courier|delivery company|supply chain|transport",
    "telecommunications": r"telecom|telco|mobile operator|isp\b",
    "education": r"education|edtech|school|university|e-?learning",
    "software & saas": r"\bsaas\b|software company|software house|tech startup|startup",
    "manufacturing": r"manufactur|factory|factories",
    "hospitality": r"hotel|hospitality|restaurant|travel agency|tourism",
    "real estate": r"real estate|property management|properties",
    "agriculture": r"agri|farm",
    "energy": r"energy|solar|utility|utilities",
    "public sector": r"government|ministry|public sector|county|ngo|non-?profit",
}

PAIN_PATTERNS = [
    (r"response times?|slow (to )?respon|slow repl|slow answer|waiting times?|wait times?|"
     r"long queues?|takes? too long|take hours|takes hours|hours to (answer|reply|respond)",
     "slow response times"),
    (r"\bcosts?\b|expensive|too much money|overhead|budget pressure|fortune|overtime|pricey",
     "high costs"),
    (r"manual|repetitive|copy.?past|spreadsheets?", "manual, repetitive work"),
    (r"backlog|ticket volume|too many (tickets|requests|calls|emails)|volume",
     "high ticket volume"),
    (r"after.?hours|24/7|night|weekends?|out of hours", "no after-hours coverage"),
    (r"churn|losing customers|retention", "customer churn"),
    (r"errors?|mistakes?|inaccura", "errors and inaccuracy"),
    (r"scal(e|ing)|growth|keep up", "scaling with growth"),
    (r"leads? (qualification|go cold|fall through)|qualif(y|ying) leads|lost leads",
     "lead qualification"),
    (r"data silos?|disconnected systems|no single view|scattered data", "scattered data"),
    (r"satisfaction|csat|nps|unhappy customers|complaints?", "customer satisfaction"),
    (r"hiring|staff(ing)? shortage|turnover|burn.?out", "staffing pressure"),
    (r"reporting|visibility|insights?", "poor visibility and reporting"),
    (r"forecast", "forecasting accuracy"),
    (r"fraud", "fraud"),
]  # fmt: skip

ROLE_TITLES = [
    (r"\b(ceo|chief executive|founder|co-?founder|owner|managing director|md|president|"
     r"general manager|gm)\b", "decision_maker"),
    (r"\b(cto|cio|coo|cfo|cmo|cxo|chief \w+ officer|vp|vice president|director|head of [\w ]+?|"
     r"partner)\b", "decision_maker"),
    (r"\b(\w+ )?(manager|lead|team lead|supervisor|product owner|architect)\b", "influencer"),
    (r"\b(engineer|developer|analyst|agent|consultant|specialist|coordinator|associate|"
     r"intern|scientist|administrator|admin)\b", "user"),
]  # fmt: skip
AUTHORITY_PHRASES = [
    (
        r"i (make|sign off|own|approve|decide)|my (call|decision|budget)|final say|i'?m the "
        r"decision",
        "decision_maker",
    ),
    (
        r"convince my (boss|manager|team|ceo|board)|need (approval|sign.?off)|my boss|"
        r"(recommend|present) (it )?to|report to",
        "influencer",
    ),
]


@dataclass
class Extraction:
    values: dict
    confirmed_proposal: bool = False


def _num(token: str) -> float | None:
    token = token.lower().replace(",", "").strip()
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    try:
        return float(token)
    except ValueError:
        return None


def _money(amount: str, suffix: str) -> float:
    value = float(amount.replace(",", ""))
    suffix = (suffix or "").lower()
    if suffix in ("k", "thousand", "grand"):
        value *= 1_000
    elif suffix in ("m", "mn", "million"):
        value *= 1_000_000
    return value


def budget_bucket(low: float, high: float | None = None) -> str:
    mid = low if high is None else (low + high) / 2
    if high is not None and low < 50_000 < high and high <= 60_000:
        mid = low
    if mid < 10_000:
        return "<10k"
    if mid <= 50_000:
        return "10k-50k"
    if mid <= 100_000:
        return "50k-100k"
    return "100k+"


MONEY = r"\$?\s?(\d[\d,]*(?:\.\d+)?)\s?(k|m|mn|thousand|grand|million)?"


def extract_budget(text: str) -> str | None:
    t = text.lower()
    if not re.search(
        r"\$|usd|dollars?|budget|spend|invest|k\b|\d\s?(k|m|thousand|million|grand)\b|cost",
        t,
    ):
        return None
    rng = re.search(MONEY + r"\s?(?:-|–|to|and)\s?" + MONEY, t)
    if rng:
        hi = _money(rng.group(3), rng.group(4))
        lo_suffix = rng.group(2) or rng.group(4)
        lo = _money(rng.group(1), lo_suffix)
        if lo and hi and (rng.group(2) or rng.group(4) or "$" in rng.group(0) or hi >= 1000):
            return budget_bucket(lo, hi)
    for one in re.finditer(MONEY, t):
        if not (one.group(2) or "$" in one.group(0) or re.search(r"usd|dollar", t)):
            continue
        value = _money(one.group(1), one.group(2))
        if value >= 500:
            if re.search(r"under|less than|below|up to|max(imum)?|at most", t):
                return budget_bucket(value * 0.7)
            if re.search(r"over|more than|above|at least|north of", t):
                return budget_bucket(value * 1.2)
            return budget_bucket(value)
    return None


def extract_timeline(text: str) -> str | None:
    t = text.lower()
    if re.search(r"asap|as soon as possible|immediately|right away|urgent|this month|"
                 r"next (few|couple of|two|2) weeks|yesterday|right now", t):  # fmt: skip
        return "immediate"
    if re.search(r"no rush|no timeline|not sure when|just exploring|someday|"
                 r"(a|one) year or (more|two)|next year or later|long.?term", t):  # fmt: skip
        return "12mo+"
    if re.search(r"next quarter|end of (the )?quarter|this quarter|couple (of )?months|"
                 r"few months|next month|by (january|february|march|april|may|june|july|"
                 r"august|september|october|november|december)", t):  # fmt: skip
        return "1-3mo" if "next quarter" not in t else "3-6mo"
    if re.search(r"half a year|mid.?year|later this year|h2\b|second half", t):
        return "6-12mo" if "later this year" in t else "3-6mo"
    if re.search(r"next year|12 months|a year\b|within the year", t):
        return "6-12mo"
    m = re.search(r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                  r"couple|few)\s*(?:of\s+)?(weeks?|months?|years?)", t)  # fmt: skip
    if m and re.search(r"in|within|next|by|about|around|under|less", t):
        n = _num(m.group(1)) or 1
        unit = m.group(2)
        months = n / 4.3 if unit.startswith("week") else n * 12 if unit.startswith("year") else n
        if months <= 1:
            return "immediate"
        if months <= 3:
            return "1-3mo"
        if months <= 6:
            return "3-6mo"
        if months <= 12:
            return "6-12mo"
        return "12mo+"
    return None


def extract_role(text: str) -> tuple[str, str] | None:
    """(role as said, authority) from "I'm the CTO", "I run support", "as head of ops"."""
    t = text.strip()
    m = re.search(
        r"\b(?:i'?m|i am|i work as|working as|my role is|my title is|as|i'?m currently)\s+"
        r"(?:the |a |an |our |their )?([a-z][\w\- ]{1,40}?)(?=[,.;!?]| at | for | in | and |$)",
        t,
        re.I,
    )
    candidates = []
    if m:
        candidates.append(m.group(1).strip())
    m2 = re.search(
        r"\bi (run|lead|manage|head( up)?|own)\s+(the |our )?([\w ]{2,30}?)"
        r"(?=[,.;!?]| at | for | and |$)",
        t,
        re.I,
    )  # noqa: E501
    if m2:
        verb = m2.group(1).lower()
        area = m2.group(4).strip()
        title = {"run": "Head of", "lead": "Lead,", "manage": "Manager,", "own": "Owner,"}.get(
            verb.split()[0], "Head of"
        )
        candidates.append(f"{title} {area}")
    for cand in candidates:
        for pattern, authority in ROLE_TITLES:
            if re.search(pattern, cand, re.I):
                return _title(cand), authority
        if m2 and cand == candidates[-1]:
            return _title(cand), "decision_maker" if cand.startswith("Head") else "influencer"
    return None


def _title(role: str) -> str:
    small = {"of", "and", "the", "for", "at"}
    acronyms = {"ceo", "cto", "cio", "coo", "cfo", "cmo", "vp", "md", "gm", "it", "ai", "hr"}
    words = []
    for w in role.split():
        lw = w.lower()
        if lw in acronyms:
            words.append(lw.upper())
        elif lw in small and words:
            words.append(lw)
        else:
            words.append(w[:1].upper() + w[1:])
    return " ".join(words).rstrip(",")


def extract_authority(text: str) -> str | None:
    for pattern, authority in AUTHORITY_PHRASES:
        if re.search(pattern, text, re.I):
            return authority
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
    m = re.search(
        r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|"
        r"forty|fifty|hundred)\s+(?:\w+\s+){0,2}?(agents?|people|staff|employees|engineers|"
        r"developers|reps|representatives|members|folks|persons|colleagues|heads)",
        text,
        re.I,
    )
    if not m:
        m = re.search(r"team of (\d+|\w+)", text, re.I)
    if m:
        n = _num(m.group(1))
        if n and 0 < n < 1_000_000:
            return int(n)
    return None


def extract_company_size(text: str) -> str | None:
    m = re.search(
        r"(\d[\d,]*)\s*(?:\+\s*)?(employees|people|staff|person company|strong)", text, re.I
    )
    if not m or re.search(r"agents?|support|engineers|developers|reps", text, re.I):
        return None
    n = int(m.group(1).replace(",", ""))
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
}  # fmt: skip


def extract_name(text: str, asked: bool = False) -> str | None:
    m = re.search(
        r"\b(?:my name is|name'?s|i'?m|i am|this is|call me)\s+([A-Za-z][a-z'\-]+"
        r"(?:\s+[A-Z][a-z'\-]+)?)",
        text,
        re.I if asked else 0,
    )
    if m is None and not asked:
        m = re.search(r"\b(?:My name is|my name is|I'm|I am|This is|Call me)\s+([A-Z][a-z'\-]+"
                      r"(?:\s+[A-Z][a-z'\-]+)?)", text)  # fmt: skip
    if m:
        name = m.group(1).strip()
        first = name.split()[0].lower()
        if first not in NOT_NAMES and not re.search(
            "|".join(p for p, _ in ROLE_TITLES), name, re.I
        ):
            return " ".join(w[:1].upper() + w[1:] for w in name.split())
    if asked:
        bare = EMAIL_RE.sub("", text).strip(" .!,")
        bare = re.sub(r"^(it'?s|i'?m|name:?|sure,?|ok,?)\s+", "", bare, flags=re.I)
        words = bare.split()
        if 1 <= len(words) <= 3 and all(re.fullmatch(r"[A-Za-z'\-]+", w) for w in words):
            return " ".join(w[:1].upper() + w[1:] for w in words)
    return None


COMPANY_SUFFIX = r"(?:Ltd|Limited|Inc|LLC|PLC|Corp|Co|Group|GmbH|SA|Labs|Technologies|Systems)"


def extract_company(text: str, asked: bool = False) -> str | None:
    m = re.search(
        r"\b(?:work (?:at|for)|i'?m (?:\w+ )?(?:at|with|from)|we are|we'?re|company is|company'?s|"
        r"called|from|at|join(?:ed)?|for)\s+([A-Z][\w&'\-]*(?:\s+(?:[A-Z][\w&'\-]*|&))*"
        r"(?:\s+" + COMPANY_SUFFIX + r")?)",
        text,
    )
    if m:
        name = m.group(1).strip()
        if name.split()[0] not in {"I", "We", "The", "Our", "Zendesk", "Thursday", "Friday"} and (
            name not in KNOWN_TOOLS
        ):
            return name
    if asked:
        bare = EMAIL_RE.sub("", text).strip(" .!,")
        bare = re.sub(
            r"^(it'?s|we'?re|we are|i work (at|for)|company is|the company is|called|at)\s+",
            "",
            bare,
            flags=re.I,
        ).strip(" .!,")
        if 1 <= len(bare.split()) <= 5 and len(bare) <= 80:
            return bare[:1].upper() + bare[1:]
    return None


def extract(text: str, *, asked: str | None = None, proposed_budget: str | None = None) -> dict:
    """Every slot the text states. ``asked`` is the slot we had just asked about."""
    out: dict = {}
    email = EMAIL_RE.search(text)
    if email:
        out["email"] = email.group(0)
        text = EMAIL_RE.sub(" ", text)
    if b := extract_budget(text):
        out["budget"] = b
    elif asked == "budget" and proposed_budget:
        t = text.lower()
        if re.search(r"too (much|high|expensive)|less|lower|smaller|cheaper|tight", t):
            idx = max(0, BUDGET_CHOICES.index(proposed_budget) - 1)
            out["budget"] = BUDGET_CHOICES[idx]
        elif re.search(r"more|higher|bigger|larger|above", t):
            idx = min(3, BUDGET_CHOICES.index(proposed_budget) + 1)
            out["budget"] = BUDGET_CHOICES[idx]
        elif AFFIRM_RE.search(text) or re.search(r"\b(right|fine|works|ok|good|align)", t):
            out["budget"] = proposed_budget
    if tl := extract_timeline(text):
        out["timeline"] = tl
    role = extract_role(text)
    if role:
        out["role"], out["authority"] = role
    elif asked == "role":
        first = re.split(r"[,;.!?]| and | but ", text.strip(), maxsplit=1)[0]
        bare = re.sub(r"^(i'?m|i am|as|i work as)\s+(the |a |an )?", "", first.strip(), flags=re.I)
        if 1 <= len(bare.split()) <= 5:
            authority = next((a for p, a in ROLE_TITLES if re.search(p, bare, re.I)), "influencer")
            out["role"], out["authority"] = _title(bare), authority
    if "authority" not in out and (auth := extract_authority(text)):
        out["authority"] = auth
    pains = extract_pains(text)
    if not pains and asked == "pain_points" and len(text) < 200 and not AFFIRM_RE.search(text):
        parts = re.split(r",|;| and |&", re.sub(r"^(mainly|mostly|probably|i'?d say)\s+", "",
                                                 text.strip(" .!"), flags=re.I))  # fmt: skip
        pains = [p.strip().lower() for p in parts if 2 < len(p.strip()) < 60][:4]
    if pains:
        out["pain_points"] = pains
    tools = extract_tools(text)
    if tools:
        out["tech_stack"] = tools
    if (n := extract_team_size(text)) is not None:
        out["team_size"] = n
    if cs := extract_company_size(text):
        out["company_size"] = cs
    if ind := extract_industry(text):
        out["industry"] = ind
    name = extract_name(text, asked=asked == "name")
    if name and not (role and name.lower() in role[0].lower()):
        out["name"] = name
    company = extract_company(text, asked=asked == "company")
    if company and company != out.get("name"):
        out["company"] = company
    return out


# --- what to ask next --------------------------------------------------------------------

QUESTIONS: dict[str, list[str]] = {
    "tech_stack": [
        "What's your current setup like: which tools does the team use today?",
        "How do you handle this today, and with which tools?",
    ],
    "pain_points": [
        "And what's the main challenge you're hoping to solve?",
        "What's the biggest thing slowing the team down right now?",
    ],
    "budget": [
        "Typically, companies invest $15k-50k in a solution like this. Does that align with "
        "your expectations?",
        "Projects like this usually land between $15k and $50k. Is that roughly the range you "
        "had in mind?",
    ],
    "timeline": [
        "When are you looking to get something live?",
        "Is there a date you're working towards for this?",
    ],
    "role": [
        "So I can point you at the right material: what's your role on the team?",
        "Which part of the business do you look after?",
    ],
    "email": [
        "What's the best email to send the details to?",
        "Where should I send the details: what's your email?",
    ],
    "name": ["And what name should I put on it?", "Who should I say the meeting is with?"],
    "company": ["Which company are you with?", "And what's the company called?"],
}
PROPOSED_BUDGET = "10k-50k"
QUALIFY_ORDER = ["tech_stack", "pain_points", "budget", "timeline", "role"]
CONTACT_ORDER = ["email", "name", "company"]


def missing(profile: dict, order: list[str], asked: dict[str, int], max_asks: int = 2) -> list[str]:
    """Slots in ``order`` not yet known and not already asked ``max_asks`` times."""
    out = []
    for slot in order:
        if slot == "tech_stack" and (profile.get("tech_stack") or profile.get("team_size")):
            continue
        if profile.get(slot):
            continue
        if asked.get(slot, 0) >= max_asks:
            continue
        out.append(slot)
    return out


def question_for(slot: str, variant: int = 0) -> str:
    options = QUESTIONS[slot]
    return options[variant % len(options)]


def qualification_progress(profile: dict) -> float:
    keys = ["pain_points", "budget", "timeline", "authority", "email", "company"]
    return round(sum(1 for k in keys if profile.get(k)) / len(keys), 2)


def describe(values: dict) -> str:
    """A short acknowledgement of what was just understood ("Zendesk, a team of 5")."""
    bits = []
    if values.get("tech_stack"):
        bits.append(", ".join(values["tech_stack"]))
    if values.get("team_size"):
        bits.append(f"a team of {values['team_size']}")
    if values.get("pain_points"):
        bits.append(" and ".join(values["pain_points"][:2]))
    if values.get("timeline"):
        bits.append(
            {
                "immediate": "an immediate start",
                "1-3mo": "a launch in the next 1-3 months",
                "3-6mo": "a 3-6 month horizon",
                "6-12mo": "a 6-12 month horizon",
                "12mo+": "a longer horizon",
            }[values["timeline"]]
        )
    if values.get("role"):
        bits.append(values["role"])
    return "; ".join(bits)
