"""Progressive profiling (seed 3.1.5): field weights, completeness per stage, form fields.

Completeness is a weighted share of the profile: the *identified* fields (email, name)
weigh 0.30, the *qualified* fields 0.30 and the *opportunity* fields 0.40, so email alone
(0.25) identifies a lead, the qualified fields take it past 0.5 and budget plus timeline on
top of those past 0.8 — the thresholds of the seed's stage moves.
"""

from __future__ import annotations

from typing import Any

# stage -> {field: weight}; the weights sum to 1.0.
STAGE_FIELDS: dict[str, dict[str, float]] = {
    "identified": {"email": 0.25, "name": 0.05},
    "qualified": {
        "company": 0.06,
        "role": 0.06,
        "company_size": 0.06,
        "industry": 0.06,
        "pain_points": 0.06,
    },
    "opportunity": {
        "budget": 0.10,
        "timeline": 0.10,
        "decision_process": 0.08,
        "tech_stack": 0.06,
        "authority": 0.06,
    },
}

# Thresholds of overall completeness and the stage they move a lead to (in order).
STAGE_THRESHOLDS: tuple[tuple[float, str], ...] = (
    (0.25, "identified"),
    (0.5, "qualified"),
    (0.8, "opportunity"),
)

# The fields each value-exchange form can ask for, in the order they are shown.
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "newsletter": ("email", "name", "interests"),
    "resource_download": ("email", "name", "company", "role"),
    "event_registration": ("email", "name", "company", "role", "company_size"),
    "roi_calculator": ("email", "company", "company_size", "industry", "budget"),
    "assessment": ("email", "name", "company", "role", "industry", "tech_stack", "authority"),
    "contact": ("email", "name", "company", "phone", "pain_points"),
    "demo_request": (
        "email",
        "name",
        "company",
        "role",
        "company_size",
        "budget",
        "timeline",
        "decision_process",
    ),
}


def is_filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict | tuple | set):
        return len(value) > 0
    return True


def completeness(lead: Any) -> dict[str, float]:
    """Share of each stage's fields that are filled (0..1) and the weighted ``overall``."""
    result: dict[str, float] = {}
    overall = 0.0
    for stage, fields in STAGE_FIELDS.items():
        total = sum(fields.values())
        got = sum(w for f, w in fields.items() if is_filled(getattr(lead, f, None)))
        result[stage] = round(got / total, 4) if total else 0.0
        overall += got
    result["overall"] = round(overall, 4)
    return result


def stage_for_completeness(overall: float) -> str:
    """The furthest stage whose threshold ``overall`` reaches ('anonymous' below 0.25)."""
    stage = "anonymous"
    for threshold, name in STAGE_THRESHOLDS:
        if overall + 1e-9 >= threshold:
            stage = name
    return stage


# The industry vocabulary: (key, label, pattern) per industry, the keys following the content
# taxonomy (content.models.Industry) where it has one. Smart form fill (tools.extract) and
# profile inference (leads.inference) read industries with it.
INDUSTRIES: list[tuple[str, str, str]] = [
    ("insurance", "Insurance", r"insur(ance|er|tech)|underwrit"),
    ("fintech", "Financial services", r"fin-?tech|bank(ing)?\b|banks\b|lending|lender|"
     r"micro-?finance|sacco|payments?\b|wallet|neobank|financial services|credit union"),
    ("healthcare", "Healthcare", r"health(-| )?(care|tech)?\b|hospital|clinic|pharma|medical|"
     r"telemedicine|medtech"),
    ("logistics", "Logistics", r"logistic|freight|shipping|courier|supply chain|trucking|"
     r"warehous|last-mile"),
    ("retail", "Retail and e-commerce", r"e-?commerce|retail|online (shop|store)|marketplace|"
     r"\bshops?\b|consumer goods|fmcg"),
    ("manufacturing", "Manufacturing", r"manufactur|factor(y|ies)|industrial|assembly plant"),
    ("agriculture", "Agriculture", r"agri(-| )?(tech|business|culture)?|farm|agro"),
    ("education", "Education", r"ed-?tech|education|school|universit|e-?learning|academy"),
    ("telecom", "Telecommunications", r"telecom|telco|mobile operator|\bisp\b"),
    ("energy", "Energy", r"energy|solar|utilit(y|ies)|oil and gas|power company"),
    ("hospitality", "Hospitality and travel", r"hotel|hospitality|restaurant|travel|tourism"),
    ("real_estate", "Real estate", r"real estate|property|proptech"),
    ("public_sector", "Public sector and non-profit", r"government|ministry|public sector|"
     r"\bngo\b|non-?profit|county"),
    ("media", "Media", r"media|publishing|broadcast|newsroom"),
    ("software", "Software and SaaS", r"\bsaas\b|software|dev(elopment)? (shop|agency)|"
     r"tech (company|startup)"),
]  # fmt: skip
