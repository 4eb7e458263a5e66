"""Issue 19, acceptance 4 (Slack): alerts through ``slack_sdk`` with Block Kit, retried on
429/5xx, hot leads and hand-offs routed to their own channels (bot token or per-kind
incoming webhooks)."""

from __future__ import annotations

import pytest

from chat.models import Conversation
from chat.services import conversation_escalate
from integrations.slack import SlackUnavailable
from scoring.models import ScoreAlert
from scoring.services import alert_deliver
from tests.factories import make_lead

pytestmark = pytest.mark.django_db


def hot_alert():
    lead = make_lead(email="hot@example.com", name="Hot Prospect", company="Acme")
    return ScoreAlert.objects.create(lead=lead, reason="grade_a", score=91, grade="A")


def handoff(django_capture_on_commit_callbacks):
    lead = make_lead(email="human@example.com", name="Needs Human")
    conversation = Conversation.objects.create(lead=lead)
    with django_capture_on_commit_callbacks(execute=True):
        conversation_escalate(conversation=conversation, reason="Asked for a person")
    return conversation


def test_hot_leads_and_handoffs_go_to_their_channels(slack, django_capture_on_commit_callbacks):
    alert = hot_alert()
    deliveries = alert_deliver(alert_id=alert.pk)
    assert "slack" in deliveries
    conversation = handoff(django_capture_on_commit_callbacks)

    hot, hand = slack.messages
    assert hot["channel"] == "#sales-hot-leads"
    assert "Hot Prospect (Acme)" in hot["text"] and "score" in hot["text"]
    assert [b["type"] for b in hot["blocks"]][-1] == "actions"
    assert hand["channel"] == "#sales-handoffs"
    assert "Needs Human" in hand["text"]
    assert "Asked for a person" in str(hand["blocks"])
    assert str(conversation.pk) in hand["blocks"][-1]["elements"][0]["url"]


def test_rate_limit_and_server_error_are_retried_once_delivered(slack):
    slack.rate_limited = 1
    slack.server_errors = 1
    alert = hot_alert()
    alert_deliver(alert_id=alert.pk)
    assert slack.attempts == 3 and len(slack.messages) == 1


def test_slack_down_keeps_the_alert_for_the_retry(slack):
    slack.server_errors = 10  # more than the SDK's retries
    alert = hot_alert()
    with pytest.raises(SlackUnavailable):
        alert_deliver(alert_id=alert.pk)
    alert.refresh_from_db()
    assert "slack" not in alert.deliveries and "email" in str(alert.deliveries)
    slack.server_errors = 0
    alert_deliver(alert_id=alert.pk)  # the task's retry
    alert.refresh_from_db()
    assert "slack" in alert.deliveries and len(slack.messages) == 1


def test_incoming_webhooks_per_kind(slack, settings, django_capture_on_commit_callbacks):
    settings.SLACK_BOT_TOKEN = ""
    settings.SLACK_WEBHOOK_URLS = {
        "hot_lead": slack.url + "/services/T0/B0HOT/x",
        "handoff": slack.url + "/services/T0/B0HAND/y",
    }
    alert_deliver(alert_id=hot_alert().pk)
    handoff(django_capture_on_commit_callbacks)
    assert [m["channel"] for m in slack.messages] == ["#sales-hot-leads", "#sales-handoffs"]
    assert slack.messages[0]["blocks"][0]["type"] == "section"
