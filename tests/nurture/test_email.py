"""Every outbound email is a row; opens (pixel) and clicks (signed redirect) become
interactions; redirects outside the allowed list are refused; failures and bounces are
recorded, never lost (issue 9, acceptance 3)."""

from __future__ import annotations

import re
import smtplib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from analytics.models import Interaction
from nurture import services
from nurture.models import OutboundEmail

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")})


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def _welcome(lead) -> OutboundEmail:
    return services.email_send(
        to=lead.email,
        template="welcome_resources",
        context={
            "intro": "Read this.",
            "resources": [],
            "unsubscribe_url": "http://127.0.0.1:8000/api/newsletter/unsubscribe/t",
        },
        lead=lead,
        subject="A note",
        category="test",
    )


def _tracked_links(email: OutboundEmail) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', email.body_html)]


def test_email_send_records_row_and_sends(make_lead):
    lead = make_lead()
    email = services.email_send(
        to=lead.email,
        template="welcome_resources",
        context={"resources": []},
        lead=lead,
        subject="Welcome",
        attachments=[("notes.txt", "hello", "text/plain")],
        headers={"X-Test": "1"},
        category="test",
    )
    assert email.status == OutboundEmail.Status.SENT and email.sent_at is not None
    assert OutboundEmail.objects.filter(pk=email.pk, to_email=lead.email).exists()
    assert email.attachment_names == ["notes.txt"]
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.extra_headers["X-Test"] == "1"
    assert sent.extra_headers["X-EmenTech-Email"] == str(email.token)
    assert f"/e/o/{email.token}.gif" in sent.alternatives[0][0]


def test_open_pixel_and_click_create_interactions(client, make_lead):
    lead = make_lead()
    email = _welcome(lead)
    pixel = client.get(f"/e/o/{email.token}.gif")
    assert pixel.status_code == 200 and pixel["Content-Type"] == "image/gif"
    client.get(f"/e/o/{email.token}.gif")
    email.refresh_from_db()
    assert email.open_count == 2 and email.first_opened_at is not None
    opens = Interaction.objects.filter(lead=lead, type="email_open")
    assert opens.count() == 1
    assert opens[0].properties["email_id"] == str(email.token)

    # The resource-library link was rewritten into a signed tracking link.
    tracked = [u for u in _tracked_links(email) if "/e/c/" in u]
    library = next(u for u in tracked if "resources" in parse_qs(urlsplit(u).query)["u"][0])
    response = client.get(library.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 302
    assert response["Location"] == "http://127.0.0.1:8000/resources/"
    click = Interaction.objects.get(lead=lead, type="email_click")
    assert click.properties["link_clicked"] == "http://127.0.0.1:8000/resources/"
    email.refresh_from_db()
    assert email.click_count == 1
    # The unsubscribe link is never wrapped; the stored copy keeps no usable token.
    delivered = mail.outbox[-1].alternatives[0][0]
    assert 'href="http://127.0.0.1:8000/api/newsletter/unsubscribe/t"' in delivered
    assert "http://127.0.0.1:8000/api/newsletter/unsubscribe/[link removed]" in _tracked_links(
        email
    )


def test_redirect_outside_the_allowed_list_is_refused(client, make_lead):
    lead = make_lead()
    email = _welcome(lead)
    token = str(email.token)
    evil = "https://evil.example.net/phish"
    # Even correctly signed, a URL outside the allowed hosts is refused.
    signed = services.click_url(email, evil).replace("http://127.0.0.1:8000", "")
    response = client.get(signed)
    assert response.status_code == 400
    # A tampered signature is refused too.
    query = "u=http://127.0.0.1:8000/resources/&s=forged"
    assert client.get(f"/e/c/{token}?{query}").status_code == 400
    # Protocol-relative and javascript URLs are refused.
    for url in ("//evil.example.net/x", "javascript:alert(1)"):
        assert client.get(services.click_url(email, url).split("8000", 1)[1]).status_code == 400
    assert not Interaction.objects.filter(type="email_click").exists()
    email.refresh_from_db()
    assert email.click_count == 0


def test_links_to_other_hosts_are_left_untracked(make_lead):
    html = '<a href="https://news.example.org/a">x</a><a href="/blog/">y</a>'
    lead = make_lead()
    email = _welcome(lead)
    out = services._track_html(html, email)
    assert 'href="https://news.example.org/a"' in out
    assert "/e/c/" in out.split("news.example.org")[1]


@override_settings(EMAIL_BACKEND="tests.nurture.test_email.RefusingBackend")
def test_refused_recipient_is_recorded_as_bounced(make_lead):
    email = _welcome(make_lead())
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.BOUNCED
    assert "no such user" in email.error and email.bounced_at is not None


@override_settings(EMAIL_BACKEND="tests.nurture.test_email.BrokenBackend")
def test_failure_is_recorded_and_can_be_retried(make_lead):
    email = _welcome(make_lead())
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "smtp down" in email.error
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        services.email_retry(email=email)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2


def test_outbox_visible_to_staff_in_admin(client, sales_user, make_lead):
    email = _welcome(make_lead())
    client.force_login(sales_user)
    listing = client.get("/admin/nurture/outboundemail/")
    assert listing.status_code == 200
    assert email.subject.encode() in listing.content
    assert client.get(f"/admin/nurture/outboundemail/{email.pk}/change/").status_code == 200


def test_outbox_hidden_from_anonymous(client, make_lead):
    _welcome(make_lead())
    response = client.get("/admin/nurture/outboundemail/")
    assert response.status_code == 302


def test_deferred_email_is_queued_then_delivered_after_commit(
    make_lead, django_capture_on_commit_callbacks
):
    lead = make_lead()
    with django_capture_on_commit_callbacks(execute=True):
        email = services.email_send(
            to=lead.email,
            template="welcome_resources",
            context={"resources": []},
            subject="Later",
            attachments=[("a.svg", "<svg/>", "image/svg+xml")],
            defer=True,
        )
        assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.QUEUED
        assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert mail.outbox[0].attachments[0][:2] == ("a.svg", b"<svg/>")


def test_deferred_email_in_a_rolled_back_transaction_is_never_sent(
    make_lead, django_capture_on_commit_callbacks
):
    from django.db import transaction

    lead = make_lead()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.email_send(
            to=lead.email,
            template="welcome_resources",
            context={"resources": []},
            subject="Never",
            defer=True,
        )
        raise RuntimeError("rolled back")
    assert not OutboundEmail.objects.filter(subject="Never").exists()
    assert mail.outbox == []


@override_settings(EMAIL_BACKEND="tests.nurture.test_email.BrokenBackend")
def test_deferred_failure_is_recorded_on_the_row(make_lead, django_capture_on_commit_callbacks):
    lead = make_lead()
    with django_capture_on_commit_callbacks(execute=True):
        email = services.email_send(
            to=lead.email,
            template="welcome_resources",
            context={"resources": []},
            subject="Retry me",
            defer=True,
        )
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1 and "smtp down" in email.error
