"""Inferred profile data (progressive profiling, in leads): only confidence >= 0.7, only into
empty fields, marked as inferred (``inferred_fields`` and the admin), every inference logged
with its evidence; tools' old task names still run it, through ``leads.facade``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from analytics.services import interaction_record
from leads import inference
from leads.models import Lead, LeadAudit, ProfileInference
from leads.services import ConsentInput, lead_capture
from leads.tasks import infer_profile

pytestmark = pytest.mark.django_db

VISITS = [
    ("page_view", {"path": "/case-studies/fintech-fraud-detection/", "title": "Fraud at a lender"}),
    ("page_view", {"path": "/blog/payments-ai/", "title": "AI in payments"}),
    ("resource_download", {"path": "/resources/", "resource_id": "banking-rag-guide"}),
    ("scroll", {"path": "/docs/rag-architecture/", "scroll_depth": 80}),
    ("scroll", {"path": "/docs/rag-architecture/", "scroll_depth": 40}),
    ("scroll", {"path": "/blog/llm-evals/", "scroll_depth": 75}),
    ("page_view", {"path": "/blog/vector-search-implementation/"}),
    ("page_view", {"path": "/pricing/"}),
    ("page_view", {"path": "/enterprise/", "title": "Enterprise AI"}),
]


def _lead_with_visits(**profile) -> Lead:
    lead = lead_capture(
        email="inferred@example.com",
        consent=ConsentInput(data_processing=True),
        source="test",
        profile=profile or None,
    ).lead
    for kind, props in VISITS:
        interaction_record(type=kind, properties=props, lead=lead)
    return lead


def test_only_confident_inferences_fill_only_empty_fields():
    lead = _lead_with_visits(role="CTO")
    infer_profile.delay(str(lead.pk))
    lead.refresh_from_db()
    # industry: 3 fintech pages, all of the industry hits -> 0.4 + 3 x 0.15 = 0.85
    assert lead.industry == "fintech"
    # sophistication: 4 technical pages, average best scroll (80 + 75) / 2 -> advanced,
    # 0.45 + 4 x 0.07 = 0.73
    assert lead.ai_data["sophistication"] == "advanced"
    assert lead.inferred_fields == {"industry": 0.85, "sophistication": 0.73}
    # One enterprise page: 0.55 < 0.7 -> logged, never written.
    assert lead.company_size == "" and lead.budget == ""
    budget = ProfileInference.objects.get(lead=lead, field="budget")
    assert budget.value == "100k+" and budget.confidence == 0.55 and budget.applied is False
    assert lead.role == "CTO"
    assert LeadAudit.objects.filter(lead=lead, action="inferred").count() == 1


def test_known_field_is_never_overwritten():
    lead = _lead_with_visits(industry="logistics")
    infer_profile.delay(str(lead.pk))
    lead.refresh_from_db()
    assert lead.industry == "logistics"
    assert "industry" not in lead.inferred_fields
    row = ProfileInference.objects.get(lead=lead, field="industry")
    assert row.value == "fintech" and row.confidence == 0.85 and row.applied is False


def test_urgency_signals_give_a_timeline():
    now = timezone.now()
    items = [
        {"type": "page_view", "properties": {"path": p}, "occurred_at": now - dt.timedelta(days=1)}
        for p in ("/pricing/", "/contact/", "/demo/", "/book-a-call/", "/quote/")
    ]
    found = {i.field: i for i in inference.infer(items, now=now)}
    assert found["timeline"].value == "1-3mo"
    assert found["timeline"].confidence == 0.8  # 0.5 + 5 x 0.06
    old = [{**i, "occurred_at": now - dt.timedelta(days=40)} for i in items]
    assert "timeline" not in {i.field for i in inference.infer(old, now=now)}


def test_admin_marks_values_as_inferred(client, superuser):
    lead = _lead_with_visits()
    infer_profile.delay(str(lead.pk))
    client.force_login(superuser)
    listing = client.get("/admin/leads/inferredlead/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "inferred@example.com" in html
    assert "industry: <strong>fintech</strong> <em>(inferred, 0.85)</em>" in html


def test_inferred_lead_data_is_for_sales_not_marketers(client, marketer, sales_user):
    lead = _lead_with_visits()
    infer_profile.delay(str(lead.pk))
    client.force_login(marketer)
    assert client.get("/admin/leads/inferredlead/").status_code == 403
    # Exit-offer rows name their visitor and lead: personal data, Sales only (marketers
    # compare offers through the aggregate stats).
    assert client.get("/admin/tools/exitoffer/").status_code == 403
    client.force_login(sales_user)
    assert client.get("/admin/leads/inferredlead/").status_code == 200


def test_tools_task_name_still_runs_inference_through_the_leads_facade():
    """A message queued under the old name (``tools.tasks.infer_profile``) still infers."""
    from tools.tasks import infer_profile as old_name

    lead = _lead_with_visits()
    assert old_name.delay(str(lead.pk)).get() == ProfileInference.objects.filter(lead=lead).count()
    lead.refresh_from_db()
    assert lead.industry == "fintech"
