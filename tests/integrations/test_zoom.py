"""Issue 19, acceptance 3: publishing a virtual event creates its Zoom webinar (server to
server OAuth) and registrants are pushed; after the event the participant, Q&A and poll
reports become attendance (``event_attended`` interactions) on the right leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from analytics.models import Interaction
from events.models import EventRegistration
from events.services import event_register
from integrations import tasks
from integrations.models import ZoomMeeting, ZoomRegistrant
from leads.services import ConsentInput
from tests.events.conftest import events_index, make_event

__all__ = ["events_index", "make_event"]  # fixtures

pytestmark = pytest.mark.django_db

CONSENT = ConsentInput(data_processing=True, wording="I agree.")


def register(event, email, name):
    return event_register(
        event_id=event.uuid, email=email, consent=CONSENT, answers={"name": name}
    ).registration


def published(make_event, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return make_event(join_url="", **kwargs)


def test_publishing_creates_the_webinar_and_pushes_registrants(
    zoom, make_event, django_capture_on_commit_callbacks
):
    zoom.rate_limited = 1  # Zoom's per-second limit once: retried
    event = published(make_event, django_capture_on_commit_callbacks, title="AI in Logistics")
    meeting = ZoomMeeting.objects.get(event=event)
    created = zoom.meetings[meeting.zoom_id]
    assert created["kind"] == "webinars" and created["type"] == 5
    assert created["topic"] == "AI in Logistics"
    assert created["duration"] == 90
    event.refresh_from_db()
    assert event.join_url == created["join_url"]  # reminders now carry the Zoom link

    with django_capture_on_commit_callbacks(execute=True):
        reg = register(event, "ada@example.com", "Ada Lovelace")
    (registrant,) = zoom.registrants[meeting.zoom_id]
    assert registrant["email"] == "ada@example.com"
    assert (registrant["first_name"], registrant["last_name"]) == ("Ada", "Lovelace")
    assert ZoomRegistrant.objects.get(registration=reg).join_url.startswith("https://zoom.us/w/")
    # Publishing again (an edit) neither creates a second webinar nor re-registers anyone.
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    assert len(zoom.meetings) == 1 and len(zoom.registrants[meeting.zoom_id]) == 1


def test_in_person_events_get_no_meeting(zoom, make_event, django_capture_on_commit_callbacks):
    published(
        make_event, django_capture_on_commit_callbacks, format="in-person", location="Nairobi"
    )
    assert zoom.meetings == {} and not ZoomMeeting.objects.exists()


def test_reports_after_the_event_become_attendance(
    zoom, make_event, django_capture_on_commit_callbacks
):
    event = published(make_event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ada = register(event, "ada@example.com", "Ada Lovelace")
        bob = register(event, "bob@example.com", "Bob Absent")
    mid = ZoomMeeting.objects.get(event=event).zoom_id
    start = event.starts_at.isoformat().replace("+00:00", "Z")
    # Ada joined twice (a reconnect); someone unregistered joined too; Bob never came.
    zoom.participants[mid] = [
        {
            "id": "p1",
            "name": "Ada",
            "user_email": "ADA@example.com",
            "join_time": start,
            "leave_time": start,
            "duration": 1800,
        },
        {
            "id": "p2",
            "name": "Guest",
            "user_email": "guest@example.com",
            "join_time": start,
            "leave_time": start,
            "duration": 600,
        },
        {
            "id": "p1",
            "name": "Ada",
            "user_email": "ada@example.com",
            "join_time": start,
            "leave_time": start,
            "duration": 1200,
        },
    ]
    zoom.qa[mid] = [
        {
            "name": "Ada",
            "email": "ada@example.com",
            "question_details": [
                {"question": "Does it work offline?", "answer": "Yes"},
                {"question": "Pricing?", "answer": "Later"},
            ],
        }
    ]
    zoom.polls[mid] = [
        {
            "name": "Ada",
            "email": "ada@example.com",
            "question_details": [{"question": "Team size?", "answer": "10-50", "date_time": start}],
        }
    ]

    assert tasks.zoom_pull_reports.apply().get() == 0  # not over yet: nothing pulled
    with time_machine.travel(event.ends_at + timedelta(hours=1)):
        assert tasks.zoom_pull_reports.apply().get() == 1
        assert tasks.zoom_pull_reports.apply().get() == 0  # once per event

    ada.refresh_from_db()
    bob.refresh_from_db()
    assert ada.attended and ada.attendance_source == "zoom_api"
    assert ada.attendance_minutes == 50
    assert (ada.questions_asked, ada.poll_responses) == (2, 1)
    assert not bob.attended
    attended = Interaction.objects.filter(type="event_attended")
    assert [i.lead_id for i in attended] == [ada.lead_id]
    assert attended[0].properties["source"] == "zoom_api"
    assert EventRegistration.objects.filter(event=event, attended=True).count() == 1
    assert ZoomMeeting.objects.get(event=event).report_pulled_at is not None
