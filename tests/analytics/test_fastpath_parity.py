"""The tracking fast path answers an attacker exactly as the full stack would.

Each case is sent twice: once through the site's middleware as configured (the fast path
first) and once with ``TrackFastPathMiddleware`` removed, so ``analytics.api.TrackApi``
behind the whole stack answers it. Status, JSON body and response header names must match,
and neither may attribute events to someone else's visitor: forged or tampered consent and
visitor cookies, another visitor's id in the body, duplicated cookies, an oversized cookie.
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from analytics.ingest import track_buffer_drain
from analytics.models import Interaction
from leads.cookies import visitor_cookie_value
from leads.identity import VISITOR_COOKIE
from leads.models import Visitor
from tests.factories import visitor_id_of

pytestmark = pytest.mark.django_db

FAST = "analytics.fastpath.TrackFastPathMiddleware"
EVENTS = {"events": [{"type": "page_view", "properties": {"path": "/pricing/"}}]}
# Headers whose value or presence depends on the moment, not on the path taken.
VOLATILE = {"date", "server", "content-length", "set-cookie"}

CONSENT_CASES = {
    "granted": "1.a1.m0",
    "refused": "1.a0.m0",
    "unknown version": "9.a1.m0",
    "truncated": "1.a1",
    "upper case flag": "1.A1.m0",
    "out of range flag": "1.a2.m0",
    "trailing junk": "1.a1.m0.x",
    "empty": "",
    "huge": "1.a1.m0" + "a" * 4000,
    "script": "<script>alert(1)</script>",
}


def _client(consent: str | None, cookies: dict[str, str] | None = None) -> APIClient:
    client = APIClient()
    if consent is not None:
        client.cookies["em_consent"] = consent
    for name, value in (cookies or {}).items():
        client.cookies[name] = value
    return client


def _both(consent, body=EVENTS, cookies=None, **extra):
    """``(fast path answer, full stack answer)`` to the same request."""
    fast = _client(consent, cookies).post("/api/track", body, format="json", **extra)
    without = [m for m in settings.MIDDLEWARE if m != FAST]
    with override_settings(MIDDLEWARE=without):
        full = _client(consent, cookies).post("/api/track", body, format="json", **extra)
    return fast, full


def _same(fast, full) -> None:
    assert fast.status_code == full.status_code
    assert fast.json() == full.json()
    headers = {h.lower(): v for h, v in fast.headers.items() if h.lower() not in VOLATILE}
    full_headers = {h.lower(): v for h, v in full.headers.items() if h.lower() not in VOLATILE}
    assert headers == full_headers
    # A visitor cookie is set by both or by neither.
    assert (VISITOR_COOKIE in fast.cookies) == (VISITOR_COOKIE in full.cookies)


@pytest.mark.parametrize("consent", list(CONSENT_CASES.values()), ids=list(CONSENT_CASES))
def test_forged_or_malformed_consent_cookies_get_the_full_stacks_answer(consent):
    fast, full = _both(consent)
    _same(fast, full)
    track_buffer_drain()
    stored = Interaction.objects.count()
    granted = consent == CONSENT_CASES["granted"]
    assert fast.status_code == 202
    assert stored == (2 if granted else 0), "only a real grant stores (once per path)"


def test_no_consent_cookie_at_all_matches_and_stores_nothing():
    fast, full = _both(None)
    _same(fast, full)
    track_buffer_drain()
    assert Interaction.objects.count() == 0


def test_duplicated_consent_cookie_header_matches_the_full_stack():
    header = "em_consent=1.a0.m0; em_consent=1.a1.m0"
    fast, full = _both(None, HTTP_COOKIE=header)
    _same(fast, full)


@pytest.mark.parametrize(
    "value",
    [
        "VICTIM",  # the victim's own id, unsigned
        str(uuid.uuid4()),  # an unsigned id nobody has
        "not-a-uuid",
        "x" * 3000,
    ],
    ids=["victim id unsigned", "unknown id unsigned", "garbage", "huge"],
)
def test_a_forged_visitor_cookie_never_lands_on_that_visitor(value):
    victim = Visitor.objects.create()
    forged = str(victim.pk) if value == "VICTIM" else value
    fast, full = _both("1.a1.m0", cookies={VISITOR_COOKIE: forged})
    _same(fast, full)
    track_buffer_drain()
    assert not Interaction.objects.filter(visitor_id=victim.pk).exists()
    # Both answer with a fresh, signed visitor id (not the forged one).
    for response in (fast, full):
        vid = visitor_id_of(response)
        assert vid is not None and vid != victim.pk


def test_a_tampered_signature_on_another_visitors_cookie_is_ignored():
    victim = Visitor.objects.create()
    signed = visitor_cookie_value(victim.pk)
    tampered = signed[:-2] + ("AA" if not signed.endswith("AA") else "BB")
    fast, full = _both("1.a1.m0", cookies={VISITOR_COOKIE: tampered})
    _same(fast, full)
    track_buffer_drain()
    assert not Interaction.objects.filter(visitor_id=victim.pk).exists()


def test_another_visitors_id_in_the_body_is_not_trusted_from_a_browser():
    victim = Visitor.objects.create()
    body = {**EVENTS, "visitor_id": str(victim.pk)}
    fast, full = _both("1.a1.m0", body=body)
    _same(fast, full)
    track_buffer_drain()
    assert not Interaction.objects.filter(visitor_id=victim.pk).exists()
    assert Interaction.objects.count() == 2


def test_a_valid_visitor_cookie_keeps_its_owner_on_both_paths():
    owner = Visitor.objects.create()
    cookie = {VISITOR_COOKIE: visitor_cookie_value(owner.pk)}
    fast, full = _both("1.a1.m0", cookies=cookie)
    _same(fast, full)
    track_buffer_drain()
    assert Interaction.objects.filter(visitor_id=owner.pk).count() == 2
    assert VISITOR_COOKIE not in fast.cookies  # already holds the id: not re-set


@pytest.mark.parametrize(
    "body",
    [
        {"events": [{"type": "page_view", "properties": {"path": "/"}}] * 10_000},
        {"events": "nope"},
        {"events": [{"type": "'; DROP TABLE analytics_interaction; --"}]},
        {"events": [{"type": "page_view", "properties": {"path": "/" + "a" * 30_000}}]},
        {"events": [], "batch_id": "b" * 500},
    ],
    ids=["ten thousand events", "events not a list", "injection type", "huge string", "bad id"],
)
def test_malformed_or_huge_bodies_get_the_full_stacks_error(body):
    fast, full = _both("1.a1.m0", body=body)
    assert fast.status_code == full.status_code
    assert fast.status_code in (400, 413)
    assert fast.json() == full.json()
    track_buffer_drain()
    assert Interaction.objects.count() == 0


def _both_raw(raw: bytes):
    """``_both`` for a body that is not JSON a dict can make (the bytes are sent as is)."""
    post = dict(data=raw, content_type="application/json")
    fast = _client("1.a1.m0").post("/api/track", **post)
    without = [m for m in settings.MIDDLEWARE if m != FAST]
    with override_settings(MIDDLEWARE=without):
        full = _client("1.a1.m0").post("/api/track", **post)
    return fast, full


@pytest.mark.parametrize(
    "raw",
    [
        ('{"type": "page_view", "properties": ' + "[" * 3000 + "]" * 3000 + "}").encode(),
        ('{"events": ' + "[" * 3000 + "]" * 3000 + "}").encode(),
        ("[" * 5000 + "]" * 5000).encode(),
        b'{"type": "page_view", "properties": {"n": NaN}}',
        b'{"type": "page_view", "properties": {"n": Infinity}}',
    ],
    ids=["deep in properties", "deep in events", "deep array", "NaN", "Infinity"],
)
def test_bodies_past_the_parsers_limits_get_the_full_stacks_error(raw):
    """Nesting deeper than the C decoder's stack (it raised RecursionError, a 500 under
    the embedded server) and non-JSON constants fall through to the full stack's 400."""
    fast, full = _both_raw(raw)
    assert fast.status_code == full.status_code == 400
    assert fast.json() == full.json()
    track_buffer_drain()
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize("number", [b"1e400", b"-1e400", b"1" + b"0" * 400])
def test_a_number_past_a_double_is_never_stored_as_infinity(number):
    """``1e400`` decodes to ``inf`` in both parsers; PostgreSQL's jsonb has no infinity, so
    it must be refused or stored finite, the same way on both paths, and never poison the
    buffer's drain."""
    raw = b'{"type": "page_view", "properties": {"path": "/", "n": ' + number + b"}}"
    fast, full = _both_raw(raw)
    assert fast.status_code == full.status_code
    assert fast.json() == full.json()
    track_buffer_drain()
    for props in Interaction.objects.values_list("properties", flat=True):
        assert props.get("n") not in (float("inf"), float("-inf"))
