"""Acceptance 2: the confirmation's .ics parses with icalendar, in the event's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events.services import event_register
from tests.events.conftest import CONSENT, event_mail

pytestmark = pytest.mark.django_db


def _confirmation_ics(email: str) -> Calendar:
    sent = [m for m in event_mail(email) if m.subject.startswith("You're registered")]
    assert len(sent) == 1
    attachments = [a for a in sent[0].attachments if a[0].endswith(".ics")]
    assert len(attachments) == 1
    filename, content, mimetype = attachments[0]
    assert mimetype == "text/calendar"
    return Calendar.from_ical(content)


@pytest.mark.parametrize(
    ("tz", "local", "utc"),
    [
        ("Africa/Nairobi", datetime(2031, 5, 20, 14, 0), datetime(2031, 5, 20, 11, 0, tzinfo=UTC)),
        # New York in May is on daylight time (UTC-4).
        (
            "America/New_York",
            datetime(2031, 5, 20, 9, 30),
            datetime(2031, 5, 20, 13, 30, tzinfo=UTC),
        ),
    ],
)
def test_ics_has_the_right_start_in_utc_and_the_event_timezone(
    make_event, django_capture_on_commit_callbacks, tz, local, utc
):
    event = make_event(start=local.replace(tzinfo=ZoneInfo(tz)), timezone=tz, duration_minutes=90)
    with django_capture_on_commit_callbacks(execute=True):
        event_register(
            event_id=event.uuid, email="ics@example.com", consent=CONSENT, answers={"name": "Ics"}
        )

    cal = _confirmation_ics("ics@example.com")
    vevent = cal.walk("VEVENT")[0]
    start = vevent.decoded("dtstart")
    end = vevent.decoded("dtend")
    assert start.tzinfo is not None
    assert vevent["dtstart"].params["TZID"] == tz
    assert start.replace(tzinfo=None) == local
    assert start.astimezone(UTC) == utc == event.starts_at
    assert (end - start).total_seconds() == 90 * 60
    assert [tzc["TZID"] for tzc in cal.walk("VTIMEZONE")] == [tz]
    assert vevent.decoded("dtstamp").utcoffset().total_seconds() == 0
    assert str(vevent["uid"]) == f"event-{event.uuid}@ementech"
    assert str(vevent["summary"]) == event.title
    assert str(vevent["url"]) == "https://zoom.us/j/123456789"
    assert "https://zoom.us/j/123456789" in str(vevent["location"])
    assert "https://zoom.us/j/123456789" in str(vevent["description"])


def test_in_person_ics_carries_the_venue_not_a_join_link(
    make_event, django_capture_on_commit_callbacks
):
    event = make_event(
        format="in-person", join_url="", platform="", location="iHub, Senteu Plaza, Nairobi"
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_register(
            event_id=event.uuid, email="venue@example.com", consent=CONSENT, answers={"name": "V"}
        )
    vevent = _confirmation_ics("venue@example.com").walk("VEVENT")[0]
    assert str(vevent["location"]) == "iHub, Senteu Plaza, Nairobi"
    assert "url" not in vevent
