"""Every email is an OutboundEmail row queued in the caller's transaction and delivered by
the mail worker after commit: idempotent queueing, one send per row, SMTP failures retried
and never lost, bounces recorded (issue 12, the mail app)."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings

from core.outbox import OutboxMessage
from mail import tasks
from mail.facade import EMAIL_HEADER, EmailError, queue_email, queue_template_email
from mail.models import OutboundEmail
from mail.services.sending import email_deliver, email_retry

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")})


class BrokenBackend(BaseEmailBackend):
    calls = 0

    def send_messages(self, messages):
        BrokenBackend.calls += 1
        raise smtplib.SMTPServerDisconnected("smtp down")


def _hello(**extra):
    return queue_email(
        to="ada@example.com", subject="Hello", text="Body", kind="hello_test", **extra
    )


def test_a_queued_email_is_sent_by_the_worker_after_commit(lead, committed):
    with committed():
        ref = queue_email(
            to=lead.email,
            subject="Your notes",
            text="Here they are.",
            html="<p>Here they are.</p>",
            kind="notes",
            lead_id=lead.pk,
            attachments=[("notes.txt", "hello", "text/plain")],
            headers={"X-Test": "1"},
        )
        row = OutboundEmail.objects.get(pk=ref.id)
        assert row.status == OutboundEmail.Status.QUEUED and mail.outbox == []
        assert OutboxMessage.objects.filter(task="mail.tasks.deliver_email", args=[ref.id]).exists()
    row.refresh_from_db()
    assert (row.status, row.template, row.lead_id, row.attempts) == ("sent", "notes", lead.pk, 1)
    assert row.attachment_names == ["notes.txt"] and row.attachments_data == []
    [sent] = mail.outbox
    assert sent.to == [lead.email] and sent.subject == "Your notes"
    assert sent.extra_headers == {"X-Test": "1", EMAIL_HEADER: str(row.token)}
    assert sent.alternatives[0][0] == "<p>Here they are.</p>"
    assert sent.attachments[0][:2] == ("notes.txt", "hello")


def test_queueing_with_a_key_is_idempotent(committed):
    with committed():
        first = _hello(key="hello:1")
        again = _hello(key="hello:1")
        other = _hello(key="hello:2")
    assert first.id == again.id != other.id
    assert OutboundEmail.objects.filter(template="hello_test").count() == 2
    assert len(mail.outbox) == 2


def test_a_rolled_back_transaction_sends_nothing(committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        _hello()
        raise RuntimeError("rolled back")
    assert not OutboundEmail.objects.filter(template="hello_test").exists()
    assert mail.outbox == []


def test_the_task_sends_a_row_once(committed):
    with committed():
        ref = _hello()
    assert len(mail.outbox) == 1
    # A second delivery of the same row (a redelivered or duplicated task) sends nothing.
    assert tasks.deliver_email.delay(ref.id).get() == "sent"
    assert email_deliver(email_id=ref.id) == "sent"
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get(pk=ref.id).attempts == 1


@override_settings(EMAIL_BACKEND="tests.mail.test_sending.BrokenBackend")
def test_an_smtp_failure_is_retried_by_the_task_and_loses_nothing(committed, monkeypatch):
    with committed():
        ref = _hello(attachments=[("a.txt", "kept", "text/plain")])
    row = OutboundEmail.objects.get(pk=ref.id)
    # Eager runs cannot wait for a countdown: the row is failed, with body and attachment.
    assert row.status == "failed" and "smtp down" in row.error and row.attempts == 1
    assert row.body_text == "Body" and row.attachments_data[0]["name"] == "a.txt"

    # On a worker the task asks Celery for a retry with backoff...
    retries = []

    class Retry(Exception):
        pass

    def fake_retry(*, countdown):
        retries.append(countdown)
        return Retry()

    monkeypatch.setattr(tasks.deliver_email, "retry", fake_retry)
    task_request = {"is_eager": False, "retries": 0, "called_directly": False, "id": "x"}
    tasks.deliver_email.push_request(**task_request)
    try:
        with pytest.raises(Retry):
            tasks.deliver_email.run(ref.id)
    finally:
        tasks.deliver_email.pop_request()
    assert retries == [tasks.RETRY_COUNTDOWNS[0]]
    assert OutboundEmail.objects.get(pk=ref.id).attempts == 2

    # ...and the retry that finds the server back sends the same row, once.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert tasks.deliver_email.delay(ref.id).get() == "sent"
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 3 and row.error == ""
    [sent] = mail.outbox
    assert sent.attachments[0][:2] == ("a.txt", "kept")


@override_settings(EMAIL_BACKEND="tests.mail.test_sending.BrokenBackend")
def test_staff_retry_queues_a_failed_email_again(committed):
    with committed():
        ref = _hello()
    assert OutboundEmail.objects.get(pk=ref.id).status == "failed"
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        committed(),
    ):
        email_retry(email_id=ref.id)
    row = OutboundEmail.objects.get(pk=ref.id)
    assert row.status == "sent" and row.attempts == 2 and len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND="tests.mail.test_sending.RefusingBackend")
def test_a_refused_recipient_is_recorded_as_bounced(committed):
    with committed():
        ref = _hello()
    row = OutboundEmail.objects.get(pk=ref.id)
    assert row.status == "bounced" and "no such user" in row.error and row.bounced_at


def test_recipient_limits_hold_an_email(committed):
    with override_settings(EMAIL_RECIPIENT_LIMIT_PER_HOUR=1), committed():
        _hello()
        second = _hello()
    assert OutboundEmail.objects.get(pk=second.id).status == "limited"
    assert len(mail.outbox) == 1


def test_template_email_renders_and_needs_a_subject(lead, committed):
    with committed():
        ref = queue_template_email(
            to=lead.email, template="welcome", context={}, lead_id=lead.pk, category="test"
        )
    row = OutboundEmail.objects.get(pk=ref.id)
    assert row.template == "welcome" and row.status == "sent" and row.subject
    with pytest.raises(EmailError):
        queue_template_email(to=lead.email, template="no_such_template", context={}, subject="x")
    with pytest.raises(EmailError):
        queue_email(to=lead.email, subject="  ", text="x", kind="empty")


def test_outbox_visible_to_staff_in_admin(client, sales_user, committed):
    with committed():
        ref = _hello()
    assert client.get("/admin/mail/outboundemail/").status_code == 302  # anonymous
    client.force_login(sales_user)
    listing = client.get("/admin/mail/outboundemail/")
    assert listing.status_code == 200 and b"Hello" in listing.content
    assert client.get(f"/admin/mail/outboundemail/{ref.id}/change/").status_code == 200
