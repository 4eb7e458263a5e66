"""Choosing the exit-intent offer (seed 3.1.6) from the session's signals.

Signals: pages seen this session, seconds on site, scroll depth of the current page, the
referrer's host, and the known profile (stage, role, whether already subscribed). Rules
score the four offers and the highest wins (ties: the order of ``OFFERS``). With an LLM
configured it chooses and writes the message; an invalid answer falls back to the rules.

Rule points:
- consultation: +3 a services, case-study, pricing or contact page; +2 at least 3 minutes
  on site; +2 a qualified (or later) lead; +1 a senior role; -3 fewer than 2 pages and
  less than a minute (too early for a call).
- checklist: +3 a blog or resource page; +2 scrolled at least 60%; +1 from a search engine.
- webinar_waitlist: +4 an events page; +1 a technical role.
- newsletter: +1; +2 a first page or under a minute; -10 already subscribed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OFFERS: dict[str, dict[str, str]] = {
    "consultation": {
        "title": "Talk it through with an engineer",
        "description": "A free 30-minute AI consultation: bring your use case, leave with a plan.",
        "cta_label": "Book a free call",
        "cta_url": "/contact/",
    },
    "webinar_waitlist": {
        "title": "Join the next live workshop",
        "description": "Build your first AI feature live with our engineers. Get on the list.",
        "cta_label": "Join the waitlist",
        "cta_url": "/events/",
    },
    "checklist": {
        "title": "Before you go: the Production AI Checklist",
        "description": "50 checks before, during and after an AI deployment. Free.",
        "cta_label": "Get the checklist",
        "cta_url": "/resources/",
    },
    "newsletter": {
        "title": "Enjoyed this? Get weekly insights",
        "description": "Tech Insights: one practical email a week on putting AI to work.",
        "cta_label": "Send me Tech Insights",
        "cta_url": "/newsletter/",
    },
}

SEARCH_ENGINES = re.compile(r"(^|\.)(google|bing|duckduckgo|yahoo|ecosia|baidu)\.", re.I)
SENIOR = re.compile(
    r"\b(ceo|cto|cio|coo|cfo|cmo|founder|owner|vp|vice|head|director|chief)\b", re.I
)
TECHNICAL = re.compile(r"\b(cto|engineer|developer|architect|data|ml|it|technical|devops)\b", re.I)
STAGE_RANK = {"anonymous": 0, "identified": 1, "qualified": 2, "opportunity": 3, "customer": 4}


@dataclass
class Signals:
    pages: list[str] = field(default_factory=list)
    seconds: int = 0
    scroll: int = 0
    referrer_host: str = ""
    stage: str = ""
    role: str = ""
    industry: str = ""
    subscribed: bool = False
    device: str = ""

    def as_dict(self) -> dict:
        return {
            "pages": self.pages,
            "seconds": self.seconds,
            "scroll": self.scroll,
            "referrer_host": self.referrer_host,
            "stage": self.stage,
            "role": self.role,
            "industry": self.industry,
            "subscribed": self.subscribed,
            "device": self.device,
        }


def _any(pages: list[str], *prefixes: str) -> bool:
    return any(p.startswith(prefixes) for p in pages)


def score_offers(s: Signals) -> tuple[dict[str, int], dict[str, list[str]]]:
    points = dict.fromkeys(OFFERS, 0)
    why: dict[str, list[str]] = {k: [] for k in OFFERS}

    def add(offer: str, n: int, reason: str) -> None:
        points[offer] += n
        why[offer].append(reason)

    if _any(s.pages, "/services", "/case-studies", "/pricing", "/contact"):
        add("consultation", 3, "viewed services/case studies")
    if s.seconds >= 180:
        add("consultation", 2, "3+ minutes on site")
    if STAGE_RANK.get(s.stage, 0) >= STAGE_RANK["qualified"]:
        add("consultation", 2, "qualified lead")
    if s.role and SENIOR.search(s.role):
        add("consultation", 1, "senior role")
    if len(s.pages) < 2 and s.seconds < 60:
        add("consultation", -3, "early in the visit")
    if _any(s.pages, "/blog", "/resources", "/insights"):
        add("checklist", 3, "read articles/resources")
    if s.scroll >= 60:
        add("checklist", 2, "scrolled 60%+")
    if s.referrer_host and SEARCH_ENGINES.search(s.referrer_host):
        add("checklist", 1, "came from search")
    if _any(s.pages, "/events"):
        add("webinar_waitlist", 4, "viewed events")
    if s.role and TECHNICAL.search(s.role):
        add("webinar_waitlist", 1, "technical role")
    add("newsletter", 1, "lowest friction")
    if len(s.pages) <= 1 or s.seconds < 60:
        add("newsletter", 2, "first page or under a minute")
    if s.subscribed:
        add("newsletter", -10, "already subscribed")
    return points, why


def choose_rules(s: Signals) -> tuple[str, str]:
    points, why = score_offers(s)
    best = max(OFFERS, key=lambda k: (points[k], -list(OFFERS).index(k)))
    return best, "; ".join(why[best])[:300]
