"""Post-event follow-up: the recording for attendees, "sorry we missed you" for no-shows,
each once, released when attendance is recorded (or 48 h after the end)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from events.models import EventRegistration
from events.services import attendance_mark, event_register
from events.tasks import send_due_follow_ups
from tests.events.conftest import CONSENT, event_mail

pytestmark = pytest.mark.django_db


def test_follow_ups_after_attendance_is_recorded(make_event, django_capture_on_commit_callbacks):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        event = make_event(
            start=now + timedelta(days=1),
            recording_url="https://www.youtube.com/watch?v=recording",
        )
        regs = {
            email: event_register(
                event_id=event.uuid, email=email, consent=CONSENT, answers={"name": "N"}
            ).registration
            for email in ("came@example.com", "absent@example.com")
        }
    after = event.ends_at + timedelta(hours=2)
    with time_machine.travel(after, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_follow_ups.delay().get() == 0  # attendance not recorded yet
        attendance_mark(registration_ids=[regs["came@example.com"].pk])
        send_due_follow_ups.delay()
        send_due_follow_ups.delay()

    came = event_mail("came@example.com")
    absent = event_mail("absent@example.com")
    assert [m.subject for m in came] == [f"Thanks for joining {event.title} — your recording"]
    assert "https://www.youtube.com/watch?v=recording" in came[0].body
    assert [m.subject for m in absent] == [f"Sorry we missed you at {event.title}"]
    kinds = dict(EventRegistration.objects.values_list("lead__email", "follow_up_kind"))
    assert kinds == {"came@example.com": "recording", "absent@example.com": "missed"}


def test_follow_ups_go_out_48h_after_the_end_without_attendance(
    make_event, django_capture_on_commit_callbacks
):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        event = make_event(start=now + timedelta(hours=5))
        event_register(
            event_id=event.uuid, email="someone@example.com", consent=CONSENT, answers={"name": "S"}
        )
    with time_machine.travel(event.ends_at + timedelta(hours=47), tick=False):
        assert send_due_follow_ups.delay().get() == 0
    with (
        time_machine.travel(event.ends_at + timedelta(hours=49), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_due_follow_ups.delay().get() == 1
        assert send_due_follow_ups.delay().get() == 0
    assert [m.subject for m in event_mail("someone@example.com")] == [
        f"Sorry we missed you at {event.title}"
    ]
