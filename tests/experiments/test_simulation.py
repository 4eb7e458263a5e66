"""Acceptance 1: assignment split, stickiness, consent, and the read-out on a planted lift.

Fixed seeds throughout: the visitors, their consent and their conversions are drawn from
``numpy.random.default_rng`` with constant seeds.
"""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from experiments.assignment import ExperimentDef, VariantDef, assign
from experiments.models import Exposure
from experiments.resolution import resolve_for_visitor
from experiments.services import experiment_start
from experiments.stats import ArmCounts, msprt_ratio, readout

N = 10_000


def _visitors(seed: int, n: int = N) -> list[uuid.UUID]:
    rng = np.random.default_rng(seed)
    return [uuid.UUID(bytes=rng.bytes(16), version=4) for _ in range(n)]


def _defn(weights, salt="exp:sim") -> ExperimentDef:
    return ExperimentDef(
        id=1,
        slug="sim",
        salt=salt,
        status="running",
        traffic_percent=100,
        variants=tuple(
            VariantDef(id=i, key=f"v{i}", content="", weight=w) for i, w in enumerate(weights)
        ),
    )


@pytest.mark.parametrize("weights", [(50, 50), (70, 30), (34, 33, 33), (10, 20, 30, 40)])
def test_split_within_one_percent_of_configured_ratio(weights):
    defn = _defn(weights)
    counts = dict.fromkeys(range(len(weights)), 0)
    for vid in _visitors(seed=11):
        counts[assign(defn, str(vid)).id] += 1
    total = sum(weights)
    for i, w in enumerate(weights):
        assert abs(counts[i] / N - w / total) <= 0.01, (weights, counts)


def test_traffic_share_is_respected_and_growing_it_moves_nobody():
    visitors = [str(v) for v in _visitors(seed=12)]
    ten = _defn((50, 50))
    ten = ExperimentDef(**{**ten.__dict__, "traffic_percent": 10})
    fifty = ExperimentDef(**{**ten.__dict__, "traffic_percent": 50})
    in10 = {v: assign(ten, v) for v in visitors}
    in50 = {v: assign(fifty, v) for v in visitors}
    share10 = sum(1 for x in in10.values() if x) / N
    assert abs(share10 - 0.10) <= 0.01
    # Everyone in the 10% rollout is still in at 50%, in the same variant.
    for v, var in in10.items():
        if var is not None:
            assert in50[v] is not None and in50[v].key == var.key


def test_ten_thousand_visitors_sticky_and_non_consenting_not_counted(make_experiment):
    """Resolution as the template tag does it (definitions read from the database)."""
    exp = make_experiment(slug="hero-sim", weights=(50, 50))
    experiment_start(experiment=exp)
    # 10,000 consenting visitors, then 2,000 who did not consent (or sent GPC/DNT).
    visitors = _visitors(seed=14, n=N + 2000)
    consent = np.arange(N + 2000) < N
    np.random.default_rng(13).shuffle(consent)
    seen: dict[uuid.UUID, str] = {}
    counted = {"control": 0, "b": 0}
    for vid, ok in zip(visitors, consent, strict=True):
        res = resolve_for_visitor("hero-sim", visitor_id=vid, consented=bool(ok), record=False)
        if not ok:
            assert res.variant == "control" and not res.counted
        else:
            assert res.counted
            counted[res.variant] += 1
        seen[vid] = res.variant
    assert sum(counted.values()) == N
    assert abs(counted["b"] / N - 0.5) <= 0.01
    # Same visitor, same variant, every time.
    for vid, ok in zip(visitors, consent, strict=True):
        again = resolve_for_visitor("hero-sim", visitor_id=vid, consented=bool(ok), record=False)
        assert again.variant == seen[vid]
    # Exposure rows (first 1,500 visitors, each seen on three pages): one per consenting
    # visitor, none for the others, in the variant the visitor saw.
    sample = list(zip(visitors[:1500], consent[:1500], strict=True))
    for _page in range(3):
        for vid, ok in sample:
            resolve_for_visitor("hero-sim", visitor_id=vid, consented=bool(ok))
    rows = dict(Exposure.objects.filter(experiment=exp).values_list("visitor_id", "variant__key"))
    assert rows == {vid: seen[vid] for vid, ok in sample if ok}
    assert Exposure.objects.filter(experiment=exp).count() == sum(1 for _, ok in sample if ok)


def _simulate(rates: dict[str, float], seed: int) -> list[ArmCounts]:
    """10,000 consenting visitors assigned by hash; each converts with its arm's rate."""
    defn = _defn((50, 50), salt="exp:lift")
    rng = np.random.default_rng(seed)
    n = {"v0": 0, "v1": 0}
    c = {"v0": 0, "v1": 0}
    for vid in _visitors(seed=seed + 1):
        key = assign(defn, str(vid)).key
        n[key] += 1
        c[key] += int(rng.random() < rates[key])
    return [
        ArmCounts("v0", "Control", 50, n["v0"], c["v0"]),
        ArmCounts("v1", "Challenger", 50, n["v1"], c["v1"]),
    ]


def test_planted_thirty_percent_lift_on_lead_captured_is_a_winner():
    # One run, fixed seed (about 1 run in 17 of this size misses the lift: see the power test).
    arms = _simulate({"v0": 0.10, "v1": 0.13}, seed=31)
    out = readout(arms)
    assert out.decision == "winner", out.message
    assert out.winner_key == "v1"
    challenger = out.arms[1]
    lo, hi = challenger.lift_interval
    assert lo < 0.30 < hi and lo > 0
    assert challenger.prob_beat_control > 0.99
    assert not out.srm_detected


def test_null_experiment_is_not_a_winner():
    arms = _simulate({"v0": 0.10, "v1": 0.10}, seed=22)
    out = readout(arms)
    assert out.decision == "inconclusive", out.message
    assert out.winner_key == ""
    assert "No clear difference" in out.message


def test_power_and_false_winners_at_ten_thousand_visitors():
    """Over 500 experiments of 10,000 visitors each: a 30% lift (10% -> 13%) is found at
    least 90% of the time; a null difference is called a winner at most 5% of the time."""
    from experiments.stats import readout as read

    rng = np.random.default_rng(24)
    found = false = 0
    for _ in range(500):
        ca, cb = rng.binomial(5000, 0.10), rng.binomial(5000, 0.13)
        arms = [ArmCounts("a", "A", 50, 5000, int(ca)), ArmCounts("b", "B", 50, 5000, int(cb))]
        found += read(arms, draws=500).decision == "winner"
        ca, cb = rng.binomial(5000, 0.10), rng.binomial(5000, 0.10)
        arms = [ArmCounts("a", "A", 50, 5000, int(ca)), ArmCounts("b", "B", 50, 5000, int(cb))]
        false += read(arms, draws=500).decision == "winner"
    assert found / 500 >= 0.90
    assert false / 500 <= 0.05


def test_peeking_every_thousand_visitors_keeps_false_winners_below_alpha():
    """The sequential test stays valid under continuous monitoring: 200 null experiments,
    each looked at after every 1,000 visitors, declare a winner at most 5% of the time."""
    rng = np.random.default_rng(23)
    false_winners = 0
    for _ in range(200):
        conv = rng.random((2, 5000)) < 0.10
        for look in range(500, 5001, 500):
            ca, cb = int(conv[0, :look].sum()), int(conv[1, :look].sum())
            pooled = (ca + cb) / (2 * look)
            if msprt_ratio(look, ca, look, cb, (0.3 * pooled) ** 2) >= 20:
                false_winners += 1
                break
    assert false_winners / 200 <= 0.05


def test_sample_ratio_mismatch_is_detected_and_blocks_the_decision():
    arms = [ArmCounts("v0", "Control", 50, 5300, 530), ArmCounts("v1", "B", 50, 4700, 700)]
    out = readout(arms)
    assert out.srm_detected and out.decision == "srm"
    assert "Sample-ratio mismatch" in out.message


def test_small_samples_say_not_enough_data():
    arms = [ArmCounts("v0", "Control", 50, 60, 3), ArmCounts("v1", "B", 50, 58, 9)]
    out = readout(arms)
    assert out.decision == "not_enough_data"
    assert "Not enough data" in out.message
