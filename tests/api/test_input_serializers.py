"""Views validate request bodies with their documented serializers (issue 14): wrong types,
unknown keys and bad values are refused field by field in the contract's shape with nothing
stored, and the answers have exactly the documented fields."""

from __future__ import annotations

import pytest

from leads.models import ConsentRecord, Lead

pytestmark = pytest.mark.django_db

CONSENT = {"data_processing": True}


def _capture(client, **body):
    return client.post("/api/leads", {"email": "ada@acme.co.ke", **body}, format="json")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"consent": CONSENT, "name": 123}, "name", "Must be a string."),
        ({"consent": CONSENT, "shoe": "9"}, "shoe", "Unknown field."),
        ({"consent": CONSENT, "budget": "lots"}, "budget", None),
        ({"consent": CONSENT, "phone": "abc"}, "phone", None),
        ({"consent": CONSENT, "name": "<b>Ada</b>"}, "name", None),
        ({"consent": CONSENT, "website": "javascript:alert(1)"}, "website", None),
        ({"consent": CONSENT, "tech_stack": [1, 2]}, "tech_stack", None),
        ({"consent": CONSENT, "form": "nope"}, "form", "Unknown form."),
        ({"consent": CONSENT, "medium": ["social"]}, "medium", "Must be a string."),
        ({"consent": "yes"}, "consent", None),
        ({"consent": {"data_processing": "yes"}}, "consent", None),
        ({"consent": {"data_processing": False}}, "consent", None),
        ({}, "consent", None),
    ],
)
def test_capture_refuses_bad_fields_and_stores_nothing(api_client, body, field, message):
    resp = _capture(api_client, **body)
    assert resp.status_code == 400, resp.content
    details = resp.json()["details"]
    assert field in details, details
    if message:
        assert details[field] == [message]
    assert Lead.all_objects.count() == 0
    assert ConsentRecord.objects.count() == 0


def test_capture_stores_the_validated_values_and_answers_the_documented_shape(api_client):
    from leads.serializers import CaptureOutputSerializer

    resp = _capture(
        api_client,
        consent=True,
        form="contact",
        name="  Ada   Lovelace ",
        phone="0712 345 678",
        pain_points="reporting, hiring ,",
        visitor_id=["ignored", "whatever", "its", "type"],
        medium=None,
    )
    assert resp.status_code == 200, resp.content
    assert set(resp.json()) == set(CaptureOutputSerializer().fields)
    lead = Lead.objects.get()
    assert (lead.name, lead.phone) == ("Ada Lovelace", "+254712345678")
    assert lead.pain_points == ["reporting", "hiring"]
    assert lead.source == "contact" and lead.medium == ""


def test_staff_patch_validates_with_its_serializer(token_client, api_client, sales_user):
    from leads.serializers import LeadDetailSerializer

    _capture(api_client, consent=True, name="Ada")
    lead = Lead.objects.get()
    url = f"/api/leads/{lead.pk}"
    for body, field in (
        ({}, "non_field_errors"),
        ({"outcome": "maybe"}, "outcome"),
        ({"name": 5}, "name"),
        ({"email": "other@acme.co.ke"}, "email"),
        ({"stage": "customer"}, "stage"),
    ):
        resp = token_client.patch(url, body, format="json")
        assert resp.status_code == 400, (body, resp.content)
        assert field in resp.json()["details"], (body, resp.json())
    lead.refresh_from_db()
    assert (lead.name, lead.outcome, lead.email) == ("Ada", "", "ada@acme.co.ke")

    resp = token_client.patch(url, {"outcome": "won", "name": None}, format="json")
    assert resp.status_code == 200, resp.content
    assert set(resp.json()) == set(LeadDetailSerializer().fields)
    assert (resp.json()["outcome"], resp.json()["name"]) == ("won", "")
