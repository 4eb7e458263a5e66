"""Questions about an event answered from its own page: who speaks, the agenda, its length
in minutes, who it is for and how many seats it has (before, only the time, place,
summary and description were sources). Wordings written for these tests."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ROUNDTABLE = "/events/cto-roundtable-scaling-ai-systems/"


@pytest.fixture
def events(demo_kb):
    from events import demo

    demo.load(lambda message: None)


def _ask(text: str, page: str = ROUNDTABLE) -> tuple[str, list[str]]:
    from chat.services import chat_turn, conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url=page)
    events = list(chat_turn(conversation=conv, text=text))
    reply = "".join(e.get("text", "") for e in events if e["type"] == "token")
    urls = [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]
    return reply, urls


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who will be presenting at this one?", "David Otieno"),
        ("who are the speakers", "Amani Kiprono"),
        ("how many minutes does the roundtable run?", "120 minutes"),
        ("Is it open to anybody or only for qualified people?", "qualified leads"),
        ("How many seats are there in total?", "20 seats"),
        ("What's on the agenda for the evening?", "Open discussion"),
    ],
)
def test_event_page_questions_are_answered_from_the_event(events, question, expected):
    reply, urls = _ask(question)
    assert expected in reply and ROUNDTABLE in urls, (reply, urls)


@pytest.fixture
def indexed_events(events):
    from content.services import knowledge_reindex

    knowledge_reindex()  # the events' pages join the index, as their publishing does


@pytest.mark.parametrize(
    ("turns", "expected", "event"),
    [
        (
            ["Is the workshop where you build an assistant live online or in person?"],
            "Zoom",
            "/events/live-ai-implementation-workshop/",
        ),
        (
            [
                "Is the workshop where you build an assistant live online or in person?",
                "Do we get the slides afterwards?",
            ],
            "slides are shared",
            "/events/live-ai-implementation-workshop/",
        ),
        (
            ["Any networking meetups in Nairobi coming up?"],
            "iHub",
            "/events/nairobi-ai-builders-meetup/",
        ),
    ],
)
def test_questions_about_an_event_asked_elsewhere_cite_its_page(
    indexed_events, turns, expected, event
):
    """Asked from the home page, naming the event by what it is about (not its title), and
    a follow-up that leans on the previous answer."""
    from chat.services import chat_turn, conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="/")
    for text in turns:
        events = list(chat_turn(conversation=conv, text=text))
    reply = "".join(e.get("text", "") for e in events if e["type"] == "token")
    urls = [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]
    assert expected in reply and event in urls, (reply, urls)
