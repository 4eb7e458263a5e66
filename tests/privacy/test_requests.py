"""Subject-access requests: no enumeration, rate limit, emailed single-use link, export."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import time_machine
from django.utils import timezone

from privacy.models import DataRequest
from tests.factories import with_rates
from tests.privacy.conftest import link_from_outbox

pytestmark = pytest.mark.django_db


def _post(api_client, email, kind="export"):
    return api_client.post("/api/privacy/requests", {"email": email, "type": kind}, format="json")


def test_known_and_unknown_addresses_get_identical_responses(
    api_client, person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = _post(api_client, "WANJIRU.kamau@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = _post(api_client, "nobody-here@example.com")
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert sorted(known.headers.keys()) == sorted(unknown.headers.keys())
    # Only the address on file receives a link; the unknown one gets nothing.
    assert [m.to for m in mailoutbox] == [[person.lead.email]]
    assert DataRequest.objects.filter(status="no_match").count() == 1
    # No request row stores the address in clear.
    for row in DataRequest.objects.values():
        assert "example.com" not in json.dumps(row, default=str)


def test_invalid_input_is_400_whatever_the_address(api_client):
    assert _post(api_client, "not-an-email").status_code == 400
    response = _post(api_client, "someone@example.com", kind="delete_everything")
    assert response.status_code == 400
    assert "type" in response.json()["details"]


def test_requests_are_rate_limited_per_client(api_client, settings):
    settings.RATE_LIMITS = with_rates({"privacy-requests": "3/h"})
    codes = [_post(api_client, f"p{i}@example.com").status_code for i in range(4)]
    assert codes == [202, 202, 202, 429]
    assert DataRequest.objects.count() == 3


def test_floods_at_one_address_send_no_more_mail(
    person, mailoutbox, settings, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    settings.RATE_LIMITS = with_rates({"privacy-requests-address": "2/h"})
    codes = []
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(1, 5):  # four different clients, one target address
            codes.append(_post(APIClient(REMOTE_ADDR=f"198.51.100.{i}"), person.email).status_code)
    assert codes == [202, 202, 202, 202]  # the answer never changes...
    assert len(mailoutbox) == 2  # ...but the mailbox is not flooded


def test_export_link_downloads_json_once(client, person, request_link):
    link = request_link(person.email, "export")
    page = client.get(link)
    assert page.status_code == 200
    assert b"Download my data" in page.content
    response = client.post(link, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    data = document["data"]
    assert data["leads.Lead"][0]["email"] == "Wanjiru.Kamau@Example.com"
    assert data["leads.Lead"][0]["name"] == "Wanjiru Kamau"
    assert {row["id"] for row in data["leads.Visitor"]} == {str(person.visitor.pk)}
    assert len(data["analytics.Interaction"]) == 2
    assert {row["purpose"] for row in data["leads.ConsentRecord"]} >= {"data_processing"}
    assert all("token_hash" not in row for row in data["privacy.DataRequest"])
    # single use: the second POST and a later GET are 410 Gone
    assert client.post(link, {"format": "json"}).status_code == 410
    assert client.get(link).status_code == 410


def test_export_link_as_csv_zip(client, person, request_link):
    link = request_link(person.email, "export")
    response = client.post(link, {"format": "csv"})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"README.txt", "leads.Lead.csv", "analytics.Interaction.csv"} <= names
    lead_csv = archive.read("leads.Lead.csv").decode()
    assert "Wanjiru Kamau" in lead_csv and "'+254711223344" in lead_csv  # formula-safe


def test_link_with_wrong_token_is_404_and_expired_link_is_410(client, person, request_link):
    link = request_link(person.email, "export")
    assert client.get(link[:-4] + "AAAA").status_code == 404
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=25)):
        assert client.get(link).status_code == 410
        assert client.post(link).status_code == 410


def test_each_request_gets_its_own_single_use_link(client, person, request_link, mailoutbox):
    first = request_link(person.email, "export")
    second = request_link(person.email, "export")
    assert first != second
    assert client.post(first).status_code == 200
    assert client.post(second).status_code == 200
    assert client.post(first).status_code == 410


def test_public_form_page_answers_the_same_for_any_address(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get("/privacy/request/")
    assert page.status_code == 200
    assert b'name="email"' in page.content and b"Erase my data" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/privacy/request/", {"email": person.email, "type": "erasure"})
        unknown = client.post("/privacy/request/", {"email": "x@example.org", "type": "erasure"})
    assert known.status_code == unknown.status_code == 200
    assert b"Check your inbox" in known.content and b"Check your inbox" in unknown.content
    assert len(mailoutbox) == 1
    assert "Confirm erasure" in mailoutbox[0].subject
    link = link_from_outbox(mailoutbox)
    assert b"Erase my data" in client.get(link).content
