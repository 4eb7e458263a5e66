"""The events API: listing, staff creation, and every status code of registration."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics.models import Interaction
from events.models import EventPage, EventRegistration
from leads.models import ConsentRecord, Lead, Visitor
from tests.events.conftest import CONSENT, event_mail, register_payload
from tests.factories import visitor_cookie

pytestmark = pytest.mark.django_db


def register(client, event, email, **extra):
    return client.post(
        f"/api/events/{event.uuid}/register", register_payload(email, **extra), format="json"
    )


def test_list_shows_upcoming_and_live_only_without_join_links(api_client, make_event):
    upcoming = make_event(title="Upcoming one")
    live = make_event(
        title="Live now",
        start=(timezone.now() - timedelta(minutes=10)).replace(microsecond=0),
        duration_minutes=120,
    )
    make_event(title="Past one", days=-10)
    make_event(title="Cancelled one", cancelled=True)
    draft = make_event(title="Draft one")
    draft.unpublish()

    response = api_client.get("/api/events")

    assert response.status_code == 200
    events = response.json()["events"]
    assert [e["title"] for e in events] == ["Live now", "Upcoming one"]
    by_title = {e["title"]: e for e in events}
    assert by_title["Live now"]["status"] == "live"
    assert by_title["Upcoming one"]["status"] == "upcoming"
    assert by_title["Upcoming one"]["id"] == str(upcoming.uuid)
    assert by_title["Upcoming one"]["seats_remaining"] == 20
    assert by_title["Upcoming one"]["timezone"] == "Africa/Nairobi"
    assert by_title["Upcoming one"]["starts_at_local"].endswith("+03:00")
    assert "join_url" not in by_title["Upcoming one"]
    assert "zoom.us" not in response.content.decode()
    assert live.status == "live"


def test_list_counts_seats_without_n_plus_one(
    api_client, make_event, django_assert_max_num_queries
):
    for _ in range(5):
        make_event()
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/events")
    assert len(response.json()["events"]) == 5


def test_staff_with_add_permission_create_events(api_client, marketer, sales_user, events_index):
    body = {
        "title": "Data Platforms 101",
        "type": "workshop",
        "summary": "Forecasting on the data you already have.",
        "scheduled_for": "2031-03-10T09:00:00",
        "timezone": "Africa/Lagos",
        "duration_minutes": 120,
        "format": "hybrid",
        "platform": "Zoom",
        "join_url": "https://zoom.us/j/555",
        "location": "Lagos office",
        "capacity": 30,
        "registration_fields": ["name", "company", "experience_level"],
        "speakers": [{"name": "Wanjiru Mwangi", "title": "Lead Data Scientist"}],
        "agenda": [{"time": "09:00", "title": "Welcome"}],
    }
    assert api_client.post("/api/events", body, format="json").status_code in (401, 403)
    api_client.force_login(sales_user)
    assert api_client.post("/api/events", body, format="json").status_code == 403
    api_client.force_login(marketer)

    response = api_client.post("/api/events", body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()["event"]
    page = EventPage.objects.get(uuid=data["id"])
    assert page.live and page.get_parent().pk == events_index.pk
    assert page.starts_at_local.isoformat() == "2031-03-10T09:00:00+01:00"
    assert parse_datetime(data["starts_at"]) == datetime(2031, 3, 10, 8, 0, tzinfo=UTC)
    assert data["speakers"][0]["name"] == "Wanjiru Mwangi"
    bad = api_client.post("/api/events", {**body, "timezone": "Mars/Olympus"}, format="json")
    assert bad.status_code == 400
    assert "timezone" in bad.json()["details"]
    no_venue = api_client.post("/api/events", {**body, "location": ""}, format="json")
    assert no_venue.status_code == 400
    assert "location" in no_venue.json()["details"]


def test_register_201_then_409_already_registered(api_client, event):
    response = register(api_client, event, "Ada@Example.com")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["registration"]["status"] == "registered"
    reg = EventRegistration.objects.get(pk=body["registration"]["id"])
    assert reg.lead.email_normalized == "ada@example.com"
    assert ConsentRecord.objects.filter(lead=reg.lead, purpose="data_processing").exists()

    again = register(api_client, event, "ada@example.com")
    assert again.status_code == 409
    assert again.json()["error"] == "You are already registered for this event."
    assert EventRegistration.objects.count() == 1


def test_register_counts_as_a_conversion_interaction(api_client, event):
    register(api_client, event, "conv@example.com")
    interaction = Interaction.objects.get(type="event_register")
    assert interaction.category == "conversion"
    assert interaction.properties["event_id"] == str(event.uuid)
    assert interaction.lead.email == "conv@example.com"


def test_full_event_409_unless_waitlist_requested_then_202(api_client, make_event):
    event = make_event(capacity=1)
    assert register(api_client, event, "first@example.com").status_code == 201

    refused = register(api_client, event, "second@example.com")
    assert refused.status_code == 409
    assert "full" in refused.json()["error"]
    assert "join_waitlist" in refused.json()["details"]
    assert not Lead.objects.filter(email_normalized="second@example.com").exists()

    waitlisted = register(api_client, event, "second@example.com", join_waitlist=True)
    assert waitlisted.status_code == 202
    assert waitlisted.json()["registration"]["status"] == "waitlisted"
    assert register(api_client, event, "second@example.com").status_code == 409


def test_unknown_cancelled_or_malformed_event_is_404(api_client, make_event):
    cancelled = make_event(cancelled=True)
    for target in (uuid.uuid4(), cancelled.uuid, "not-a-uuid"):
        response = api_client.post(
            f"/api/events/{target}/register", register_payload("x@example.com"), format="json"
        )
        assert response.status_code == 404
        assert response.json() == {"error": "Event not found.", "details": {}}


def test_past_event_refuses_registration(api_client, make_event):
    past = make_event(days=-3)
    response = register(api_client, past, "late@example.com")
    assert response.status_code == 409
    assert "already taken place" in response.json()["error"]


def test_consent_and_required_fields_are_enforced_with_nothing_stored(api_client, make_event):
    event = make_event(registration_fields=["name", "company", "experience_level"])
    no_consent = register(
        api_client,
        event,
        "nc@example.com",
        consent={"data_processing": False},
        company="Acme",
        experience_level="beginner",
    )
    assert no_consent.status_code == 400
    assert "consent" in no_consent.json()["details"]

    missing = api_client.post(
        f"/api/events/{event.uuid}/register",
        {"email": "m@example.com", "consent": {"data_processing": True}},
        format="json",
    )
    assert missing.status_code == 400
    details = missing.json()["details"]
    assert set(details) == {"name", "company", "experience_level"}
    bad_choice = register(api_client, event, "b@example.com", company="A", experience_level="guru")
    assert bad_choice.status_code == 400
    assert Lead.objects.count() == 0 and EventRegistration.objects.count() == 0


def test_known_visitor_is_asked_only_the_missing_fields(api_client, make_event):
    from leads.services import lead_capture

    event = make_event(registration_fields=["name", "company", "role", "experience_level"])
    lead = lead_capture(
        email="known@example.com",
        consent=CONSENT,
        source="newsletter",
        profile={"name": "Known Person", "company": "Acme"},
    ).lead
    visitor = Visitor.objects.create(lead=lead)
    api_client.cookies["em_vid"] = visitor_cookie(visitor)

    missing = api_client.post(
        f"/api/events/{event.uuid}/register",
        {"email": "known@example.com", "consent": {"data_processing": True}},
        format="json",
    )
    assert missing.status_code == 400
    assert set(missing.json()["details"]) == {"role", "experience_level"}

    api_client.cookies["em_vid"] = visitor_cookie(visitor)  # the browser keeps its cookie
    ok = api_client.post(
        f"/api/events/{event.uuid}/register",
        {
            "email": "known@example.com",
            "consent": {"data_processing": True},
            "role": "CTO",
            "experience_level": "advanced",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.content
    lead.refresh_from_db()
    assert lead.role == "CTO"
    reg = EventRegistration.objects.get()
    assert reg.data == {"experience_level": "advanced"}


def test_a_bare_email_does_not_reveal_what_we_know(api_client, make_event):
    """Without the visitor's own cookie, a known email is asked every required field."""
    from leads.services import lead_capture

    event = make_event(registration_fields=["name", "company"])
    lead_capture(
        email="someone@example.com",
        consent=CONSENT,
        source="x",
        profile={"name": "Some One", "company": "Acme"},
    )
    response = api_client.post(
        f"/api/events/{event.uuid}/register",
        {"email": "someone@example.com", "consent": {"data_processing": True}},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"name", "company"}


def test_register_is_rate_limited(api_client, make_event):
    event = make_event(capacity=100)
    with time_machine.travel(timezone.now(), tick=False):  # one rate-limit window
        codes = [register(api_client, event, f"r{i}@example.com").status_code for i in range(21)]
    assert codes[:20].count(201) == 20
    assert codes[20] == 429


def test_confirmation_email_goes_out_after_commit(
    api_client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(api_client, event, "mail@example.com")
    sent = event_mail()
    assert len(sent) == 1
    assert sent[0].subject == f"You're registered: {event.title}"
    assert "https://zoom.us/j/123456789" in sent[0].body
    assert "/event-registrations/cancel/" in sent[0].body
