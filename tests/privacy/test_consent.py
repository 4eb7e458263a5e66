"""Consent banner and the tracking gate (em_consent cookie, GPC/DNT, /api/track, em_vid)."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from analytics.models import Interaction
from leads.identity import visitor_id_from_cookie
from leads.models import ConsentRecord, Visitor
from privacy.selectors import analytics_allowed, consent_cookie_parse
from tests.factories import visitor_cookie

pytestmark = pytest.mark.django_db

EVENT = {"type": "page_view", "properties": {"path": "/services/", "url": "/services/"}}


def _track(client, **headers):
    return client.post("/api/track", EVENT, format="json", **headers)


def test_track_stores_nothing_and_sets_no_cookie_without_a_choice():
    client = APIClient()
    response = _track(client)
    assert response.status_code == 202
    assert response.json()["stored"] == 0
    assert "em_vid" not in response.cookies
    assert Interaction.objects.count() == 0
    assert Visitor.objects.count() == 0


def test_track_after_reject_all_stores_nothing():
    client = APIClient()
    consent = client.post(
        "/api/privacy/consent", {"analytics": False, "marketing": False}, format="json"
    )
    assert consent.status_code == 200
    assert consent.cookies["em_consent"].value == "1.a0.m0"
    _track(client)
    assert Interaction.objects.count() == 0
    assert Visitor.objects.count() == 0


def test_track_after_accept_stores_and_sets_the_visitor_cookie():
    client = APIClient()
    response = client.post(
        "/api/privacy/consent", {"analytics": True, "marketing": True}, format="json"
    )
    assert response.cookies["em_consent"].value == "1.a1.m1"
    assert response.cookies["em_consent"]["max-age"] == 180 * 86400
    tracked = _track(client)
    assert tracked.status_code == 202
    assert Interaction.objects.count() == 1
    assert "em_vid" in tracked.cookies and tracked.cookies["em_vid"]["max-age"]


@pytest.mark.parametrize("header", [{"HTTP_SEC_GPC": "1"}, {"HTTP_DNT": "1"}])
def test_gpc_and_dnt_are_a_refusal_even_after_accepting(header):
    client = APIClient()
    client.cookies["em_consent"] = "1.a1.m1"
    response = client.post(
        "/api/privacy/consent", {"analytics": True, "marketing": True}, format="json", **header
    )
    assert response.json()["analytics"] is False and response.json()["signal"] is True
    tracked = _track(client, **header)
    assert tracked.json()["stored"] == 0
    assert Interaction.objects.count() == 0
    assert "em_vid" not in tracked.cookies


def test_withdrawing_records_consent_and_expires_the_visitor_cookie():
    client = APIClient()
    client.cookies["em_consent"] = "1.a1.m0"
    _track(client)
    visitor = Visitor.objects.get()
    assert visitor_id_from_cookie(client.cookies["em_vid"].value) == visitor.pk
    # Accepting again with a known visitor writes ConsentRecords...
    client.post("/api/privacy/consent", {"analytics": True, "marketing": False}, format="json")
    # ...and withdrawing is recorded and drops the cookie.
    response = client.post(
        "/api/privacy/consent", {"analytics": False, "marketing": False}, format="json"
    )
    assert response.json()["records"] == 2
    records = list(ConsentRecord.objects.filter(visitor=visitor, purpose="analytics"))
    assert [r.granted for r in records] == [True, False]
    assert all(r.method == "banner" and r.wording and r.wording_hash for r in records)
    client.cookies["em_consent"] = response.cookies["em_consent"].value
    after = _track(client)
    assert after.cookies["em_vid"].value == ""  # expired by the gate
    assert after.json()["stored"] == 0
    assert Interaction.objects.count() == 1


def test_consent_for_a_known_lead_is_recorded_on_the_lead(person):
    client = APIClient()
    client.cookies["em_vid"] = visitor_cookie(person.visitor)
    client.post("/api/privacy/consent", {"analytics": False, "marketing": True}, format="json")
    latest = ConsentRecord.objects.filter(lead=person.lead, method="banner")
    assert {(r.purpose, r.granted) for r in latest} == {("analytics", False), ("marketing", True)}


def test_cross_site_consent_changes_are_refused():
    client = APIClient()
    response = client.post(
        "/api/privacy/consent",
        {"analytics": True, "marketing": True},
        format="json",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert "em_consent" not in response.cookies


def test_banner_is_rendered_on_first_visit_without_inline_script(client, demo_site):
    page = client.get("/")
    html = page.content.decode()
    banner = re.search(r'<section id="consent-banner".*?</section>', html, re.S).group(0)
    assert " hidden" not in banner.split(">")[0]
    for label in ("Accept all", "Reject all", "Save preferences", "Privacy policy"):
        assert label in banner
    # Accept and Reject are styled the same: the same classes on both buttons.
    found = re.findall(r'class="([^"]+)" data-consent="(\w+)"', banner)
    by_action = {action: css for css, action in found}
    assert by_action["accept_all"] == by_action["reject_all"]
    assert "/privacy-policy/" in banner
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script breaks the CSP"
    assert not re.search(r"\son[a-z]+=", banner), "inline handlers break the CSP"
    assert "script-src 'self'" in page["Content-Security-Policy"]
    # After a choice the banner is rendered hidden; the footer button can reopen it.
    client.cookies["em_consent"] = "1.a0.m0"
    again = client.get("/").content.decode()
    assert re.search(r'<section id="consent-banner"[^>]*\shidden', again, re.S)
    assert "data-open-consent" in again


def test_banner_form_works_without_javascript(client, demo_site):
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/privacy/consent",
        {"choice": "reject_all", "next": "/about/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert response.cookies["em_consent"].value == "1.a0.m0"
    evil = client.post(
        "/privacy/consent",
        {
            "choice": "save",
            "analytics": "on",
            "next": "https://evil.example/",
            "csrfmiddlewaretoken": token,
        },
    )
    assert evil["Location"] == "/"
    assert consent_cookie_parse(evil.cookies["em_consent"].value) == (True, False)


def test_analytics_allowed_reads_cookie_and_signals(rf):
    request = rf.get("/")
    assert analytics_allowed(request) is False
    request.COOKIES["em_consent"] = "1.a1.m0"
    assert analytics_allowed(request) is True
    request.COOKIES["em_consent"] = "1.a1.mX"  # malformed: no consent
    assert analytics_allowed(request) is False
    request = rf.get("/", HTTP_SEC_GPC="1")
    request.COOKIES["em_consent"] = "1.a1.m1"
    assert analytics_allowed(request) is False
