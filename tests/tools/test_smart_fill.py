"""Smart form fill: role, company size bucket and industry from ten phrasings, returned for
the visitor to confirm before saving (issue 9, acceptance 5)."""

from __future__ import annotations

import pytest

from leads.models import Lead

PHRASINGS = [
    ("I'm a CTO at a 50-person fintech company", "CTO", "11-50", "fintech"),
    ("Head of Data at a logistics firm with about 300 employees", "Head of Data", "201-500",
     "logistics"),
    ("We're a team of 8 building e-commerce software; I'm the founder", "Founder", "1-10",
     "retail"),
    ("VP of Engineering, healthcare startup, 120 people", "VP of Engineering", "51-200",
     "healthcare"),
    ("i run marketing for an insurance company of 2,000 staff", "Head of Marketing", "500+",
     "insurance"),
    ("Product manager at a 35 person agritech company", "Product Manager", "11-50",
     "agriculture"),
    ("CEO of a manufacturing business with 1.5k employees", "CEO", "500+", "manufacturing"),
    ("I'm a data scientist at a bank, roughly 5000 people", "Data Scientist", "500+", "fintech"),
    ("Operations director at a 45-strong freight forwarding company", "Operations Director",
     "11-50", "logistics"),
    ("Chief Technology Officer for a twelve-person edtech startup", "CTO", "11-50", "education"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "role", "size", "industry"), PHRASINGS)
def test_ten_phrasings(api_client, text, role, size, industry):
    response = api_client.post("/api/forms/extract", {"text": text}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["fields"]["role"] == role
    assert body["fields"]["company_size"] == size
    assert body["fields"]["industry"] == industry
    assert body["method"] == "rules"
    assert body["needs_confirmation"] is True
    assert Lead.objects.count() == 0  # nothing saved until the visitor submits the form


@pytest.mark.django_db
def test_nothing_invented_from_an_unrelated_sentence(api_client):
    body = api_client.post(
        "/api/forms/extract", {"text": "Just browsing, thanks!"}, format="json"
    ).json()
    assert body["fields"] == {}


@pytest.mark.django_db
def test_labels_and_seniority(api_client):
    body = api_client.post(
        "/api/forms/extract", {"text": "I'm a CTO at a 50-person fintech company"}, format="json"
    ).json()
    assert body["fields"]["seniority"] == "c_level"
    assert body["labels"]["industry"] == "Financial services"


@pytest.mark.django_db
def test_capture_forms_offer_smart_fill_with_confirmation(client):
    from tools.models import ToolResult

    result = ToolResult.objects.create(kind="roi", inputs={}, outputs={})
    page = client.post(
        "/tools/roi/",
        {"action": "email", "result_id": str(result.pk), "email": "not-an-email"},
    ).content.decode()
    assert "data-smart-fill" in page
    assert "data-smart-fill-confirm" in page and "data-smart-fill-accept" in page
