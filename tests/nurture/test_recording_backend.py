"""Emails sent straight through Django's mail API (invites, privacy links, alerts) are kept
as OutboundEmail rows too, linked to the lead; email_send's own rows are not doubled."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.test import override_settings

from leads.services import ConsentInput, lead_capture
from nurture.models import OutboundEmail
from nurture.services import email_send

pytestmark = pytest.mark.django_db

RECORDING = {
    "EMAIL_BACKEND": "nurture.backends.RecordingEmailBackend",
    "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@override_settings(**RECORDING)
def test_direct_sends_are_recorded_and_linked_to_the_lead():
    lead = lead_capture(
        email="Kamau@Example.com", consent=ConsentInput(data_processing=True), source="test"
    ).lead
    message = EmailMultiAlternatives(
        "You're registered", "See you there", to=["kamau@example.com"],
        headers={"X-Ementech-Email": "event-confirmation"},
    )  # fmt: skip
    message.attach_alternative("<p>See you there</p>", "text/html")
    message.attach("event.ics", "BEGIN:VCALENDAR", "text/calendar")
    message.send()
    row = OutboundEmail.objects.get(to_email="kamau@example.com")
    assert (row.lead_id, row.template, row.status) == (lead.pk, "event-confirmation", "sent")
    assert row.body_html == "<p>See you there</p>" and row.attachment_names == ["event.ics"]
    assert len(mail.outbox) == 1


@override_settings(**RECORDING)
def test_email_send_rows_are_not_recorded_twice():
    before = OutboundEmail.objects.count()
    email_send(to="nobody@example.com", template="welcome", context={}, category="test")
    assert OutboundEmail.objects.count() == before + 1
    send_mail("Hello", "Body", None, ["nobody@example.com"])
    assert OutboundEmail.objects.count() == before + 2


@override_settings(
    EMAIL_BACKEND="nurture.backends.RecordingEmailBackend",
    EMAIL_DELIVERY_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=9,
    EMAIL_TIMEOUT=2,
)
def test_a_failed_direct_send_is_recorded_as_failed():
    with pytest.raises(OSError):
        send_mail("Hello", "Body", None, ["down@example.com"])
    assert OutboundEmail.objects.get(to_email="down@example.com").status == "failed"
