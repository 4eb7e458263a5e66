"""Ordinary sentences this session's readers must not misread, found by a reviewer who tried
inputs the tuning never had: a greeting "vipi", a Yoruba name "Gani", "any data we have…",
"we need to understand…", "before and after", our own first meeting, the founder asked for,
leaks in water pipes, a price to cut losses, a visitor's own figure, "we are in Mombasa",
"not ready to start now", "can't wait", a procurement mailbox, a town that is also the
domain, "the final say rests with me", "we own it" of data. Each fails before the fix."""

from __future__ import annotations

import pytest

from chat import slots
from chat.catalogue import wants_catalogue
from chat.intents import classify
from chat.questions import asks, states_need
from chat.thesaurus import site_terms


@pytest.mark.parametrize(
    "text",
    [
        "Vipi! We run a hardware shop in Thika.",
        "Mambo vipi",
        "Hello, I'm Gani Bello from Lagos.",
        "Any data we have is in Excel.",
        "We need to understand our churn.",
        "before and after the launch we saw churn double",
        "Pricing errors in quotes",
    ],
)
def test_statements_that_look_like_questions(text):
    assert not asks(text)


def test_a_need_denied_is_no_need():
    assert not states_need("Budget is not a challenge for us.")


@pytest.mark.parametrize(
    "text", ["When can our first meeting happen?", "Can we get our intro call set up soon?"]
)
def test_our_first_meeting_is_a_demo_request(text):
    assert classify(text).name == "demo"


def test_asking_for_the_founder_is_a_hand_off():
    assert classify("Can I talk to the founder directly?").name == "human"


@pytest.mark.parametrize(
    "text",
    ["We lose a third of our water to leaks. Can AI help us find leaks?", "we are a law firm"],
)
def test_business_words_are_not_ai_security_or_regulation(text):
    assert site_terms(text) == []


def test_a_price_to_cut_losses_is_a_price_question():
    assert wants_catalogue("How much would it cost to cut our fraud losses?")


@pytest.mark.django_db
def test_a_visitors_own_figure_lifts_nothing(demo_kb):
    from chat.services import conversation_open
    from tests.chat.conftest import turn_reply

    reply, _ = turn_reply(
        conversation_open(tz_name="Africa/Nairobi"),
        "Our staff turnover is 35% a year. Is that normal for a call centre?",
    )
    assert "Stock-outs" not in reply


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("We are in Mombasa and need it live by June", "timeline", "present"),
        ("We are not ready to start now, maybe next year", "timeline", "not immediate"),
        ("Can't wait to see the demo next week", "timeline", None),
        ("this is procurement from Bamburi Cement, procurement@bamburicement.com", "name", None),
        ("tom@mombasa.co.ke, I work for Bandari Freight in Mombasa", "company",
         "Bandari Freight"),
        ("The final say rests with me", "authority", "decision_maker"),
        ("The data? We own it", "authority", None),
        ("revenue +12 345 678 this year", "phone", None),
    ],
)  # fmt: skip
def test_slots_not_misread(text, key, value):
    got = slots.extract(text, region="KE").get(key)
    if value == "present":
        assert got
    elif value == "not immediate":
        assert got != "immediate"
    else:
        assert got == value


def test_a_stay_is_no_timeline_and_price_plus_duration_asks():
    got = slots.extract("I'm in Arusha for two weeks. Thursday morning my time works.")
    assert "timeline" not in got
    assert asks("price + duration for a forecasting model")


@pytest.mark.django_db
def test_the_email_is_asked_once(demo_kb):
    from chat.services import conversation_open, conversation_set_consent
    from tests.chat.conftest import turn_reply

    conv = conversation_open(tz_name="Africa/Nairobi")
    conversation_set_consent(conversation=conv)
    reply, _ = turn_reply(
        conv, "Book me a demo for Tuesday. Do you have a certified ISO 27001 auditor on staff?"
    )
    assert reply.lower().count("email") <= 2 and reply.count("?") == 1
    conv = conversation_open(tz_name="Africa/Nairobi")
    first, _ = turn_reply(conv, "Do you hold an ISO 27001 certificate?")
    later, _ = turn_reply(conv, "Are you on the AGPO register?")
    assert "which email should they write to?" in first
    assert "which email" not in later
