"""The shared learner on raw attributes: featurise, fit, evaluate on a temporal hold-out,
explain. One owner for the concern: the predictions here and the scoring app's learned
score (through ``predictions.facade``) both use it.

A record is a plain dict of raw attributes (categories as strings, counts and recencies as
numbers). Categories are one-hot encoded by ``DictVectorizer``, so nothing is pre-mapped to
one number by the rules; a gradient-boosted tree ensemble (scikit-learn's
``HistGradientBoosting*``) finds non-monotonic category effects and interactions; the
classifier's probabilities are calibrated (sigmoid, cross-validated on the training period:
three boosters, each with its calibration curve, their probabilities averaged).

Evaluation is temporal: records are ordered by time, the oldest part trains, the newest
(25% by default) is held out. The model is compared with a baseline on the held-out period
(a paired bootstrap gives the interval of the difference) and is **activated only when the
whole interval is above zero (and above ``min_gain`` when one is asked) and the model is
above chance**: on history without signal it refuses.

Each prediction is explained per record by the tree paths (Saabas): walking each tree from
its root to the record's leaf, every split moves the expected value from the parent node's
to the child's, and that move is credited to the split's attribute (one-hot columns are
summed back into their attribute). The contributions add up exactly to the booster's raw
prediction minus its average over the training data, so a value is compared with the
*average* record, not with the most common value: the most common category is named when
it matters. For a classifier they are then put on the probability scale (each multiplied by
the calibrated curve's slope between the average record and this one), so that the average
record's probability plus the contributions is the record's probability (averaged over the
calibrated boosters, as the probabilities are).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

HOLDOUT_SHARE = 0.25
BOOTSTRAP = 200
# Boosting runs on one OpenMP thread: on a machine shared by web, workers and beat, its
# thread pool spinning on busy cores made fitting several times slower, not faster.
THREADS = 1


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

    # -- fitting -------------------------------------------------------------------------
    def fit(self, records: Sequence[dict[str, Any]], y: np.ndarray) -> RawModel:
        # Load the boosting module (and its OpenMP runtime) first: a limit set before the
        # runtime is loaded does not apply to it.
        import sklearn.calibration  # noqa: F401
        import sklearn.ensemble  # noqa: F401
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=THREADS, user_api="openmp"):
            return self._fit(records, y)

    def _fit(self, records: Sequence[dict[str, Any]], y: np.ndarray) -> RawModel:
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
            self.est = CalibratedClassifierCV(base, method="sigmoid", cv=3, ensemble=True)
            self.est.fit(x, y)
        return self

    def predict(self, records: Sequence[dict[str, Any]]) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        x = self.vec.transform([_clean(r) for r in records])
        with threadpool_limits(limits=THREADS, user_api="openmp"):
            if self.regression:
                return np.maximum(self.est.predict(x), 0.0)
            return self.est.predict_proba(x)[:, 1]

    # -- explanations --------------------------------------------------------------------
    def _paths(self) -> list[tuple[_TreePaths, Any]]:
        """Each booster's trees with its calibrator (``None`` for a regressor)."""
        paths = getattr(self, "_tree_paths", None)
        if paths is None:
            if self.regression:
                paths = [(_TreePaths(self.est), None)]
            else:
                paths = [
                    (_TreePaths(c.estimator), c.calibrators[0])
                    for c in self.est.calibrated_classifiers_
                ]
            self._tree_paths = paths
        return paths

    def _field_of_column(self) -> np.ndarray:
        """For each vectorised column, the index of the attribute it came from."""
        index = {f: j for j, f in enumerate(self.fields)}
        out = []
        for name in self.vec.get_feature_names_out():
            out.append(index.get(name, index.get(name.split("=", 1)[0], 0)))
        return np.asarray(out, dtype=np.int64)

    def contributions(
        self, records: Sequence[dict[str, Any]]
    ) -> tuple[np.ndarray, float, np.ndarray]:
        """Predictions (n,), the average record's prediction, and per attribute (n, fields)
        the signed contributions that add up to prediction - average (classifier:
        probabilities; regressor: raw predictions before the clip at zero)."""
        x = self.vec.transform([_clean(r) for r in records])
        columns = self._field_of_column()
        n = len(records)
        pred, avg, by_field = np.zeros(n), 0.0, np.zeros((n, len(self.fields)))
        # The calibrated classifier averages the probabilities of its boosters (one per
        # cross-validation fold); so do the contributions, each booster's on its own curve.
        from threadpoolctl import threadpool_limits

        boosters = self._paths()
        for paths, calibrator in boosters:
            with threadpool_limits(limits=THREADS):  # small products: threads only wait
                expected, by_column = paths.decompose(x)
            fields = np.zeros((n, len(self.fields)))
            np.add.at(fields.T, columns, by_column.T)
            raw = expected + by_column.sum(axis=1)
            if calibrator is None:
                pred += raw
                avg += expected
                by_field += fields
                continue
            p = calibrator.predict(raw)
            p_avg = float(calibrator.predict(np.array([expected]))[0])
            moved = raw - expected
            safe = np.where(np.abs(moved) > 1e-12, moved, 1.0)
            slope = np.where(np.abs(moved) > 1e-12, (p - p_avg) / safe, 0.0)
            pred += p
            avg += p_avg
            by_field += fields * slope[:, None]
        k = len(boosters)
        return pred / k, avg / k, by_field / k

    def explain(
        self, records: Sequence[dict[str, Any]], *, top: int = 3
    ) -> list[list[dict[str, Any]]]:
        """Per record, the ``top`` attributes that move its prediction most (signed), each
        against the average record."""
        _, _, deltas = self.contributions(records)
        out = []
        for i, r in enumerate(records):
            order = np.argsort(-np.abs(deltas[i]), kind="stable")[:top]
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


class _TreePaths:
    """A fitted ``HistGradientBoosting*`` booster's trees, prepared for path contributions.

    Per tree: its split nodes (column, threshold, where missing values go), a matrix
    telling for each leaf which way each split on its path goes (+1 left, -1 right), and
    per leaf the moves of expected value along its path, credited to the split columns
    (each node's expected value is the training-sample-weighted mean of the leaves below
    it). A record's leaf is found with one comparison of its split values and one small
    matrix product per tree; its moves are then one sparse product for all trees."""

    def __init__(self, booster: Any) -> None:
        self.base = float(np.ravel(booster._baseline_prediction)[0])
        self.trees = []
        moves_rows: list[np.ndarray] = []
        expected = self.base
        offset = 0
        n_columns = int(booster.n_features_in_)
        for (predictor,) in booster._predictors:
            nodes = predictor.nodes
            value = nodes["value"].astype(float).copy()
            count = nodes["count"].astype(float)
            leaf = nodes["is_leaf"].astype(bool)
            left, right = nodes["left"].astype(np.int64), nodes["right"].astype(np.int64)
            feature = nodes["feature_idx"].astype(np.int64)
            for k in np.argsort(-nodes["depth"], kind="stable"):
                if not leaf[k]:
                    total = count[left[k]] + count[right[k]]
                    value[k] = (
                        (count[left[k]] * value[left[k]] + count[right[k]] * value[right[k]])
                        / total
                        if total
                        else 0.0
                    )
            expected += value[0]
            splits = np.flatnonzero(~leaf)
            leaves = np.flatnonzero(leaf)
            split_pos = {int(k): i for i, k in enumerate(splits)}
            leaf_pos = {int(k): i for i, k in enumerate(leaves)}
            direction = np.zeros((len(splits), len(leaves)))
            moves = np.zeros((len(leaves), n_columns))
            stack: list[tuple[int, list[tuple[int, float]]]] = [(0, [])]
            while stack:  # walk every root-to-leaf path once
                k, path = stack.pop()
                if leaf[k]:
                    j = leaf_pos[k]
                    for parent, sign in path:
                        direction[split_pos[parent], j] = sign
                    node = 0
                    for parent, sign in path:
                        child = left[parent] if sign > 0 else right[parent]
                        moves[j, feature[parent]] += value[child] - value[node]
                        node = child
                    continue
                stack.append((int(left[k]), [*path, (k, 1.0)]))
                stack.append((int(right[k]), [*path, (k, -1.0)]))
            self.trees.append(
                (
                    feature[splits],
                    nodes["num_threshold"][splits].astype(float),
                    nodes["missing_go_to_left"][splits].astype(bool),
                    direction,
                    np.abs(direction).sum(axis=0),
                    offset,
                )
            )
            moves_rows.append(moves)
            offset += len(leaves)
        self.expected = expected
        self.leaf_moves = np.vstack(moves_rows) if moves_rows else np.zeros((0, n_columns))

    def decompose(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """The average raw prediction and per column (n, columns) the moves along each
        record's paths; ``expected + moves.sum(axis=1)`` is the booster's raw prediction."""
        from scipy.sparse import csr_matrix

        n = x.shape[0]
        has_missing = bool(np.isnan(x).any())
        leaf_of = np.empty((n, len(self.trees)), dtype=np.int64)
        for t, (feature, threshold, missing_left, direction, length, offset) in enumerate(
            self.trees
        ):
            if not len(feature):  # a single leaf
                leaf_of[:, t] = offset
                continue
            xv = x[:, feature]
            go_left = xv <= threshold
            if has_missing:
                go_left = np.where(np.isnan(xv), missing_left, go_left)
            agree = (2.0 * go_left - 1.0) @ direction  # = path length on the record's leaf
            leaf_of[:, t] = offset + np.argmax(agree >= length - 0.5, axis=1)
        hits = csr_matrix(
            (
                np.ones(leaf_of.size),
                leaf_of.ravel(),
                np.arange(0, leaf_of.size + 1, len(self.trees)),
            ),
            shape=(n, self.leaf_moves.shape[0]),
        )
        return self.expected, np.asarray(hits @ self.leaf_moves)


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


# --- metrics -------------------------------------------------------------------------------


def auc(y: np.ndarray, s: np.ndarray) -> float:
    """Area under the ROC curve from ranks (Mann-Whitney, ties counted half): the same
    figure as ``sklearn.metrics.roc_auc_score``, fast enough for hundreds of bootstrap
    resamples."""
    from scipy.stats import rankdata

    y = np.asarray(y)
    n_pos = int((y == 1).sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return 0.5
    ranks = rankdata(np.asarray(s, dtype=float))
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


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
    holdout: float = HOLDOUT_SHARE,
    min_gain: float = 0.0,
    keep_refused: bool = False,
) -> tuple[RawModel | None, Evaluation]:
    """Fit on the training period, compare with the baseline on the held-out period (the
    newest ``holdout`` share). Activated when the gain's whole 95% interval is above zero,
    the gain itself is at least ``min_gain`` and the model's interval is above chance. The
    model comes back only when activated, unless ``keep_refused``."""
    y = np.asarray(y, dtype=int)
    tr, te = temporal_split(times, holdout)
    model = RawModel(seed=seed).fit([records[i] for i in tr], y[tr])
    p = model.predict([records[i] for i in te])
    yt, bt = y[te], np.asarray(baseline_scores, dtype=float)[te]
    m, b = auc(yt, p), auc(yt, bt)
    m_int, g_int = paired_bootstrap(auc, yt, p, bt, seed=seed)
    best = auc(yt, np.asarray(true_p)[te]) if true_p is not None else None
    activated = g_int[0] > 0 and m_int[0] > 0.5 and m - b >= min_gain
    from sklearn.metrics import brier_score_loss

    ev = Evaluation(
        kind=kind,
        status="activated" if activated else "refused",
        message=_message(kind, activated, "AUC", m, m_int, b, g_int, min_gain),
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
    return (model if activated or keep_refused else None), ev


def held_out(times: Sequence[Any], holdout: float = HOLDOUT_SHARE) -> tuple[np.ndarray, np.ndarray]:
    """The indices :func:`evaluate_classifier` trains on and holds out."""
    return temporal_split(times, holdout)


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


def _message(kind, activated, name, m, m_int, b, g_int, min_gain: float = 0.0) -> str:
    head = f"{kind}: held-out {name} {m:.3f} (95% {m_int[0]:.3f}-{m_int[1]:.3f}), baseline {b:.3f}"
    if activated:
        return f"{head}; better than the baseline by {g_int[0]:+.3f} to {g_int[1]:+.3f}; activated."
    if name == "AUC" and m_int[0] <= 0.5:
        return (
            f"{head}; no signal: the model's interval reaches chance (0.5), so the history "
            "shows nothing it can learn; it is not activated."
        )
    if g_int[0] > 0 and m - b < min_gain:
        return (
            f"{head}; better than the baseline by {m - b:+.3f}, less than the required "
            f"margin of {min_gain:.3f}, so it is not activated."
        )
    return (
        f"{head}; not reliably better than the baseline (gain {g_int[0]:+.3f} to "
        f"{g_int[1]:+.3f}), so it is not activated."
    )


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
