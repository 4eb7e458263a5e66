"""Every API failure uses the JSON error shape: unknown paths (404), wrong method (405),
non-JSON bodies (415) and oversized bodies (413, nothing stored)."""

from __future__ import annotations

import json

import pytest

from analytics.models import Interaction
from leads.models import ConsentRecord, Lead, Visitor
from tests.factories import with_analytics_consent

pytestmark = pytest.mark.django_db


def assert_error_shape(resp, status: int) -> dict:
    assert resp.status_code == status
    assert resp["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error", "details"}
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["details"], dict)
    return body


def nothing_stored() -> bool:
    return (
        Lead.all_objects.count() == 0
        and Visitor.objects.count() == 0
        and Interaction.objects.count() == 0
        and ConsentRecord.objects.count() == 0
    )


@pytest.mark.parametrize("path", ["/api/nope", "/api/leads/extra/segments", "/api/track/"])
def test_unknown_api_path_404(api_client, path):
    assert_error_shape(api_client.get(path), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/track"), ("put", "/api/leads"), ("post", "/api/leads/next-fields")],
)
def test_wrong_method_405(api_client, method, path):
    assert_error_shape(getattr(api_client, method)(path), 405)


def test_non_json_post_415(api_client):
    resp = api_client.post(
        "/api/leads",
        "email=a%40example.com&consent=true",
        content_type="application/x-www-form-urlencoded",
    )
    assert_error_shape(resp, 415)
    resp = api_client.post("/api/leads", "<lead/>", content_type="text/xml")
    assert_error_shape(resp, 415)
    assert nothing_stored()


@pytest.mark.parametrize("path", ["/api/leads", "/api/track"])
def test_one_megabyte_body_413(api_client, path):
    with_analytics_consent(api_client)
    body = json.dumps(
        {
            "email": "big@example.com",
            "consent": True,
            "type": "page_view",
            "name": "x" * (1024 * 1024),
        }
    )
    resp = api_client.post(path, body, content_type="application/json")
    data = assert_error_shape(resp, 413)
    assert data["details"]["body"]
    assert nothing_stored()


def test_an_exhausted_database_pool_is_a_503_with_retry_after(api_client, monkeypatch):
    """Overload (every pooled connection busy) or a database outage: a retryable 503 in the
    error shape, not a 500 (seen in bench/soak.py under overload)."""
    from django.db import OperationalError

    from content import selectors

    def busy(*args, **kwargs):
        raise OperationalError("couldn't get a connection after 10.00 sec")

    monkeypatch.setattr(selectors, "search", busy)
    response = api_client.get("/api/search", {"q": "pricing"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert set(response.json()) == {"error", "details"}
