"""``/api/schema`` documents the public contract (OpenAPI 3) and ``/api/docs`` serves."""

import pytest
import yaml


@pytest.mark.django_db
def test_schema_documents_the_contract(client):
    response = client.get("/api/schema")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/leads", "/api/track", "/api/content", "/api/search", "/api/events"):
        assert path in paths, f"{path} missing from the schema"
    assert all(p.startswith("/api/") for p in paths), "Wagtail's admin API leaked into the schema"
    operation_ids = [op["operationId"] for item in paths.values() for op in item.values()
                     if isinstance(op, dict) and "operationId" in op]  # fmt: skip
    assert len(operation_ids) == len(set(operation_ids))
    assert schema["paths"]["/api/leads"]["post"].get("requestBody"), "POST /api/leads undocumented"


@pytest.mark.django_db
def test_docs_page_serves(client):
    assert client.get("/api/docs").status_code == 200
