"""The one request context (``core.context``): built once per request by the middleware,
from the same inputs for a WebSocket scope, costing no query until the lead is asked for,
and enough on its own for a service called outside any request."""

from __future__ import annotations

import uuid

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.context import (
    RequestContext,
    RequestContextMiddleware,
    context_build,
    context_from_request,
    context_from_scope,
)
from leads.facade import VISITOR_COOKIE
from leads.identity import visitor_cookie_value
from tests.factories import make_lead, make_visitor

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def _through_middleware(request):
    seen = []

    def view(req):
        seen.append(req.ctx)
        return HttpResponse("ok")

    RequestContextMiddleware(view)(request)
    return seen[0]


@pytest.mark.django_db
def test_middleware_builds_the_context_once_with_no_query(django_assert_num_queries):
    visitor = make_visitor()
    request = RequestFactory().get(
        "/",
        HTTP_USER_AGENT=PHONE_UA,
        REMOTE_ADDR="203.0.113.77",
        HTTP_COOKIE=f"{VISITOR_COOKIE}={visitor_cookie_value(visitor.pk)}; em_consent=1.a1.m0",
    )
    with django_assert_num_queries(0):
        ctx = _through_middleware(request)
    assert ctx.visitor_id == visitor.pk
    assert ctx.ip_truncated == "203.0.0.0"  # as capture_ip stored it
    assert ctx.user_agent == PHONE_UA
    assert ctx.consent.analytics and not ctx.consent.marketing
    assert ctx.tracked_visitor_id == visitor.pk
    assert context_from_request(request) is ctx  # views get the middleware's, not a new one


def test_a_request_that_never_reads_the_context_never_builds_it(monkeypatch):
    import core.context

    built = []
    real = core.context.context_build
    monkeypatch.setattr(core.context, "context_build", lambda **kw: built.append(1) or real(**kw))
    request = RequestFactory().get("/", HTTP_USER_AGENT=PHONE_UA)
    RequestContextMiddleware(lambda req: HttpResponse("ok"))(request)
    assert built == []  # nothing asked: no signature check, no address parsing
    assert request.ctx.user_agent == PHONE_UA
    assert request.ctx.ip_truncated == "127.0.0.0"
    assert built == [1]  # built once, on first use


@pytest.mark.django_db
def test_the_lead_is_looked_up_on_first_use_only_and_only_when_verified(
    django_assert_num_queries,
):
    visitor = make_visitor()
    lead = make_lead(visitor=visitor)  # created by this browser: verified
    ctx = RequestContext(visitor_id=visitor.pk)
    with django_assert_num_queries(1):
        assert ctx.lead_id == lead.pk
        assert ctx.lead_id == lead.pk  # cached
    stranger = RequestContext(visitor_id=make_visitor().pk)
    assert stranger.lead_id is None


@pytest.mark.django_db
def test_forged_cookie_no_consent_and_gpc():
    forged = RequestFactory().get("/", HTTP_COOKIE=f"{VISITOR_COOKIE}={uuid.uuid4()}")
    assert context_from_request(forged).visitor_id is None  # unsigned: ignored
    visitor = make_visitor()
    cookie = f"{VISITOR_COOKIE}={visitor_cookie_value(visitor.pk)}"
    undecided = context_from_request(RequestFactory().get("/", HTTP_COOKIE=cookie))
    # The browser's id is kept for what it does itself (leads.identity reads it so), but it
    # is not a tracked visitor without analytics consent.
    assert undecided.visitor_id == visitor.pk
    assert undecided.tracked_visitor_id is None
    gpc = context_from_request(
        RequestFactory().get("/", HTTP_COOKIE=cookie + "; em_consent=1.a1.m1", HTTP_SEC_GPC="1")
    )
    assert gpc.consent.signal and not gpc.tracking_allowed


@pytest.mark.django_db
def test_a_websocket_scope_gives_the_same_context_as_a_request():
    visitor = make_visitor()
    signed = visitor_cookie_value(visitor.pk)
    cookies = {VISITOR_COOKIE: signed, "em_consent": "1.a1.m1"}
    scope = {
        "type": "websocket",
        "headers": [(b"user-agent", PHONE_UA.encode()), (b"dnt", b"0")],
        "client": ("2001:db8:abcd:12::5", 5000),
        "cookies": cookies,
    }
    from_scope = context_from_scope(scope)
    from_request = context_build(
        cookies=cookies,
        meta={"HTTP_USER_AGENT": PHONE_UA, "HTTP_DNT": "0", "REMOTE_ADDR": "2001:db8:abcd:12::5"},
    )
    assert from_scope == from_request
    assert from_scope.ip_truncated == "2001:db8:abcd::"
    assert from_scope.tracked_visitor_id == visitor.pk


@pytest.mark.django_db
def test_a_service_runs_on_a_context_built_without_any_request():
    """A task or a command builds the context itself: the sign-up stores the context's
    truncated address with the consent records and its device with the interaction."""
    from analytics.facade import interactions
    from leads.facade import ConsentInput, ConsentRecord, lead_signup

    ctx = RequestContext(user_agent=PHONE_UA, ip_truncated="198.51.0.0")
    result = lead_signup(
        email="no-request@example.com",
        consent=ConsentInput(data_processing=True, wording="I agree."),
        source="import",
        form="newsletter",
        ctx=ctx,
    )
    assert result.created
    assert result.visitor.device == "mobile" and result.visitor.os_family == "Android"
    record = ConsentRecord.objects.get(lead=result.lead, purpose="data_processing")
    assert record.ip_truncated == "198.51.0.0"
    stored = interactions().get(lead=result.lead, type="newsletter_signup")
    assert stored.context["device"] == "mobile"
    assert stored.context["ip_truncated"] == "198.51.0.0"


@pytest.mark.django_db
def test_load_demo_builds_a_context_for_its_anonymous_visitors():
    """The real case: ``load_demo`` (a management command) seeds anonymous traffic through
    ``visitor_touch`` with a context it builds itself, so the visitor rows know the device
    their page views say they used."""
    from analytics import demo
    from analytics.facade import interactions
    from leads.facade import Visitor

    demo.load(lambda message: None)
    views = interactions().filter(session_id__startswith="demo-anon").select_related("visitor")
    assert views.count() == 9
    for view in views:
        assert view.visitor.device == view.context["device"] == "mobile"
        assert view.visitor.user_agent_family == view.context["browser"] == "Chrome Mobile"
    assert Visitor.objects.filter(device="mobile").count() == 3
