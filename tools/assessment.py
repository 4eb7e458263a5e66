"""The AI maturity assessment (seed 3.1.4): 17 questions over five dimensions, the scoring,
the rule-based roadmap and next steps, and the radar chart as server-side SVG.

Scoring: every question has four answers worth 0, 1, 2 and 3 points.

    dimension score = round(100 x points / (3 x questions in the dimension))
    overall         = round(sum of weight x dimension score), weights below (sum 1.0)
    level           = Exploring (< 25), Experimenting (< 50), Scaling (< 75), Leading

The roadmap puts the two weakest dimensions (below 75) in "0-3 months", the other
dimensions below 75 in "3-6 months" and "scale what works" in "6-12 months". With an LLM
configured the wording is personalised; the scores are always these rules.
"""

# ruff: noqa: E501 - the question table reads best one question per two lines
from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from core.errors import ApplicationError


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    text: str
    options: tuple[str, str, str, str]


DIMENSIONS: dict[str, tuple[str, float]] = {
    "data": ("Data readiness", 0.25),
    "team": ("Team & skills", 0.20),
    "process": ("Process & use cases", 0.20),
    "infrastructure": ("Infrastructure", 0.20),
    "governance": ("Governance", 0.15),
}

QUESTIONS: tuple[Question, ...] = (
    Question("data_infrastructure", "data", "How would you describe your current data infrastructure?",
             ("No data strategy", "Basic analytics", "Data warehouse", "ML pipeline")),
    Question("data_quality", "data", "How much do people trust your core business data?",
             ("We don't", "Some reports are trusted", "Mostly trusted, with checks", "Monitored and owned")),
    Question("data_access", "data", "How easily can a team get the data it needs?",
             ("Ask IT and wait weeks", "Spreadsheets by email", "Self-service for some teams", "Governed self-service for all")),
    Question("data_history", "data", "How much history do you keep for your key processes?",
             ("Little or none", "A few months", "One to three years", "Years, well documented")),
    Question("team_capabilities", "team", "What AI/ML experience does your team have?",
             ("None", "Learning", "Some projects", "Production ML")),
    Question("team_sponsor", "team", "Who sponsors AI work in the company?",
             ("Nobody yet", "An enthusiastic individual", "A department head", "The executive team with a budget")),
    Question("team_literacy", "team", "How comfortable are non-technical staff with AI tools?",
             ("Not at all", "A few use them privately", "Many use approved tools", "Trained and measured")),
    Question("process_use_cases", "process", "Have you identified where AI would help most?",
             ("Not yet", "A long wish list", "A prioritised shortlist", "A funded roadmap")),
    Question("process_documentation", "process", "How well are your key processes documented?",
             ("They live in people's heads", "Partly written down", "Documented", "Documented and measured")),
    Question("process_metrics", "process", "Do you measure the processes AI would change?",
             ("No", "Anecdotally", "Some KPIs", "Baseline KPIs for each")),
    Question("process_experiments", "process", "How do you try new tools or automations?",
             ("We don't", "Ad hoc", "Pilots with a sponsor", "A repeatable pilot process")),
    Question("infra_cloud", "infrastructure", "Where do your systems run?",
             ("On local machines", "Some SaaS tools", "Mostly cloud", "Cloud with infrastructure as code")),
    Question("infra_integration", "infrastructure", "How do your systems exchange data?",
             ("Copy and paste", "Exports and imports", "Some APIs", "APIs and events throughout")),
    Question("infra_deployment", "infrastructure", "How do you ship software changes?",
             ("Rarely, by hand", "Monthly releases", "Weekly with some automation", "Continuous delivery")),
    Question("gov_privacy", "governance", "How do you handle personal data and consent?",
             ("Informally", "A privacy policy", "Documented processes", "Audited, with a DPO")),
    Question("gov_policy", "governance", "Do you have rules for using AI and its outputs?",
             ("None", "Informal guidance", "A written policy", "Policy, review board and audits")),
    Question("gov_risk", "governance", "How do you review the risks of automated decisions?",
             ("We don't", "Case by case", "A checklist", "Formal review with monitoring")),
)  # fmt: skip

QUESTION_BY_ID = {q.id: q for q in QUESTIONS}

LEVELS = ((25, "Exploring"), (50, "Experimenting"), (75, "Scaling"), (101, "Leading"))

# dimension -> (action when the score is below 40, action when it is 40-74)
ACTIONS: dict[str, tuple[str, str]] = {
    "data": (
        "Pick one process and centralise its data in a single, owned store",
        "Add data-quality checks and owners to the datasets your first use case needs",
    ),
    "team": (
        "Name an executive sponsor and run a half-day AI literacy workshop",
        "Pair your engineers with experienced ML practitioners on a first production project",
    ),
    "process": (
        "Map and measure the two processes that cost you most time today",
        "Turn your shortlist into a funded pilot with a baseline KPI and a success threshold",
    ),
    "infrastructure": (
        "Move the systems of your first use case behind APIs (or to SaaS with APIs)",
        "Automate deployment and monitoring so a model can ship weekly",
    ),
    "governance": (
        "Write a one-page AI use policy and a consent checklist for personal data",
        "Add a risk review and human-in-the-loop step for automated decisions",
    ),
}

NEXT_STEPS: dict[str, list[str]] = {
    "Exploring": [
        "Download the Production AI Checklist to see what 'ready' looks like",
        "Book a free 30-minute discovery call to find your first use case",
        "Subscribe to Tech Insights for weekly implementation notes",
    ],
    "Experimenting": [
        "Choose one pilot with a measurable KPI and a 90-day window",
        "Join our next live AI implementation workshop",
        "Book an architecture review of your pilot",
    ],
    "Scaling": [
        "Standardise how pilots become products (MLOps, monitoring, ownership)",
        "Book an architecture review for production scaling",
        "Join the CTO roundtable on scaling AI systems",
    ],
    "Leading": [
        "Benchmark your programme against peers in our case studies",
        "Explore advanced work: RAG at scale, fine-tuning, evaluation pipelines",
        "Talk to us about a co-development partnership",
    ],
}


class AnswerError(ApplicationError):
    """Assessment answers that cannot be scored; ``details`` is ``{question: [messages]}``."""

    def __init__(self, details: dict[str, list[str]]):
        super().__init__("Invalid input.", details)


def validate_answers(answers: object) -> dict[str, int]:
    if not isinstance(answers, dict):
        raise AnswerError({"answers": ["Must be an object of question id -> answer (0-3)."]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for key in answers:
        if key not in QUESTION_BY_ID:
            errors[str(key)[:50]] = ["Unknown question."]
    for q in QUESTIONS:
        value = answers.get(q.id)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
            errors[q.id] = ["Answer with 0, 1, 2 or 3."]
        else:
            clean[q.id] = value
    if errors:
        raise AnswerError(errors)
    return clean


def level_for(score: float) -> str:
    for limit, name in LEVELS:
        if score < limit:
            return name
    return LEVELS[-1][1]


def score(answers: dict[str, int]) -> dict:
    """Dimension scores, overall score and level for validated answers."""
    points: dict[str, int] = dict.fromkeys(DIMENSIONS, 0)
    counts: dict[str, int] = dict.fromkeys(DIMENSIONS, 0)
    for q in QUESTIONS:
        points[q.dimension] += answers[q.id]
        counts[q.dimension] += 1
    dimensions = {d: round(100 * points[d] / (3 * counts[d])) for d in DIMENSIONS}
    overall = round(sum(DIMENSIONS[d][1] * dimensions[d] for d in DIMENSIONS))
    return {"dimensions": dimensions, "overall": overall, "level": level_for(overall)}


def roadmap_rules(scores: dict) -> dict:
    dims = scores["dimensions"]
    weak = sorted((d for d in DIMENSIONS if dims[d] < 75), key=lambda d: (dims[d], d))
    phases = []
    first, later = weak[:2], weak[2:]
    if first:
        phases.append(
            {
                "phase": "0-3 months",
                "title": "Fix the foundations",
                "actions": [ACTIONS[d][0 if dims[d] < 40 else 1] for d in first],
            }
        )
    if later:
        phases.append(
            {
                "phase": "3-6 months",
                "title": "Close the remaining gaps",
                "actions": [ACTIONS[d][0 if dims[d] < 40 else 1] for d in later],
            }
        )
    phases.append(
        {
            "phase": "6-12 months",
            "title": "Scale what works",
            "actions": [
                "Move the successful pilot to production with monitoring and an owner",
                "Reuse its data and platform for the next two use cases",
            ],
        }
    )
    return {
        "roadmap": phases,
        "next_steps": list(NEXT_STEPS[scores["level"]]),
        "focus": [DIMENSIONS[d][0] for d in first],
    }


def radar_svg(dimensions: dict[str, int], *, size: int = 320) -> str:
    """A five-axis radar chart of the dimension scores, as a standalone SVG document."""
    keys = list(DIMENSIONS)
    cx = cy = size / 2
    radius = size / 2 - 60

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / len(keys)
        r = radius * max(0.0, min(100.0, value)) / 100
        return round(cx + r * math.cos(angle), 1), round(cy + r * math.sin(angle), 1)

    parts = [
        # A margin on each side for the axis labels (left and right ones are long).
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-100 -10 {size + 200} {size + 20}" '
        f'width="{size + 200}" height="{size + 20}" role="img" aria-labelledby="radar-title">',
        '<title id="radar-title">AI maturity by dimension: '
        + escape(", ".join(f"{DIMENSIONS[k][0]} {int(dimensions.get(k, 0))}" for k in keys))
        + "</title>",
    ]
    for ring in (25, 50, 75, 100):
        pts = " ".join(f"{x},{y}" for x, y in (point(i, ring) for i in range(len(keys))))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#d5dbe1" stroke-width="1"/>')
    for i, key in enumerate(keys):
        x, y = point(i, 100)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x}" y2="{y}" stroke="#d5dbe1"/>')
        lx, ly = point(i, 122)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx}" y="{ly}" font-family="Arial, sans-serif" font-size="12" '
            f'text-anchor="{anchor}" fill="#1d2733">{escape(DIMENSIONS[key][0])} '
            f"({int(dimensions.get(key, 0))})</text>"
        )
    pts = " ".join(
        f"{x},{y}" for x, y in (point(i, dimensions.get(k, 0)) for i, k in enumerate(keys))
    )
    parts.append(
        f'<polygon class="radar-score" points="{pts}" fill="rgba(11,92,173,0.25)" '
        'stroke="#0b5cad" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
