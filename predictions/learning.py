"""Learning on raw attributes: featurise, fit, evaluate on a temporal hold-out, explain.

A record is a plain dict of raw attributes (categories as strings, counts and recencies as
numbers). Categories are one-hot encoded by ``DictVectorizer``, so nothing is pre-mapped to
one number by the rules; a gradient-boosted tree ensemble (scikit-learn's
``HistGradientBoosting*``) finds non-monotonic category effects and interactions; the
classifier's probabilities are calibrated (sigmoid, cross-validated on the training period).

Evaluation is temporal: records are ordered by time, the oldest 75% train, the newest 25%
are held out. The model is compared with a baseline on the held-out period (a paired
bootstrap gives the interval of the difference) and is **activated only when the whole
interval is above zero and the model is above chance** — on history without signal it
refuses. Each prediction is explained per record as its top factors: how much the
prediction moves when one attribute is replaced by its typical training value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

HOLDOUT_SHARE = 0.25
BOOTSTRAP = 200


@dataclass
class Evaluation:
    """A model's held-out report; ``status`` is ``activated`` or ``refused``."""

    kind: str
    status: str
    message: str
    metric: str  # auc | nmae (mean absolute error / mean value)
    n_train: int
    n_test: int
    model: float
    model_interval: tuple[float, float]
    baseline: float
    gain: float
    gain_interval: tuple[float, float]
    best_possible: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def temporal_split(times: Sequence[Any], share: float = HOLDOUT_SHARE) -> tuple[np.ndarray, ...]:
    order = np.argsort(np.asarray(times), kind="stable")
    cut = int(round(len(order) * (1 - share)))
    return order[:cut], order[cut:]


class RawModel:
    """A fitted model over raw-attribute records, with per-record explanations."""

    def __init__(self, *, regression: bool = False, seed: int = 0) -> None:
        self.regression = regression
        self.seed = seed
        self.fields: list[str] = []
        self.typical: dict[str, Any] = {}

    # -- fitting -------------------------------------------------------------------------
    def fit(self, records: Sequence[dict[str, Any]], y: np.ndarray) -> RawModel:
        from sklearn.feature_extraction import DictVectorizer

        self.fields = sorted({k for r in records for k in r})
        self.vec = DictVectorizer(sparse=False)
        x = self.vec.fit_transform([_clean(r) for r in records])
        if self.regression:
            from sklearn.ensemble import HistGradientBoostingRegressor

            self.est = HistGradientBoostingRegressor(
                max_iter=200,
                learning_rate=0.06,
                max_leaf_nodes=15,
                min_samples_leaf=20,
                l2_regularization=1.0,
                random_state=self.seed,
            )
            self.est.fit(x, y)
        else:
            from sklearn.calibration import CalibratedClassifierCV
            from sklearn.ensemble import HistGradientBoostingClassifier

            base = HistGradientBoostingClassifier(
                max_iter=150,
                learning_rate=0.06,
                max_leaf_nodes=15,
                min_samples_leaf=20,
                l2_regularization=1.0,
                random_state=self.seed,
            )
            self.est = CalibratedClassifierCV(base, method="sigmoid", cv=3)
            self.est.fit(x, y)
        self.typical = {f: _typical([r.get(f) for r in records]) for f in self.fields}
        return self

    def predict(self, records: Sequence[dict[str, Any]]) -> np.ndarray:
        x = self.vec.transform([_clean(r) for r in records])
        if self.regression:
            return np.maximum(self.est.predict(x), 0.0)
        return self.est.predict_proba(x)[:, 1]

    # -- explanations --------------------------------------------------------------------
    def explain(
        self, records: Sequence[dict[str, Any]], *, top: int = 3
    ) -> list[list[dict[str, Any]]]:
        """Per record, the ``top`` attributes that move its prediction most (signed)."""
        base = self.predict(records)
        deltas = np.zeros((len(records), len(self.fields)))
        for j, f in enumerate(self.fields):
            swapped = [{**r, f: self.typical[f]} for r in records]
            deltas[:, j] = base - self.predict(swapped)
        out = []
        for i, r in enumerate(records):
            order = np.argsort(-np.abs(deltas[i]))[:top]
            out.append(
                [
                    {
                        "field": self.fields[j],
                        "value": r.get(self.fields[j]),
                        "effect": round(float(deltas[i, j]), 4),
                    }
                    for j in order
                    if abs(deltas[i, j]) > 1e-6
                ]
            )
        return out


def _clean(r: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in r.items():
        if v is None:
            continue
        if isinstance(v, (bool, int, float)):
            out[k] = float(v)
        elif isinstance(v, (list, tuple)):
            for item in v:
                out[f"{k}={item}"] = 1.0
        else:
            out[k] = str(v)
    return out


def _typical(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return float(np.median(present))
    if any(isinstance(v, (list, tuple)) for v in present):
        return []
    counts: dict[Any, int] = {}
    for v in present:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.get)


# --- metrics -------------------------------------------------------------------------------


def auc(y: np.ndarray, s: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    if len(set(y.tolist())) < 2:
        return 0.5
    return float(roc_auc_score(y, s))


def nmae(y: np.ndarray, pred: np.ndarray) -> float:
    """Mean absolute error as a share of the mean value (lower is better)."""
    mean = float(np.mean(y)) or 1.0
    return float(np.mean(np.abs(y - pred)) / mean)


def paired_bootstrap(
    metric: Callable[[np.ndarray, np.ndarray], float],
    y: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    *,
    n: int = BOOTSTRAP,
    seed: int = 0,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """95% intervals of metric(a) and of metric(a) - metric(b) over resamples."""
    rng = np.random.default_rng(seed)
    ma, diff = [], []
    idx_all = np.arange(len(y))
    for _ in range(n):
        idx = rng.choice(idx_all, size=len(y), replace=True)
        va = metric(y[idx], a[idx])
        ma.append(va)
        diff.append(va - metric(y[idx], b[idx]))
    q = lambda v: (float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975)))  # noqa: E731
    return q(ma), q(diff)


def evaluate_classifier(
    kind: str,
    records: Sequence[dict[str, Any]],
    y: np.ndarray,
    times: Sequence[Any],
    baseline_scores: np.ndarray,
    *,
    true_p: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[RawModel | None, Evaluation]:
    """Fit on the training period, compare with the baseline on the held-out period."""
    y = np.asarray(y, dtype=int)
    tr, te = temporal_split(times)
    model = RawModel(seed=seed).fit([records[i] for i in tr], y[tr])
    p = model.predict([records[i] for i in te])
    yt, bt = y[te], np.asarray(baseline_scores, dtype=float)[te]
    m, b = auc(yt, p), auc(yt, bt)
    m_int, g_int = paired_bootstrap(auc, yt, p, bt, seed=seed)
    best = auc(yt, np.asarray(true_p)[te]) if true_p is not None else None
    activated = g_int[0] > 0 and m_int[0] > 0.5
    from sklearn.metrics import brier_score_loss

    ev = Evaluation(
        kind=kind,
        status="activated" if activated else "refused",
        message=_message(kind, activated, "AUC", m, m_int, b, g_int),
        metric="auc",
        n_train=len(tr),
        n_test=len(te),
        model=round(m, 4),
        model_interval=(round(m_int[0], 4), round(m_int[1], 4)),
        baseline=round(b, 4),
        gain=round(m - b, 4),
        gain_interval=(round(g_int[0], 4), round(g_int[1], 4)),
        best_possible=round(best, 4) if best is not None else None,
        extra={
            "brier": round(float(brier_score_loss(yt, p)), 4),
            "mean_predicted": round(float(p.mean()), 4),
            "observed_rate": round(float(yt.mean()), 4),
        },
    )
    return (model if activated else None), ev


def evaluate_regressor(
    kind: str,
    records: Sequence[dict[str, Any]],
    y: np.ndarray,
    times: Sequence[Any],
    baseline_pred: np.ndarray,
    *,
    true_mean: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[RawModel | None, Evaluation]:
    """As :func:`evaluate_classifier`, on normalised mean absolute error (lower is better)."""
    y = np.asarray(y, dtype=float)
    tr, te = temporal_split(times)
    model = RawModel(regression=True, seed=seed).fit([records[i] for i in tr], y[tr])
    p = model.predict([records[i] for i in te])
    yt, bt = y[te], np.asarray(baseline_pred, dtype=float)[te]
    m, b = nmae(yt, p), nmae(yt, bt)
    m_int, g_int = paired_bootstrap(nmae, yt, p, bt, seed=seed)
    # For an error, the gain is baseline - model: positive is better.
    gain_int = (-g_int[1], -g_int[0])
    best = nmae(yt, np.asarray(true_mean)[te]) if true_mean is not None else None
    activated = gain_int[0] > 0
    ev = Evaluation(
        kind=kind,
        status="activated" if activated else "refused",
        message=_message(kind, activated, "error", m, m_int, b, gain_int),
        metric="nmae",
        n_train=len(tr),
        n_test=len(te),
        model=round(m, 4),
        model_interval=(round(m_int[0], 4), round(m_int[1], 4)),
        baseline=round(b, 4),
        gain=round(b - m, 4),
        gain_interval=(round(gain_int[0], 4), round(gain_int[1], 4)),
        best_possible=round(best, 4) if best is not None else None,
    )
    return (model if activated else None), ev


def _message(kind, activated, name, m, m_int, b, g_int) -> str:
    head = f"{kind}: held-out {name} {m:.3f} (95% {m_int[0]:.3f}-{m_int[1]:.3f}), baseline {b:.3f}"
    if activated:
        return f"{head}; better than the baseline by {g_int[0]:+.3f} to {g_int[1]:+.3f}; activated."
    return (
        f"{head}; not reliably better than the baseline (gain {g_int[0]:+.3f} to "
        f"{g_int[1]:+.3f}), so it is not activated."
    )


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
