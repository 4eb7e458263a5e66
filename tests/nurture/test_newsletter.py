"""Newsletters: double opt-in gates every issue; one-click unsubscribe stops them; the
consent log holds the wording and the click time (issue 9, acceptance 1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from leads.models import ConsentRecord, Lead
from nurture import services
from nurture.models import IssueDelivery, Newsletter, NewsletterIssue, Subscriber

pytestmark = pytest.mark.django_db

CLICK_TIME = dt.datetime(2026, 3, 2, 9, 30, 15, tzinfo=dt.UTC)


def _issue(subject: str, slug: str = "tech-insights") -> NewsletterIssue:
    return NewsletterIssue.objects.create(
        newsletter=Newsletter.objects.get(slug=slug),
        subject=subject,
        intro="Hello readers.",
        body=[{"type": "heading", "value": "This week"}],
        status=NewsletterIssue.Status.SCHEDULED,
    )


def _send(issue, django_capture_on_commit_callbacks) -> list:
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_issue_dispatch(issue_id=issue.pk)
    return [m for m in mail.outbox[before:] if m.subject == issue.subject]


def _link(message, pattern: str) -> str:
    match = re.search(rf"http://[^\s\"<>]*{pattern}[^\s\"<>]*", message.body)
    assert match, message.body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def test_issue_reaches_only_confirmed_then_not_after_one_click_unsubscribe(
    api_client, client, nurture_demo, django_capture_on_commit_callbacks
):
    lists = api_client.get("/api/newsletter/lists").json()
    assert [n["slug"] for n in lists["newsletters"]] == [
        "tech-insights",
        "growth-playbook",
        "investor-briefing",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/newsletter/subscribe",
            {"email": "Ada@Example.com", "newsletters": ["tech-insights"], "page_url": "/blog/x/"},
            format="json",
        )
        assert response.status_code == 202, response.content
        # A stranger's address signed up by someone else: never confirmed.
        api_client.post("/api/newsletter/subscribe", {"email": "other@example.com"}, format="json")
    assert len(mail.outbox) == 2
    confirmation = mail.outbox[0]
    assert confirmation.to == ["Ada@Example.com"]
    assert confirmation.subject == "Please confirm your subscription"
    # No advertising: the only link is the confirmation, no tracking, no list headers.
    html = confirmation.alternatives[0][0]
    assert re.findall(r'href="([^"]+)"', html) == [re.search(r'href="([^"]+)"', html).group(1)]
    assert "/newsletter/confirm/" in html and "/e/o/" not in html
    assert "List-Unsubscribe" not in confirmation.extra_headers
    assert Lead.objects.count() == 0  # nobody is a lead before confirming

    # 1. Unconfirmed: the issue reaches nobody.
    assert _send(_issue("Issue one"), django_capture_on_commit_callbacks) == []
    assert IssueDelivery.objects.count() == 0

    # 2. The click confirms; the consent log holds the wording shown and the click time.
    with time_machine.travel(CLICK_TIME, tick=False):
        page = client.get(_link(confirmation, "/newsletter/confirm/"))
    assert page.status_code == 200
    assert b"You&#x27;re subscribed" in page.content or b"You're subscribed" in page.content
    lead = Lead.objects.get(email_normalized="ada@example.com")
    consent = ConsentRecord.objects.get(lead=lead, purpose="marketing")
    assert consent.granted is True
    assert consent.method == "double_opt_in"
    assert consent.created_at == CLICK_TIME
    shown = services.consent_wording_for([Newsletter.objects.get(slug="tech-insights")])
    assert shown in consent.wording
    assert "Confirmed by clicking the link" in consent.wording
    assert Subscriber.objects.get(email_normalized="ada@example.com").confirmed_at == CLICK_TIME

    sent = _send(_issue("Issue two"), django_capture_on_commit_callbacks)
    assert [m.to for m in sent] == [["Ada@Example.com"]]
    message = sent[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert "/api/newsletter/unsubscribe/" in unsubscribe

    # 3. One-click unsubscribe, as a mail client does it (RFC 8058 POST, no cookies/CSRF).
    response = client.post(
        unsubscribe.replace("http://127.0.0.1:8000", ""),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _send(_issue("Issue three"), django_capture_on_commit_callbacks) == []
    latest = ConsentRecord.objects.filter(lead=lead, purpose="marketing").order_by("-id")[0]
    assert latest.granted is False and latest.method == "one_click"


def test_resubscribing_an_active_address_sends_nothing_new_and_does_not_leak(
    api_client, nurture_demo
):
    services.newsletter_subscribe(email="bo@example.com", newsletters=["tech-insights"])
    sub = Subscriber.objects.get(email_normalized="bo@example.com")
    services.newsletter_confirm(subscriber=sub)
    mail.outbox.clear()
    response = api_client.post(
        "/api/newsletter/subscribe",
        {"email": "bo@example.com", "newsletters": ["tech-insights"]},
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["status"] == "confirmation_sent"
    assert mail.outbox == []


def test_subscribe_validates_input(api_client, nurture_demo):
    bad = api_client.post("/api/newsletter/subscribe", {"email": "nope"}, format="json")
    assert bad.status_code == 400
    assert "email" in bad.json()["details"]
    unknown = api_client.post(
        "/api/newsletter/subscribe",
        {"email": "a@example.com", "newsletters": ["crypto-tips"]},
        format="json",
    )
    assert unknown.status_code == 400
    assert "newsletters" in unknown.json()["details"]
    assert Subscriber.objects.count() == 0


def test_confirmation_link_is_signed_and_expires(client, nurture_demo):
    services.newsletter_subscribe(email="cy@example.com", newsletters=["growth-playbook"])
    sub = Subscriber.objects.get()
    token = services.confirm_token(sub)
    assert client.get(f"/newsletter/confirm/{token}x/").status_code == 404
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        assert client.get(f"/newsletter/confirm/{token}/").status_code == 404
    sub.refresh_from_db()
    assert sub.confirmed_at is None


def test_preference_centre_changes_lists_and_frequency(client, nurture_demo):
    services.newsletter_subscribe(email="di@example.com", newsletters=["tech-insights"])
    sub = Subscriber.objects.get()
    services.newsletter_confirm(subscriber=sub)
    url = services.preferences_url(sub).replace("http://127.0.0.1:8000", "")
    assert client.get(url).status_code == 200
    assert client.get(url.replace("/preferences/", "/preferences/x")).status_code == 404
    response = client.post(
        url, {"newsletters": ["growth-playbook", "investor-briefing"], "frequency": "monthly_max"}
    )
    assert response.status_code == 200
    sub.refresh_from_db()
    active = set(
        sub.subscriptions.filter(status="active").values_list("newsletter__slug", flat=True)
    )
    assert active == {"growth-playbook", "investor-briefing"}
    assert sub.frequency == "monthly_max"


def test_one_click_unsubscribe_needs_no_csrf_token_and_get_does_not_unsubscribe(nurture_demo):
    from django.test import Client

    services.newsletter_subscribe(email="eve@example.com", newsletters=["tech-insights"])
    sub = Subscriber.objects.get()
    services.newsletter_confirm(subscriber=sub)
    newsletter = Newsletter.objects.get(slug="tech-insights")
    url = services.unsubscribe_url(sub, newsletter).replace("http://127.0.0.1:8000", "")
    mail_client = Client(enforce_csrf_checks=True)
    page = mail_client.get(url)  # link scanners and previews only GET
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert sub.subscriptions.get().status == "active"
    response = mail_client.post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert sub.subscriptions.get().status == "unsubscribed"
    assert mail_client.post(url + "tampered").status_code == 404


def test_signup_page_sends_the_confirmation(
    client, nurture_demo, django_capture_on_commit_callbacks
):
    page = client.get("/newsletter/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "EmenTech Tech Insights" in html and "<script>" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsletter/", {"email": "fay@example.com", "newsletters": ["investor-briefing"]}
        )
    assert b"Check your inbox" in response.content
    assert mail.outbox[0].to == ["fay@example.com"]
    assert Subscriber.objects.get().subscriptions.get().status == "pending"
