"""The ROI calculator's formula (seed 3.1.4), with every assumption named and shown.

Inputs: ``team_size`` (people whose work the AI system touches), ``avg_salary`` (average
annual salary, USD), ``current_tools``, ``pain_points`` and ``goals`` (keys below).

    share      = min(MAX_SHARE, sum of the pain points' automatable shares)
                 (DEFAULT_SHARE when no pain point is chosen)
    overlap    = min(MAX_OVERLAP, TOOL_OVERLAP x number of current tools)
    cost/year  = team_size x avg_salary x EMPLOYER_OVERHEAD
    savings    = cost/year x share x ADOPTION x (1 - overlap)         (rounded to 100)
    hours      = team_size x HOURS_PER_YEAR x share x ADOPTION x (1 - overlap)
    investment = BASE_COST + PER_PAIN_COST x pain points + PER_SEAT_COST x team_size
    payback    = investment / (savings / 12) months;  first-year ROI = (savings - inv) / inv
    time to value (weeks) = 4 + 2 x (pain points - 1, at least 0)
                            + 2 if team_size > 50 + 1 per 3 current tools
    confidence = 0.45 + 0.10 each for: pain points given, goals given, tools given,
                 salary within 10,000-250,000; + 0.05 if team_size <= 500 (at most 0.90)

Seed example: 5 people at 80,000 with Salesforce and HubSpot, lead quality and follow-up
speed -> share 0.09, overlap 0.10, savings 28,350 -> 28,400 a year, 590 hours, investment
20,750, payback 8.8 months, time to value 6 weeks, confidence 0.90 (high).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

HOURS_PER_YEAR = 2080
EMPLOYER_OVERHEAD = 1.25
ADOPTION = 0.70
DEFAULT_SHARE = 0.03
MAX_SHARE = 0.30
TOOL_OVERLAP = 0.05
MAX_OVERLAP = 0.20
BASE_COST = 12_000
PER_PAIN_COST = 4_000
PER_SEAT_COST = 150

# key -> (label, share of the team's working time an AI system can take over)
PAIN_POINTS: dict[str, tuple[str, float]] = {
    "lead_quality": ("Time lost on leads that never buy", 0.05),
    "follow_up_speed": ("Slow follow-up on enquiries", 0.04),
    "manual_data_entry": ("Manual data entry and copy-paste", 0.08),
    "reporting": ("Building reports by hand", 0.05),
    "support_volume": ("High customer-support volume", 0.10),
    "document_processing": ("Reading and processing documents", 0.08),
    "content_production": ("Producing content and proposals", 0.06),
    "scheduling": ("Scheduling and coordination", 0.03),
}

GOALS: dict[str, str] = {
    "increase_conversions": "Increase conversions",
    "reduce_churn": "Reduce churn",
    "faster_response": "Respond faster",
    "cut_costs": "Cut operating costs",
    "scale_without_hiring": "Scale without hiring",
    "better_insights": "Better insights from data",
}


@dataclass(frozen=True)
class RoiInputs:
    team_size: int
    avg_salary: float
    current_tools: tuple[str, ...] = ()
    pain_points: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()


def _round100(value: float) -> int:
    return int(math.floor(value / 100 + 0.5) * 100)


def assumptions() -> list[dict]:
    return [
        {"name": "Working hours per person per year", "value": HOURS_PER_YEAR},
        {"name": "Employer overhead on salary", "value": EMPLOYER_OVERHEAD},
        {"name": "Share of automatable time actually recovered (adoption)", "value": ADOPTION},
        {"name": "Automatable share when no pain point is chosen", "value": DEFAULT_SHARE},
        {"name": "Maximum automatable share", "value": MAX_SHARE},
        {"name": "Time your current tools already save, per tool", "value": TOOL_OVERLAP},
        {"name": "Maximum already saved by current tools", "value": MAX_OVERLAP},
        {"name": "Base implementation cost (USD)", "value": BASE_COST},
        {"name": "Implementation cost per pain point (USD)", "value": PER_PAIN_COST},
        {"name": "Implementation cost per person (USD)", "value": PER_SEAT_COST},
        *[
            {"name": f"Automatable share: {label}", "value": share}
            for label, share in PAIN_POINTS.values()
        ],
    ]


def calculate(inputs: RoiInputs) -> dict:
    """The projection for ``inputs`` (validated by the caller)."""
    pains = [p for p in dict.fromkeys(inputs.pain_points) if p in PAIN_POINTS]
    share = min(MAX_SHARE, sum(PAIN_POINTS[p][1] for p in pains)) if pains else DEFAULT_SHARE
    overlap = min(MAX_OVERLAP, TOOL_OVERLAP * len(inputs.current_tools))
    yearly_cost = inputs.team_size * inputs.avg_salary * EMPLOYER_OVERHEAD
    effective = share * ADOPTION * (1 - overlap)
    savings = yearly_cost * effective
    hours = inputs.team_size * HOURS_PER_YEAR * effective
    investment = BASE_COST + PER_PAIN_COST * len(pains) + PER_SEAT_COST * inputs.team_size
    payback = investment / (savings / 12) if savings > 0 else None
    weeks = (
        4
        + 2 * max(0, len(pains) - 1)
        + (2 if inputs.team_size > 50 else 0)
        + len(inputs.current_tools) // 3
    )
    confidence = 0.45
    confidence += 0.10 if pains else 0
    confidence += 0.10 if inputs.goals else 0
    confidence += 0.10 if inputs.current_tools else 0
    confidence += 0.10 if 10_000 <= inputs.avg_salary <= 250_000 else 0
    confidence += 0.05 if inputs.team_size <= 500 else 0
    confidence = round(min(0.90, confidence), 2)
    label = "high" if confidence >= 0.75 else "medium" if confidence >= 0.55 else "low"
    total_pain_share = sum(PAIN_POINTS[p][1] for p in pains) or 1.0
    breakdown = [
        {
            "pain_point": p,
            "label": PAIN_POINTS[p][0],
            "share": PAIN_POINTS[p][1],
            "annual_savings": _round100(savings * PAIN_POINTS[p][1] / total_pain_share),
        }
        for p in pains
    ]
    return {
        "annual_savings": _round100(savings),
        "hours_saved_per_year": round(hours),
        "automatable_share": round(share, 4),
        "tool_overlap": round(overlap, 4),
        "investment": round(investment),
        "payback_months": round(payback, 1) if payback is not None else None,
        "first_year_roi_percent": round((savings - investment) / investment * 100, 1),
        "time_to_value_weeks": weeks,
        "confidence": confidence,
        "confidence_label": label,
        "breakdown": breakdown,
        "goals": [GOALS[g] for g in inputs.goals if g in GOALS],
    }
