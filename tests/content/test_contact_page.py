"""The contact page (issue 16): a Wagtail form page whose submissions become leads with
their consent in the ledger and a sales feed entry; errors are shown on the fields."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def contact_page(home):
    from content.demo.site import _contact

    _contact(home)
    from content.models import ContactPage

    return ContactPage.objects.get(slug="contact")


def test_contact_form_creates_a_lead_with_consent(contact_page):
    from leads.models import ConsentRecord, Lead, SalesNotification

    client = Client()
    page = client.get("/contact/?topic=demo")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="email"' in html and "I agree that EmenTech may store" in html
    assert '<option value="Book a demo" selected>' in html

    response = client.post(
        "/contact/",
        {
            "name": "Amina Otieno",
            "email": "amina@logistics.example",
            "company": "Swift Freight",
            "topic": "Book a demo",
            "message": "We want to automate proof-of-delivery checks.",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "Demo request received" in response.content.decode()
    lead = Lead.objects.get(email="amina@logistics.example")
    assert lead.name == "Amina Otieno" and lead.company == "Swift Freight"
    consent = ConsentRecord.objects.get(lead=lead, purpose="data_processing")
    assert consent.granted and "I agree that EmenTech may store" in consent.wording
    assert not ConsentRecord.objects.filter(lead=lead, purpose="marketing").exists()
    note = SalesNotification.objects.get(lead=lead)
    assert note.kind == "demo_request" and "proof-of-delivery" in note.message


def test_missing_fields_and_consent_are_reported_and_nothing_is_stored(contact_page):
    from leads.models import Lead

    response = Client().post("/contact/", {"name": "", "email": "not-an-email", "topic": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="field-error"') >= 3  # name, email, topic, consent
    assert "This field is required." in html
    assert not Lead.objects.exists()
