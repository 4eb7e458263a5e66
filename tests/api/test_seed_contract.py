"""Clients written to the seed's API section (§6) work: its example bodies, snake- and
camel-case, are accepted with their fields stored, and the lead list takes its paging and
date filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from leads.models import ConsentRecord, Lead

pytestmark = pytest.mark.django_db

# §6.1.1 createLeadSchema: {email, name?, consent: {given, dataProcessing, marketing},
# source, medium, campaign?}
SEED_LEAD_CAMEL = {
    "email": "wanjiru@acme.co.ke",
    "name": "Wanjiru Kamau",
    "consent": {"given": True, "dataProcessing": True, "marketing": True},
    "source": "linkedin",
    "medium": "social",
    "campaign": "q3-ai-readiness",
}
SEED_LEAD_SNAKE = {
    "email": "otieno@acme.co.ke",
    "name": "Otieno Odhiambo",
    "consent": {"given": True, "data_processing": True, "marketing": False},
    "source": "newsletter",
    "medium": "email",
    "campaign": "october-digest",
}


@pytest.mark.parametrize("body", [SEED_LEAD_CAMEL, SEED_LEAD_SNAKE], ids=["camel", "snake"])
def test_seed_lead_body_is_accepted_and_stored(api_client, body):
    resp = api_client.post("/api/leads", body, format="json")
    assert resp.status_code in (200, 201), resp.content
    lead = Lead.objects.get(email_normalized=body["email"])
    assert (lead.name, lead.source, lead.medium, lead.campaign) == (
        body["name"], body["source"], body["medium"], body["campaign"],
    )  # fmt: skip
    purposes = set(ConsentRecord.objects.filter(lead=lead).values_list("purpose", flat=True))
    assert "data_processing" in purposes
    assert ("marketing" in purposes) is body["consent"]["marketing"]


def test_seed_consent_given_alone_counts_as_data_processing(api_client):
    body = {"email": "a@example.com", "consent": {"given": True}, "source": "x", "medium": "y"}
    assert api_client.post("/api/leads", body, format="json").status_code in (200, 201)
    refused = {**body, "email": "b@example.com", "consent": {"given": False}}
    resp = api_client.post("/api/leads", refused, format="json")
    assert resp.status_code == 400 and "consent" in resp.json()["details"]


def test_a_key_in_both_spellings_is_refused(api_client):
    body = {**SEED_LEAD_SNAKE, "consent": {"dataProcessing": True, "data_processing": True}}
    resp = api_client.post("/api/leads", body, format="json")
    assert resp.status_code == 400
    assert Lead.objects.count() == 0


def test_lead_list_takes_the_seed_paging_and_dates(token_client, api_client):
    for i in range(5):
        api_client.post(
            "/api/leads",
            {**SEED_LEAD_CAMEL, "email": f"p{i}@acme.co.ke", "medium": "social" if i else "cpc"},
            format="json",
        )
    old = Lead.objects.get(email_normalized="p4@acme.co.ke")
    Lead.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    # Sales users may list leads (view permission).
    resp = token_client.get("/api/leads?page=2&limit=2")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["pagination"] == {"page": 2, "limit": 2, "total": 5, "pages": 3}
    assert len(body["results"]) == 2
    page3 = token_client.get("/api/leads?page=3&limit=2").json()
    assert [r["email"] for r in page3["results"]] == ["p4@acme.co.ke"]

    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    recent = token_client.get(f"/api/leads?dateFrom={since}").json()
    assert recent["pagination"]["total"] == 4
    assert "p4@acme.co.ke" not in {r["email"] for r in recent["results"]}
    before = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    older = token_client.get(f"/api/leads?dateTo={before}").json()
    assert [r["email"] for r in older["results"]] == ["p4@acme.co.ke"]

    by_medium = token_client.get("/api/leads?medium=cpc").json()
    assert [r["email"] for r in by_medium["results"]] == ["p0@acme.co.ke"]
    by_campaign = token_client.get("/api/leads?campaign=q3-ai-readiness").json()
    assert by_campaign["pagination"]["total"] == 5
    assert token_client.get("/api/leads?page=1&cursor=abc").status_code == 400


# §6.1.3: {leadId, sessionId, type, category, properties, context}
SEED_TRACK_CAMEL = {
    "leadId": None,
    "sessionId": "sess-7f3a",
    "type": "page_view",
    "category": "page_view",
    "properties": {"url": "https://ementech.co.ke/services/ai", "title": "AI services"},
    "context": {"referrer": "https://www.linkedin.com/"},
}
SEED_TRACK_SNAKE = {
    "lead_id": None,
    "session_id": "sess-9b1c",
    "type": "page_view",
    "category": "page_view",
    "properties": {"url": "https://ementech.co.ke/pricing", "title": "Pricing"},
    "context": {"referrer": "https://www.google.com/"},
}


@pytest.mark.parametrize("body", [SEED_TRACK_CAMEL, SEED_TRACK_SNAKE], ids=["camel", "snake"])
def test_seed_track_body_is_accepted_and_stored(api_client, body):
    from analytics.models import CATEGORY_OF_TYPE, Interaction
    from tests.factories import with_analytics_consent

    assert CATEGORY_OF_TYPE["page_view"] == body["category"]
    resp = with_analytics_consent(api_client).post("/api/track", body, format="json")
    assert resp.status_code == 202, resp.content
    row = Interaction.objects.get()
    session = body.get("sessionId") or body.get("session_id")
    assert row.session_id == session
    assert row.properties["url"] == body["properties"]["url"]
    assert row.properties["referrer"] == body["context"]["referrer"]


def test_seed_track_refuses_a_client_supplied_lead_id(api_client):
    from tests.factories import with_analytics_consent

    body = {**SEED_TRACK_CAMEL, "leadId": "3f2b8c1e-0000-0000-0000-000000000000"}
    resp = with_analytics_consent(api_client).post("/api/track", body, format="json")
    assert resp.status_code == 400 and "lead_id" in str(resp.json()["details"])


# §6.1.5 POST /api/events takes the seed's IEvent body.
SEED_EVENT_CAMEL = {
    "name": "AI for Nairobi SMEs",
    "slug": "ai-for-nairobi-smes",
    "type": "webinar",
    "description": "<p>How small firms put AI to work in 90 days.</p>",
    "agenda": ["Welcome", "Three use cases", "Q&A"],
    "speakers": [
        {"name": "Amina Yusuf", "title": "CTO", "company": "EmenTech", "photo": "", "bio": "x"}
    ],
    "scheduledFor": "2031-03-10T09:00:00+03:00",
    "duration": 90,
    "timezone": "Africa/Nairobi",
    "format": "virtual",
    "platform": "Zoom",
    "capacity": 100,
    "registration": {
        "required": True,
        "fields": ["email", "name", "company"],
        "qualificationRequired": False,
    },
    "recordingAvailable": False,
    "status": "upcoming",
}


def _snake_event(body: dict) -> dict:
    out = {
        k: v for k, v in body.items()
        if k not in ("scheduledFor", "registration", "recordingAvailable")
    }  # fmt: skip
    out["scheduled_for"] = body["scheduledFor"]
    out["registration"] = {"required": True, "fields": ["name", "company"],
                           "qualification_required": False}  # fmt: skip
    out["slug"] = body["slug"] + "-snake"
    return out


@pytest.mark.parametrize("style", ["camel", "snake"])
def test_seed_event_body_creates_the_event(events_index, marketer, style):
    from rest_framework.test import APIClient

    from events.models import EventPage

    client = APIClient()
    client.force_authenticate(marketer)
    body = SEED_EVENT_CAMEL if style == "camel" else _snake_event(SEED_EVENT_CAMEL)
    resp = client.post("/api/events", body, format="json")
    assert resp.status_code == 201, resp.content
    event = EventPage.objects.get(slug=body["slug"])
    assert event.title == "AI for Nairobi SMEs"
    assert event.duration_minutes == 90
    assert "90 days" in event.description
    assert [b.value["title"] for b in event.agenda] == ["Welcome", "Three use cases", "Q&A"]
    assert [b.value["name"] for b in event.speakers] == ["Amina Yusuf"]
    assert list(event.registration_fields) == ["name", "company"]
    assert event.registration_required is True
    assert event.capacity == 100


# §6.1.5 POST /api/events/:id/register: {email, name, consent, company?, role?}
@pytest.mark.parametrize(
    "consent",
    [{"given": True, "dataProcessing": True, "marketing": False}, True],
    ids=["seed-object", "boolean"],
)
def test_seed_registration_body_registers(api_client, make_event, consent):
    from events.models import EventRegistration

    event = make_event(registration_fields=["name", "company"])
    body = {"email": "faith@acme.co.ke", "name": "Faith Njeri", "company": "Acme",
            "consent": consent}  # fmt: skip
    resp = api_client.post(f"/api/events/{event.uuid}/register", body, format="json")
    assert resp.status_code == 201, resp.content
    registration = EventRegistration.objects.get(event=event)
    assert registration.lead.name == "Faith Njeri"
    assert registration.lead.company == "Acme"
