"""The public pages: index, event page with the form (no inline script), the form without
JavaScript, and the demo loader."""

from __future__ import annotations

import re

import pytest

from events.models import EventIndexPage, EventPage, EventRegistration
from leads.models import Visitor
from leads.services import lead_capture
from tests.events.conftest import CONSENT
from tests.factories import visitor_cookie

pytestmark = pytest.mark.django_db


def test_index_lists_upcoming_and_past(client, make_event):
    make_event(title="Coming soon")
    make_event(title="Long ago", days=-30, recording_url="https://example.com/rec")
    make_event(title="Called off", cancelled=True)
    response = client.get("/events/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coming soon" in html and "Long ago" in html and "Watch the recording" in html
    assert "Called off" not in html


def test_event_page_renders_form_without_inline_script(client, make_event):
    event = make_event(
        registration_fields=["name", "company", "experience_level"],
        agenda=[("item", {"time": "14:00", "title": "Welcome", "description": ""})],
        speakers=[("speaker", {"name": "Amani Kiprono", "title": "CTO", "company": "EmenTech"})],
    )
    response = client.get(event.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reserve your seat" in html
    for name in ("email", "name", "company", "experience_level", "consent_data_processing"):
        assert f'name="{name}"' in html
    assert "Amani Kiprono" in html and "Welcome" in html
    assert "zoom.us" not in html  # the join link goes to registrants only
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " onclick=" not in html and " onsubmit=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "/static/js/events.js" in html


def test_known_visitor_sees_only_missing_fields(client, make_event):
    event = make_event(registration_fields=["name", "company", "role"])
    lead = lead_capture(
        email="k@example.com", consent=CONSENT, source="x", profile={"name": "K", "company": "Co"}
    ).lead
    client.cookies["em_vid"] = visitor_cookie(Visitor.objects.create(lead=lead))
    html = client.get(event.url).content.decode()
    assert 'name="role"' in html
    assert 'name="company"' not in html and 'name="name"' not in html


def test_form_post_without_javascript_registers_and_redirects(client, make_event):
    event = make_event(registration_fields=["name", "company"])
    response = client.post(
        event.url,
        {
            "email": "nojs@example.com",
            "name": "No Script",
            "company": "Plain HTML Ltd",
            "consent_data_processing": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?registration=registered#register")
    reg = EventRegistration.objects.get()
    assert reg.lead.company == "Plain HTML Ltd" and reg.source == "event_page"
    follow = client.get(response["Location"])
    assert "You&#x27;re registered" in follow.content.decode()


def test_form_post_errors_rerender_the_page(client, make_event):
    event = make_event(registration_fields=["name"], capacity=1)
    missing = client.post(event.url, {"email": "x@example.com", "name": "X"})
    assert missing.status_code == 400
    assert "We need your consent to register you." in missing.content.decode()
    ok = {"email": "a@example.com", "name": "A", "consent_data_processing": "on"}
    assert client.post(event.url, ok).status_code == 302
    full = client.post(event.url, {**ok, "email": "b@example.com"})
    assert full.status_code == 409
    assert "This event is full" in full.content.decode()
    waitlisted = client.post(event.url, {**ok, "email": "b@example.com", "join_waitlist": "on"})
    assert waitlisted.status_code == 302
    assert waitlisted["Location"].endswith("?registration=waitlisted#register")


def test_demo_loader_is_idempotent(db):
    from content import demo as content_demo
    from events import demo as events_demo

    content_demo.load(lambda m: None)
    events_demo.load(lambda m: None)
    events_demo.load(lambda m: None)
    assert EventIndexPage.objects.count() == 1
    assert EventPage.objects.live().count() == len(events_demo.EVENTS)
    roundtable = EventPage.objects.get(slug="cto-roundtable-scaling-ai-systems")
    assert roundtable.qualification_required and roundtable.format == "hybrid"
    assert roundtable.timezone == "Africa/Nairobi" and roundtable.cover_image is not None
    assert EventPage.objects.get(slug="ai-chatbots-that-resolve-real-tickets").status == "completed"


def test_marketers_edit_events_in_wagtail(client, make_event, marketer):
    event = make_event(registration_fields=["name", "experience_level"])
    client.force_login(marketer)
    parent = event.get_parent()
    add = client.get(f"/cms/pages/add/events/eventpage/{parent.pk}/")
    assert add.status_code == 200
    edit = client.get(f"/cms/pages/{event.pk}/edit/")
    assert edit.status_code == 200
    html = edit.content.decode()
    assert 'value="experience_level"' in html and "checked" in html
    assert 'name="timezone"' in html and "Africa/Nairobi" in html


def test_full_event_without_waitlist_shows_no_form(client, make_event):
    event = make_event(capacity=1, waitlist_enabled=False)
    ok = {"email": "a@example.com", "name": "A", "consent_data_processing": "on"}
    assert client.post(event.url, ok).status_code == 302
    html = client.get(event.url).content.decode()
    assert "This event is full" in html and 'id="id_email"' not in html
    refused = client.post(event.url, {**ok, "email": "b@example.com", "join_waitlist": "on"})
    assert refused.status_code == 409
    assert EventRegistration.objects.count() == 1
