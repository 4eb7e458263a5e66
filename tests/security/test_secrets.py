"""Acceptance 4 (secrets): no stored email body, header or admin page holds a usable token.

The emails that carry one-time or capability links (privacy request, "continue where you
left off", newsletter confirmation and unsubscribe, gated download, demo-hold confirmation)
are sent through the production path (the recording backend in front of delivery); the
real tokens are read from what was delivered, then searched for in every stored row and in
every admin changelist a marketer can render. Tokens are stored only as SHA-256 digests.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from chat.models import DemoBooking, Message
from leads.models import VerificationLink
from mail.models import OutboundEmail
from mail.redaction import MARKER, redact_secret_links
from privacy.models import DataRequest
from tests.factories import make_lead

pytestmark = pytest.mark.django_db

RECORDING = {
    "EMAIL_BACKEND": "mail.backends.RecordingEmailBackend",
    "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
LINK = re.compile(
    r"/(?:continue|demo/confirm|privacy/requests/[0-9a-f\-]{36}|newsletter/confirm|"
    r"newsletter/preferences|api/newsletter/unsubscribe|resources/download)/([A-Za-z0-9_\-:.]{16,})"
)


def _delivered_tokens() -> set[str]:
    tokens: set[str] = set()
    for message in mail.outbox:
        parts = [message.body, *(c for c, _ in getattr(message, "alternatives", []))]
        parts += [str(v) for v in (message.extra_headers or {}).values()]
        for part in parts:
            tokens.update(LINK.findall(str(part)))
    return tokens


def _hold_a_demo_for(email: str) -> None:
    from chat import services
    from chat.scheduling import demo_slots_open

    conv = services.conversation_open()
    Message.objects.create(conversation=conv, role="user", content=f"I am {email}")
    services.conversation_set_consent(conversation=conv)
    services.conversation_store_profile(conversation=conv, values={"email": email})
    conv.refresh_from_db()
    slot = demo_slots_open(limit=1)[0]
    conv.state = {
        **conv.state,
        "pending": {"action_id": "hold-1", "tool": "book_demo", "slot": slot},
    }
    conv.save()
    events = list(services.chat_confirm(conversation=conv, action_id="hold-1", accept=True))
    assert any(e["type"] == "held" for e in events), events


@override_settings(**RECORDING)
def test_no_stored_email_or_admin_page_holds_a_usable_token(
    client, marketer, django_capture_on_commit_callbacks, gated_resource
):
    make_lead("known@example.com", name="Known")
    stranger = client.__class__()
    stranger.cookies["em_consent"] = "1.a1.m0"
    with django_capture_on_commit_callbacks(execute=True):
        # privacy request link
        stranger.post(
            "/api/privacy/requests",
            {"email": "known@example.com", "type": "export"},
            content_type="application/json",
        )
        # "continue where you left off" (a second browser typed a known address)
        stranger.post(
            "/api/leads",
            {"email": "known@example.com", "consent": True},
            content_type="application/json",
        )
        # newsletter double opt-in (confirm + unsubscribe links)
        stranger.post(
            "/api/newsletter/subscribe",
            {"email": "reader@example.com", "consent": True},
            content_type="application/json",
        )
        # gated download link
        stranger.post(
            f"/api/content/{gated_resource.slug}/download",
            {
                "email": "downloader@example.com",
                "role": "CTO",
                "company_size": "11-50",
                "consent": {"data_processing": True},
            },
            content_type="application/json",
        )
        # demo-hold confirmation (a stranger's chat asks a demo for the known address)
        _hold_a_demo_for("known@example.com")
    tokens = _delivered_tokens()
    assert len(tokens) >= 3, [m.subject for m in mail.outbox]
    hold = DemoBooking.objects.get(status="held")
    assert len(hold.confirm_token_hash) == 64 and hold.confirm_token_hash not in tokens
    assert any(f"/demo/confirm/{t}" in m.body for t in tokens for m in mail.outbox)
    rows = list(OutboundEmail.objects.all())
    assert rows
    stored = " ".join(
        f"{r.subject} {r.body_text} {r.body_html} {r.headers} {r.error}" for r in rows
    )
    for token in tokens:
        assert token not in stored
    assert MARKER in stored
    # Only digests are kept for the tokens we check ourselves.
    for request in DataRequest.objects.all():
        assert request.token_hash and len(request.token_hash) == 64
        assert request.token_hash not in tokens
    for link in VerificationLink.objects.all():
        assert len(link.token_hash) == 64 and link.token_hash not in tokens
    # Every admin changelist a marketer can open shows no token (and personal pages 403).
    client.force_login(marketer)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        body = client.get(url).content.decode(errors="replace")
        for token in tokens:
            assert token not in body, url


def test_redaction_catches_raw_and_tracked_links():
    raw = "Open https://x.test/continue/AbC_dEf-123456789012345 now"
    assert redact_secret_links(raw) == f"Open https://x.test/continue/{MARKER} now"
    tracked = (
        "https://x.test/e/c/abc?u=https%3A%2F%2Fx.test%2Fresources%2Fdownload%2Fabc%3Adef%2F&s=1"
    )
    assert "abc%3Adef" not in redact_secret_links(tracked)
    html = '<a href="https://x.test/privacy/requests/8d0c6c36-2b57-4f0e-9d4e-1a2b3c4d5e6f/tok">'
    assert "tok" not in redact_secret_links(html).split("requests/")[1]
