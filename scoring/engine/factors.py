"""From feature values to scores: the rules model, learned-model scoring, factors that add
up to the score exactly, sub-scores and the explanation shown to sales.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scoring.engine.features import FEATURE_GROUPS, FEATURE_LABELS, FEATURES, N_BEHAVIOURAL
from scoring.engine.inputs import (
    EMPTY_ACTIVITY,
    Activity,
    C,
    Config,
    decay_factor,
    feature_values,
    last_activity,
)
from scoring.engine.raw import RAW_GROUPS, raw_label

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
    # A learned model's explanation (``scoring.learned.Explained``): its points are per raw
    # attribute, not per rules feature, and it carries the conversion probability.
    learned: Any = None

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
        if self.learned is not None:
            ex = self.learned
            return {
                "model": self.model_label,
                "points": {name: h / 100 for name, h in ex.points_h.items()},
                "values": ex.values,
                "probability": ex.probability,
                "decay": self.decay,
                "inactive_days": self.inactive_days,
                "baseline": ex.baseline_h / 100,
            }
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
        if self.learned is not None:
            return json.dumps(self.factors)
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
    learned: list[Any] = [None] * len(rows)
    if getattr(model, "raw", False):  # a learned model reads the raw attributes
        learned = model.explain_rows(rows, activities, now=now)
        scores = np.asarray([e.score for e in learned], dtype=np.int64)
        points_h = np.zeros(values.shape, dtype=np.int64)
        baseline_h = np.asarray([e.baseline_h for e in learned], dtype=np.int64)
    else:
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
                learned=learned[k],
            )
        )
    return results


def _subscores(values: np.ndarray, weights: np.ndarray) -> list[int]:
    total = weights.sum()
    if total <= 0:  # the group weighs nothing: its plain mean is still informative
        return np.rint(100 * values.mean(axis=1)).astype(int).tolist()
    return np.rint(100 * (values @ weights) / total).astype(int).tolist()


def explain(factors: dict, weights: Sequence[float] | None = None) -> list[dict[str, Any]]:
    """Factors as rows for the admin and the API, largest contribution first. The rules'
    factors are its 14 features (value 0..1, weight); a learned model's are the lead's raw
    attributes (value as recorded: a category, a count, days), without weights."""
    points = factors.get("points", {}) or {}
    values = factors.get("values", {}) or {}
    rows = []
    if str(factors.get("model", "rules")).startswith("learned"):
        for name, pts in points.items():
            rows.append(
                {
                    "feature": name,
                    "label": raw_label(name),
                    "group": RAW_GROUPS.get(name, "behavioural"),
                    "value": values.get(name),
                    "weight": None,
                    "points": pts,
                }
            )
    else:
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


def factor_text(row: dict[str, Any]) -> str:
    """One factor as sales read it: "Budget: +12.0", "Industry fintech: +8.5"."""
    value = row.get("value")
    shown = ""
    if row.get("weight") is None and value not in (None, "", []):
        shown = " " + (", ".join(map(str, value)) if isinstance(value, list) else str(value))
    return f"{row['label']}{shown}: {row['points']:+.1f}"
