"""The read-out: Bayesian probability to beat control and a sequential test, plus SRM.

Each arm's conversion rate has a Beta(1 + conversions, 1 + misses) posterior; the
probability that a variant beats control and the credible interval of its relative lift
come from posterior draws (fixed seed, so a read-out is reproducible).

The decision uses a mixture sequential probability ratio test (mSPRT, Johari et al.,
"Always valid inference", 2017) on the difference of rates: its type-I error holds however
often the dashboard is looked at, so "winner" is never the product of peeking. With more
than one challenger the level is split between them (Bonferroni). Below a minimum of
exposures and conversions the read-out says there is not enough data.

Sample-ratio mismatch: a chi-square test of the exposures against the configured weights;
p < 0.001 means assignment or logging is broken and no decision is shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

SRM_P = 0.001
MIN_EXPOSURES = 100
MIN_CONVERSIONS = 10


@dataclass(frozen=True)
class ArmCounts:
    key: str
    name: str
    weight: int
    exposures: int
    conversions: int


@dataclass
class ArmResult:
    key: str
    name: str
    exposures: int
    conversions: int
    rate: float
    rate_interval: tuple[float, float]
    is_control: bool = False
    lift: float | None = None  # relative, posterior mean
    lift_interval: tuple[float, float] | None = None  # 95% credible
    prob_beat_control: float | None = None
    likelihood_ratio: float | None = None
    decision: str = ""


@dataclass
class Readout:
    arms: list[ArmResult]
    decision: str  # winner | loser | inconclusive | not_enough_data | srm
    winner_key: str = ""
    message: str = ""
    srm_p: float = 1.0
    srm_detected: bool = False
    alpha: float = 0.05
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def srm_pvalue(exposures: Sequence[int], weights: Sequence[int]) -> float:
    """Chi-square goodness-of-fit p-value of the observed split against the weights."""
    from scipy.stats import chisquare

    n = sum(exposures)
    wsum = sum(weights)
    if n == 0 or wsum <= 0 or len(exposures) < 2:
        return 1.0
    expected = [n * w / wsum for w in weights]
    if any(e == 0 for e in expected):
        return 1.0
    return float(chisquare(exposures, expected).pvalue)


def msprt_ratio(n_a: int, c_a: int, n_b: int, c_b: int, tau2: float) -> float:
    """Mixture likelihood ratio for H0: rate_b == rate_a (normal approximation)."""
    if n_a == 0 or n_b == 0:
        return 0.0
    pa, pb = c_a / n_a, c_b / n_b
    var = pa * (1 - pa) / n_a + pb * (1 - pb) / n_b
    if var <= 0:
        return 0.0
    delta = pb - pa
    log_lr = 0.5 * math.log(var / (var + tau2)) + delta * delta * tau2 / (2 * var * (var + tau2))
    return math.exp(min(log_lr, 700.0))


def readout(
    arms: Sequence[ArmCounts],
    *,
    alpha: float = 0.05,
    draws: int = 20000,
    seed: int = 7,
    min_exposures: int = MIN_EXPOSURES,
    min_conversions: int = MIN_CONVERSIONS,
) -> Readout:
    """Read an experiment; ``arms[0]`` is the control."""
    rng = np.random.default_rng(seed)
    samples = [
        rng.beta(1 + a.conversions, 1 + max(a.exposures - a.conversions, 0), size=draws)
        for a in arms
    ]
    results: list[ArmResult] = []
    for a, s in zip(arms, samples, strict=True):
        lo, hi = np.quantile(s, [0.025, 0.975])
        results.append(
            ArmResult(
                key=a.key,
                name=a.name or a.key,
                exposures=a.exposures,
                conversions=a.conversions,
                rate=a.conversions / a.exposures if a.exposures else 0.0,
                rate_interval=(round(float(lo), 5), round(float(hi), 5)),
            )
        )
    results[0].is_control = True
    results[0].decision = "control"

    srm_p = srm_pvalue([a.exposures for a in arms], [a.weight for a in arms])
    out = Readout(arms=results, decision="inconclusive", srm_p=srm_p, alpha=alpha)
    if srm_p < SRM_P:
        out.srm_detected = True
        out.decision = "srm"
        out.message = (
            f"Sample-ratio mismatch (p = {srm_p:.2g}): the split does not match the "
            "configured weights, so assignment or logging is broken; no decision is shown."
        )
    control = arms[0]
    total_n = sum(a.exposures for a in arms)
    pooled = sum(a.conversions for a in arms) / total_n if total_n else 0.0
    # Prior scale of the effect: a 30% relative change of the pooled rate.
    tau2 = max((0.3 * pooled) ** 2, 1e-8)
    threshold = 1.0 / (alpha / max(len(arms) - 1, 1))
    enough = all(a.exposures >= min_exposures for a in arms) and all(
        a.conversions >= min_conversions for a in arms
    )
    best: tuple[float, str] | None = None
    any_loser = False
    for a, s, r in zip(arms[1:], samples[1:], results[1:], strict=True):
        lift = s / np.maximum(samples[0], 1e-12) - 1.0
        lo, hi = np.quantile(lift, [0.025, 0.975])
        r.lift = round(float(lift.mean()), 4)
        r.lift_interval = (round(float(lo), 4), round(float(hi), 4))
        r.prob_beat_control = round(float((s > samples[0]).mean()), 4)
        lr = msprt_ratio(control.exposures, control.conversions, a.exposures, a.conversions, tau2)
        r.likelihood_ratio = round(lr, 3)
        if not enough:
            r.decision = "not enough data"
        elif lr >= threshold and r.rate > results[0].rate:
            r.decision = "winner"
            if best is None or r.prob_beat_control > best[0]:
                best = (r.prob_beat_control, r.key)
        elif lr >= threshold:
            r.decision = "worse than control"
            any_loser = True
        else:
            r.decision = "no clear difference yet"
    if out.srm_detected:
        return out
    if not enough:
        out.decision = "not_enough_data"
        out.message = (
            f"Not enough data yet: every variant needs at least {min_exposures} exposures and "
            f"{min_conversions} conversions before a decision."
        )
    elif best is not None:
        out.decision = "winner"
        out.winner_key = best[1]
        winner = next(r for r in results if r.key == best[1])
        out.message = (
            f"'{winner.name}' beats control: lift {winner.lift:+.1%} "
            f"(95% interval {winner.lift_interval[0]:+.1%} to {winner.lift_interval[1]:+.1%}), "
            f"probability to beat control {winner.prob_beat_control:.1%}."
        )
    elif any_loser:
        out.decision = "loser"
        out.message = "Control is better than the challengers; keep the control."
    else:
        out.message = "No clear difference yet; keep the test running or stop it."
    return out
