"""Acceptance 3: with frozen time, the beat task sends the 24 h and the 1 h reminders exactly
once each, also when it runs twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events.models import EventRegistration
from events.services import event_register, registration_cancel
from events.tasks import send_due_reminders
from tests.events.conftest import CONSENT

pytestmark = pytest.mark.django_db


def reminders(kind_subject: str) -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if m.subject.startswith(kind_subject))


def test_24h_and_1h_reminders_each_exactly_once(make_event, django_capture_on_commit_callbacks):
    sent_after_commit = django_capture_on_commit_callbacks  # the mail worker runs on commit
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        event = make_event(start=now + timedelta(days=3))
        for email in ("early@example.com", "quitter@example.com"):
            event_register(event_id=event.uuid, email=email, consent=CONSENT, answers={"name": "A"})
        quitter = EventRegistration.objects.get(lead__email="quitter@example.com")
        registration_cancel(registration_id=quitter.pk)
    start = event.starts_at

    with (
        time_machine.travel(start - timedelta(hours=30), tick=False),
        sent_after_commit(execute=True),
    ):
        send_due_reminders.delay()
    assert reminders("Tomorrow") == []

    with time_machine.travel(start - timedelta(hours=10), tick=False):
        late = event_register(
            event_id=event.uuid, email="late@example.com", consent=CONSENT, answers={"name": "L"}
        ).registration
    mail.outbox.clear()
    with (
        time_machine.travel(start - timedelta(hours=23, minutes=55), tick=False),
        sent_after_commit(execute=True),
    ):
        assert send_due_reminders.delay().get() == 1
        assert send_due_reminders.delay().get() == 0
    assert reminders("Tomorrow") == ["early@example.com"]
    assert reminders("Starting in one hour") == []

    with (
        time_machine.travel(start - timedelta(hours=3), tick=False),
        sent_after_commit(execute=True),
    ):
        send_due_reminders.delay()
    assert reminders("Tomorrow") == ["early@example.com"]

    with (
        time_machine.travel(start - timedelta(minutes=55), tick=False),
        sent_after_commit(execute=True),
    ):
        send_due_reminders.delay()
        send_due_reminders.delay()
    assert reminders("Starting in one hour") == ["early@example.com", "late@example.com"]
    assert reminders("Tomorrow") == ["early@example.com"]

    with (
        time_machine.travel(start + timedelta(minutes=5), tick=False),
        sent_after_commit(execute=True),
    ):
        send_due_reminders.delay()
    assert len(reminders("Starting in one hour")) == 2
    late.refresh_from_db()
    assert late.reminder_24h_sent_at is None and late.reminder_1h_sent_at is not None
    one_hour = [m for m in mail.outbox if m.subject.startswith("Starting in one hour")][0]
    assert "https://zoom.us/j/123456789" in one_hour.body


def test_the_send_claims_its_flag_so_a_concurrent_duplicate_cannot_send(
    make_event, django_capture_on_commit_callbacks
):
    from events.services import registration_email_send

    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        event = make_event(start=now + timedelta(days=3))
        reg = event_register(
            event_id=event.uuid, email="dup@example.com", consent=CONSENT, answers={"name": "D"}
        ).registration
    mail.outbox.clear()
    with (
        time_machine.travel(event.starts_at - timedelta(hours=20), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        results = [
            registration_email_send(registration_id=reg.pk, kind="reminder_24h") for _ in range(3)
        ]
    assert results == [True, False, False]
    assert len(mail.outbox) == 1


def test_failed_send_releases_the_claim_for_a_retry(make_event, monkeypatch):
    from events import emails
    from events.services import registration_email_send

    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        event = make_event(start=now + timedelta(days=3))
        reg = event_register(
            event_id=event.uuid, email="retry@example.com", consent=CONSENT, answers={"name": "R"}
        ).registration

    def broken(kind, registration):
        raise ConnectionError("could not build or queue the email")

    with time_machine.travel(event.starts_at - timedelta(hours=20), tick=False):
        original = emails.build
        monkeypatch.setattr(emails, "build", broken)
        with pytest.raises(ConnectionError):
            registration_email_send(registration_id=reg.pk, kind="reminder_24h")
        reg.refresh_from_db()
        assert reg.reminder_24h_sent_at is None
        monkeypatch.setattr(emails, "build", original)
        assert registration_email_send(registration_id=reg.pk, kind="reminder_24h") is True
