"""The shared learner's per-record explanations (tree paths): exact, and against the average
record, so the most common category is named when it matters (the old explanations swapped
each value for the most common one, which could never name it)."""

from __future__ import annotations

import numpy as np

from predictions.learning import RawModel


def _history(n: int = 1500, seed: int = 5):
    """Fintech is the most common industry (60%) and the one that buys."""
    rng = np.random.default_rng(seed)
    records, y = [], []
    for _ in range(n):
        industry = "fintech" if rng.random() < 0.6 else str(rng.choice(["retail", "media"]))
        visits = int(rng.integers(0, 10))
        logit = -1.5 + (2.0 if industry == "fintech" else 0.0) + 0.1 * visits
        records.append({"industry": industry, "visits": visits, "tags": ["a"] * (visits % 2)})
        y.append(int(rng.random() < 1 / (1 + np.exp(-logit))))
    return records, np.asarray(y)


def test_contributions_add_up_to_each_prediction():
    records, y = _history()
    model = RawModel().fit(records, y)
    p, average, contrib = model.contributions(records[:200])
    assert np.allclose(p, model.predict(records[:200]), atol=1e-9)
    assert np.allclose(average + contrib.sum(axis=1), p, atol=1e-9)
    assert 0 < average < 1
    regressor = RawModel(regression=True).fit(records, y.astype(float))
    raw, base, parts = regressor.contributions(records[:200])
    assert np.allclose(np.maximum(raw, 0), regressor.predict(records[:200]), atol=1e-9)
    assert np.allclose(base + parts.sum(axis=1), raw, atol=1e-9)


def test_the_most_common_category_is_named_when_it_matters():
    records, y = _history()
    model = RawModel().fit(records, y)
    fintech = {"industry": "fintech", "visits": 5, "tags": []}
    media = {"industry": "media", "visits": 5, "tags": []}
    [[top_fintech]] = model.explain([fintech], top=1)
    [[top_media]] = model.explain([media], top=1)
    assert top_fintech["field"] == "industry" and top_fintech["value"] == "fintech"
    assert top_fintech["effect"] > 0.05
    assert top_media["field"] == "industry" and top_media["effect"] < -0.1
