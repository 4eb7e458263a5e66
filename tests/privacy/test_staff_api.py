"""Staff export and erasure endpoints: permission, audit, formats."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from rest_framework.test import APIClient

from privacy.models import DeletionLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method,suffix", [("get", "export"), ("delete", "delete")])
def test_anonymous_users_are_refused(person, method, suffix):
    response = getattr(APIClient(), method)(f"/api/leads/{person.lead.pk}/{suffix}")
    assert response.status_code in (401, 403)
    assert DeletionLog.objects.count() == 0


@pytest.mark.parametrize("method,suffix", [("get", "export"), ("delete", "delete")])
@pytest.mark.parametrize("role", ["marketer", "ops_user"])
def test_marketers_and_ops_cannot_export_or_erase(request, person, method, suffix, role):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(role))
    response = getattr(client, method)(f"/api/leads/{person.lead.pk}/{suffix}")
    assert response.status_code == 403
    assert DeletionLog.objects.count() == 0


def test_sales_exports_json_and_the_export_is_audited(token_client, sales_user, person):
    from leads.models import LeadAudit

    response = token_client.get(f"/api/leads/{person.lead.pk}/export?format=json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)["data"]
    assert data["leads.Lead"][0]["phone"] == person.phone
    assert len(data["analytics.Interaction"]) == 2
    audit = LeadAudit.objects.filter(action="privacy_exported").get()
    assert audit.actor == sales_user and audit.changes == {"format": "json"}


def test_sales_exports_csv_zip(token_client, person):
    response = token_client.get(f"/api/leads/{person.lead.pk}/export?format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "leads.ConsentRecord.csv" in names


def test_bad_format_and_unknown_lead(token_client, person):
    assert token_client.get(f"/api/leads/{person.lead.pk}/export?format=xml").status_code == 400
    missing = "00000000-0000-0000-0000-000000000000"
    assert token_client.get(f"/api/leads/{missing}/export").status_code == 404
    assert token_client.delete(f"/api/leads/{missing}/delete").status_code == 404


def test_sales_role_holds_the_custom_permissions(sales_user, marketer):
    assert sales_user.has_perm("privacy.export_personal_data")
    assert sales_user.has_perm("privacy.erase_personal_data")
    assert not marketer.has_perm("privacy.export_personal_data")
