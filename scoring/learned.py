"""The learned scoring model: training, evaluation and per-lead explanations.

It learns from the data, not from the rules' view of it: each lead is its raw attributes
(``scoring.engine.raw``: categories, counts, recency), and the learner is the project's
one shared learner (``predictions.facade``): calibrated gradient boosting, a temporal
hold-out, bootstrap intervals, activation only when reliably better than the baseline.
The baseline is the weighted rules, scored on the same held-out leads.

A lead's score is its calibrated probability of winning, in points (0-100); its factors are
the average lead's score (``baseline``) plus one signed contribution per attribute (from the
trees' paths), adding up exactly to the score. Each attribute is compared with the average
lead, not with the most common value, so "Industry: fintech" is named when fintech matters
even if most leads are fintech.

Training uses leads with a known outcome (``outcome`` won/lost, or stage customer = won),
ordered by creation time: the oldest part trains, the latest part (the held-out period)
evaluates both the model and the rules. Attributes are taken as of the lead's last change
(for a decided lead, when sales recorded the outcome), without the rules' inactivity decay.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import joblib
import numpy as np

from scoring.engine import EMPTY_ACTIVITY, Activity
from scoring.engine.raw import raw_record

ALGORITHM = "hist_gradient_boosting"


def reliability_bins(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> list[dict[str, Any]]:
    """Calibration table: per probability bin, the mean prediction and the observed rate."""
    bins = []
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, n_bins - 1)
    for b in range(n_bins):
        mask = idx == b
        n = int(mask.sum())
        if n == 0:
            continue
        bins.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "n": n,
                "mean_predicted": round(float(p[mask].mean()), 4),
                "observed_rate": round(float(y[mask].mean()), 4),
            }
        )
    return bins


@dataclass
class TrainReport:
    """What ``scoring_model_train`` found; ``status`` is activated, not_activated or refused."""

    status: str
    message: str
    algorithm: str = ALGORITHM
    n_labelled: int = 0
    n_positive: int = 0
    n_train: int = 0
    n_test: int = 0
    split_at: str = ""
    auc_model: float | None = None
    auc_model_interval: tuple[float, float] | None = None
    auc_rules: float | None = None
    auc_gain: float | None = None
    auc_gain_interval: tuple[float, float] | None = None
    min_gain: float | None = None
    brier_model: float | None = None
    brier_rules: float | None = None
    reliability_model: list[dict] = field(default_factory=list)
    reliability_rules: list[dict] = field(default_factory=list)
    # [attribute, mean absolute contribution on the held-out leads (points)], largest first
    # (a list: a JSON object's key order is not kept by PostgreSQL's jsonb).
    importance: list[list] = field(default_factory=list)
    version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate(
    records: Sequence[dict[str, Any]],
    y: np.ndarray,
    times: Sequence[Any],
    rules_scores: np.ndarray,
    *,
    holdout: float,
    min_gain: float,
    seed: int = 0,
) -> tuple[Any, TrainReport]:
    """Fit on the training period, compare with the rules on the held-out period."""
    from sklearn.metrics import brier_score_loss

    from predictions.facade import evaluate_classifier, held_out

    model, ev = evaluate_classifier(
        "Learned score (baseline: the rules)",
        records,
        y,
        times,
        rules_scores,
        seed=seed,
        holdout=holdout,
        min_gain=min_gain,
        keep_refused=True,
    )
    _, te = held_out(times, holdout)
    test = [records[i] for i in te]
    p_model, _, contrib = model.contributions(test)
    y_test = np.asarray(y)[te]
    p_rules = np.clip(np.asarray(rules_scores, dtype=float)[te] / 100.0, 0, 1)
    mean_abs = np.abs(contrib).mean(axis=0) * 100
    importance = [
        [model.fields[j], round(float(mean_abs[j]), 2)]
        for j in np.argsort(-mean_abs, kind="stable")
        if mean_abs[j] >= 0.005
    ]
    report = TrainReport(
        status="activated" if ev.status == "activated" else "not_activated",
        message=ev.message + ("" if ev.status == "activated" else " Keeping the current scoring."),
        n_train=ev.n_train,
        n_test=ev.n_test,
        auc_model=ev.model,
        auc_model_interval=ev.model_interval,
        auc_rules=ev.baseline,
        auc_gain=ev.gain,
        auc_gain_interval=ev.gain_interval,
        min_gain=min_gain,
        brier_model=round(float(brier_score_loss(y_test, p_model)), 4),
        brier_rules=round(float(brier_score_loss(y_test, p_rules)), 4),
        reliability_model=reliability_bins(y_test, p_model),
        reliability_rules=reliability_bins(y_test, p_rules),
        importance=importance,
    )
    return model, report


def dump(model: Any) -> bytes:
    buf = io.BytesIO()
    joblib.dump(model, buf)
    return buf.getvalue()


def load(blob: bytes) -> Any:
    # Only artifacts this app trained and stored itself are ever loaded.
    return joblib.load(io.BytesIO(bytes(blob)))  # noqa: S301


@dataclass(slots=True)
class Explained:
    """One lead scored by the learned model: score, probability, baseline and the signed
    contributions (hundredths of a point) of its attributes, adding up to the score."""

    score: int
    probability: float
    baseline_h: int
    points_h: dict[str, int]
    values: dict[str, Any]


class LearnedModel:
    """Scores with a stored model over raw attributes; explains each score as the average
    lead's score plus signed contributions per attribute."""

    raw = True

    def __init__(self, model: Any, version: int) -> None:
        self.model = model
        self.version = version
        self.label = f"learned:v{version}"

    def explain_rows(
        self,
        rows: Sequence[Sequence[Any]],
        activities: dict[Any, Activity],
        *,
        now: dt.datetime,
    ) -> list[Explained]:
        records = [
            raw_record(row, activities.get(row[0], EMPTY_ACTIVITY), as_of=now) for row in rows
        ]
        if not records:
            return []
        p, p_avg, contrib = self.model.contributions(records)
        baseline_h = round(p_avg * 10000)
        fields = self.model.fields
        out = []
        for k, record in enumerate(records):
            score = int(np.clip(np.rint(p[k] * 100), 0, 100))
            ints = signed_points((contrib[k] * 100).tolist(), score * 100 - baseline_h)
            base = baseline_h
            if ints is None:  # exactly the average lead: everything is baseline
                ints, base = [0] * len(fields), score * 100
            points = {f: v for f, v in zip(fields, ints, strict=True) if v}
            out.append(
                Explained(
                    score=score,
                    probability=round(float(p[k]), 4),
                    baseline_h=base,
                    points_h=points,
                    values={f: record.get(f) for f in points},
                )
            )
        return out


def signed_points(raw: list[float], target_hundredths: int) -> list[int] | None:
    """Signed contributions rounded to hundredths adding up to the target; ``None`` when
    every contribution is zero."""
    ints = [round(r * 100) for r in raw]
    if not any(ints) and not any(raw):
        return None
    resid = target_hundredths - sum(ints)
    step = 1 if resid > 0 else -1
    order = sorted(range(len(raw)), key=lambda i: -abs(raw[i]))
    k = 0
    while resid != 0:
        ints[order[k % len(order)]] += step
        resid -= step
        k += 1
    return ints
