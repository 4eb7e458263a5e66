"""A question only partly answered by the sources says what is known, says plainly what is
not (nothing on the site mentions it), offers a reply by email and is recorded as unanswered.
Wordings written for this test, not taken from the evaluation cases."""

from __future__ import annotations

import pytest

from chat.partial import asked_about


def _turn(conv, text: str) -> tuple[str, list[str]]:
    from chat.services import chat_turn

    events = list(chat_turn(conversation=conv, text=text))
    reply = "".join(e.get("text", "") for e in events if e["type"] == "token")
    urls = [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]
    return reply, urls


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Can it connect to Sage 300 and our Excel sheets?", ["Sage 300", "Excel"]),
        ("Do you integrate with Temenos or Flexcube?", ["Temenos", "Flexcube"]),
        ("Our lawyers keep files in NetDocuments. Can the automation connect to it?",
         ["NetDocuments"]),
        ("somali chatbot, doable?", ["Somali"]),
        ("Do you work with banks in Kigali?", []),
        ("Does it work with the systems we have?", []),
    ],
)  # fmt: skip
def test_what_a_question_asks_to_be_supported(text, names):
    assert asked_about(text, text) == names


@pytest.mark.django_db
def test_a_partly_answered_question_says_what_it_does_not_know(demo_kb):
    from chat.models import UnansweredQuestion
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="")
    reply, urls = _turn(
        conv, "Our customers write in Swahili, Somali and Portuguese. Can your bot handle those?"
    )
    assert "Swahili" in reply and urls, reply  # what is known, cited
    assert "Somali or Portuguese" in reply and "email" in reply, reply
    assert UnansweredQuestion.objects.filter(conversation=conv).exists()


@pytest.mark.django_db
def test_a_fully_answered_question_is_not_recorded(demo_kb):
    from chat.models import UnansweredQuestion
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="")
    reply, _ = _turn(conv, "Could the assistant post invoices into Odoo for us?")
    assert "Odoo" in reply and "can't find" not in reply, reply
    assert not UnansweredQuestion.objects.filter(conversation=conv).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "Would it manage Luganda? A few of them also text in Kiswahili.",
        "je, mfumo wenu unaelewa kiswahili?",
    ],
)
def test_a_question_matching_nothing_whole_is_answered_for_what_it_names(demo_kb, text):
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="")
    _turn(conv, "We run a microfinance helpline in Gulu.")
    reply, urls = _turn(conv, text)
    assert "Swahili" in reply and urls, reply
