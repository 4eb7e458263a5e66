"""Acceptance 5: a qualification-required event refuses an identified-only lead with 403
and an explanation (nothing stored), and accepts a qualified one."""

from __future__ import annotations

import pytest

from events.models import EventRegistration
from leads.models import ConsentRecord, Lead
from leads.services import lead_capture
from tests.events.conftest import CONSENT, register_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def roundtable(make_event):
    return make_event(
        title="CTO Roundtable",
        event_type="roundtable",
        qualification_required=True,
        capacity=20,
        registration_fields=["name", "company", "role"],
    )


def test_identified_lead_gets_403_with_an_explanation(api_client, roundtable):
    lead = lead_capture(
        email="curious@example.com", consent=CONSENT, source="newsletter", profile={"name": "C"}
    ).lead
    assert lead.stage in ("anonymous", "identified")
    consents_before = ConsentRecord.objects.count()

    response = api_client.post(
        f"/api/events/{roundtable.uuid}/register",
        register_payload("curious@example.com", company="Startup", role="Engineer"),
        format="json",
    )

    assert response.status_code == 403
    body = response.json()
    assert "reserved for qualified leads" in body["error"]
    assert "CTO Roundtable" in body["error"]
    assert body["details"]["stage"]
    assert EventRegistration.objects.count() == 0
    lead.refresh_from_db()
    assert lead.company == ""  # nothing stored: the capture rolled back with the refusal
    assert ConsentRecord.objects.count() == consents_before


def test_new_email_is_refused_and_no_lead_is_created(api_client, roundtable):
    response = api_client.post(
        f"/api/events/{roundtable.uuid}/register",
        register_payload("stranger@example.com", company="X", role="Y"),
        format="json",
    )
    assert response.status_code == 403
    assert not Lead.objects.filter(email_normalized="stranger@example.com").exists()


def test_qualified_lead_is_accepted(api_client, roundtable, qualified_lead):
    response = api_client.post(
        f"/api/events/{roundtable.uuid}/register",
        register_payload("CTO@bigbank.example", company="Big Bank", role="CTO"),
        format="json",
    )
    assert response.status_code == 201, response.content
    reg = EventRegistration.objects.get()
    assert reg.lead_id == qualified_lead.pk and reg.status == "registered"


def test_open_event_accepts_identified_leads(api_client, make_event):
    event = make_event(qualification_required=False)
    response = api_client.post(
        f"/api/events/{event.uuid}/register", register_payload("anyone@example.com"), format="json"
    )
    assert response.status_code == 201
