"""Acceptance 1 and 2: anonymous journey to lead, and one lead for two browsers."""

from __future__ import annotations

import pytest

from analytics.models import Interaction
from leads.models import ConsentRecord, Lead, Visitor
from leads.selectors import lead_timeline
from tests.factories import continue_link_path, visitor_id_of

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def track(client, event: dict, **extra):
    return client.post("/api/track", event, format="json", HTTP_USER_AGENT=UA, **extra)


def test_anonymous_visitor_to_lead_journey(api_client, django_capture_on_commit_callbacks):
    paths = ["/?utm_source=linkedin", "/services", "/pricing", "/blog/ai", "/about"]
    with django_capture_on_commit_callbacks(execute=True):
        first = track(
            api_client,
            {
                "type": "page_view",
                "session_id": "s1",
                "properties": {
                    "path": "/",
                    "duration": 30,
                    "utm_source": "linkedin",
                    "utm_campaign": "q4",
                },
            },
        )
        assert first.status_code == 202, first.content
        assert first.json()["accepted"] == 1
        vid = visitor_id_of(first)
        for path in paths[1:]:
            resp = track(
                api_client,
                {
                    "type": "page_view",
                    "session_id": "s1",
                    "properties": {"path": path, "duration": 30},
                },
            )
            assert resp.status_code == 202
    visitor = Visitor.objects.get(pk=vid)
    assert visitor.utm_source == "linkedin"
    assert Interaction.objects.filter(visitor=visitor, lead__isnull=True).count() == 5
    ctx = Interaction.objects.first().context
    assert ctx["device"] == "mobile"
    assert ctx["os"] == "iOS"
    assert ctx["ip_truncated"] == "127.0.0.0"
    assert "127.0.0.1" not in str(ctx)

    with django_capture_on_commit_callbacks(execute=True):
        resp = api_client.post(
            "/api/leads",
            {
                "email": "Grace@Example.com",
                "name": "Grace",
                "consent": {"data_processing": True, "wording": "Send me the newsletter."},
                "form": "newsletter",
            },
            format="json",
        )
    assert resp.status_code == 200, resp.content
    lead = Lead.objects.get(email_normalized="grace@example.com")
    visitor.refresh_from_db()
    assert visitor.lead_id == lead.pk
    timeline = [e for e in lead_timeline(lead=lead) if e["kind"].startswith("interaction:")]
    assert len(timeline) == 6
    assert [e["kind"] for e in timeline][-1] == "interaction:newsletter_signup"
    assert [e["summary"] for e in timeline[:5]] == [
        "/",
        "/services",
        "/pricing",
        "/blog/ai",
        "/about",
    ]
    assert lead.page_views == 5
    assert lead.visits == 1
    assert lead.time_on_site_seconds == 150
    assert lead.first_visit_at is not None and lead.last_visit_at >= lead.first_visit_at
    assert lead.source == "linkedin"
    assert lead.campaign == "q4"
    assert lead.stage == "identified"  # email + name = 0.30 completeness
    assert ConsentRecord.objects.filter(lead=lead, purpose="data_processing").count() == 1
    assert Interaction.objects.filter(lead=lead, processed_at__isnull=True).count() == 0


def test_same_email_two_visitors_one_lead_after_verification(
    django_capture_on_commit_callbacks, new_client
):
    """A second browser of the same person is linked to the lead only once the address's
    owner opens the "continue where you left off" link on it (leads.identity)."""
    from django.core import mail

    laptop, phone = new_client(), new_client()
    with django_capture_on_commit_callbacks(execute=True):
        for client in (laptop, phone):
            assert (
                track(client, {"type": "page_view", "properties": {"path": "/"}}).status_code == 202
            )
        first = laptop.post(
            "/api/leads",
            {"email": "Sam@Example.com", "consent": True, "company": "Acme"},
            format="json",
        )
        second = phone.post(
            "/api/leads",
            {"email": "sAM@example.COM", "consent": True, "company": "Other"},
            format="json",
        )
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    lead = Lead.objects.get()
    assert lead.company == "Acme"  # an unverified browser never overwrites a field
    assert Visitor.objects.filter(lead=lead).count() == 1
    link = next(p for m in mail.outbox if (p := continue_link_path(m.body)))
    with django_capture_on_commit_callbacks(execute=True):
        opened = phone.get(link)
    assert opened.status_code == 302
    assert Visitor.objects.filter(lead=lead).count() == 2
    lead.refresh_from_db()
    assert Interaction.objects.filter(lead=lead, type="page_view").count() == 2
    assert lead.page_views == 2


def test_visitor_of_another_lead_is_not_merged(django_capture_on_commit_callbacks, api_client):
    """A shared browser that identifies as someone else is relinked; the earlier events
    stay with the first lead and the two leads are never merged."""
    with django_capture_on_commit_callbacks(execute=True):
        track(api_client, {"type": "page_view", "properties": {"path": "/a"}})
        a = api_client.post(
            "/api/leads", {"email": "a@example.com", "consent": True}, format="json"
        )
        b = api_client.post(
            "/api/leads", {"email": "b@example.com", "consent": True}, format="json"
        )
        track(api_client, {"type": "page_view", "properties": {"path": "/c"}})
    assert a.status_code == b.status_code == 200
    lead_a = Lead.objects.get(email_normalized="a@example.com")
    lead_b = Lead.objects.get(email_normalized="b@example.com")
    assert lead_a.pk != lead_b.pk
    paths = Interaction.objects.filter(type="page_view").values_list("lead_id", "properties__path")
    assert sorted((str(lid), p) for lid, p in paths) == sorted(
        [(str(lead_a.pk), "/a"), (str(lead_b.pk), "/c")]
    )
    assert lead_b.audits.filter(action="visitor_relinked").count() == 1
    assert Lead.objects.count() == 2
