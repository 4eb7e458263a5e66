"""Acceptance 6: Zoom's attendee report marks attendance and creates interactions; a
malformed file reports which rows failed and imports nothing half-way."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analytics.models import Interaction
from events.attendance import AttendanceImportError, parse_zoom_report
from events.models import AttendanceImport, EventRegistration
from events.services import (
    attendance_import_zoom,
    attendance_interaction_type,
    attendance_mark,
)
from tests.events.conftest import CONSENT

pytestmark = pytest.mark.django_db

ATTENDEE_HEADER = (
    "Attended,User Name (Original Name),First Name,Last Name,Email,Phone,Registration Time,"
    "Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,"
    "Country/Region Name,Source Name"
)


def zoom_report(*attendee_rows: str) -> bytes:
    """The layout of Zoom's webinar attendee report: preamble, host/panelist sections,
    then "Attendee Details" with one row per session (rejoins repeat the person)."""
    lines = [
        "Attendee Report",
        'Report Generated:,"Nov 20, 2031 04:02 PM"',
        "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,"
        "Unique Viewers,Total Users,Max Concurrent Views",
        'Live AI Implementation Workshop,812 3456 7890,"Nov 20, 2031 02:00 PM",92,3,0,2,3,2',
        "Host Details",
        "Attended,User Name (Original Name),Email,Join Time,Leave Time,"
        "Time in Session (minutes),Is Guest,Country/Region Name",
        'Yes,Amani Kiprono,amani@ementech.test,"Nov 20, 2031 13:50:02","Nov 20, 2031 15:35:10",'
        "105,No,Kenya",
        "Panelist Details",
        "Attended,User Name (Original Name),Email,Join Time,Leave Time,"
        "Time in Session (minutes),Is Guest,Country/Region Name",
        "Attendee Details",
        ATTENDEE_HEADER,
        *attendee_rows,
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


ROWS = [
    'Yes,Ada Lovelace (Ada),Ada,Lovelace,ADA@example.com,,"Nov 10, 2031 09:12:44",approved,'
    '"Nov 20, 2031 14:01:10","Nov 20, 2031 14:40:00",39,No,Kenya,',
    'Yes,Ada Lovelace (Ada),Ada,Lovelace,ada@example.com,,"Nov 10, 2031 09:12:44",approved,'
    '"Nov 20, 2031 14:45:00","Nov 20, 2031 15:30:00",45,No,Kenya,',
    'No,Bob Noshow,Bob,Noshow,bob@example.com,,"Nov 11, 2031 10:00:00",approved,--,--,--,--,,',
    'Yes,Guest Person,Guest,Person,guest@elsewhere.example,,"Nov 12, 2031 10:00:00",approved,'
    '"Nov 20, 2031 14:05:00","Nov 20, 2031 14:20:00",15,Yes,Uganda,',
]


@pytest.fixture
def webinar(make_event):
    event = make_event(days=-2)  # it took place two days ago
    for email in ("ada@example.com", "bob@example.com"):
        event.registrations.create(lead=_lead(email), status=EventRegistration.Status.REGISTERED)
    return event


def _lead(email):
    from leads.services import lead_capture

    return lead_capture(email=email, consent=CONSENT, source="test").lead


def test_import_marks_attendance_and_creates_interactions(webinar, sales_user):
    result = attendance_import_zoom(
        event=webinar, content=zoom_report(*ROWS), filename="attendee_report.csv", actor=sales_user
    )

    ada = EventRegistration.objects.get(lead__email_normalized="ada@example.com")
    bob = EventRegistration.objects.get(lead__email_normalized="bob@example.com")
    assert ada.attended is True and ada.attendance_minutes == 84
    assert ada.attendance_source == "zoom_csv"
    assert ada.attended_at.astimezone(webinar.tzinfo).isoformat() == "2031-11-20T14:01:10+03:00"
    assert bob.attended is False
    assert result.marked == 1 and result.newly_attended == 1
    assert result.unmatched_rows == [15]  # the guest nobody registered (line 15 of the file)
    assert result.log.rows == 4 and result.log.uploaded_by == sales_user

    interactions = Interaction.objects.filter(lead=ada.lead, properties__action="attended")
    assert interactions.count() == 1
    interaction = interactions.get()
    assert interaction.type == attendance_interaction_type()
    assert interaction.properties["event_id"] == str(webinar.uuid)
    assert interaction.properties["minutes"] == 84
    assert not Interaction.objects.filter(lead=bob.lead, properties__action="attended").exists()

    # Importing the same report again changes nothing and records no second interaction.
    again = attendance_import_zoom(event=webinar, content=zoom_report(*ROWS))
    assert again.newly_attended == 0
    assert Interaction.objects.filter(properties__action="attended").count() == 1


def test_malformed_rows_are_reported_and_nothing_is_imported(webinar):
    bad_rows = [
        ROWS[0],
        'Yes,No Email,No,Email,not-an-email,,,approved,"Nov 20, 2031 14:01:10",'
        '"Nov 20, 2031 14:40:00",39,No,Kenya,',
        'Maybe,Bob Noshow,Bob,Noshow,bob@example.com,,,approved,"yesterday-ish",--,abc,No,,',
    ]
    with pytest.raises(AttendanceImportError) as excinfo:
        attendance_import_zoom(event=webinar, content=zoom_report(*bad_rows))

    errors = excinfo.value.errors
    assert sorted(errors) == [13, 14]
    assert "not a valid email" in errors[13][0]
    joined = " ".join(errors[14])
    assert "Attended must be Yes or No" in joined
    assert "Join Time" in joined and "minutes" in joined
    assert not EventRegistration.objects.filter(attended=True).exists()
    assert not Interaction.objects.filter(properties__action="attended").exists()
    assert not AttendanceImport.objects.exists()


def test_unrecognised_file_is_refused_as_a_whole(webinar):
    with pytest.raises(AttendanceImportError) as excinfo:
        attendance_import_zoom(event=webinar, content=b"foo,bar\n1,2\n")
    assert list(excinfo.value.errors) == [0]
    with pytest.raises(AttendanceImportError):
        attendance_import_zoom(event=webinar, content=b"\xff\xfe\x00garbage\x00\xd8")


def test_meeting_participants_export_is_understood(webinar):
    content = (
        b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
        b"Recording Consent,In Waiting Room\n"
        b"Bob Noshow,bob@example.com,11/20/2031 02:03:00 PM,11/20/2031 03:20:00 PM,77,No,,No\n"
    )
    report = parse_zoom_report(content, tz=webinar.tzinfo)
    assert report.layout == "participants"
    result = attendance_import_zoom(event=webinar, content=content)
    assert result.marked == 1
    bob = EventRegistration.objects.get(lead__email_normalized="bob@example.com")
    assert bob.attended and bob.attendance_minutes == 77


def test_admin_action_and_upload_for_sales(client, webinar, sales_user, marketer):
    ada = EventRegistration.objects.get(lead__email_normalized="ada@example.com")
    assert attendance_mark(registration_ids=[ada.pk], actor=sales_user) == 1
    assert attendance_mark(registration_ids=[ada.pk], actor=sales_user) == 0
    assert Interaction.objects.filter(lead=ada.lead, properties__action="attended").count() == 1

    client.force_login(sales_user)
    changelist = client.get("/admin/events/eventregistration/")
    assert changelist.status_code == 200
    assert b"ada@example.com" in changelist.content
    bad = SimpleUploadedFile("report.csv", zoom_report(ROWS[0], "Yes,x,x,x,nope,,,,,,,,,"))
    response = client.post(
        "/admin/events/eventregistration/import-attendance/",
        {"event": webinar.pk, "report": bad},
    )
    assert response.status_code == 200
    assert b"Nothing was imported" in response.content
    assert b"Line 13" in response.content
    good = SimpleUploadedFile("report.csv", zoom_report(*ROWS))
    response = client.post(
        "/admin/events/eventregistration/import-attendance/",
        {"event": webinar.pk, "report": good},
    )
    assert response.status_code == 302
    assert EventRegistration.objects.filter(attended=True).count() == 1

    client.force_login(marketer)  # marketers run events but see no lead data
    assert client.get("/admin/events/eventregistration/").status_code == 403
