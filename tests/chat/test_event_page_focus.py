"""On an event's page the event answers: "how long does it run?" is its length, not a
catalogue duration; "is this online?" is about this event, not another one's venue; "can I
dial in?" asks whether it is online. Elsewhere, event pages are left out of retrieval by
the index's own filter (``type_not``), not fetched and dropped. Wordings written for these
tests; each fails before the fix."""

from __future__ import annotations

import pytest

from tests.chat.conftest import turn_reply

pytestmark = pytest.mark.django_db

WEBINAR = "/events/live-ai-implementation-workshop/"
ROUNDTABLE = "/events/cto-roundtable-scaling-ai-systems/"


@pytest.fixture
def events(demo_kb):
    from events import demo

    demo.load(lambda message: None)


def _ask(text: str, page: str) -> tuple[str, list[str]]:
    from chat.services import conversation_open

    return turn_reply(conversation_open(tz_name="Africa/Nairobi", page_url=page), text)


def test_how_long_on_an_event_page_is_the_events_length(events):
    reply, urls = _ask("how long does it go on for? I have another call after", WEBINAR)
    assert "90 minutes" in reply
    assert urls == [WEBINAR]
    assert "demo invitation" not in reply


def test_is_this_online_is_about_this_event_only(events):
    reply, urls = _ask("hello, is this one online?", WEBINAR)
    assert "Zoom" in reply
    assert all(url == WEBINAR for url in urls)


def test_dialling_in_asks_whether_it_is_online(events):
    reply, urls = _ask("could I join remotely rather than come in", ROUNDTABLE)
    assert "Google Meet" in reply
    assert urls == [ROUNDTABLE]


def test_retrieval_leaves_event_pages_out_through_the_index_filter(events):
    from chat import knowledge
    from content import facade

    calls: list[dict] = []
    real = facade.knowledge_retrieve

    def spy(**kw):
        calls.append(kw)
        return real(**kw)

    facade.knowledge_retrieve = spy
    try:
        found = knowledge._retrieved("workshop on document intake with a laptop", k=3, events=False)
    finally:
        facade.knowledge_retrieve = real
    assert calls and calls[0]["filters"] == {"type_not": ["event"]}
    assert calls[0]["k"] == 5
    assert found and all(src["type"] != "event" for src in found)


def test_type_not_filter_in_index_syntax():
    from content.selectors import _index_filter

    assert _index_filter({"type_not": ["event", "case-study"]}) == {
        "content_type": {"$nin": ["event", "case_study"]}
    }


def test_asking_to_join_remotely_is_no_hand_off():
    from chat.intents import classify

    assert classify("can I join remotely?").name != "human"
    assert classify("is there a person I can chat with").name == "human"


def _chat(*texts: str) -> list[tuple[str, list[str]]]:
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi")
    return [turn_reply(conv, text) for text in texts]


def test_follow_ups_after_an_event_answer_are_about_that_event(events):
    turns = _chat(
        "Who is presenting at the CTO roundtable?",
        "how many seats does it have?",
        "I'm based in Arusha. Any remote option?",
        "and is the meetup online too?",
    )
    assert "20 seats" in turns[1][0] and turns[1][1] == [ROUNDTABLE]
    assert "Google Meet" in turns[2][0] and turns[2][1] == [ROUNDTABLE]
    assert "/events/nairobi-ai-builders-meetup/" in turns[3][1]  # another kind named


def test_a_short_question_is_read_with_the_sentence_that_says_what_it_is_about(events):
    ((reply, urls),) = _chat("kuna events? kitu ya bure where developers meet up in Nairobi")
    assert "iHub" in reply
    assert urls == ["/events/nairobi-ai-builders-meetup/"]


@pytest.fixture
def events_indexed(events):
    from content.knowledge import forget
    from content.services import knowledge_reindex

    knowledge_reindex()
    yield
    forget()  # the shared index goes back to the module's own on its next read


def test_a_past_events_indexed_passage_speaks_in_the_past_tense(events_indexed):
    from chat import knowledge

    found = knowledge.sources_for(
        "webinar on cutting first-response times without frustrating customers"
    )
    past = [s for s in found if s["url"] == "/events/ai-chatbots-that-resolve-real-tickets/"]
    assert past and "took place on" in past[0]["text"]
    assert "comes with the confirmation" not in past[0]["text"]  # no joining link any more
    assert "150 seats" not in past[0]["text"]


def test_a_question_about_us_after_an_event_is_not_the_events(events):
    turns = _chat("When is the CTO roundtable?", "Where are you based?")
    assert "It lasts" not in turns[1][0]
    assert ROUNDTABLE not in turns[1][1]
