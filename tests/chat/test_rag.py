"""Acceptance 2: a knowledge question about demo content is answered with a [Source N]
that points to the page holding the answer; a question the knowledge base cannot answer
gets an honest "I don't know" and the offer of a person (over the SSE endpoint)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from chat.models import Message
from tests.chat.conftest import post_chat, reply_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


def cited_urls(events):
    text = reply_text(events)
    numbers = {int(n) for n in re.findall(r"\[Source (\d+)\]", text)}
    sources = next((e["sources"] for e in events if e["type"] == "sources"), [])
    return numbers, {s["n"]: s["url"] for s in sources}


def test_rag_answer_cites_the_page_with_the_answer(demo_kb, client):
    status, events = post_chat(
        client, "/api/chat/rag", {"message": "How much did the digital lender reduce fraud losses?"}
    )
    assert status == 200
    text = reply_text(events)
    assert "94%" in text
    numbers, urls = cited_urls(events)
    assert numbers, text
    assert any("fintech-fraud-detection" in urls[n] for n in numbers), (text, urls)
    done = events[-1]
    assert done["type"] == "done"
    msg = Message.objects.get(pk=done["message_id"])
    assert msg.agent == "researcher" and msg.sources
    assert events[0]["type"] == "conversation"


def test_rag_other_wording_other_page(demo_kb, client):
    status, events = post_chat(
        client,
        "/api/chat/rag",
        {"message": "How quickly does your fraud model score a transaction?"},
    )
    text = reply_text(events)
    numbers, urls = cited_urls(events)
    assert "40 milliseconds" in text
    assert any("fintech-fraud-detection" in urls[n] for n in numbers)


@pytest.mark.parametrize(
    "question",
    [
        "What is the airspeed velocity of an unladen swallow?",
        "Do you sell dog grooming franchises in Iceland?",
    ],
)
def test_unanswerable_question_gets_honest_dont_know_and_a_human(demo_kb, client, question):
    status, events = post_chat(client, "/api/chat/rag", {"message": question})
    assert status == 200
    text = reply_text(events)
    assert "I don't know" in text
    assert "person from our team" in text
    assert "[Source" not in text
    assert not any(e["type"] == "sources" for e in events)


def test_message_over_4000_characters_is_refused(client, db):
    status, body = post_chat(client, "/api/chat/rag", {"message": "x" * 4001})
    assert status == 400
    assert "message" in body[0]["details"]
    assert not Message.objects.exists()


def test_empty_message_is_refused(client, db):
    status, body = post_chat(client, "/api/chat/qualify", {"message": "   "})
    assert status == 400
