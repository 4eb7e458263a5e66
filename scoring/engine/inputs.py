"""The engine's inputs: the lead columns read (``LeadRow`` tuples), aggregated activity,
the configuration, engagement decay and the feature values of one lead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from scoring.engine.features import (
    AUTHORITY,
    BUDGET,
    BUYING_STAGE,
    COMPANY_SIZE,
    CONTENT_DEPTH_FULL,
    DEEP_CONTENT_TYPES,
    ENGAGEMENT_FULL,
    FEATURES,
    INTERACTION_POINTS,
    TIME_ON_SITE_FULL,
    TIMELINE,
    VISITS_FULL,
    _industry_value,
    _list_value,
    _role_value,
    _seniority_value,
)

# --- inputs -----------------------------------------------------------------------------------

# Lead columns read for scoring, in this order (``LeadRow`` tuples).
LEAD_COLUMNS = (
    "id",
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
    "visits",
    "page_views",
    "time_on_site_seconds",
    "last_visit_at",
    "created_at",
    "score",
    "grade",
    "fit_score",
    "engagement_score",
    "scored_at",
    "source",
    "interests",
)
C = {name: i for i, name in enumerate(LEAD_COLUMNS)}


@dataclass(slots=True)
class Activity:
    """A lead's interactions, aggregated (one row of ``selectors.activity_for``)."""

    counts: dict[str, int] = field(default_factory=dict)
    sessions: int = 0
    pages: int = 0
    seconds: float = 0.0
    last_at: dt.datetime | None = None


EMPTY_ACTIVITY = Activity()


@dataclass(frozen=True, slots=True)
class Config:
    """The scoring settings, read once per run."""

    weights: tuple[float, ...]
    half_life_days: float
    thresholds: tuple[tuple[str, int], ...]
    targets: frozenset[str]

    @classmethod
    def from_settings(cls) -> Config:
        raw = dict(settings.SCORING_WEIGHTS or {})
        unknown = set(raw) - set(FEATURES)
        if unknown:
            raise ValueError(f"SCORING_WEIGHTS has unknown features: {sorted(unknown)}")
        weights = tuple(max(float(raw.get(name, 0.0)), 0.0) for name in FEATURES)
        if sum(weights) <= 0:
            raise ValueError("SCORING_WEIGHTS must give at least one feature a positive weight")
        th = settings.SCORING_GRADE_THRESHOLDS
        thresholds = tuple(sorted(((g, int(th[g])) for g in ("A", "B", "C")), key=lambda x: -x[1]))
        return cls(
            weights=weights,
            half_life_days=float(settings.SCORING_ENGAGEMENT_HALF_LIFE_DAYS),
            thresholds=thresholds,
            targets=frozenset(t.strip().lower() for t in settings.SCORING_TARGET_INDUSTRIES),
        )

    def grade(self, score: int) -> str:
        for grade, floor in self.thresholds:
            if score >= floor:
                return grade
        return "D"


def last_activity(row: Sequence[Any], activity: Activity) -> dt.datetime:
    candidates = [t for t in (activity.last_at, row[C["last_visit_at"]]) if t is not None]
    return max(candidates) if candidates else row[C["created_at"]]


def decay_factor(inactive_days: float, half_life_days: float) -> float:
    if half_life_days <= 0:
        return 1.0
    return 0.5 ** (max(inactive_days, 0.0) / half_life_days)


def feature_values(
    row: Sequence[Any], activity: Activity, config: Config, *, decay: float = 1.0
) -> list[float]:
    """The 14 normalised feature values of a lead, behavioural ones multiplied by ``decay``."""
    counts = activity.counts
    views = max(counts.get("page_view", 0), row[C["page_views"]] or 0)
    points = views * INTERACTION_POINTS["page_view"]
    for itype, n in counts.items():
        if itype != "page_view" and n:
            points += INTERACTION_POINTS.get(itype, 0.0) * n
    visits = max(row[C["visits"]] or 0, activity.sessions)
    pages = activity.pages or views
    deep = sum(counts.get(t, 0) for t in DEEP_CONTENT_TYPES)
    seconds = max(float(row[C["time_on_site_seconds"]] or 0), activity.seconds)
    return [
        min(points / ENGAGEMENT_FULL, 1.0) * decay,
        min(visits / VISITS_FULL, 1.0) * decay,
        min((pages + 5 * deep) / CONTENT_DEPTH_FULL, 1.0) * decay,
        min(seconds / TIME_ON_SITE_FULL, 1.0) * decay,
        COMPANY_SIZE.get(row[C["company_size"]] or "", 0.0),
        _industry_value(row[C["industry"]], config.targets),
        _role_value(row[C["role"]]),
        _seniority_value(row[C["seniority"]]),
        BUDGET.get(row[C["budget"]] or "", 0.0),
        TIMELINE.get(row[C["timeline"]] or "", 0.0),
        AUTHORITY.get(row[C["authority"]] or "", 0.0),
        BUYING_STAGE.get(row[C["buying_stage"]] or "", 0.0),
        _list_value(row[C["pain_points"]]),
        _list_value(row[C["tech_stack"]]),
    ]
