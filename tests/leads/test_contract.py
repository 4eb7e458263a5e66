"""The contract other apps build on: capture, visitors, interactions, next fields, lookups."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404
from django.test import RequestFactory

from analytics.models import Interaction
from analytics.services import interaction_record, interactions_record
from leads.models import ConsentRecord, Lead, Visitor
from leads.selectors import lead_for_request, lead_get, next_fields
from leads.services import CaptureError, ConsentInput, lead_capture, visitor_touch
from tests.factories import visitor_cookie

pytestmark = pytest.mark.django_db
CONSENT = ConsentInput(data_processing=True, marketing=True, wording="I agree.")


def test_capture_creates_then_updates_case_insensitively():
    browser = visitor_touch(visitor_id=None)
    first = lead_capture(
        email="Ada@Example.com", consent=CONSENT, source="newsletter", visitor=browser
    )
    assert first.created is True
    # The browser that created the lead is verified for it: it may add to it.
    second = lead_capture(
        email="ada@example.COM",
        consent=CONSENT,
        source="contact",
        profile={"company": "Acme"},
        visitor=browser,
    )
    assert second.created is False
    assert second.lead.pk == first.lead.pk
    lead = Lead.objects.get()
    assert lead.email == "Ada@Example.com"
    assert lead.email_normalized == "ada@example.com"
    assert lead.company == "Acme"
    purposes = sorted(ConsentRecord.objects.values_list("purpose", flat=True))
    assert purposes == ["data_processing", "data_processing", "marketing", "marketing"]


def test_capture_never_overwrites_with_empty():
    lead_capture(email="b@example.com", consent=CONSENT, source="x", profile={"name": "Bo"})
    lead_capture(
        email="b@example.com", consent=CONSENT, source="x", profile={"name": ""}, trusted=True
    )
    assert Lead.objects.get().name == "Bo"


def test_an_unknown_caller_only_claims_a_known_address():
    lead_capture(email="c@example.com", consent=CONSENT, source="x", profile={"name": "Cy"})
    result = lead_capture(
        email="c@example.com", consent=CONSENT, source="x", profile={"company": "Evil"}
    )
    assert result.verified is False and result.created is False
    lead = Lead.objects.get()
    assert lead.company == "" and lead.name == "Cy"
    assert ConsentRecord.objects.filter(lead=lead, purpose="marketing").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "not-an-email", "consent": CONSENT}, "email"),
        # the demo history's marker domain: a visitor's lead there would be taken for
        # synthetic data (no alerts) and deleted by the next load_demo --history
        ({"email": "Someone@Synthetic.Example", "consent": CONSENT}, "email"),
        ({"email": "c@example.com", "consent": ConsentInput(data_processing=False)}, "consent"),
        ({"email": "c@example.com", "consent": CONSENT, "profile": {"shoe": "9"}}, "shoe"),
        ({"email": "c@example.com", "consent": CONSENT, "profile": {"budget": "lots"}}, "budget"),
    ],
)
def test_capture_rejects_bad_input(kwargs, field):
    with pytest.raises(CaptureError) as info:
        lead_capture(source="t", **kwargs)
    assert field in info.value.details
    assert Lead.all_objects.count() == 0
    assert ConsentRecord.objects.count() == 0


def test_visitor_touch_creates_and_reuses():
    v = visitor_touch(visitor_id=None, utm_source="google")
    again = visitor_touch(visitor_id=str(v.pk), utm_source="bing")
    assert again.pk == v.pk
    assert Visitor.objects.get().utm_source == "google"
    assert visitor_touch(visitor_id="garbage").pk != v.pk


def test_interactions_stitched_on_capture(django_capture_on_commit_callbacks):
    v = visitor_touch(visitor_id=uuid.uuid4())
    interactions_record(events=[{"type": "page_view", "properties": {"path": "/"}}] * 3, visitor=v)
    assert Interaction.objects.filter(lead__isnull=True).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_capture(email="d@example.com", consent=CONSENT, source="x", visitor=v).lead
    assert Interaction.objects.filter(lead=lead).count() == 3
    v.refresh_from_db()
    interaction_record(type="resource_download", properties={"resource_id": "r1"}, visitor=v)
    assert Interaction.objects.filter(lead=lead).count() == 4


def test_next_fields_and_lookups():
    assert next_fields(form="resource_download", lead=None) == ["email", "name", "company", "role"]
    lead = lead_capture(
        email="e@example.com", consent=CONSENT, source="x", profile={"name": "E"}
    ).lead
    assert next_fields(form="resource_download", lead=lead) == ["company", "role"]
    with pytest.raises(ValueError):
        next_fields(form="nope", lead=None)
    v = visitor_touch(visitor_id=None)
    lead_capture(email="e@example.com", consent=CONSENT, source="x", visitor=v)
    # Typing a known address does not link this browser (it only claimed it)...
    request = RequestFactory().get("/", HTTP_COOKIE=f"em_vid={visitor_cookie(v)}")
    assert lead_for_request(request) is None
    # ...the browser that created the lead is linked, and only with the signed cookie.
    creator = lead.visitors.first() or visitor_touch(visitor_id=None)
    other = lead_capture(email="f@example.com", consent=CONSENT, source="x", visitor=creator).lead
    request = RequestFactory().get("/", HTTP_COOKIE=f"em_vid={visitor_cookie(creator)}")
    assert lead_for_request(request) == other
    forged = RequestFactory().get("/", HTTP_COOKIE=f"em_vid={creator.pk}")
    assert lead_for_request(forged) is None
    assert lead_get(lead_id=lead.pk) == lead
    with pytest.raises(Http404):
        lead_get(lead_id=uuid.uuid4())
    with pytest.raises(Http404):
        lead_get(lead_id="nope")


def test_consent_is_derived_from_the_append_only_log():
    from leads.selectors import consent_current
    from leads.services import consent_record

    lead = lead_capture(email="f@example.com", consent=CONSENT, source="x").lead
    assert consent_current(lead=lead) == {
        "data_processing": True,
        "marketing": True,
        "analytics": False,
    }
    consent_record(purpose="marketing", granted=False, lead=lead, method="unsubscribe_link")
    assert consent_current(lead=lead)["marketing"] is False
    assert ConsentRecord.objects.filter(lead=lead, purpose="marketing").count() == 2
    record = ConsentRecord.objects.filter(lead=lead).first()
    record.granted = False
    with pytest.raises(ValueError):
        record.save()
    with pytest.raises(ValueError):
        record.delete()


def test_inferred_fields_are_still_asked_and_replaced_by_the_answer():
    lead = lead_capture(
        email="inferred@example.com", consent=ConsentInput(data_processing=True), source="test"
    ).lead
    lead.industry = "fintech"
    lead.inferred_fields = {"industry": 0.8}
    lead.save(update_fields=["industry", "inferred_fields"])
    assert "industry" in next_fields(form="roi_calculator", lead=lead)
    lead = lead_capture(
        email="inferred@example.com",
        consent=ConsentInput(data_processing=True),
        source="test",
        profile={"industry": "logistics"},
        trusted=True,
    ).lead
    lead.refresh_from_db()
    assert lead.industry == "logistics"
    assert "industry" not in lead.inferred_fields


def test_the_public_api_refuses_the_synthetic_domain_in_the_error_shape(api_client):
    resp = api_client.post(
        "/api/leads",
        {"email": "lead1@synthetic.example", "consent": {"data_processing": True}},
        format="json",
    )
    assert resp.status_code == 400
    body = resp.json()
    assert set(body) == {"error", "details"}
    assert body["details"]["email"] == ["This address is reserved for synthetic demo data."]
    assert Lead.all_objects.count() == 0
