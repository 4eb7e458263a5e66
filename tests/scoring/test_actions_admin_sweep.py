"""Next-best actions from the LLM (official SDK against a local stub) with fallback to the
rules; the "why this score" admin; the event sweep that rescoring and high-intent alerts
fall back on."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from leads.models import Lead, LeadTrigger
from scoring.models import ScoreAlert
from scoring.services import lead_rescore, leads_rescore_recent
from tests.ai_providers.stub import Reply
from tests.scoring.conftest import make_lead

pytestmark = pytest.mark.django_db

LLM_ANSWER = (
    "1. Call the CTO within 24 hours — timeline is immediate\n"
    "2. Send the fintech onboarding case study — matches their pain point\n"
    "3. Offer a technical deep-dive with the platform team — tech stack fit\n"
    "4. Prepare a proposal for the 100k+ budget — decision stage\n"
)


def test_llm_actions_when_configured(token_client, hot_lead, openai_stub):
    openai_stub.script("openai", Reply(text=LLM_ANSWER))
    body = token_client.post(f"/api/leads/{hot_lead.pk}/score").json()
    assert body["actions_source"] == "llm"
    assert [a["action"] for a in body["actions"]][:2] == [
        "Call the CTO within 24 hours",
        "Send the fintech onboarding case study",
    ]
    assert body["actions"][0]["reason"] == "timeline is immediate"
    sent = json.dumps(openai_stub.bodies("openai")[0])
    assert "Lead score:" in sent
    assert "amina@acme.test" not in sent and "Amina" not in sent  # no personal data


def test_unusable_llm_answer_falls_back_to_rules(token_client, hot_lead, openai_stub):
    openai_stub.script("openai", Reply(text="Sure! Happy to help."))
    body = token_client.post(f"/api/leads/{hot_lead.pk}/score").json()
    assert body["actions_source"] == "rules"
    assert 3 <= len(body["actions"]) <= 5


def test_llm_failure_falls_back_to_rules(token_client, hot_lead, openai_stub):
    openai_stub.script("openai", Reply(status=500))
    body = token_client.post(f"/api/leads/{hot_lead.pk}/score").json()
    assert body["actions_source"] == "rules"


def test_admin_shows_why_this_score_and_history(client, superuser, sales_user, hot_lead):
    lead_rescore(lead_id=hot_lead.pk)
    client.force_login(sales_user)
    html = client.get(f"/admin/leads/lead/{hot_lead.pk}/change/").content.decode()
    assert "Why this score" in html
    assert "Budget" in html and "Next-best actions" in html
    assert "Score history" in html
    client.force_login(superuser)
    assert client.get("/admin/scoring/scoresnapshot/").status_code == 200
    snap = hot_lead.score_history.get()
    detail = client.get(f"/admin/scoring/scoresnapshot/{snap.pk}/change/").content.decode()
    assert "Why this score" in detail and "Timeline" in detail
    assert client.get("/admin/scoring/scorealert/").status_code == 200
    assert client.get("/admin/scoring/scoringmodel/").status_code == 200


def test_sweep_rescores_changed_leads_and_raises_high_intent(django_capture_on_commit_callbacks):
    lead = make_lead("sweep@x.test", profile={"budget": "100k+"})
    assert Lead.objects.get(pk=lead.pk).scored_at is None
    LeadTrigger.objects.create(lead=lead, kind="high_intent", key="")
    with django_capture_on_commit_callbacks(execute=True):
        stats = leads_rescore_recent()
    assert stats.leads == 1
    assert Lead.objects.get(pk=lead.pk).scored_at is not None
    assert ScoreAlert.objects.get().reason == "high_intent"
    # Nothing new since the last sweep: nothing rescored, no second alert.
    later = timezone.now() + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        again = leads_rescore_recent(now=later, overlap_seconds=0)
    assert again.leads == 0
    assert ScoreAlert.objects.count() == 1


def test_alert_carries_the_chat_digest():
    from chat.models import Conversation, Message
    from scoring.services import alert_payload, alert_raise

    lead = make_lead("chatty@x.test", profile={"company": "Delta"})
    conv = Conversation.objects.create(
        lead=lead,
        primary_intent="pricing",
        sentiment="positive",
        urgency="high",
        qualification_progress=0.75,
        next_action="book demo",
    )
    Message.objects.create(conversation=conv, role="user", content="How much for a pilot?")
    alert = alert_raise(lead=lead, reason="high_intent")
    summary = alert_payload(alert)["chat_summary"]
    assert "intent: pricing" in summary and "qualification 75%" in summary
    assert "next: book demo" in summary


def test_sweep_records_the_seed_metrics_once(sales_user):
    from analytics.models import Metric
    from chat.models import Conversation
    from leads.services import lead_change_stage, lead_update

    lead = make_lead("metric@x.test", profile={"company": "Epsilon", "industry": "fintech"})
    lead_change_stage(lead=lead, stage="qualified", actor=sales_user)
    lead_change_stage(lead=lead, stage="customer", actor=sales_user)
    lead_update(lead=lead, data={"outcome": "won"}, actor=sales_user)
    Conversation.objects.create(lead=lead, satisfaction=4)
    Conversation.objects.create(satisfaction=2)
    Conversation.objects.create()  # not rated

    for _ in range(2):  # the second sweep finds everything already recorded
        leads_rescore_recent(overlap_seconds=600)
    kinds = sorted(Metric.objects.values_list("kind", flat=True))
    assert kinds == [
        "ai_satisfaction",
        "ai_satisfaction",
        "conversion",
        "conversion",
        "conversion",
        "lead_captured",
    ]
    stages = sorted(
        Metric.objects.filter(kind="conversion").values_list("data__funnel_stage", flat=True)
    )
    assert stages == ["customer", "qualified", "won"]
    captured = Metric.objects.get(kind="lead_captured")
    assert captured.data["industry"] == "fintech" and "email" not in str(captured.data)
