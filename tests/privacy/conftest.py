"""Fixtures of the privacy tests: people built through the real leads/analytics services."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest


@dataclass
class Person:
    lead: object
    visitor: object
    email: str
    name: str
    phone: str


@pytest.fixture
def person(db, django_capture_on_commit_callbacks):
    """A lead with a linked visitor, consent records, page views and audit rows."""
    from analytics.services import interactions_record
    from leads.services import ConsentInput, lead_capture, visitor_touch

    with django_capture_on_commit_callbacks(execute=True):
        visitor = visitor_touch(visitor_id=None, utm_source="linkedin")
        lead = lead_capture(
            email="Wanjiru.Kamau@Example.com",
            consent=ConsentInput(data_processing=True, marketing=True, analytics=True),
            source="newsletter",
            visitor=visitor,
            profile={
                "name": "Wanjiru Kamau",
                "company": "Kamau Logistics",
                "phone": "+254711223344",
            },
        ).lead
        interactions_record(
            events=[
                {"type": "page_view", "properties": {"path": "/services/", "url": "/services/"}},
                {"type": "page_view", "properties": {"path": "/about/", "url": "/about/"}},
            ],
            visitor=visitor,
        )
    lead.refresh_from_db()
    from django.core import mail

    mail.outbox.clear()  # the welcome email is not what these tests look at
    return Person(lead, visitor, "wanjiru.kamau@example.com", "Wanjiru Kamau", "+254711223344")


LINK = re.compile(
    r"https?://[^\s]+/privacy/requests/(?P<id>[0-9a-f-]{36})/(?P<token>[A-Za-z0-9_-]+)"
)


def link_from_outbox(mailoutbox) -> str:
    assert mailoutbox, "no email was sent"
    match = LINK.search(mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    return f"/privacy/requests/{match['id']}/{match['token']}"


@pytest.fixture
def request_link(api_client, mailoutbox, django_capture_on_commit_callbacks):
    """POST /api/privacy/requests for an address and return the emailed link path."""

    def make(email: str, kind: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(
                "/api/privacy/requests", {"email": email, "type": kind}, format="json"
            )
        assert response.status_code == 202
        return link_from_outbox(mailoutbox)

    return make
