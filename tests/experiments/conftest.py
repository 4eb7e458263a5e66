"""Fixtures of the experiments tests."""

from __future__ import annotations

import pytest

from experiments import resolution


@pytest.fixture(autouse=True)
def _fresh_resolution():
    """Each test starts with no cached definitions and no remembered exposures."""
    resolution.invalidate()
    resolution.forget_seen()
    yield
    resolution.invalidate()
    resolution.forget_seen()


@pytest.fixture
def make_experiment(db):
    from experiments.models import Experiment, Variant

    def make(slug="hero-test", weights=(50, 50), goal="lead_captured", traffic=100, **kw):
        exp = Experiment.objects.create(
            name=slug.replace("-", " ").title(), slug=slug, goal=goal, traffic_percent=traffic, **kw
        )
        keys = ["control", "b", "c", "d"]
        for i, w in enumerate(weights):
            Variant.objects.create(
                experiment=exp,
                key=keys[i],
                name=keys[i].title(),
                weight=w,
                content=f"Headline {keys[i]}",
                sort_order=i,
            )
        return exp

    return make
