"""Events in the chat: facts about the event on the page (length, platform, the time in the
visitor's zone) are answered from that event and cite its page; a past event says it is over
and points to the recording; a registration keeps what the visitor typed in one list,
takes a corrected address, and waits while the visitor asks something else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chat import services

pytestmark = pytest.mark.django_db


def say(conv, text: str) -> tuple[str, list[str]]:
    events = list(services.chat_turn(conversation=conv, text=text))
    reply = "".join(e["text"] for e in events if e["type"] == "token")
    cited = [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]
    return reply, cited


def test_a_question_about_the_event_on_the_page_is_answered_from_it(make_event):
    event = make_event(duration_minutes=75, platform="Google Meet", timezone="Africa/Nairobi")
    conv = services.conversation_open(page_url=event.url, tz_name="Africa/Lagos")
    reply, cited = say(conv, "Roughly how many minutes does the session run?")
    assert "75 minutes" in reply, reply
    assert event.url in cited, cited
    reply, cited = say(conv, "What time would that be for me in Lagos?")
    assert "in Lagos (Africa/Lagos time)" in reply, reply  # converted, not Nairobi's clock
    assert event.url in cited, cited


def test_registering_for_a_past_event_points_to_its_recording(make_event):
    event = make_event(
        start=timezone.now() - timedelta(days=10),
        recording_url="https://video.example/replay",
        registration_fields=["name"],
    )
    conv = services.conversation_open(page_url=event.url)
    reply, cited = say(conv, "Could I still sign up for this one?")
    assert "took place" in reply and "recording" in reply, reply
    assert event.url in cited, cited
    conv.refresh_from_db()
    assert not (conv.state or {}).get("registration")


def test_a_list_typed_in_one_go_is_kept_and_a_new_address_replaces_the_old(make_event):
    event = make_event(registration_fields=["name", "company", "role", "experience_level"])
    conv = services.conversation_open(page_url=event.url)
    reply, _ = say(
        conv, "please sign me up: amina odhiambo, amina@tatu.example, tatu farms, data engineer"
    )
    assert "experience" in reply.lower(), reply
    conv.refresh_from_db()
    got = conv.collected
    assert got["email"] == "amina@tatu.example"
    assert got["company"] == "tatu farms" and got["role"] == "data engineer", got
    assert got["name"].lower() == "amina odhiambo"
    say(conv, "sorry, use amina.o@tatu.example instead")
    conv.refresh_from_db()
    assert conv.collected["email"] == "amina.o@tatu.example"
    assert conv.state["registration"]["email"] == "amina.o@tatu.example"


def test_a_question_during_registration_is_answered_and_the_registration_waits(make_event):
    event = make_event(registration_fields=["name"], platform="Teams")
    conv = services.conversation_open(page_url=event.url)
    reply, _ = say(conv, "I'd like to register")
    assert "email" in reply.lower(), reply
    reply, cited = say(conv, "Before that, which platform will it run on?")
    assert "Teams" in reply and "doesn't look like an email" not in reply, reply
    assert event.url in cited
    assert "email" in reply.lower(), reply  # the registration's question comes back
    reply, _ = say(conv, "wairimu@ndege.example")
    assert "full name" in reply.lower(), reply
