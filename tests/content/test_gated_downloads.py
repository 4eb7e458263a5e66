"""Gated resources: the form asks only for what is missing, captures the lead with consent,
and releases a signed, expiring link (also emailed); tampered or expired links get 403 and
the document is not served at a guessable URL."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from content.models import ContentStats, DownloadGrant
from content.services import link_max_age

pytestmark = pytest.mark.django_db

FULL = {
    "email": "Grace.Wanjiku@example.co.ke",
    "role": "Head of Operations",
    "company_size": "51-200",
    "consent": {"data_processing": True, "marketing": False, "wording": "I agree"},
}


def _api(slug: str) -> str:
    return f"/api/content/{slug}/download"


def _request_link(client, page, data=FULL, capture=None) -> dict:
    response = client.post(_api(page.slug), data, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_anonymous_visitor_is_asked_for_every_required_field(visitor_client, gated_resource):
    response = visitor_client.get(_api(gated_resource.slug))
    assert response.status_code == 200
    assert response.json()["fields"] == ["email", "role", "company_size"]
    page = visitor_client.get("/resources/warehouse-guide/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="role"' in html and 'name="company_size"' in html and 'name="email"' in html


def test_missing_fields_and_consent_are_refused_and_nothing_is_stored(
    visitor_client, gated_resource
):
    from leads.models import Lead

    response = visitor_client.post(
        _api(gated_resource.slug),
        {"email": "a@example.com", "consent": {"data_processing": False}},
        content_type="application/json",
    )
    assert response.status_code == 400
    details = response.json()["details"]
    assert set(details) == {"role", "company_size", "consent"}
    assert not Lead.objects.exists()
    assert not DownloadGrant.objects.exists()


def test_link_works_once_fields_are_given_is_emailed_and_counted(
    visitor_client, visitor, gated_resource, django_capture_on_commit_callbacks
):
    from analytics.models import Interaction
    from leads.models import ConsentRecord, Lead

    with django_capture_on_commit_callbacks(execute=True):
        data = _request_link(visitor_client, gated_resource)
    lead = Lead.objects.get(email_normalized="grace.wanjiku@example.co.ke")
    assert lead.role == "Head of Operations" and lead.company_size == "51-200"
    assert ConsentRecord.objects.filter(lead=lead, purpose="data_processing", granted=True)
    visitor.refresh_from_db()
    assert visitor.lead_id == lead.pk
    assert data["emailed"] is True
    # The same link is emailed.
    sent = [m for m in mail.outbox if m.subject.startswith("Your download")]
    assert len(sent) == 1
    assert data["download_url"] in sent[0].body
    assert sent[0].to == ["Grace.Wanjiku@example.co.ke"]

    path = data["download_url"].split("://", 1)[1].split("/", 1)[1]
    response = visitor_client.get("/" + path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test document\n"
    assert "attachment" in response["Content-Disposition"]

    stats = ContentStats.objects.get(page_id=gated_resource.pk)
    assert (stats.download_requests, stats.downloads) == (1, 1)
    assert DownloadGrant.objects.get().downloads == 1
    assert Interaction.objects.filter(lead=lead, type="resource_download").count() == 1


def test_known_lead_is_not_asked_again(visitor_client, visitor, gated_resource):
    from leads.services import ConsentInput, lead_capture

    lead_capture(
        email="known@example.com",
        consent=ConsentInput(data_processing=True),
        source="newsletter",
        visitor=visitor,
        profile={"role": "CTO"},
    )
    # Email and role are known: only the company size is still missing.
    assert visitor_client.get(_api(gated_resource.slug)).json()["fields"] == ["company_size"]
    refused = visitor_client.post(_api(gated_resource.slug), {}, content_type="application/json")
    assert refused.status_code == 400
    assert set(refused.json()["details"]) == {"company_size", "consent"}, refused.json()
    data = _request_link(
        visitor_client,
        gated_resource,
        {"company_size": "11-50", "consent": {"data_processing": True}},
    )
    assert data["download_url"]
    # Now nothing is missing: a one-click download.
    assert visitor_client.get(_api(gated_resource.slug)).json()["fields"] == []
    again = visitor_client.post(_api(gated_resource.slug), {}, content_type="application/json")
    assert again.status_code == 201


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_link_expires(visitor_client, gated_resource):
    data = _request_link(visitor_client, gated_resource)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=link_max_age() + 60)
    with time_machine.travel(later, tick=False):
        response = Client().get(_path(data["download_url"]))
    assert response.status_code == 403
    # Still valid just before expiry.
    sooner = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=link_max_age() - 120)
    with time_machine.travel(sooner, tick=False):
        assert Client().get(_path(data["download_url"])).status_code == 200


def test_tampered_links_are_forbidden(visitor_client, gated_resource, resource_index):
    from django.core.signing import TimestampSigner

    data = _request_link(visitor_client, gated_resource)
    path = _path(data["download_url"])
    token = path.rstrip("/").rsplit("/", 1)[1]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert Client().get(f"/resources/download/{flipped}/").status_code == 403
    # A payload pointing at another grant, signed with a different key.
    forged = TimestampSigner(key="not-the-secret", salt="content.resource-download")
    other = forged.sign_object({"g": 1, "p": gated_resource.pk, "d": gated_resource.document_id})
    assert Client().get(f"/resources/download/{other}/").status_code == 403
    assert Client().get("/resources/download/garbage/").status_code == 403
    # Withdrawn resource: the link stops working.
    gated_resource.unpublish()
    assert Client().get(path).status_code == 403


def test_document_is_not_served_at_a_guessable_url(gated_resource, document, superuser):
    guesses = [
        f"/documents/{document.pk}/{document.filename}",
        f"/documents/{document.pk}/guide.pdf",
        f"/media/{document.file.name}",
        f"/media/documents/{document.filename}",
    ]
    anonymous = Client()
    for url in guesses:
        response = anonymous.get(url)
        assert response.status_code == 404, url
    # The route exists (staff who may edit documents can use it), so the 404 above is the
    # access rule, not a missing route.
    staff = Client()
    staff.force_login(superuser)
    assert staff.get(guesses[0]).status_code == 200


def test_ungated_resource_still_goes_through_a_signed_link(resource_index, document):
    from content.models import ResourcePage

    page = ResourcePage(
        title="Open checklist", slug="open-checklist", document=document, is_gated=False
    )
    resource_index.add_child(instance=page)
    page.save_revision().publish()
    client = Client()
    assert client.get(_api(page.slug)).json()["fields"] == []
    response = client.post(_api(page.slug), {}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["emailed"] is False
    assert client.get(_path(response.json()["download_url"])).status_code == 200
