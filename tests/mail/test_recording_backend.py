"""Emails sent straight through Django's mail API by a library (allauth's password reset,
say) are kept as OutboundEmail rows too, linked to the lead; mail's own deliveries are not
recorded twice."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.test import override_settings

from leads.services import ConsentInput, lead_capture
from mail.facade import queue_email
from mail.models import OutboundEmail

pytestmark = pytest.mark.django_db

RECORDING = {
    "EMAIL_BACKEND": "mail.backends.RecordingEmailBackend",
    "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@override_settings(**RECORDING)
def test_direct_sends_are_recorded_and_linked_to_the_lead():
    lead = lead_capture(
        email="Kamau@Example.com", consent=ConsentInput(data_processing=True), source="test"
    ).lead
    message = EmailMultiAlternatives(
        "Reset your password", "Follow the link", to=["kamau@example.com"]
    )
    message.attach_alternative("<p>Follow the link</p>", "text/html")
    message.attach("note.txt", "hello", "text/plain")
    message.send()
    row = OutboundEmail.objects.get(to_email="kamau@example.com")
    assert (row.lead_id, row.template, row.status) == (lead.pk, "direct", "sent")
    assert row.body_html == "<p>Follow the link</p>" and row.attachment_names == ["note.txt"]
    assert len(mail.outbox) == 1


@override_settings(**RECORDING)
def test_mail_rows_are_not_recorded_twice(django_capture_on_commit_callbacks):
    before = OutboundEmail.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="nobody@example.com", subject="Hi", text="Body", kind="test")
    assert OutboundEmail.objects.count() == before + 1
    assert OutboundEmail.objects.get(to_email="nobody@example.com").status == "sent"
    send_mail("Hello", "Body", None, ["nobody@example.com"])
    assert OutboundEmail.objects.count() == before + 2


@override_settings(
    EMAIL_BACKEND="mail.backends.RecordingEmailBackend",
    EMAIL_DELIVERY_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=9,
    EMAIL_TIMEOUT=2,
)
def test_a_failed_direct_send_is_recorded_as_failed():
    with pytest.raises(OSError):
        send_mail("Hello", "Body", None, ["down@example.com"])
    assert OutboundEmail.objects.get(to_email="down@example.com").status == "failed"
