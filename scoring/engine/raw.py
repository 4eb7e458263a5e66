"""The learned model's view of a lead: its raw attributes, not the rules' 0..1 values.

Categories stay strings (the learner one-hot encodes them), counts stay counts, and recency
is in days, so a learned model can find what the rules' tables hide: a category that helps
in the middle and hurts at both ends, a field the rules weigh at zero, two fields that only
matter together. ``raw_record`` builds one lead's record from the same ``LeadRow`` tuple and
activity aggregate the rules use; ``RAW_LABELS`` and ``RAW_GROUPS`` phrase its factors.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from scoring.engine.features import DEEP_CONTENT_TYPES, ROLE_KEYWORDS
from scoring.engine.inputs import Activity, C, last_activity

# Interaction counts kept as attributes (the ones a person does on purpose).
COUNTED = (
    "resource_download",
    "form_submit",
    "event_register",
    "event_attended",
    "roi_calculate",
    "assessment_complete",
    "chat_message",
    "newsletter_signup",
    "email_open",
    "email_click",
)
ROLE_LEVELS = ("executive", "director", "manager", "individual")

RAW_LABELS = {
    "company_size": "Company size",
    "industry": "Industry",
    "role_level": "Role",
    "seniority": "Seniority",
    "budget": "Budget",
    "timeline": "Timeline",
    "authority": "Authority",
    "buying_stage": "Buying stage",
    "source": "Source",
    "interests": "Interests",
    "visits": "Visits",
    "page_views": "Page views",
    "pages": "Distinct pages",
    "minutes_on_site": "Minutes on site",
    "deep_content": "Downloads, registrations and tools",
    "pain_points": "Pain points stated",
    "tech_stack": "Tech stack items",
    "days_since_activity": "Days since last activity",
    "days_engaged": "Days between first and last activity",
    **{f"n_{t}": t.replace("_", " ").capitalize() + "s" for t in COUNTED},
}
RAW_GROUPS = {
    "company_size": "demographic",
    "industry": "demographic",
    "role_level": "demographic",
    "seniority": "demographic",
    "budget": "firmographic",
    "timeline": "firmographic",
    "authority": "firmographic",
    "buying_stage": "intent",
    "source": "acquisition",
    "interests": "intent",
    "pain_points": "intent",
    "tech_stack": "intent",
    "days_since_activity": "recency",
    "days_engaged": "recency",
}


def role_level(role: str) -> str:
    """A job title as a level (a category, not a value): executive, director, manager,
    individual, other, or "" when unknown."""
    text = (role or "").strip().lower()
    if not text:
        return ""
    words = text.replace("/", " ").replace(",", " ").replace("-", " ").split()
    for level, (_, keywords) in zip(ROLE_LEVELS, ROLE_KEYWORDS, strict=True):
        for kw in keywords:
            if (" " in kw and kw in text) or kw in words:
                return level
    return "other"


def _count(value: Any) -> int:
    if isinstance(value, int):  # a length computed by the database
        return value
    if isinstance(value, list):
        return len([x for x in value if x])
    return 0


def raw_record(row: Sequence[Any], activity: Activity, *, as_of: dt.datetime) -> dict[str, Any]:
    """One lead's raw attributes as of ``as_of`` (now when scoring; when the outcome was
    recorded when training)."""
    counts = activity.counts
    views = max(counts.get("page_view", 0), row[C["page_views"]] or 0)
    last = last_activity(row, activity)
    first = row[C["created_at"]]
    interests = row[C["interests"]]
    if isinstance(interests, str):  # jsonb as text (the bulk path's plain cursor)
        interests = json.loads(interests or "[]")
    record: dict[str, Any] = {
        "company_size": row[C["company_size"]] or "",
        "industry": (row[C["industry"]] or "").strip().lower(),
        "role_level": role_level(row[C["role"]]),
        "seniority": (row[C["seniority"]] or "").strip().lower().replace(" ", "_"),
        "budget": row[C["budget"]] or "",
        "timeline": row[C["timeline"]] or "",
        "authority": row[C["authority"]] or "",
        "buying_stage": row[C["buying_stage"]] or "",
        "source": (row[C["source"]] or "").strip().lower(),
        "interests": sorted({str(i).strip().lower() for i in interests or [] if i})
        if isinstance(interests, list)
        else [],
        "visits": max(row[C["visits"]] or 0, activity.sessions),
        "page_views": views,
        "pages": activity.pages or views,
        "minutes_on_site": round(
            max(float(row[C["time_on_site_seconds"]] or 0), activity.seconds) / 60.0, 1
        ),
        "deep_content": sum(counts.get(t, 0) for t in DEEP_CONTENT_TYPES),
        "pain_points": _count(row[C["pain_points"]]),
        "tech_stack": _count(row[C["tech_stack"]]),
        "days_since_activity": round(max((as_of - last).total_seconds(), 0.0) / 86400.0, 1),
        "days_engaged": round(max((last - first).total_seconds(), 0.0) / 86400.0, 1)
        if first
        else 0.0,
    }
    for t in COUNTED:
        record[f"n_{t}"] = counts.get(t, 0)
    return record


def raw_label(field: str) -> str:
    return RAW_LABELS.get(field) or field.replace("_", " ").capitalize()
