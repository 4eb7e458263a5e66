"""Acceptance 4: ``train_scoring_model`` on generated history with a real signal activates
a model whose held-out AUC beats the rules'; on pure noise it refuses to activate; with too
few outcomes it says so. Per-lead explanations of the learned model are still factors."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command

from scoring.models import ScoringModel
from scoring.services import lead_rescore
from tests.scoring.conftest import make_lead

pytestmark = pytest.mark.django_db

BUDGETS = ["<10k", "10k-50k", "50k-100k", "100k+"]
TIMELINES = ["immediate", "1-3mo", "3-6mo", "6-12mo", "12mo+"]
AUTHORITY = ["decision_maker", "influencer", "user"]


def _history(n: int, *, signal: bool, seed: int) -> list:
    """Leads with outcomes. With ``signal``, winning depends on industry and company size
    (which the default rules do not weigh); budget, timeline and authority are random."""
    rng = random.Random(seed)
    leads = []
    for i in range(n):
        target = rng.random() < 0.5
        large = rng.random() < 0.5
        profile = {
            "company": f"Co {i}",
            "industry": "fintech" if target else "agriculture",
            "company_size": "201-500" if large else "1-10",
            "budget": rng.choice(BUDGETS),
            "timeline": rng.choice(TIMELINES),
            "authority": rng.choice(AUTHORITY),
        }
        p_win = {2: 0.9, 1: 0.5, 0: 0.05}[int(target) + int(large)] if signal else 0.5
        won = rng.random() < p_win
        leads.append(
            make_lead(f"h{seed}-{i}@hist.test", profile=profile, outcome="won" if won else "lost")
        )
    return leads


def _train(*args: str) -> str:
    out = io.StringIO()
    call_command("train_scoring_model", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_real_signal_activates_a_model_that_beats_the_rules():
    leads = _history(240, signal=True, seed=7)
    output = _train()
    model = ScoringModel.objects.get()
    assert model.is_active, output
    metrics = model.metrics
    assert metrics["status"] == "activated"
    assert metrics["auc_model"] > metrics["auc_rules"]
    assert metrics["auc_model"] > 0.65
    assert metrics["n_test"] == 72 and metrics["n_train"] == 168
    assert 0 <= metrics["brier_model"] <= 0.25
    assert metrics["reliability_model"] and sum(b["n"] for b in metrics["reliability_model"]) == 72
    assert "AUC  model" in output and "Brier" in output and "Reliability" in output
    # Industry and size carry the signal, so they get the largest weights.
    coefs = metrics["coefficients"]
    assert coefs["industry"] > 1 and coefs["company_size"] > 1

    # Scores now come from the learned model, still explained as factors adding up.
    outcome = lead_rescore(lead_id=leads[0].pk)
    assert outcome.model == "learned:v1"
    total = sum(outcome.factors["points"].values()) + outcome.factors["baseline"]
    assert round(total, 2) == outcome.score
    assert outcome.factors["points"]["industry"] != 0


def test_pure_noise_is_not_activated():
    _history(240, signal=False, seed=11)
    output = _train()
    model = ScoringModel.objects.get()
    assert model.is_active is False
    assert model.metrics["status"] == "not_activated"
    assert "keeping the current scoring" in output
    assert not ScoringModel.objects.filter(is_active=True).exists()
    lead = _history(1, signal=False, seed=12)[0]
    assert lead_rescore(lead_id=lead.pk).model == "rules"


def test_too_few_outcomes_refuses():
    _history(20, signal=True, seed=3)
    output = _train()
    assert "Not enough outcomes to train: 20 leads" in output
    assert not ScoringModel.objects.exists()
