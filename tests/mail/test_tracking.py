"""Opens (pixel) and clicks (signed redirect) of a sent email are counted on its row and
become the lead's interactions; redirects outside the allowed hosts are refused; the
public paths (/e/o/<token>.gif, /e/c/<token>) are the ones nurture had."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from analytics.models import Interaction
from mail.facade import queue_template_email
from mail.models import OutboundEmail
from mail.services.links import click_url, track_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def welcome(lead, committed) -> OutboundEmail:
    with committed():
        ref = queue_template_email(
            to=lead.email,
            template="welcome_resources",
            context={
                "intro": "Read this.",
                "resources": [],
                "unsubscribe_url": "http://127.0.0.1:8000/api/newsletter/unsubscribe/t",
            },
            lead_id=lead.pk,
            subject="A note",
            category="test",
        )
    return OutboundEmail.objects.get(pk=ref.id)


def _tracked_links(email: OutboundEmail) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', email.body_html)]


def test_open_pixel_and_click_create_interactions(client, lead, welcome):
    email = welcome
    assert email.status == "sent"
    assert f"/e/o/{email.token}.gif" in mail.outbox[-1].alternatives[0][0]
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


def test_redirect_outside_the_allowed_list_is_refused(client, welcome):
    email = welcome
    token = str(email.token)
    evil = "https://evil.example.net/phish"
    # Even correctly signed, a URL outside the allowed hosts is refused.
    signed = click_url(token, evil).replace("http://127.0.0.1:8000", "")
    response = client.get(signed)
    assert response.status_code == 400
    # A tampered signature is refused too.
    query = "u=http://127.0.0.1:8000/resources/&s=forged"
    assert client.get(f"/e/c/{token}?{query}").status_code == 400
    # Protocol-relative and javascript URLs are refused.
    for url in ("//evil.example.net/x", "javascript:alert(1)"):
        assert client.get(click_url(token, url).split("8000", 1)[1]).status_code == 400
    assert not Interaction.objects.filter(type="email_click").exists()
    email.refresh_from_db()
    assert email.click_count == 0


def test_links_to_other_hosts_are_left_untracked():
    html = '<a href="https://news.example.org/a">x</a><a href="/blog/">y</a>'
    out = track_html(html, "00000000-0000-0000-0000-000000000000")
    assert 'href="https://news.example.org/a"' in out
    assert "/e/c/" in out.split("news.example.org")[1]


def test_unknown_token_is_a_pixel_and_a_refusal(client):
    token = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/e/o/{token}.gif").status_code == 200
    assert client.get(click_url(token, "/resources/").split("8000", 1)[1]).status_code == 400
