"""Nurture sequences with frozen time: day 1, 3 and 7 exactly once; a lead qualified on
day 2 skips the day-3 'only if not qualified' email; conversion and unsubscribe end the
sequence (issue 9, acceptance 2)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from analytics.services import interaction_record
from leads.models import Lead
from mail.facade import EMAIL_HEADER
from mail.models import OutboundEmail
from nurture import services
from nurture.models import Enrolment, StepSend, Subscriber

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
WELCOME = ["welcome_resources", "industry_case_study", "webinar_invite"]


@pytest.fixture(autouse=True)
def _beat_commits(monkeypatch, django_capture_on_commit_callbacks):
    """A beat run commits, then the mail worker delivers what it queued."""
    run_due = services.sequence_run_due

    def committed_run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return run_due(**kwargs)

    monkeypatch.setattr(services, "sequence_run_due", committed_run)


def _run_days(traveller, days: int, *, every_hours: int = 12, on_hour=None) -> None:
    """Drive the beat task every few hours (twice each time: a second run must be a no-op)."""
    for hour in range(0, days * 24 + 1, every_hours):
        traveller.move_to(T0 + dt.timedelta(hours=hour))
        if on_hour:
            on_hour(hour)
        services.sequence_run_due()
        services.sequence_run_due()


def _sent(lead) -> list[tuple[str, dt.datetime]]:
    return [
        (e.template, e.sent_at)
        for e in OutboundEmail.objects.filter(lead=lead, category="nurture:welcome").order_by(
            "created_at", "id"
        )
    ]


def test_new_lead_gets_day_1_3_7_exactly_once(nurture_demo, make_lead):
    with time_machine.travel(T0, tick=False) as traveller:
        lead = make_lead("new@example.com", industry="fintech")
        # Enrolment comes from the trigger scan (a newly identified lead).
        Lead.objects.filter(pk=lead.pk).update(stage="identified")
        assert services.sequence_triggers_scan() == 1
        assert services.sequence_triggers_scan() == 0
        _run_days(traveller, 10)
    sent = _sent(lead)
    assert [t for t, _ in sent] == WELCOME
    assert [at - T0 for _, at in sent] == [
        dt.timedelta(days=1),
        dt.timedelta(days=3),
        dt.timedelta(days=7),
    ]
    assert all(e.status == "sent" for e in OutboundEmail.objects.filter(lead=lead))
    assert StepSend.objects.filter(enrolment__lead=lead).count() == 3
    assert Enrolment.objects.get(lead=lead).status == Enrolment.Status.COMPLETED
    welcome_mails = [m for m in mail.outbox if m.to == ["new@example.com"]]
    assert len(welcome_mails) == 3
    assert "List-Unsubscribe" in welcome_mails[0].extra_headers


def test_lead_qualified_on_day_2_gets_no_day_3_email(nurture_demo, make_lead):
    with time_machine.travel(T0, tick=False) as traveller:
        lead = make_lead("busy@example.com")
        services.sequence_enrol(lead=lead, trigger="identify")

        def qualify_on_day_2(hour: int) -> None:
            if hour == 48:
                Lead.objects.filter(pk=lead.pk).update(stage=Lead.Stage.QUALIFIED)

        _run_days(traveller, 8, on_hour=qualify_on_day_2)
    assert [t for t, _ in _sent(lead)] == ["welcome_resources", "webinar_invite"]
    skipped = StepSend.objects.get(enrolment__lead=lead, status=StepSend.Status.SKIPPED)
    assert skipped.step.template == "industry_case_study"
    assert skipped.reason == "already qualified"


def test_conversion_and_unsubscribe_end_the_sequence(nurture_demo, make_lead, client):
    with time_machine.travel(T0, tick=False) as traveller:
        buyer = make_lead("buyer@example.com")
        leaver = make_lead("leaver@example.com")
        services.sequence_enrol(lead=buyer, trigger="identify")
        services.sequence_enrol(lead=leaver, trigger="identify")
        traveller.move_to(T0 + dt.timedelta(days=1, hours=1))
        services.sequence_run_due()
        assert len(_sent(buyer)) == len(_sent(leaver)) == 1
        Lead.objects.filter(pk=buyer.pk).update(stage=Lead.Stage.OPPORTUNITY)
        email = OutboundEmail.objects.get(lead=leaver)
        # The stored copy keeps no usable token: the link is read from what was delivered.
        assert "[link removed]" in email.headers["List-Unsubscribe"]
        delivered = next(
            m for m in mail.outbox if m.extra_headers.get(EMAIL_HEADER) == str(email.token)
        )
        unsubscribe = delivered.extra_headers["List-Unsubscribe"].strip("<>")
        assert client.post(unsubscribe.replace("http://127.0.0.1:8000", "")).status_code == 200
        _run_days(traveller, 9)
    assert len(_sent(buyer)) == 1
    assert len(_sent(leaver)) == 1
    assert Enrolment.objects.get(lead=buyer).exit_reason == "converted"
    assert Enrolment.objects.get(lead=leaver).exit_reason == "unsubscribed"
    assert Subscriber.objects.get(email_normalized="leaver@example.com").unsubscribed_at


def test_no_marketing_consent_no_enrolment(nurture_demo, make_lead):
    lead = make_lead("quiet@example.com", marketing=False)
    assert services.sequence_enrol(lead=lead, trigger="identify") == []


def test_resource_download_enrols_in_guide_sequence_with_immediate_email(nurture_demo, make_lead):
    with time_machine.travel(T0, tick=False):
        lead = make_lead("reader@example.com", role="CTO")
        interaction_record(
            type="resource_download",
            properties={"resource_id": "ai-implementation-guide", "path": "/resources/guide/"},
            lead=lead,
        )
        assert services.sequence_triggers_scan() == 1
        services.sequence_run_due()
    first = OutboundEmail.objects.get(lead=lead, category="nurture:guide-download")
    assert first.template == "guide_delivery"
    assert first.subject == "Your guide, and three more resources"
