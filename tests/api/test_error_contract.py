"""Issue 12, acceptance 4: every API error, from every app, comes from the one handler.

The endpoints are not listed here: they come from the URL resolver (every route under
``/api/``) and the operations from the live OpenAPI schema, so an endpoint added tomorrow
is tested tomorrow. A response counts only if ``core.errors.error_response`` built it (the
function every error path of ``core.errors`` ends in): an endpoint that writes its own
error body, even in the right shape, fails.

- A malformed JSON body and wrong-typed bodies sent to every operation that takes a body
  get a 4xx in the contract's shape ``{"error": str, "details": {...}}``; an endpoint that
  takes no body gets the shape for a ``POST`` it does not allow (405).
- With every rate in ``RATE_LIMITS`` at 1, a second request to each endpoint is a 429 with
  ``Retry-After`` where a scope limits it, and every scope is shown to bite somewhere: on
  an HTTP endpoint, on the chat socket (its ``error`` event carries the retry time), or is
  listed below with the reason it never answers 429.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

import core.errors
from core import ratelimit
from tests.chat.conftest import ChatSocket, in_own_loop
from tests.factories import make_lead, make_visitor, visitor_cookie, with_analytics_consent

pytestmark = pytest.mark.django_db

BODY_METHODS = ("post", "put", "patch")
METHODS = ("get", *BODY_METHODS, "delete")
# Routes under /api/ that are not operations of the schema, and why.
NOT_IN_SCHEMA = {
    "api/schema": "the schema itself",
    "api/docs": "Swagger UI (HTML)",
    "api/newsletter/unsubscribe/<str:token>": "one-click unsubscribe (RFC 8058): mail "
    "clients POST it with no body; the token in the path is the only input",
}
# Scopes that never make an HTTP endpoint answer 429, and why.
SOCKET_SCOPES = ("chat-message", "chat-new-conversation-browser", "chat-new-conversation-ip")
NOT_HTTP_429 = {
    "privacy-requests-address": "a request for an address asked too often is dropped "
    "silently (the answer must not say whether the address is known)",
    "chat-demo-hold-browser": "the chat's booking tool declines the hold in the reply",
    "chat-demo-hold-ip": "the chat's booking tool declines the hold in the reply",
    "chat-demo-hold-address": "the chat's booking tool declines the hold in the reply",
}
MALFORMED = b'{"email": "a@example.com", '
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def api_routes() -> list[tuple[str, Any]]:
    """Every route under ``/api/`` with its view (the resolver is the source of truth)."""
    return [(r, cb) for r, cb in _walk(get_resolver().url_patterns) if r.startswith("api/")]


def view_methods(callback) -> list[str]:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:  # a function view: ask it
        return ["post"]
    return [m for m in METHODS if hasattr(view, m)]


def schema_path(route: str) -> str:
    return "/" + _PARAM.sub(r"{\1}", route)


ROUTES = api_routes()
OPERATIONS = [
    (route, method)
    for route, callback in ROUTES
    if route not in NOT_IN_SCHEMA
    for method in view_methods(callback)
]


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def handled(monkeypatch) -> list:
    """Every response ``core.errors.error_response`` built during the test."""
    built: list = []
    original = core.errors.error_response

    def recording(*args, **kwargs):
        response = original(*args, **kwargs)
        built.append(response)
        return response

    monkeypatch.setattr(core.errors, "error_response", recording)
    return built


@pytest.fixture
def staff_api(superuser) -> APIClient:
    """A superuser's client: a bad body reaches the parser even on staff endpoints."""
    api = APIClient()
    api.force_authenticate(superuser)
    return with_analytics_consent(api)


@pytest.fixture
def url_for(event, gated_resource):
    lead = make_lead("contract@example.com")
    values = {
        "lead_id": lead.pk,
        "event_id": event.uuid,
        "slug": gated_resource.slug,
        "result_id": uuid.uuid4(),
        "offer_id": uuid.uuid4(),
        "token": "not-a-token",
    }

    def build(route: str) -> str:
        names = _PARAM.findall(route)
        missing = [n for n in names if n not in values]
        assert not missing, f"give {route} a value for {missing} in url_for"
        return "/" + _PARAM.sub(lambda m: str(values[m.group(1)]), route)

    return build


def shape_problem(resp, handled: list) -> str | None:
    """What is wrong with this error response, or None."""
    if not 400 <= resp.status_code < 500:
        return f"status {resp.status_code}: {resp.content[:200]!r}"
    if not resp.get("Content-Type", "").startswith("application/json"):
        return f"not JSON ({resp.get('Content-Type')})"
    body = resp.json()
    if not (
        isinstance(body, dict)
        and set(body) == {"error", "details"}
        and isinstance(body["error"], str)
        and body["error"]
        and isinstance(body["details"], dict)
    ):
        return f"not the error shape: {body!r}"
    if not any(r is resp for r in handled):
        return "not built by core.errors (an error body written by hand)"
    return None


def _resolve(schema: dict, node: Any) -> dict:
    for _ in range(20):
        if not (isinstance(node, dict) and "$ref" in node):
            break
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node if isinstance(node, dict) else {}


def wrong_typed(schema: dict, body_schema: dict) -> dict[str, Any]:
    """A body whose every declared field has a value of the wrong JSON type."""
    node = _resolve(schema, body_schema)
    for key in ("oneOf", "anyOf", "allOf"):
        if node.get(key):
            node = _resolve(schema, node[key][0])
    wrong = {}
    for name, prop in (node.get("properties") or {}).items():
        kind = _resolve(schema, prop).get("type")
        wrong[name] = "not-a-list" if kind == "array" else 12345 if kind == "object" else {}
    return wrong


def request_body(schema: dict, route: str, method: str) -> dict | None:
    op = schema["paths"].get(schema_path(route), {}).get(method)
    assert op is not None, f"{method.upper()} /{route} is not in the OpenAPI schema"
    body = op.get("requestBody")
    return body["content"]["application/json"]["schema"] if body else None


def test_every_api_route_is_enumerated():
    """The enumeration itself: the resolver gives the contract's endpoints (a sanity floor,
    so a broken walk cannot make the parametrised tests below vacuous)."""
    routes = {r for r, _ in ROUTES}
    for must in ("api/leads", "api/track", "api/chat/qualify", "api/tools/roi"):
        assert must in routes
    assert len(OPERATIONS) >= 30


@pytest.mark.parametrize(("route", "method"), OPERATIONS, ids=[f"{m} {r}" for r, m in OPERATIONS])
def test_bad_bodies_get_the_error_shape(staff_api, url_for, schema, handled, route, method):
    url = url_for(route)
    body_schema = request_body(schema, route, method) if method in BODY_METHODS else None
    if body_schema is None:
        allowed = {m for r, m in OPERATIONS if r == route}
        if "post" in allowed or allowed & set(BODY_METHODS):
            pytest.skip("no body here: the route's body operation (or none, a command) is tested")
        resp = staff_api.post(url, MALFORMED, content_type="application/json")
        assert resp.status_code == 405, resp.content
        assert shape_problem(resp, handled) is None
        return
    bodies = {
        "malformed JSON": MALFORMED,
        "top-level array": b"[1, 2]",
        "wrong-typed fields": json.dumps(wrong_typed(schema, body_schema)).encode(),
    }
    problems = {}
    for case, raw in bodies.items():
        resp = staff_api.generic(method.upper(), url, raw, content_type="application/json")
        problem = shape_problem(resp, handled)
        if problem:
            problems[case] = problem
    assert problems == {}


def _send(client, method: str, url: str):
    if method in BODY_METHODS:
        return client.generic(method.upper(), url, b"{}", content_type="application/json")
    return client.generic(method.upper(), url)


def test_every_rate_limited_endpoint_answers_429_with_retry_after(
    api_client, url_for, handled, monkeypatch
):
    """All scopes at one request: the second request to an endpoint a scope limits is a 429
    with ``Retry-After`` from the handler, and every scope bites somewhere."""
    denied: set[str] = set()
    original = ratelimit.check

    def recording(scope, key, **kwargs):
        decision = original(scope, key, **kwargs)
        if not decision.allowed:
            denied.add(scope)
        return decision

    monkeypatch.setattr(ratelimit, "check", recording)
    client = with_analytics_consent(api_client)  # public endpoints as a visitor calls them
    problems = []
    with override_settings(RATE_LIMITS={scope: "1/h" for scope in settings.RATE_LIMITS}):
        for route, method in OPERATIONS:
            url = url_for(route)
            for _ in range(2):
                resp = _send(client, method, url)
            if resp.status_code != 429:
                continue
            problem = shape_problem(resp, handled)
            retry = resp.get("Retry-After", "")
            if problem or not retry.isdigit() or int(retry) <= 0:
                problems.append((method, route, problem or f"Retry-After {retry!r}"))
            elif resp.json()["details"].get("retry_after") != [retry]:
                problems.append((method, route, "details.retry_after is not Retry-After"))
    assert problems == []
    unexplained = set(settings.RATE_LIMITS) - denied - set(SOCKET_SCOPES) - set(NOT_HTTP_429)
    assert unexplained == set(), "scopes no endpoint answered 429 for"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scope", SOCKET_SCOPES)
@in_own_loop
async def test_the_chat_socket_gets_an_error_event_with_the_retry_time(scope):
    """The socket's equivalent of a 429: an ``error`` event with ``code: rate_limited``,
    ``retry_after`` seconds and ``details.retry_after``."""
    cookie = ""
    if scope.endswith("browser"):
        visitor = await database_sync_to_async(make_visitor)()
        cookie = f"em_vid={visitor_cookie(visitor)}"

    async def run() -> dict:
        sockets = []
        try:
            if scope == "chat-message":
                ws = ChatSocket(cookie=cookie)
                sockets.append(ws)
                await ws.connect()
                assert (await ws.say("Hello"))["done"]["type"] == "done"
                return (await ws.say("Hello again"))["done"]
            for _ in range(2):
                ws = ChatSocket(cookie=cookie)
                sockets.append(ws)
                ok, _ = await ws.comm.connect()
                assert ok
                await ws.send({"type": "join"})
                event = await ws.comm.receive_json_from(timeout=30)
            return event
        finally:
            for ws in sockets:
                await ws.comm.disconnect()

    rates = {s: "1000/m" for s in SOCKET_SCOPES} | {scope: "1/h"}
    with override_settings(
        RATE_LIMITS={**settings.RATE_LIMITS, **rates},
        LLM_PROVIDER="local",
        OPENAI_API_KEY="",
        ANTHROPIC_API_KEY="",
    ):
        event = await run()
    assert event["type"] == "error" and event["code"] == "rate_limited", event
    assert isinstance(event["retry_after"], int) and event["retry_after"] > 0
    assert event["details"] == {"retry_after": [str(event["retry_after"])]}
    assert isinstance(event["error"], str) and event["error"]
