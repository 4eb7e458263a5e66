"""No raw IP address is stored anywhere (or logged) after IPv4 and IPv6 traffic."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from analytics.models import Interaction
from core.net import truncate_ip
from leads.models import ConsentRecord
from tests.privacy.scan import database_matches

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "203.0.113.77": ["203.0.113.77", "0.113.77"],
    "2001:db8:85a3::8a2e:370:7334": [
        "2001:db8:85a3::8a2e:370:7334",
        "2001:db8:85a3:0:0:8a2e:370:7334",
        "8a2e:370:7334",
    ],
}


def _traffic(client: APIClient, n: int) -> list[int]:
    email = f"ip-test-{n}@example.com"
    calls = [
        ("/api/privacy/consent", {"analytics": True, "marketing": True, "page_url": "/"}),
        ("/api/track", {"events": [{"type": "page_view", "properties": {"path": "/"}}]}),
        (
            "/api/leads",
            {
                "email": email,
                "consent": {"data_processing": True, "analytics": True, "marketing": True},
                "name": "Ip Tester",
            },
        ),
        ("/api/privacy/consent", {"analytics": True, "marketing": False, "page_url": "/x/"}),
        ("/api/track", {"type": "click", "properties": {"path": "/", "element": "cta"}}),
        ("/api/privacy/requests", {"email": email, "type": "export"}),
        ("/api/tools/roi", {"email": email, "employees": 50, "hours_per_week": 10}),
    ]
    codes = []
    for path, body in calls:
        codes.append(client.post(path, body, format="json").status_code)
    return codes


def test_no_raw_ip_in_any_stored_row_or_log(caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    for n, address in enumerate(ADDRESSES, start=1):
        client = APIClient(REMOTE_ADDR=address, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux)")
        client.cookies["em_consent"] = "1.a1.m1"
        with django_capture_on_commit_callbacks(execute=True):
            codes = _traffic(client, n)
        assert all(code < 500 for code in codes), codes
    # The traffic really stored rows that carry an address field...
    assert Interaction.objects.count() >= 4
    truncated = {truncate_ip(a) for a in ADDRESSES}
    assert truncated == {"203.0.0.0", "2001:db8:85a3::"}
    stored = {r.context.get("ip_truncated") for r in Interaction.objects.all()}
    assert stored == truncated
    assert set(ConsentRecord.objects.values_list("ip_truncated", flat=True)) <= truncated | {""}
    assert ConsentRecord.objects.filter(ip_truncated__in=truncated).exists()
    # ...and no table, column or log line holds the full addresses.
    needles = [n for forms in ADDRESSES.values() for n in forms]
    assert database_matches(needles) == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not [n for n in needles if n in logged]


def test_scan_detects_a_raw_address():
    from leads.services import visitor_touch

    visitor = visitor_touch(visitor_id=None)
    ConsentRecord.objects.create(
        visitor=visitor, purpose="analytics", granted=True, ip_truncated="203.0.113.77"
    )
    assert database_matches(["203.0.113.77"])


def test_no_raw_ip_after_registration_newsletter_and_email_tracking(
    demo_site, django_capture_on_commit_callbacks
):
    """Value-exchange endpoints and the email open pixel, from an IPv4 and an IPv6 client."""
    for n, address in enumerate(ADDRESSES, start=1):
        client = APIClient(REMOTE_ADDR=address, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux)")
        client.cookies["em_consent"] = "1.a1.m1"
        consent = {"data_processing": True, "marketing": True, "analytics": True}
        items = client.get("/api/events").json()["events"]
        assert items, "the demo has upcoming events"
        codes = []
        with django_capture_on_commit_callbacks(execute=True):
            for event in items[:2]:
                body = {"email": f"reg-{n}@example.com", "consent": consent}
                body.update({name: "Seed value" for name in event.get("registration_fields", [])})
                body["company_size"] = "11-50"
                codes.append(
                    client.post(
                        f"/api/events/{event['id']}/register", body, format="json"
                    ).status_code
                )
            codes.append(
                client.post(
                    "/api/newsletter/subscribe",
                    {"email": f"news-{n}@example.com", "consent": consent},
                    format="json",
                ).status_code
            )
        assert all(code < 500 for code in codes), codes
        assert any(code in (200, 201, 202) for code in codes), codes
    from mail.models import OutboundEmail

    for email in OutboundEmail.objects.all()[:3]:
        for address in ADDRESSES:
            APIClient(REMOTE_ADDR=address).get(f"/e/o/{email.token}.gif")
    needles = [n for forms in ADDRESSES.values() for n in forms]
    assert database_matches(needles) == []
