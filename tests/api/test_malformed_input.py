"""No input reaches a 500: hostile bodies on every public JSON endpoint get a 4xx in the
contract's error shape and store nothing; unknown API paths and methods are JSON 404/405."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps

from tests.factories import with_analytics_consent
from tests.platform.test_api_errors import assert_error_shape

pytestmark = pytest.mark.django_db

PROJECT_APPS = (
    "leads", "analytics", "content", "events", "chat", "privacy", "scoring", "nurture", "tools",
)  # fmt: skip

# Every public endpoint that takes a JSON body ({event} and {resource} are real objects, so
# the body is parsed rather than refused with a 404 first).
PUBLIC_BODY_ENDPOINTS = [
    "/api/leads",
    "/api/track",
    "/api/events/{event}/register",
    "/api/chat/qualify",
    "/api/chat/rag",
    "/api/privacy/consent",
    "/api/privacy/requests",
    "/api/newsletter/subscribe",
    "/api/tools/roi",
    "/api/tools/assessment",
    "/api/forms/extract",
    "/api/content/{resource}/download",
    "/api/tools/results/{random}/email",
    "/api/offers/exit-intent/{random}/outcome",
]

DEEP = ("[" * 5000 + "]" * 5000).encode()  # ~10 KB of nested brackets
DEEP_OBJECT = ('{"email": ' + "[" * 3000 + "]" * 3000 + "}").encode()
MALFORMED = {
    "deep-nesting": DEEP,
    "deep-nesting-in-object": DEEP_OBJECT,
    "moderate-nesting": ('{"name": ' + "[" * 50 + "]" * 50 + "}").encode(),
    "lone-surrogate": b'{"email": "a@example.com", "name": "\\ud800", "message": "\\udfff"}',
    "lone-surrogate-key": b'{"\\ud800": 1}',
    "nul-escaped": b'{"email": "a\\u0000@example.com", "name": "x\\u0000", "message": "\\u0000"}',
    "nul-raw": b'{"email": "a@example.com"}\x00',
    "overlong-string": ('{"name": "' + "x" * 30_000 + '", "message": "hi"}').encode(),
    "invalid-utf8": b'{"name": "\xff\xfe"}',
    "not-json": b"{email: a@example.com",
    "nan": b'{"amount": NaN}',
    "top-level-array": b'[{"email": "a@example.com"}]',
    "top-level-string": b'"hello"',
    "wrong-types": b'{"email": 5, "name": ["x"], "consent": "yes", "events": 3, "message": {}}',
}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def targets(event, gated_resource):
    def resolve(path: str) -> str:
        return path.format(event=event.uuid, resource=gated_resource.slug, random=uuid.uuid4())

    return resolve


@pytest.mark.parametrize("path", PUBLIC_BODY_ENDPOINTS)
def test_malformed_bodies_are_4xx_and_store_nothing(api_client, targets, path):
    """Each malformed body in ``MALFORMED`` on this endpoint (one test per endpoint; the
    cases run in a loop so the event and resource are built once)."""
    url = targets(path)
    with_analytics_consent(api_client)  # else /api/track answers 202 without reading the body
    failures = []
    for case, body in MALFORMED.items():
        before = row_counts()
        resp = api_client.generic("POST", url, body, content_type="application/json")
        payload = resp.json() if resp["Content-Type"].startswith("application/json") else None
        if not (400 <= resp.status_code < 500):
            failures.append((case, resp.status_code, resp.content[:200]))
        elif not (
            isinstance(payload, dict)
            and set(payload) == {"error", "details"}
            and isinstance(payload["details"], dict)
        ):
            failures.append((case, "not the error shape", resp.content[:200]))
        elif row_counts() != before:
            failures.append((case, "stored rows", resp.status_code))
    assert failures == []


@pytest.mark.parametrize(
    "case", ["deep-nesting", "lone-surrogate", "nul-escaped", "overlong-string"]
)
def test_parser_refusals_name_the_body(api_client, case):
    resp = api_client.generic(
        "POST", "/api/leads", MALFORMED[case], content_type="application/json"
    )
    body = assert_error_shape(resp, 400)
    assert list(body["details"]) == ["body"]


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/nope",
        "/api/leads/0",
        "/api/leads/0/delete",
        "/api/leads/not-a-uuid/score",
        "/api/offers/exit-intent/0/outcome",
        "/api/tools/results/0/email",
        "/api/content/%F0%A6%99%8C/download",
        "/api/events/x/y/z",
    ],
)
def test_unknown_paths_are_json_404_for_every_method(api_client, path, method):
    resp = api_client.generic(method.upper(), path, b"{}", content_type="application/json")
    assert_error_shape(resp, 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/track"),
        ("delete", "/api/newsletter/subscribe"),
        ("patch", "/api/privacy/consent"),
        ("put", "/api/chat/qualify"),
    ],
)
def test_unknown_methods_are_json_405(api_client, method, path):
    assert_error_shape(
        api_client.generic(method.upper(), path, b"{}", content_type="application/json"), 405
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "abc"),
        ("phone", "<b>call me</b>"),
        ("phone", "+254 1"),
        ("name", "<b>Jane</b>"),
        ("name", "x" * 201),
        ("name", "Jane\u0007Doe"),
        ("company", "<script>alert(1)</script>"),
        ("company", "!!!"),
        ("website", "javascript:alert(1)"),
        ("website", "ftp://example.com"),
        ("linkedin", "data:text/html,hi"),
    ],
)
def test_profile_values_are_checked(api_client, field, value):
    before = row_counts()
    resp = api_client.post(
        "/api/leads",
        {"email": "jane@example.com", "consent": True, field: value},
        format="json",
    )
    body = assert_error_shape(resp, 400)
    assert field in body["details"]
    assert row_counts() == before


def test_valid_phone_is_stored_in_e164(api_client):
    from leads.models import Lead

    resp = api_client.post(
        "/api/leads",
        {"email": "jane@example.com", "consent": True, "phone": "0712 345 678", "name": "Jane Doe"},
        format="json",
    )
    assert resp.status_code in (200, 201), resp.content
    lead = Lead.objects.get(email_normalized="jane@example.com")
    assert lead.phone == "+254712345678"
    assert lead.name == "Jane Doe"
