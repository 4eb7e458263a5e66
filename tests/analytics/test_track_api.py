"""POST /api/track: single and batched events, per-type validation, all-or-nothing
batches with per-index errors, body limits, rate limiting keyed on the real client."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from analytics.models import Interaction
from leads.models import Visitor
from tests.factories import staff_user, visitor_id_of, with_rates

pytestmark = pytest.mark.django_db


def post(client, body, **extra):
    return client.post("/api/track", body, format="json", **extra)


def counts() -> tuple[int, int]:
    return Interaction.objects.count(), Visitor.objects.count()


def test_single_event_202_and_cookie(api_client):
    resp = post(api_client, {"type": "click", "properties": {"element_id": "cta"}})
    assert resp.status_code == 202
    assert resp.json()["accepted"] == 1
    assert resp.cookies["em_vid"]["httponly"]
    interaction = Interaction.objects.get()
    assert (interaction.type, interaction.category) == ("click", "engagement")
    assert interaction.visitor_id == visitor_id_of(resp)
    assert "visitor_id" not in resp.json()  # the id stays in the HttpOnly cookie


def test_batch_of_100_from_an_integration_uses_body_visitor_id(api_client):
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token

    visitor = Visitor.objects.create()
    integration = staff_user(None, username="integration", is_superuser=False)
    integration.user_permissions.add(Permission.objects.get(codename="add_interaction"))
    token, _ = Token.objects.get_or_create(user=integration)
    events = [{"type": "scroll", "properties": {"scroll_depth": i}} for i in range(100)]
    resp = post(
        api_client,
        {"events": events, "visitor_id": str(visitor.pk)},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert resp.status_code == 202
    assert resp.json()["accepted"] == 100
    assert Interaction.objects.filter(visitor=visitor).count() == 100
    assert Visitor.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "detail_path"),
    [
        ({"type": "teleport"}, ("events", "0", "type")),
        ({"type": "scroll", "properties": {}}, ("events", "0", "properties.scroll_depth")),
        (
            {"type": "scroll", "properties": {"scroll_depth": 400}},
            ("events", "0", "properties.scroll_depth"),
        ),
        (
            {"type": "page_view", "properties": {"duration": "long"}},
            ("events", "0", "properties.duration"),
        ),
        (
            {"type": "page_view", "properties": {"colour": "red"}},
            ("events", "0", "properties.colour"),
        ),
        (
            {"type": "resource_download", "properties": {}},
            ("events", "0", "properties.resource_id"),
        ),
        ({"type": "page_view", "occurred_at": "yesterday-ish"}, ("events", "0", "occurred_at")),
        (
            {"type": "page_view", "occurred_at": "2001-01-01T00:00:00Z"},
            ("events", "0", "occurred_at"),
        ),
        (
            {"type": "chat_tool_call", "properties": {"tool_calls": [1, 2]}},
            ("events", "0", "properties.tool_calls"),
        ),
    ],
)
def test_invalid_single_event_is_refused(api_client, body, detail_path):
    resp = post(api_client, body)
    assert resp.status_code == 400
    details = resp.json()["details"]
    for key in detail_path:
        details = details[key]
    assert details and isinstance(details[0], str)
    assert counts() == (0, 0)


def test_one_bad_event_rejects_the_whole_batch_with_per_index_errors(api_client):
    events = [{"type": "page_view", "properties": {"path": f"/{i}"}} for i in range(10)]
    events[3] = {"type": "unknown_kind"}
    events[7] = {"type": "email_open", "properties": {}}
    resp = post(api_client, {"events": events})
    assert resp.status_code == 400
    body = resp.json()
    assert body["error"]
    assert set(body["details"]["events"]) == {"3", "7"}
    assert "type" in body["details"]["events"]["3"]
    assert "properties.email_id" in body["details"]["events"]["7"]
    assert counts() == (0, 0)


def test_101_events_refused(api_client):
    events = [{"type": "page_view"}] * 101
    resp = post(api_client, {"events": events})
    assert resp.status_code == 400
    assert "events" in resp.json()["details"]
    assert counts() == (0, 0)


@pytest.mark.parametrize("body", [[], {"events": []}, {"events": "x"}, {"events": [], "extra": 1}])
def test_malformed_envelopes_refused(api_client, body):
    resp = post(api_client, body)
    assert resp.status_code == 400
    assert resp.json()["details"]
    assert counts() == (0, 0)


def test_wrong_content_type_415(api_client):
    resp = api_client.post(
        "/api/track", "type=page_view", content_type="application/x-www-form-urlencoded"
    )
    assert resp.status_code == 415
    assert resp.json()["error"]
    assert counts() == (0, 0)


def test_one_megabyte_body_413(api_client):
    big = json.dumps({"type": "page_view", "properties": {"title": "x" * (1024 * 1024)}})
    resp = api_client.post("/api/track", big, content_type="application/json")
    assert resp.status_code == 413
    assert resp.json()["details"]["body"]
    assert counts() == (0, 0)


def test_invalid_json_400(api_client):
    resp = api_client.post("/api/track", "{not json", content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["error"]
    assert counts() == (0, 0)


@override_settings(RATE_LIMITS=with_rates({"track": "3/m"}), TRUSTED_PROXY_COUNT=0)
def test_rate_limit_429_with_retry_after_and_forged_xff_ignored(api_client):
    event = {"type": "page_view", "properties": {"path": "/"}}
    for _ in range(3):
        assert post(api_client, event).status_code == 202
    limited = post(api_client, event)
    assert limited.status_code == 429
    retry_after = int(limited["Retry-After"])
    assert 1 <= retry_after <= 60
    assert limited.json()["error"] == "Too many requests."
    forged = post(api_client, event, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.status_code == 429
    forged2 = post(api_client, event, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.10")
    assert forged2.status_code == 429
    assert Interaction.objects.count() == 3
    # Another real client (socket address) has its own bucket.
    other = post(api_client, event, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 202


@override_settings(RATE_LIMITS=with_rates({"track": "2/m"}), TRUSTED_PROXY_COUNT=1)
def test_behind_a_configured_proxy_the_forwarded_client_is_the_key(api_client):
    event = {"type": "page_view"}
    for _ in range(2):
        assert post(api_client, event, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 202
    assert post(api_client, event, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert post(api_client, event, HTTP_X_FORWARDED_FOR="203.0.113.77").status_code == 202


def test_identified_visitor_events_are_attributed_at_once(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(api_client, {"type": "page_view", "properties": {"path": "/"}})
        api_client.post("/api/leads", {"email": "x@example.com", "consent": True}, format="json")
        post(api_client, {"events": [{"type": "page_view", "properties": {"path": "/2"}}]})
    assert Interaction.objects.filter(lead__isnull=True).count() == 0
    assert Interaction.objects.filter(lead__email="x@example.com", type="page_view").count() == 2


def test_visitor_touch_on_track_keeps_first_touch_and_refreshes_last_seen(api_client):
    import datetime as dt

    ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
    first = post(
        api_client, {"type": "click", "properties": {"element_id": "x"}}, HTTP_USER_AGENT=ua
    )
    visitor = Visitor.objects.get(pk=visitor_id_of(first))
    assert (visitor.device, visitor.user_agent_family, visitor.os_family) == (
        "desktop",
        "Chrome",
        "Windows",
    )
    assert visitor.utm_source == ""
    event = {
        "type": "page_view",
        "properties": {"path": "/offer", "utm_source": "google", "utm_campaign": "spring"},
    }
    post(api_client, event)
    visitor.refresh_from_db()
    assert (visitor.utm_source, visitor.utm_campaign, visitor.landing_page) == (
        "google",
        "spring",
        "/offer",
    )
    event["properties"] = {"path": "/later", "utm_source": "bing"}
    old = visitor.last_seen - dt.timedelta(minutes=5)
    Visitor.objects.filter(pk=visitor.pk).update(last_seen=old)
    post(api_client, event)
    visitor.refresh_from_db()
    assert (visitor.utm_source, visitor.landing_page) == ("google", "/offer")
    assert visitor.last_seen > old
    assert Visitor.objects.count() == 1
    assert Interaction.objects.filter(visitor=visitor).count() == 3


def test_a_body_visitor_id_from_a_browser_is_ignored(api_client):
    import uuid

    vid = uuid.uuid4()
    resp = post(api_client, {"events": [{"type": "page_view"}], "visitor_id": str(vid)})
    assert resp.status_code == 202
    assert not Visitor.objects.filter(pk=vid).exists()
    assert visitor_id_of(resp) not in (None, vid)
    api_client.cookies.pop("em_vid")  # a browser without the cookie
    bad = post(api_client, {"events": [{"type": "page_view"}], "visitor_id": "not-a-uuid"})
    assert bad.status_code == 202
    assert Visitor.objects.count() == 2


def test_server_only_types_are_refused_on_the_public_endpoint(api_client):
    """Attendance is recorded by the server (Zoom import); a visitor cannot claim it."""
    resp = post(api_client, {"type": "event_attended", "properties": {"event_id": "x"}})
    assert resp.status_code == 400
    assert "type" in resp.json()["details"]["events"]["0"]
    assert counts() == (0, 0)
