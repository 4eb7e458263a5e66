"""The features (seed 4.4): their names, labels and groups, the interaction points, and
the tables that turn profile answers into values in 0..1.
"""

from __future__ import annotations

from typing import Any

# --- features ---------------------------------------------------------------------------------

BEHAVIOURAL = ("engagement", "visit_frequency", "content_depth", "time_on_site")
PROFILE = (
    "company_size",
    "industry",
    "role",
    "seniority",
    "budget",
    "timeline",
    "authority",
    "buying_stage",
    "pain_points",
    "tech_stack",
)
FEATURES: tuple[str, ...] = BEHAVIOURAL + PROFILE
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES)}
N_BEHAVIOURAL = len(BEHAVIOURAL)

FEATURE_LABELS = {
    "engagement": "Engagement",
    "visit_frequency": "Visit frequency",
    "content_depth": "Content depth",
    "time_on_site": "Time on site",
    "company_size": "Company size",
    "industry": "Industry",
    "role": "Role",
    "seniority": "Seniority",
    "budget": "Budget",
    "timeline": "Timeline",
    "authority": "Authority",
    "buying_stage": "Buying stage",
    "pain_points": "Pain points",
    "tech_stack": "Tech stack",
}
FEATURE_GROUPS = {
    "engagement": "behavioural",
    "visit_frequency": "behavioural",
    "content_depth": "behavioural",
    "time_on_site": "behavioural",
    "company_size": "demographic",
    "industry": "demographic",
    "role": "demographic",
    "seniority": "demographic",
    "budget": "firmographic",
    "timeline": "firmographic",
    "authority": "firmographic",
    "buying_stage": "intent",
    "pain_points": "intent",
    "tech_stack": "intent",
}

INTERACTION_TYPES = (
    "page_view",
    "page_exit",
    "click",
    "scroll",
    "form_start",
    "form_submit",
    "resource_download",
    "newsletter_signup",
    "event_register",
    "chat_message",
    "chat_tool_call",
    "email_open",
    "email_click",
    "roi_calculate",
    "assessment_complete",
    "event_attended",
)
# Engagement points per interaction (normalised at ENGAGEMENT_FULL points).
INTERACTION_POINTS = {
    "page_view": 1.0,
    "page_exit": 0.0,
    "click": 0.5,
    "scroll": 0.5,
    "form_start": 2.0,
    "form_submit": 10.0,
    "resource_download": 8.0,
    "newsletter_signup": 5.0,
    "event_register": 10.0,
    "chat_message": 3.0,
    "chat_tool_call": 3.0,
    "email_open": 1.0,
    "email_click": 3.0,
    "roi_calculate": 10.0,
    "assessment_complete": 10.0,
    "event_attended": 12.0,
}
ENGAGEMENT_FULL = 100.0
VISITS_FULL = 10.0
CONTENT_DEPTH_FULL = 50.0
TIME_ON_SITE_FULL = 1800.0
DEEP_CONTENT_TYPES = ("resource_download", "event_register", "roi_calculate", "assessment_complete")

COMPANY_SIZE = {"1-10": 0.2, "11-50": 0.5, "51-200": 0.8, "201-500": 1.0, "500+": 0.9}
BUDGET = {"<10k": 0.25, "10k-50k": 0.5, "50k-100k": 0.8, "100k+": 1.0}
TIMELINE = {"immediate": 1.0, "1-3mo": 0.8, "3-6mo": 0.5, "6-12mo": 0.3, "12mo+": 0.1}
AUTHORITY = {"decision_maker": 1.0, "influencer": 0.6, "user": 0.3}
BUYING_STAGE = {"decision": 1.0, "consideration": 0.6, "awareness": 0.2}
SENIORITY = {
    "c_level": 1.0,
    "c-level": 1.0,
    "executive": 1.0,
    "founder": 1.0,
    "owner": 1.0,
    "vp": 0.9,
    "director": 0.8,
    "head": 0.8,
    "manager": 0.6,
    "senior": 0.5,
    "lead": 0.5,
    "mid": 0.4,
    "junior": 0.2,
    "entry": 0.2,
    "intern": 0.1,
}
ROLE_KEYWORDS = (
    (1.0, ("ceo", "cto", "cio", "cfo", "coo", "chief", "founder", "owner", "president")),
    (0.85, ("vp", "vice president", "director", "head")),
    (0.65, ("manager", "lead", "principal", "architect")),
    (0.4, ("engineer", "developer", "analyst", "consultant", "specialist", "scientist")),
)


def _role_value(role: str) -> float:
    text = (role or "").strip().lower()
    if not text:
        return 0.0
    words = text.replace("/", " ").replace(",", " ").replace("-", " ").split()
    for value, keywords in ROLE_KEYWORDS:
        for kw in keywords:
            if (" " in kw and kw in text) or kw in words:
                return value
    return 0.3


def _seniority_value(seniority: str) -> float:
    text = (seniority or "").strip().lower()
    if not text:
        return 0.0
    return SENIORITY.get(text, SENIORITY.get(text.replace(" ", "_"), 0.3))


def _industry_value(industry: str, targets: frozenset[str]) -> float:
    text = (industry or "").strip().lower()
    if not text:
        return 0.0
    if text in targets or any(t in text for t in targets):
        return 1.0
    return 0.5


def _list_value(items: Any, full: float = 3.0) -> float:
    if isinstance(items, int):  # a length computed by the database
        return min(items / full, 1.0)
    if not isinstance(items, list):
        return 0.0
    return min(len([x for x in items if x]) / full, 1.0)
