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
