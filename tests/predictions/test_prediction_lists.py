"""Issue 18: the forecast dashboard's churn-risk and top-propensity lists, trained on the
project's own leads and deals, each row linking to the lead with its top factors, and an
honest empty state when a model is not active."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from leads.models import Lead
from predictions import training
from predictions.models import Deal, LeadPrediction, ModelRun
from predictions.selectors import prediction_lists
from tests.predictions.conftest import _deal, _leads


def test_empty_state_when_no_model_is_active(client, sales_user):
    client.force_login(sales_user)
    html = client.get(reverse("forecast-dashboard")).content.decode()
    assert "The churn model is not active" in html and "it has not been trained yet" in html
    assert "No propensity model is active" in html
    assert 'class="dash-table prediction-list"' not in html


def test_too_little_history_refuses_and_says_why(client, sales_user, db):
    now = timezone.now()
    for lead in _leads(8):
        Deal.objects.create(
            **{
                k: getattr(_deal(lead, service="ai-strategy", won=True, opened=now), k)
                for k in ("lead", "amount", "service", "source", "stage", "opened_at", "closed_at")
            }
        )
    result = training.train_all()
    assert result == {
        "churn": "refused",
        "propensity:ai-strategy": "refused",
        "intent": "refused",
        "budget": "refused",
        "timeline": "refused",
    }
    assert not LeadPrediction.objects.exists()
    client.force_login(sales_user)
    html = client.get(reverse("forecast-dashboard")).content.decode()
    assert "not enough decided history on this project" in html
    assert 'class="dash-table prediction-list"' not in html


def test_trained_lists_link_to_leads_with_factors(client, sales_user, planted_history):
    leads, recent = planted_history
    from predictions.tasks import train_models

    result = train_models()
    assert result["propensity:ai-strategy"] == "activated", ModelRun.objects.first().message
    assert result["churn"] == "activated", ModelRun.objects.get(kind="churn").message
    lists = prediction_lists(limit=400)
    # Propensity: only leads that have not bought it are scored; the planted industries lead.
    prop = {p["run"].service: p for p in lists["propensity"]}
    assert set(prop) == {"ai-strategy", "data-platform"}
    prop = prop["ai-strategy"]
    assert prop["run"].evaluation["gain"] > 0
    rows = prop["rows"]
    assert rows and {r["lead"].pk for r in rows}.isdisjoint(
        set(Deal.objects.filter(stage="won", service="ai-strategy").values_list("lead", flat=True))
    )
    top = rows[:20]
    assert sum(r["lead"].industry in ("fintech", "retail") for r in top) >= 18
    # Explanations compare each value with the average lead (tree paths), so industry, the
    # planted attribute, is named.
    assert any(f["field"] == "industry" for r in top for f in r["factors"])
    assert all(set(f) == {"field", "value", "effect"} for r in top for f in r["factors"])
    # Churn: the recent wins are scored; the healthcare ones rank first.
    churn_rows = lists["churn"]["rows"]
    assert {r["lead"].pk for r in churn_rows} == {lead.pk for lead in recent}
    assert churn_rows[0]["lead"].industry == "healthcare"
    assert churn_rows[0]["factors"]
    client.force_login(sales_user)
    html = client.get(reverse("forecast-dashboard")).content.decode()
    first = rows[0]["lead"]
    assert reverse("admin:leads_lead_change", args=[first.pk]) in html
    assert "Churn risk" in html and "Most likely to buy" in html and "industry = " in html
    assert "not active" not in html.lower()


def test_training_fills_ai_data_with_sources_shown_in_admin(client, superuser, planted_history):
    leads, recent = planted_history
    lead = Lead.objects.create(
        email="keep@example.com", email_normalized="keep@example.com", visits=3, industry="retail"
    )
    Lead.objects.filter(pk=lead.pk).update(ai_data={"sophistication": "advanced"})
    training.train_all()
    lead.refresh_from_db()
    predicted = lead.ai_data["predicted"]
    assert lead.ai_data["sophistication"] == "advanced"  # other keys kept
    assert set(predicted) >= {"propensity", "top_service", "cluster", "next_best_action"}
    for entry in predicted.values():
        assert entry["source"] and entry["at"]
    assert "ai-strategy" in predicted["propensity"]["value"]
    assert predicted["cluster"]["value"]["name"] in {"most engaged", "engaged", "light", "dormant"}
    # Not predicted by any model yet, so not written (no guess).
    assert not {"intent_score", "budget_band", "timeline"} & set(predicted)
    # A recently won account carries its churn risk and the action follows the rule.
    won = Lead.objects.get(pk=recent[0].pk).ai_data["predicted"]
    assert (
        0 <= won["churn_risk"]["value"] <= 1 and "churn model, run" in won["churn_risk"]["source"]
    )
    from predictions.ai_data import next_best_action

    assert next_best_action({"churn_risk": 0.9}).startswith("Check in")
    assert next_best_action({"top_service": {"service": "x", "probability": 0.6}}) == (
        "Offer x (most likely purchase)"
    )
    client.force_login(superuser)
    page = client.get(reverse("admin:leads_lead_change", args=[lead.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'class="bo-predictions"' in html
    assert "k-means" in html and "next best action" in html
