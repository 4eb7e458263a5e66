"""Acceptance 3: a lead reaching grade A sends one dashboard message (on a WebSocket
communicator connected to the dashboard), one email to the assigned rep and one Slack post
to a local incoming-webhook stub; repeating the event sends none again."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from analytics.routing import websocket_urlpatterns
from leads.services import lead_assign
from scoring.models import ScoreAlert
from scoring.services import alert_raise, lead_rescore
from tests.factories import staff_user
from tests.scoring.conftest import HOT_PROFILE, engaged_events, make_lead

pytestmark = pytest.mark.django_db(transaction=True)


async def _drain(communicator: WebsocketCommunicator, timeout: float = 0.5) -> list[dict]:
    """Every message sent until the socket stays quiet (without cancelling the app)."""
    messages = []
    while not await communicator.receive_nothing(timeout=timeout):
        messages.append(await communicator.receive_json_from())
    return messages


def _to(outbox: list, address: str) -> list:
    """Alert emails to one address (the leads app also sends its own welcome email)."""
    return [m for m in outbox if m.to == [address]]


def _hot(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m.get("type") == "event" and m.get("event") == "lead.hot"]


async def test_grade_a_alerts_once_on_every_channel(slack_stub, mailoutbox, settings):
    settings.SITE_URL = "https://engage.example"
    rep = await database_sync_to_async(staff_user)(
        "Sales", username="rep-1", email="rep@ementech.test"
    )
    watcher = await database_sync_to_async(staff_user)("Sales", username="watcher")

    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/dashboard")
    communicator.scope["user"] = watcher
    connected, _ = await communicator.connect()
    assert connected

    def build_and_score():
        lead = make_lead(
            "amina@acme.test",
            profile=HOT_PROFILE,
            events=engaged_events(timezone.now()),
            buying_stage="decision",
        )
        lead = lead_assign(lead=lead, user=rep, actor=None)
        return lead, lead_rescore(lead_id=lead.pk)

    lead, outcome = await database_sync_to_async(build_and_score)()
    assert outcome.grade == "A"

    hot = _hot(await _drain(communicator))
    assert len(hot) == 1
    data = hot[0]["data"]
    assert data["lead_id"] == str(lead.pk)
    # Capture itself schedules a rescore, so grade A may first be reached (and alerted, with
    # the score of that moment) before the explicit rescore above.
    assert data["grade"] == "A" and 80 <= data["score"] <= outcome.score
    assert data["breakdown"] and data["breakdown"][0]["points"] > 0
    assert "/services/page-29/" in data["pages_viewed"]
    assert data["url"] == f"https://engage.example/admin/leads/lead/{lead.pk}/change/"
    assert "chat_summary" in data

    alerts_mail = _to(mailoutbox, "rep@ementech.test")
    assert len(alerts_mail) == 1
    assert "Grade A reached" in alerts_mail[0].subject
    assert "Why this score:" in alerts_mail[0].body
    assert data["url"] in alerts_mail[0].body

    assert len(slack_stub.requests) == 1
    posted = slack_stub.requests[0]["json"]
    assert str(data["score"]) in posted["text"]
    assert any(b.get("type") == "actions" for b in posted["blocks"])
    assert slack_stub.requests[0]["path"] == "/services/T000/B000/XXXX"

    # The same event again (rescoring, an explicit raise, a dip to B and back): nothing new.
    def repeat():
        lead_rescore(lead_id=lead.pk)
        assert alert_raise(lead=lead, reason="grade_a") is None
        settings.SCORING_WEIGHTS = {"engagement": 1.0, "role": 0.0}
        dipped = lead_rescore(lead_id=lead.pk)
        settings.SCORING_WEIGHTS = {"budget": 1.0}
        back = lead_rescore(lead_id=lead.pk)
        return dipped, back

    dipped, back = await database_sync_to_async(repeat)()
    assert back.grade == "A"
    assert _hot(await _drain(communicator)) == []
    assert len(_to(mailoutbox, "rep@ementech.test")) == 1
    assert len(slack_stub.requests) == 1
    count = await database_sync_to_async(ScoreAlert.objects.filter(lead=lead).count)()
    assert count == 1
    await communicator.disconnect()


async def test_high_intent_trigger_alerts_once(slack_stub, mailoutbox, settings):
    settings.SCORING_ALERT_FALLBACK_EMAIL = "sales@ementech.test"
    watcher = await database_sync_to_async(staff_user)(None, username="boss")
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/dashboard")
    communicator.scope["user"] = watcher  # a superuser: the "admin" group
    connected, _ = await communicator.connect()
    assert connected

    def raise_twice():
        lead = make_lead("b@lead.test", profile={"company": "Beta"})
        first = alert_raise(lead=lead, reason="high_intent", details={"path": "/pricing/"})
        second = alert_raise(lead=lead, reason="high_intent", details={"path": "/pricing/"})
        return first, second

    first, second = await database_sync_to_async(raise_twice)()
    assert first is not None and second is None
    hot = _hot(await _drain(communicator))
    assert len(hot) == 1 and hot[0]["data"]["reason"] == "high_intent"
    assert len(_to(mailoutbox, "sales@ementech.test")) == 1
    assert len(slack_stub.requests) == 1
    await communicator.disconnect()


async def test_marketers_cannot_open_the_dashboard_socket():
    marketer = await database_sync_to_async(staff_user)("Marketers", username="mk")
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/dashboard")
    communicator.scope["user"] = marketer
    connected, _ = await communicator.connect()
    assert not connected


async def test_dashboard_socket_refresh_sends_rendered_panels():
    watcher = await database_sync_to_async(staff_user)("Sales", username="viewer")
    await database_sync_to_async(make_lead)("n@x.test", profile={"company": "Gamma"})
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/dashboard")
    communicator.scope["user"] = watcher
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"action": "refresh", "from": "", "to": ""})
    messages = [m for m in await _drain(communicator, timeout=2) if m["type"] == "panels"]
    assert len(messages) == 1
    assert "<svg" in messages[0]["html"] and "Lead funnel" in messages[0]["html"]
    await communicator.disconnect()
