"""Acceptance 4: the forecast's 80% interval covers the realised revenue about 80% of the
time (70-90%) in a back-test on generated deal history (ten synthetic histories, cut-offs
spaced so the windows do not overlap). The forecast sees only what was known at the
cut-off: open deals carry no outcome."""

from __future__ import annotations

import pytest

from predictions import synthetic
from predictions.forecast import DealRow, forecast, realised


def _known_at(raw, t: float) -> list[DealRow]:
    return [
        DealRow(
            d.opened,
            d.amount,
            d.source,
            d.won if d.closes <= t else False,
            d.closes if d.closes <= t else None,
        )
        for d in raw
        if d.opened <= t
    ]


@pytest.mark.parametrize(
    ("horizon", "cutoffs"), [(30, range(200, 520, 40)), (90, range(200, 460, 90))]
)
def test_interval_covers_realised_value_at_nominal_rate(horizon, cutoffs):
    covered = total = 0
    for seed in range(10):
        raw = synthetic.deal_history(seed=100 + seed)
        everything = [DealRow(d.opened, d.amount, d.source, d.won, d.closes) for d in raw]
        for t in cutoffs:
            f = forecast(_known_at(raw, t), now=t, horizon=horizon, draws=1000, seed=seed)
            r = realised(everything, now=t, horizon=horizon)
            assert f.low <= f.expected <= f.high
            covered += f.low <= r <= f.high
            total += 1
    coverage = covered / total
    print(f"\nforecast {horizon}d: 80% interval covered {covered}/{total} = {coverage:.0%}")
    assert 0.70 <= coverage <= 0.90
