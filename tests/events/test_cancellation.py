"""Acceptance 4: cancelling through the signed link frees the seat, promotes the waitlist
head and emails them (with the calendar invite)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from icalendar import Calendar

from events.models import EventRegistration
from events.services import event_fill_from_waitlist, event_register, registration_cancel
from tests.events.conftest import CONSENT, event_mail

pytestmark = pytest.mark.django_db


def _register(event, email, waitlist=False):
    return event_register(
        event_id=event.uuid,
        email=email,
        consent=CONSENT,
        answers={"name": email.split("@")[0]},
        join_waitlist=waitlist,
    ).registration


def _cancel_link(email: str) -> str:
    message = event_mail(email)[0]
    match = re.search(r"https?://[^/\s]+(/event-registrations/cancel/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_signed_link_cancels_promotes_head_and_emails_them(
    client, make_event, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        holder = _register(event, "holder@example.com")
        head = _register(event, "head@example.com", waitlist=True)
        second = _register(event, "second@example.com", waitlist=True)
    assert (holder.status, head.status, second.status) == ("registered", "waitlisted", "waitlisted")
    waitlist_mail = event_mail("head@example.com")
    assert [m.subject for m in waitlist_mail] == [f"You're on the waitlist: {event.title}"]

    link = _cancel_link("holder@example.com")
    page = client.get(link)
    assert page.status_code == 200
    assert b"Cancel your registration?" in page.content
    holder.refresh_from_db()
    assert holder.status == "registered"  # GET (e.g. a link scanner) changes nothing

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    assert done.status_code == 200
    assert b"Your registration is cancelled" in done.content

    holder.refresh_from_db()
    head.refresh_from_db()
    second.refresh_from_db()
    assert holder.status == "cancelled" and holder.cancelled_at is not None
    assert head.status == "registered" and head.promoted_at is not None
    assert second.status == "waitlisted"
    assert EventRegistration.objects.filter(event=event, status="registered").count() == 1

    promoted = event_mail("head@example.com")
    assert len(promoted) == 1
    assert promoted[0].subject == f"A seat opened up — you're in: {event.title}"
    ics = [a for a in promoted[0].attachments if a[0].endswith(".ics")]
    assert Calendar.from_ical(ics[0][1]).walk("VEVENT")[0].decoded("dtstart") == event.starts_at
    cancelled = event_mail("holder@example.com")
    assert [m.subject for m in cancelled] == [f"Registration cancelled: {event.title}"]
    assert "METHOD:CANCEL" in str(cancelled[0].attachments[0][1])
    assert not event_mail("second@example.com")

    again = client.post(link)
    assert b"Already cancelled" in again.content
    assert EventRegistration.objects.filter(event=event, status="registered").count() == 1


def test_tampered_or_unknown_token_is_404(client, make_event):
    event = make_event()
    reg = _register(event, "t@example.com")
    from events.services import registration_cancel_token

    token = registration_cancel_token(reg)
    assert client.get(f"/event-registrations/cancel/{token}x/").status_code == 404
    assert client.post(f"/event-registrations/cancel/{token[:-2]}/").status_code == 404
    reg.refresh_from_db()
    assert reg.status == "registered"


def test_cancelling_a_waitlisted_registration_promotes_nobody(make_event):
    event = make_event(capacity=1)
    _register(event, "a@example.com")
    waiting = _register(event, "b@example.com", waitlist=True)
    later = _register(event, "c@example.com", waitlist=True)
    result = registration_cancel(registration_id=waiting.pk)
    assert result.promoted == []
    later.refresh_from_db()
    assert later.status == "waitlisted"


def test_re_registering_after_cancelling_takes_a_free_seat_again(make_event):
    event = make_event(capacity=1)
    first = _register(event, "again@example.com")
    registration_cancel(registration_id=first.pk)
    second = _register(event, "again@example.com")
    assert second.pk == first.pk and second.status == "registered"
    assert second.cancelled_at is None and second.confirmation_sent_at is None


def test_raising_capacity_fills_seats_from_the_waitlist_in_order(
    make_event, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    _register(event, "x@example.com")
    w1 = _register(event, "w1@example.com", waitlist=True)
    w2 = _register(event, "w2@example.com", waitlist=True)
    w3 = _register(event, "w3@example.com", waitlist=True)
    event.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()  # publishing queues the fill after commit
    assert event_fill_from_waitlist(event_id=event.pk) == 0  # nothing left to fill
    statuses = {r.lead.email: r.status for r in EventRegistration.objects.select_related("lead")}
    assert statuses["w1@example.com"] == "registered"
    assert statuses["w2@example.com"] == "registered"
    assert statuses["w3@example.com"] == "waitlisted"
    promoted = EventRegistration.objects.filter(promoted_at__isnull=False)
    assert sorted(promoted.values_list("pk", flat=True)) == sorted([w1.pk, w2.pk])
    assert w3.pk


def test_organiser_cancelling_the_event_tells_registrants_once(
    make_event, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    _register(event, "seat@example.com")
    _register(event, "queue@example.com", waitlist=True)
    event.cancelled = True
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()  # published again: nobody is told twice

    for email in ("seat@example.com", "queue@example.com"):
        sent = [m for m in event_mail(email) if m.subject == f"Cancelled: {event.title}"]
        assert len(sent) == 1
        assert "METHOD:CANCEL" in str(sent[0].attachments[0][1])
    from events.services import registration_email_send

    reg = EventRegistration.objects.get(lead__email="seat@example.com")
    assert registration_email_send(registration_id=reg.pk, kind="reminder_1h") is False
