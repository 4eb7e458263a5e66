"""Every operation of ``/api/schema`` documents what it takes and what it answers.

Issue 14: "Every endpoint has request and response serializers that drf-spectacular renders
into /api/schema (examples included)". An operation documented as a bare ``type: object``
tells neither Swagger, nor a generated client, nor the fuzzer what to send or expect. This
test fails when any operation

- with a body (``POST``/``PUT``/``PATCH``) has no request body, or one whose JSON schema
  has no properties;
- has no 2xx response, or a 2xx JSON response (other than ``204``) without properties
  (a ``text/event-stream`` documents its events' fields; files must say they are a string);
- has no example (request or 2xx response), unless it takes no body and answers 204.
"""

from __future__ import annotations

from typing import Any

import pytest

_BODY_METHODS = {"post", "put", "patch"}
# Media types whose schema must list properties (a server-sent event is {event, data}).
_STRUCTURED = {"application/json", "text/event-stream"}
_METHODS = _BODY_METHODS | {"get", "delete"}
# POSTs that are commands on the resource in their path and take no body at all.
_BODYLESS = {
    "leads_by_lead_id_score_post": "recompute one lead's score: the lead id is the input",
}


def _schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        seen += 1
    return node


def _has_properties(schema: dict, node: Any) -> bool:
    node = _resolve(schema, node)
    if not isinstance(node, dict):
        return False
    for key in ("oneOf", "anyOf"):
        if key in node:
            return bool(node[key]) and all(_has_properties(schema, n) for n in node[key])
    if "allOf" in node:
        return any(_has_properties(schema, n) for n in node["allOf"])
    if node.get("type") == "array":
        return _has_properties(schema, node.get("items"))
    return bool(node.get("properties"))


def _content_problems(schema: dict, content: dict, where: str) -> list[str]:
    problems = []
    if not content:
        return [f"{where}: no content"]
    for media, entry in content.items():
        node = _resolve(schema, entry.get("schema"))
        if media in _STRUCTURED:
            if not _has_properties(schema, node):
                problems.append(f"{where} {media}: a bare object (no properties)")
        elif not (isinstance(node, dict) and node.get("type") == "string"):
            problems.append(f"{where} {media}: undocumented (expected type: string)")
    return problems


def _has_example(operation: dict) -> bool:
    contents = [operation.get("requestBody", {}).get("content", {})]
    contents += [
        r.get("content", {}) for code, r in operation["responses"].items() if code[0] == "2"
    ]
    return any(entry.get("examples") for c in contents for entry in c.values())


def _problems(schema: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            op_id = operation["operationId"]
            problems: list[str] = []
            if method in _BODY_METHODS and op_id not in _BODYLESS:
                body = operation.get("requestBody")
                if not body:
                    problems.append("no request body")
                else:
                    problems += _content_problems(schema, body.get("content", {}), "request")
            ok = {c: r for c, r in operation["responses"].items() if str(c).startswith("2")}
            if not ok:
                problems.append("no 2xx response")
            for code, response in ok.items():
                if code != "204":
                    problems += _content_problems(schema, response.get("content", {}), code)
            nothing_to_show = set(ok) == {"204"} and "requestBody" not in operation
            if not nothing_to_show and not _has_example(operation):
                problems.append("no example")
            if problems:
                found[op_id] = [f"{method.upper()} {path}", *problems]
    return found


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return _schema()


def test_every_operation_documents_its_request_response_and_an_example(schema):
    problems = _problems(schema)
    assert not problems, "operations not fully documented:\n" + "\n".join(
        f"  {op}: {'; '.join(p)}" for op, p in sorted(problems.items())
    )


def test_the_check_catches_a_bare_object():
    """The checker itself can fail: a bare object body and response are reported."""
    bare = {
        "paths": {
            "/api/x": {
                "post": {
                    "operationId": "x_post",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": "object"}}}
                    },
                    "responses": {"200": {"content": {"application/json": {"schema": {}}}}},
                },
                "get": {"operationId": "x_get", "responses": {"404": {}}},
            }
        },
        "components": {"schemas": {}},
    }
    problems = _problems(bare)
    assert problems["x_post"] == [
        "POST /api/x",
        "request application/json: a bare object (no properties)",
        "200 application/json: a bare object (no properties)",
        "no example",
    ]
    assert problems["x_get"] == ["GET /api/x", "no 2xx response", "no example"]
