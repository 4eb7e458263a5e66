"""The revenue forecast: expected won revenue over the next N days, with an interval.

Monte Carlo over what is known at the cut-off:

- **open deals** each close inside the window with the probability that a deal of its age
  closes within the next N days (from the durations of deals decided before the cut-off),
  and are won with their source's win rate (a Beta posterior, drawn per simulation so the
  rate's own uncertainty widens the interval);
- **new deals** arrive as a Poisson process at the recent rate (Gamma posterior), with
  sources and amounts resampled from history, and count only if they also close in time.

The interval is the central ``level`` share of the simulated totals; the back-test in
``tests/scoring/test_forecast.py`` checks that it covers the realised value at that rate.
Pure computation over plain ``DealRow`` tuples, so the dashboard and the tests share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

DURATION_WINDOW = (365.0, 150.0)  # deals opened 365..150 days before the cut-off
RATE_WINDOW = 90.0


@dataclass(frozen=True)
class DealRow:
    opened: float  # days on a common clock
    amount: float
    source: str
    won: bool
    closes: float | None  # None (or after the cut-off) = still open
    owner: str = ""
    stage: str = ""


@dataclass
class Forecast:
    horizon: int
    expected: float
    low: float
    high: float
    level: float
    expected_from_open: float
    expected_from_new: float
    by_source: dict[str, float] = field(default_factory=dict)
    by_owner: dict[str, float] = field(default_factory=dict)
    by_stage: dict[str, float] = field(default_factory=dict)
    open_pipeline: float = 0.0
    n_open: int = 0


def realised(deals: Sequence[DealRow], *, now: float, horizon: float) -> float:
    """Won revenue actually closed in (now, now + horizon]."""
    return float(
        sum(
            d.amount
            for d in deals
            if d.won and d.closes is not None and now < d.closes <= now + horizon
        )
    )


def forecast(
    deals: Sequence[DealRow],
    *,
    now: float,
    horizon: int,
    level: float = 0.8,
    draws: int = 2000,
    seed: int = 0,
) -> Forecast:
    rng = np.random.default_rng(seed)
    closed = [d for d in deals if d.closes is not None and d.closes <= now]
    open_ = [d for d in deals if d.opened <= now and (d.closes is None or d.closes > now)]
    sources = sorted({d.source for d in deals} | {""})
    won_n = {s: sum(1 for d in closed if d.source == s and d.won) for s in sources}
    all_n = {s: sum(1 for d in closed if d.source == s) for s in sources}
    # Win rate per source, drawn from its Beta posterior for each simulation.
    rates = {s: rng.beta(1 + won_n[s], 1 + all_n[s] - won_n[s], size=draws) for s in sources}
    lo_w, hi_w = now - DURATION_WINDOW[0], now - DURATION_WINDOW[1]
    durations = np.array(
        [d.closes - d.opened for d in closed if lo_w <= d.opened <= hi_w]
        or [d.closes - d.opened for d in closed]
        or [30.0]
    )

    def p_close_within(age: float) -> float:
        alive = durations > age
        if not alive.any():
            return 1.0
        return float(((durations <= age + horizon) & alive).sum() / alive.sum())

    total = np.zeros(draws)
    from_open = np.zeros(draws)
    by_source = dict.fromkeys(sources, 0.0)
    by_owner: dict[str, float] = {}
    by_stage: dict[str, float] = {}
    for d in open_:
        pc = p_close_within(now - d.opened)
        hit = (rng.random(draws) < pc) & (rng.random(draws) < rates[d.source])
        from_open += hit * d.amount
        exp_value = pc * float(rates[d.source].mean()) * d.amount
        by_source[d.source] += exp_value
        by_owner[d.owner or "unassigned"] = by_owner.get(d.owner or "unassigned", 0.0) + exp_value
        by_stage[d.stage or "open"] = by_stage.get(d.stage or "open", 0.0) + exp_value
    total += from_open
    # New deals: Poisson arrivals at the recent rate (Gamma posterior on the rate).
    recent = [d for d in deals if now - RATE_WINDOW < d.opened <= now]
    lam = rng.gamma(1 + len(recent), 1 / RATE_WINDOW, size=draws) * horizon
    counts = rng.poisson(lam)
    pool = recent or [d for d in deals if d.opened <= now]
    from_new = np.zeros(draws)
    if pool:
        amounts = np.array([d.amount for d in pool])
        srcs = [d.source for d in pool]
        for k in range(draws):
            n = int(counts[k])
            if n == 0:
                continue
            pick = rng.integers(len(pool), size=n)
            offset = rng.uniform(0, horizon, size=n)
            dur = durations[rng.integers(len(durations), size=n)]
            in_time = dur <= (horizon - offset)
            won = np.array([rng.random() < rates[srcs[i]][k] for i in pick])
            from_new[k] = float((amounts[pick] * in_time * won).sum())
    total += from_new
    tail = (1 - level) / 2
    lo, hi = np.quantile(total, [tail, 1 - tail])
    return Forecast(
        horizon=horizon,
        expected=round(float(total.mean()), 2),
        low=round(float(lo), 2),
        high=round(float(hi), 2),
        level=level,
        expected_from_open=round(float(from_open.mean()), 2),
        expected_from_new=round(float(from_new.mean()), 2),
        by_source={k: round(v, 2) for k, v in by_source.items() if v},
        by_owner={k: round(v, 2) for k, v in by_owner.items()},
        by_stage={k: round(v, 2) for k, v in by_stage.items()},
        open_pipeline=round(float(sum(d.amount for d in open_)), 2),
        n_open=len(open_),
    )
