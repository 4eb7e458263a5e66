"""The scoring engine: features (seed 4.4), the weighted rules, learned-model scoring and
factors that add up to the score.

Pure computation, no writes: ``services`` reads rows, calls :func:`score_rows` and writes the
results set-based. Everything here works on plain tuples so that bulk rescoring stays fast.

Features, each normalised to 0..1 (the seed's ``extractFeatures``):

- behavioural (the **engagement** sub-score): ``engagement`` (points per interaction type),
  ``visit_frequency`` (visits / 10), ``content_depth`` (distinct pages + 5 per download,
  registration, ROI calculation or assessment, / 50), ``time_on_site`` (seconds / 1800).
  They decay by half every ``SCORING_ENGAGEMENT_HALF_LIFE_DAYS`` days without activity.
- profile (the **fit** sub-score): ``company_size``, ``industry`` (target industries score
  highest), ``role``, ``seniority``, ``budget``, ``timeline``, ``authority``,
  ``buying_stage``, ``pain_points``, ``tech_stack``.

Score = 100 * sum(weight * value) / sum(weights); the factors are each feature's share of
that sum (hundredths, rounded so that they add up exactly to the integer score).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings

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


# --- factors ----------------------------------------------------------------------------------


def apportion(raw: Sequence[float], target_hundredths: int) -> list[int]:
    """Integer hundredths proportional to ``raw`` that add up exactly to the target
    (largest-remainder rounding)."""
    total = sum(raw)
    if target_hundredths == 0 or total == 0:
        return [0] * len(raw)
    scaled = [r * target_hundredths / total for r in raw]
    floors = [math.floor(s) for s in scaled]
    missing = target_hundredths - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: scaled[i] - floors[i], reverse=True)
    for i in order[: max(missing, 0)]:
        floors[i] += 1
    return floors


_POINTS_TEMPLATE = "{" + ",".join(f'"{n}":%s' for n in FEATURES) + "}"
_VALUES_TEMPLATE = "{" + ",".join(f'"{n}":%s' for n in FEATURES) + "}"


@dataclass(slots=True)
class Scored:
    """One lead's result: what is written to the lead and its history. Contributions are
    kept in integer hundredths of a point (``points_h``) so that they add up exactly."""

    lead_id: Any
    score: int
    grade: str
    fit: int
    engagement: int
    points_h: list[int]
    values: list[float]
    decay: float
    inactive_days: float
    model_label: str
    baseline_h: int | None = None
    previous: tuple = ()
    first_time: bool = False

    @property
    def previous_score(self) -> int | None:
        return self.previous[0] if self.previous else None

    @property
    def previous_grade(self) -> str:
        return (self.previous[1] or "") if self.previous else ""

    @property
    def changed(self) -> bool:
        """Score or grade changed (or first score): a new history row."""
        return self.first_time or (self.score, self.grade) != tuple(self.previous[:2])

    @property
    def needs_write(self) -> bool:
        """Anything shown on the lead changed: its columns are rewritten."""
        return self.first_time or (self.score, self.grade, self.fit, self.engagement) != tuple(
            self.previous
        )

    @property
    def factors(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": self.model_label,
            "points": {name: self.points_h[i] / 100 for i, name in enumerate(FEATURES)},
            "values": {name: self.values[i] for i, name in enumerate(FEATURES)},
            "decay": self.decay,
            "inactive_days": self.inactive_days,
        }
        if self.baseline_h is not None:
            data["baseline"] = self.baseline_h / 100
        return data

    def factors_json(self) -> str:
        """The same as ``json.dumps(self.factors)``, built fast for bulk writes."""
        base = "" if self.baseline_h is None else f',"baseline":{self.baseline_h / 100}'
        return (
            f'{{"model":"{self.model_label}","points":'
            + _POINTS_TEMPLATE % tuple(p / 100 for p in self.points_h)
            + ',"values":'
            + _VALUES_TEMPLATE % tuple(self.values)
            + f',"decay":{self.decay},"inactive_days":{self.inactive_days}{base}}}'
        )


def apportion_rows(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Row-wise :func:`apportion` for non-negative points: integer hundredths per row that
    add up exactly to ``targets`` (largest remainder)."""
    totals = points.sum(axis=1)
    safe = np.where(totals > 0, totals, 1.0)
    scaled = points * (targets / safe)[:, None]
    floors = np.floor(scaled)
    missing = np.rint(targets - floors.sum(axis=1)).astype(np.int64)
    missing = np.where(totals > 0, missing, 0)
    order = np.argsort(-(scaled - floors), axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(points.shape[0])[:, None]
    ranks[rows, order] = np.arange(points.shape[1])[None, :]
    out = floors.astype(np.int64) + (ranks < missing[:, None])
    return np.where((totals > 0)[:, None], out, 0)


class RulesModel:
    """The seed's weighted model: score = 100 * sum(w * v) / sum(w)."""

    label = "rules"

    def __init__(self, config: Config) -> None:
        self.config = config
        total = sum(config.weights)
        self.scale = [100.0 * w / total for w in config.weights]
        self._scale = np.asarray(self.scale, dtype=float)

    def points(self, values: Sequence[float]) -> list[float]:
        return [v * s for v, s in zip(values, self.scale, strict=True)]

    def explain_batch(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, None]:
        """Scores (n,) and contributions in hundredths (n, 14) for a feature matrix."""
        points = matrix * self._scale
        scores = np.clip(np.rint(points.sum(axis=1)), 0, 100).astype(np.int64)
        return scores, apportion_rows(points, scores * 100.0), None


def score_rows(
    rows: Iterable[Sequence[Any]],
    activities: dict[Any, Activity],
    *,
    config: Config,
    model: Any,
    now: dt.datetime,
) -> list[Scored]:
    """Score lead rows (``LEAD_COLUMNS`` tuples) with ``model`` (rules or learned)."""
    rows = list(rows)
    if not rows:
        return []
    matrix: list[list[float]] = []
    decays: list[float] = []
    inactives: list[float] = []
    half_life = config.half_life_days
    for row in rows:
        activity = activities.get(row[0], EMPTY_ACTIVITY)
        inactive = max((now - last_activity(row, activity)).total_seconds() / 86400.0, 0.0)
        decay = decay_factor(inactive, half_life)
        decays.append(decay)
        inactives.append(inactive)
        matrix.append(feature_values(row, activity, config, decay=decay))
    values = np.asarray(matrix, dtype=float)
    scores, points_h, baseline_h = model.explain_batch(values)
    weights = np.asarray(config.weights, dtype=float)
    eng = _subscores(values[:, :N_BEHAVIOURAL], weights[:N_BEHAVIOURAL])
    fit = _subscores(values[:, N_BEHAVIOURAL:], weights[N_BEHAVIOURAL:])
    rounded = np.round(values, 3).tolist()
    points_list = points_h.tolist()
    scores_list = scores.tolist()
    grade = config.grade
    label = model.label
    i_score, i_grade, i_fit, i_eng, i_at = (
        C["score"],
        C["grade"],
        C["fit_score"],
        C["engagement_score"],
        C["scored_at"],
    )
    results = []
    for k, row in enumerate(rows):
        score = scores_list[k]
        results.append(
            Scored(
                lead_id=row[0],
                score=score,
                grade=grade(score),
                fit=fit[k],
                engagement=eng[k],
                points_h=points_list[k],
                values=rounded[k],
                decay=round(decays[k], 4),
                inactive_days=round(inactives[k], 2),
                model_label=label,
                baseline_h=None if baseline_h is None else int(baseline_h[k]),
                previous=(row[i_score], row[i_grade] or "", row[i_fit], row[i_eng]),
                first_time=row[i_at] is None,
            )
        )
    return results


def _subscores(values: np.ndarray, weights: np.ndarray) -> list[int]:
    total = weights.sum()
    if total <= 0:  # the group weighs nothing: its plain mean is still informative
        return np.rint(100 * values.mean(axis=1)).astype(int).tolist()
    return np.rint(100 * (values @ weights) / total).astype(int).tolist()


def explain(factors: dict, weights: Sequence[float] | None = None) -> list[dict[str, Any]]:
    """Factors as rows for the admin and the API, largest contribution first."""
    points = factors.get("points", {}) or {}
    values = factors.get("values", {}) or {}
    rows = []
    for i, name in enumerate(FEATURES):
        rows.append(
            {
                "feature": name,
                "label": FEATURE_LABELS[name],
                "group": FEATURE_GROUPS[name],
                "value": values.get(name),
                "weight": weights[i] if weights is not None else None,
                "points": points.get(name, 0.0),
            }
        )
    rows.sort(key=lambda r: (-abs(r["points"] or 0), r["feature"]))
    return rows
