"""Output shapes of the lead API (plain functions: lists render 100 rows per request)."""

from __future__ import annotations

from typing import Any

from leads.models import Lead

LIST_FIELDS = (
    "email",
    "name",
    "company",
    "role",
    "industry",
    "company_size",
    "stage",
    "outcome",
    "buying_stage",
    "source",
    "medium",
    "campaign",
    "score",
    "grade",
)
DETAIL_FIELDS = (
    *LIST_FIELDS,
    "phone",
    "website",
    "linkedin",
    "budget",
    "timeline",
    "decision_process",
    "authority",
    "seniority",
    "tech_stack",
    "competitors",
    "pain_points",
    "interests",
    "fit_score",
    "engagement_score",
    "score_factors",
    "profile_completeness",
    "visits",
    "page_views",
    "time_on_site_seconds",
    "avg_scroll_depth",
    "profile_extra",
    "ai_data",
    "preferences",
    "inferred_fields",
)


# The columns ``lead_summary`` reads (for ``QuerySet.only``).
SUMMARY_FIELDS: tuple[str, ...] = (*LIST_FIELDS, "last_visit_at", "updated_at")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def lead_summary(lead: Lead) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(lead.pk)}
    for field in LIST_FIELDS:
        data[field] = getattr(lead, field)
    data["assigned_to"] = (
        {"id": lead.assigned_to_id, "username": lead.assigned_to.get_username()}
        if lead.assigned_to_id
        else None
    )
    data["last_visit_at"] = _iso(lead.last_visit_at)
    data["created_at"] = _iso(lead.created_at)
    data["updated_at"] = _iso(lead.updated_at)
    return data


def lead_detail(lead: Lead) -> dict[str, Any]:
    data = lead_summary(lead)
    for field in DETAIL_FIELDS:
        data[field] = getattr(lead, field)
    for field in ("first_visit_at", "scored_at", "qualified_at"):
        data[field] = _iso(getattr(lead, field))
    return data
