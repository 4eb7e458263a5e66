"""Questions in the visitor's words reach the page that uses the site's: the kept
thesaurus (chat.thesaurus) adds the site's term for a lay description ("which loans will go
bad" is credit scoring), a sentence naming the very system asked about answers ("we use
freshdesk"), and "how long does a project like that take?" is priced by the page just
talked about. Wordings written for these tests; each fails before the change."""

from __future__ import annotations

import pytest

from chat.questions import question_part
from chat.thesaurus import site_terms, with_site_terms
from tests.chat.conftest import turn_reply


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
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi")
    reply, urls = "", []
    for text in texts:
        reply, urls = turn_reply(conv, text)
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


@pytest.mark.parametrize(
    "text",
    [
        "mnafanya dashboards za mauzo",
        "delivery times before vs after",
        "Our clinics are drowning in paper forms. Please share your relevant experience.",
    ],
)
def test_more_ways_of_asking(text):
    from chat.questions import asks

    assert asks(text)


def test_it_past_a_short_remark_is_the_statement_before():
    text = "your logistics case says 96%. bit hard to believe. how did you measure it?"
    assert question_part(text) == text


@pytest.mark.django_db
def test_a_quoted_figure_finds_the_sentence_that_states_it(demo_kb):
    reply, urls = _ask("Honestly, is that 60% saving on model bills real or a headline?")
    assert "60%" in reply
    assert "/blog/llm-cost-optimisation/" in urls


@pytest.mark.django_db
def test_your_x_thing_names_the_page_whose_title_holds_x(demo_kb):
    reply, urls = _ask("ok but what do we actually get out of your strategy thing?")
    assert urls and urls[0] == "/services/ai-strategy/"


@pytest.mark.django_db
def test_where_and_since_when_reach_the_about_page(demo_kb):
    reply, urls = _ask("quick one: where are you based and how long have you been around?")
    assert "2019" in reply and "/about/" in urls


def test_an_events_title_words_do_not_name_it_unless_events_are_asked(monkeypatch):
    from chat import knowledge
    from content import facade

    titles = [(1, "Process automation"), (2, "Workshop: Automating Document Intake with LLMs")]
    monkeypatch.setattr(facade, "knowledge_page_titles", lambda: titles)
    query = "we are studying automating document intake for permits, share your experience"
    assert knowledge._named_page_ids(query, events=True) == [2]
    assert knowledge._named_page_ids(query, events=False) == []


def test_a_trip_is_no_timeline():
    from chat import slots

    assert "timeline" not in slots.extract("Good morning. I shall be in Kigali next month.")
    assert (
        slots.extract("We're in Kigali next week, and want to go live in 5 months")["timeline"]
        == "3-6mo"
    )


def test_is_there_anything_leans_on_nothing_before():
    from chat.knowledge import refers_back

    assert not refers_back("Is there anything I should prepare beforehand?")
    assert refers_back("How do I get there from the airport?")


def test_how_much_something_dropped_is_no_price_question():
    from chat.catalogue import wants_catalogue

    assert not wants_catalogue("on average how much did support costs drop for your clients?")
    assert wants_catalogue("how much does the chatbot pilot cost?")


@pytest.mark.django_db
def test_a_terse_system_and_a_terse_price_follow_the_conversation(demo_kb):
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi")
    replies = [
        turn_reply(conv, text)[0]
        for text in (
            "we get 2000 supplier invoices a month, many are photos. can you read those?",
            "odoo?",
            "cost of pilot",
        )
    ]
    assert "Odoo" in replies[1]
    assert "Document automation pilot" in replies[2]
