"""The learned scoring model: training, evaluation and per-lead explanations.

A logistic regression on the same 14 normalised features as the rules (standardised), so
that each lead's score still comes out as factors: the baseline (the model's score of an
average lead) plus one signed contribution per feature, adding up to the score.

Training uses leads with a known outcome (``outcome`` won/lost, or stage customer = won),
ordered by creation time: the oldest part trains, the latest part (the held-out period)
evaluates both the model and the rules. Features are taken as of the lead's last activity
(no inactivity decay), the state sales saw before the outcome.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import joblib
import numpy as np

from scoring.engine import FEATURES, RulesModel


def auc_standard_error(auc: float, n_pos: int, n_neg: int) -> float:
    """Hanley & McNeil (1982) standard error of an AUC."""
    if n_pos == 0 or n_neg == 0:
        return 1.0
    q1 = auc / (2 - auc)
    q2 = 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc * auc) + (n_neg - 1) * (q2 - auc * auc)) / (
        n_pos * n_neg
    )
    return math.sqrt(max(var, 0.0))


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
    """What ``train_scoring_model`` found; ``status`` is activated, not_activated or refused."""

    status: str
    message: str
    n_labelled: int = 0
    n_positive: int = 0
    n_train: int = 0
    n_test: int = 0
    split_at: str = ""
    auc_model: float | None = None
    auc_model_se: float | None = None
    auc_rules: float | None = None
    brier_model: float | None = None
    brier_rules: float | None = None
    reliability_model: list[dict] = field(default_factory=list)
    reliability_rules: list[dict] = field(default_factory=list)
    coefficients: dict[str, float] = field(default_factory=dict)
    version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fit_pipeline(X: np.ndarray, y: np.ndarray):  # noqa: N803 - sklearn's names
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    pipe.fit(X, y)
    return pipe


def evaluate(
    X_train: np.ndarray,  # noqa: N803
    y_train: np.ndarray,
    X_test: np.ndarray,  # noqa: N803
    y_test: np.ndarray,
    rules: RulesModel,
    *,
    min_gain: float,
) -> tuple[Any, TrainReport]:
    """Fit on the training period, compare with the rules on the held-out period."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    pipe = fit_pipeline(X_train, y_train)
    p_model = pipe.predict_proba(X_test)[:, 1]
    p_rules = np.array([sum(rules.points(row)) / 100.0 for row in X_test.tolist()])
    auc_model = float(roc_auc_score(y_test, p_model))
    auc_rules = float(roc_auc_score(y_test, p_rules))
    n_pos = int(y_test.sum())
    se = auc_standard_error(auc_model, n_pos, len(y_test) - n_pos)
    lr = pipe[-1]
    scaler = pipe[0]
    coefs = {
        name: round(float(c / s), 4)
        for name, c, s in zip(FEATURES, lr.coef_[0], scaler.scale_, strict=True)
    }
    beats = auc_model >= auc_rules + min_gain
    signal = auc_model - 1.96 * se > 0.5
    if beats and signal:
        status = "activated"
        message = (
            f"Model AUC {auc_model:.3f} beats the rules' {auc_rules:.3f} on the held-out "
            "period; activated."
        )
    elif not signal:
        status = "not_activated"
        message = (
            f"No signal: model AUC {auc_model:.3f} (±{1.96 * se:.3f}) is not above chance on "
            f"the held-out period (rules: {auc_rules:.3f}); keeping the current scoring."
        )
    else:
        status = "not_activated"
        message = (
            f"Model AUC {auc_model:.3f} does not beat the rules' {auc_rules:.3f} by "
            f"{min_gain:.3f} on the held-out period; keeping the current scoring."
        )
    report = TrainReport(
        status=status,
        message=message,
        n_train=len(y_train),
        n_test=len(y_test),
        auc_model=round(auc_model, 4),
        auc_model_se=round(se, 4),
        auc_rules=round(auc_rules, 4),
        brier_model=round(float(brier_score_loss(y_test, p_model)), 4),
        brier_rules=round(float(brier_score_loss(y_test, np.clip(p_rules, 0, 1))), 4),
        reliability_model=reliability_bins(y_test, p_model),
        reliability_rules=reliability_bins(y_test, np.clip(p_rules, 0, 1)),
        coefficients=coefs,
    )
    return pipe, report


def dump(pipe: Any) -> bytes:
    buf = io.BytesIO()
    joblib.dump(pipe, buf)
    return buf.getvalue()


def load(blob: bytes) -> Any:
    # Only artifacts this app trained and stored itself are ever loaded.
    return joblib.load(io.BytesIO(bytes(blob)))  # noqa: S301


class LearnedModel:
    """Scores with a stored pipeline; explains each score as baseline + signed factors."""

    def __init__(self, pipe: Any, version: int) -> None:
        self.pipe = pipe
        self.version = version
        self.label = f"learned:v{version}"
        scaler, lr = pipe[0], pipe[-1]
        self.mean = np.asarray(scaler.mean_, dtype=float)
        self.scale = np.asarray(scaler.scale_, dtype=float)
        self.coef = np.asarray(lr.coef_[0], dtype=float)
        self.intercept = float(lr.intercept_[0])
        self.baseline = 100.0 / (1.0 + math.exp(-self.intercept))

    def explain_batch(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scores, signed contributions (hundredths) and baselines (hundredths) that add up
        to each score: contributions are the logit terms scaled by the sigmoid's secant
        slope between the average lead and this lead."""
        contrib = ((matrix - self.mean) / self.scale) * self.coef
        logits = self.intercept + contrib.sum(axis=1)
        exact = 100.0 / (1.0 + np.exp(-logits))
        scores = np.clip(np.rint(exact), 0, 100).astype(np.int64)
        baseline_h = round(self.baseline * 100)
        total_logit = contrib.sum(axis=1)
        safe = np.where(np.abs(total_logit) > 1e-12, total_logit, 1.0)
        slope = np.where(np.abs(total_logit) > 1e-12, (exact - self.baseline) / safe, 0.0)
        raw = contrib * slope[:, None]
        points = np.zeros(raw.shape, dtype=np.int64)
        baselines = np.full(len(scores), baseline_h, dtype=np.int64)
        for k in range(len(scores)):
            ints = signed_points(raw[k].tolist(), int(scores[k]) * 100 - baseline_h)
            if ints is None:  # an exactly average lead: everything is baseline
                baselines[k] = int(scores[k]) * 100
            else:
                points[k] = ints
        return scores, points, baselines


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
