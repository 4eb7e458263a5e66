"""Fixtures for the events tests: a page tree with an events index, events, registrants."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import Page, Site

from content.models import HomePage
from events.models import EventIndexPage, EventPage
from leads.services import ConsentInput, lead_capture, lead_change_stage

CONSENT = ConsentInput(data_processing=True, wording="I agree to the processing of my data.")
_slugs = itertools.count(1)


@pytest.fixture
def events_index(db) -> EventIndexPage:
    root = Page.get_first_root_node()
    if root is None:
        # A transactional test elsewhere flushed the tables (including the rows Wagtail's
        # migrations create): rebuild the minimal tree.
        from django.utils.translation import get_supported_language_variant
        from wagtail.models import Locale

        Locale.objects.get_or_create(
            language_code=get_supported_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="EmenTech", slug="home-test", hero_title="AI")
        root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="testserver", root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.hostname = "testserver"
        site.save()
    index = EventIndexPage(title="Events", slug="events")
    home.add_child(instance=index)
    return index


def local_start(days: float = 7, *, tz: str = "Africa/Nairobi", hour: int = 14) -> datetime:
    base = timezone.now().astimezone(ZoneInfo(tz)) + timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def make_event(events_index):
    def make(**kwargs) -> EventPage:
        start = kwargs.pop("start", None) or local_start(kwargs.pop("days", 7))
        tz = kwargs.pop("timezone", "Africa/Nairobi")
        start = start.astimezone(ZoneInfo(tz))
        defaults = {
            "title": f"Test event {next(_slugs)}",
            "event_type": "webinar",
            "summary": "Build an AI feature live.",
            "description": "<p>Hands-on.</p>",
            "format": "virtual",
            "platform": "Zoom",
            "join_url": "https://zoom.us/j/123456789",
            "capacity": 20,
            "duration_minutes": 90,
            "registration_fields": ["name"],
        }
        defaults.update(kwargs)
        page = EventPage(
            start_date=start.date(),
            start_time=start.time().replace(tzinfo=None),
            timezone=tz,
            **defaults,
        )
        events_index.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def event(make_event) -> EventPage:
    return make_event()


@pytest.fixture
def qualified_lead(db):
    lead = lead_capture(
        email="cto@bigbank.example",
        consent=CONSENT,
        source="test",
        profile={"name": "Grace CTO", "company": "Big Bank", "role": "CTO"},
    ).lead
    return lead_change_stage(lead=lead, stage="qualified", actor=None)


def register_payload(email: str, **extra) -> dict:
    body = {"email": email, "name": "Test Person", "consent": {"data_processing": True}}
    body.update(extra)
    return body


def event_mail(to: str | None = None) -> list:
    """Emails sent by the events app (leads' welcome emails and others left out)."""
    from django.core import mail

    from mail.facade import EMAIL_HEADER
    from mail.models import OutboundEmail

    tokens = {
        str(t)
        for t in OutboundEmail.objects.filter(template__startswith="event-").values_list(
            "token", flat=True
        )
    }
    return [
        m
        for m in mail.outbox
        if m.extra_headers.get(EMAIL_HEADER) in tokens and (to is None or m.to == [to])
    ]
