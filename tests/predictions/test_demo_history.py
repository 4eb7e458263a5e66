"""``load_demo --history`` (issue 18, "Demo history"): the SYNTHETIC year it generates
(``predictions.demo_history``) is enough, on a fresh database, for the learned score, churn
and propensity to activate through their normal hold-out rule; the demo experiments read out
a winner and "not enough data"; running it again replaces the rows; the rows are marked
synthetic, hold data-processing consent only and raise no alert to sales."""

from __future__ import annotations

import pytest

from experiments import demo as experiments_demo
from experiments.models import Experiment, Exposure
from experiments.selectors import experiment_readout
from leads.models import ConsentRecord, Lead, Visitor
from predictions import demo
from predictions.models import Deal, ModelRun
from predictions.training import train_churn, train_propensity
from scoring.models import ScoreAlert
from scoring.services import alert_raise, leads_rescore_bulk, scoring_model_train

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=False)]


def _load(leads: int = demo.LEADS) -> None:
    demo.load_history(lambda _msg: None, leads=leads)
    experiments_demo.load_history(lambda _msg: None)


def _counts() -> tuple[int, ...]:
    synthetic = Lead.all_objects.filter(email_normalized__endswith="@synthetic.example")
    return (
        synthetic.count(),
        Deal.objects.count(),
        Visitor.objects.count(),
        Exposure.objects.count(),
        Experiment.objects.count(),
        ConsentRecord.objects.filter(lead__in=synthetic).count(),
    )


def test_history_activates_the_models_and_the_experiment_reads_out(sales_user):
    _load()
    report = scoring_model_train()
    assert report.status == "activated", report.message
    assert report.auc_gain_interval[0] > 0 and report.auc_model > report.auc_rules
    churn = train_churn()
    assert churn.status == "activated", churn.message
    ev = churn.evaluation
    assert ev["gain_interval"][0] > 0 and ev["model_interval"][0] > 0.5
    assert churn.predictions.exists()
    props = train_propensity()
    assert {r.service for r in props} >= {"ai-strategy", "cloud-migration"}
    active = [r for r in props if r.status == "activated"]
    assert active, [r.message for r in props]
    assert all(r.evaluation["gain_interval"][0] > 0 for r in active)
    assert ModelRun.objects.filter(status="activated").count() == 1 + len(active)

    finished = experiment_readout(experiment=Experiment.objects.get(slug="demo-home-hero"))
    assert finished.decision == "winner" and finished.winner_key == "b"
    assert not finished.srm_detected
    running = experiment_readout(experiment=Experiment.objects.get(slug="demo-home-cta"))
    assert running.decision == "not_enough_data"


def test_history_is_synthetic_replaced_not_duplicated_and_raises_no_alert(sales_user):
    _load(1500)
    before = _counts()
    assert before[0] == 1500 and before[1] > 500 and before[3] > 1000
    assert not Deal.objects.filter(synthetic=False).exists()
    synthetic = Lead.objects.filter(email_normalized__endswith="@synthetic.example")
    assert set(synthetic.values_list("campaign", flat=True)) == {"synthetic-demo"}
    consents = ConsentRecord.objects.filter(lead__in=synthetic)
    assert set(consents.values_list("purpose", "granted")) == {("data_processing", True)}
    assert synthetic.filter(outcome="won").exists() and synthetic.filter(outcome="lost").exists()
    _load(1500)
    assert _counts() == before
    # Nobody is to call a synthetic lead: no hot-lead alert, bulk or one by one.
    leads_rescore_bulk(reason="test")
    assert alert_raise(lead=synthetic.first(), reason="high_intent") is None
    assert not ScoreAlert.objects.filter(lead__in=synthetic).exists()
