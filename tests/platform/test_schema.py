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


def test_committed_schema_matches_the_code(tmp_path):
    """``docs/openapi.yaml`` is the versioned contract: a change to the API must come with
    ``make schema`` so it shows up as a diff. Fails when code and committed schema differ."""
    import difflib
    from pathlib import Path

    from django.core.management import call_command

    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    committed = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
    assert committed.exists(), "docs/openapi.yaml is missing: run `make schema`"
    new, old = generated.read_text(), committed.read_text()
    if new != old:
        diff = "".join(
            list(
                difflib.unified_diff(
                    old.splitlines(True), new.splitlines(True), "committed", "generated"
                )
            )[:80]
        )
        pytest.fail(f"docs/openapi.yaml is out of date; run `make schema`.\n{diff}")


@pytest.mark.django_db
def test_every_operation_documents_the_error_shape(client):
    schema = yaml.safe_load(client.get("/api/schema").content)
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"error", "details"}
    for path, item in schema["paths"].items():
        for method, op in item.items():
            for code in ("400", "404", "429"):
                assert code in op["responses"], f"{method.upper()} {path} lacks {code}"
            assert "Retry-After" in op["responses"]["429"]["headers"]
