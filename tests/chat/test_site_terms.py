"""Questions in the visitor's words reach the page that uses the site's: the kept
thesaurus (chat.thesaurus) adds the site's term for a lay description ("which loans will go
bad" is credit scoring), a sentence naming the very system asked about answers ("we use
freshdesk"), and "how long does a project like that take?" is priced by the page just
talked about. Wordings written for these tests; each fails before the change."""

from __future__ import annotations

import pytest

from chat.questions import question_part
from chat.thesaurus import site_terms, with_site_terms


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("could a model tell us which borrowers are likely to default", "credit scoring"),
        ("our loans keep going bad in the dry season", "credit scoring"),
        ("shelves go empty every payday weekend", "stock-outs"),
        ("our gpt bill is insane, what can we trim", "model routing"),
        ("the bot keeps making stuff up about prices", "inventing answers"),
        ("search never finds our SKUs", "product codes"),
        ("do we keep the model when the project ends?", "own the code"),
        ("half our patients are no-shows", "missed appointments"),
    ],
)
def test_lay_descriptions_get_the_site_term(text, term):
    assert any(term in words for words in site_terms(text))


def test_a_question_without_a_lay_description_is_left_alone():
    assert with_site_terms("What does the readiness sprint include?") == (
        "What does the readiness sprint include?"
    )


def test_a_short_note_on_ones_own_setup_stays_with_the_question():
    text = "Can it hand over to our agents? we use zendesk. Anyway thanks for the help so far"
    assert question_part(text) == "Can it hand over to our agents? we use zendesk."


def _ask(*texts: str) -> tuple[str, list[str]]:
    from chat.services import chat_turn, conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi")
    reply, urls = "", []
    for text in texts:
        events = list(chat_turn(conversation=conv, text=text))
        reply = "".join(e.get("text", "") for e in events if e["type"] == "token")
        urls = [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]
    return reply, urls


@pytest.mark.django_db
def test_a_lay_question_reaches_the_page_using_the_site_term(demo_kb):
    reply, urls = _ask("could you build something that tells us which loans will go bad")
    assert "/services/data-ml-platforms/" in urls
    assert "credit scoring" in reply


@pytest.mark.django_db
def test_the_sentence_naming_the_system_asked_about_answers(demo_kb):
    reply, urls = _ask("which ticketing tools does it pass chats into? we run freshdesk")
    assert "Freshdesk" in reply
    assert "/services/ai-chatbots/" in urls
    reply, _ = _ask("can you post invoices into Microsoft Dynamics?")
    assert "Dynamics" in reply and "don't know" not in reply


@pytest.mark.django_db
def test_a_duration_asked_of_the_page_just_talked_about(demo_kb):
    reply, urls = _ask(
        "Tell me about your data and machine learning platforms work.",
        "how long does a project like that usually take?",
    )
    assert "10–24 weeks" in reply
    assert "/services/data-ml-platforms/" in urls
