"""``Cache-Control: no-store`` on staff and personal responses; public pages keep theirs."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_staff_json_is_never_stored(token_client):
    response = token_client.get("/api/leads")
    assert response.status_code == 200
    assert _no_store(response)


def test_staff_pages_and_personal_paths_are_never_stored(client, ops_user):
    client.force_login(ops_user)
    assert _no_store(client.get("/health"))
    anonymous = client.__class__()
    assert _no_store(anonymous.post("/api/privacy/requests", {}, content_type="application/json"))


def test_a_public_page_is_not_marked(client, demo_site):
    response = client.get("/")
    assert response.status_code == 200
    assert not _no_store(response)
