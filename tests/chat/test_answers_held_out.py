"""Answer and conversation classes the held-out conversations showed failing: questions
typed short or asked politely, a short question read with the statement before it, "how
much is this?" on a service page, an elliptical follow-up with a hyphenated subject, an
outright request for a person, a goodbye, a "user" not asked for a budget, an industry kept
over a later passing mention, and "I am …" not read as a morning. Wordings written for these
tests, not taken from the evaluation cases; each fails on the code before the fix."""

from __future__ import annotations

import pytest

from chat.assistant import QUESTION_RE, question_part
from chat.intents import classify
from chat.knowledge import elliptical
from chat.meeting_time import slot_preference


def _turn(conv, text: str) -> tuple[str, list[str], list[dict]]:
    from chat.services import chat_turn

    events = list(chat_turn(conversation=conv, text=text))
    reply = "".join(e.get("text", "") for e in events if e["type"] == "token")
    urls = [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]
    return reply, urls, events


@pytest.mark.parametrize(
    "text",
    [
        "hmm ok. wats the smallest thing we could start with",
        "Kindly indicate the duration of a forecasting project.",
        "Please confirm your rates for a readiness sprint.",
        "I'd like to know whether you host in Kenya",
        # after a greeting, or asked mid-sentence without a question mark
        "yo when is the ai builders meetup n where",
        "they switch to swahili halfway will ur bot cope with that",
        "so is there a discount for NGOs",
    ],
)
def test_short_typed_and_polite_questions_are_questions(text):
    assert QUESTION_RE.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "We are a logistics company with 120 trucks.",
        "There is a lot of paper in our office.",
        "Our budget is around 40k and the board will decide in March.",
        "I can do your Tuesday slot",
        "Our office is there in Westlands",
    ],
)
def test_statements_are_not_questions(text):
    assert not QUESTION_RE.search(text)


def test_a_short_question_is_read_with_the_statement_before_it():
    text = "Our stock sits in an old Oracle database. Migrate it first?"
    assert question_part(text) == text


def test_an_elliptical_follow_up_may_name_a_hyphenated_subject():
    assert elliptical("And for invoice-matching pilots?")


@pytest.mark.parametrize(
    "text",
    [
        "Your bot keeps quoting last year's fees. We need a real person on this.",
        "enough with the robot, connect me to your sales people",
        "Could you have someone from your delivery team phone me tomorrow?",
        "For our board paper I must talk directly with one of your solution engineers.",
    ],
)
def test_an_outright_request_for_a_person_is_a_hand_off(text):
    assert classify(text).name == "human"


@pytest.mark.parametrize(
    "text",
    [
        "We need a person who can maintain the model afterwards. Do you train staff?",
        "Can the assistant talk with the support team inside Microsoft Teams?",
    ],
)
def test_needing_staff_for_a_job_is_no_hand_off(text):
    assert classify(text).name != "human"


@pytest.mark.parametrize(
    "text", ["Asante sana, have a lovely weekend!", "ok thanks, bye for now", "kwaheri"]
)
def test_taking_leave_is_thanks(text):
    assert classify(text).name == "thanks"


def test_i_am_is_no_morning():
    pref = slot_preference("Wednesday afternoon please. I am Otieno, otieno@example.org")
    assert pref == {"weekday": "wednesday", "part_of_day": "afternoon"}


@pytest.mark.django_db
def test_how_much_is_this_on_a_service_page_is_that_pages_range(demo_kb):
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="/services/ai-chatbots/")
    reply, urls, _ = _turn(conv, "Hey there! What's the price of this, and how long does it take?")
    assert "$8,000" in reply and "/services/ai-chatbots/" in urls, (reply, urls)


@pytest.mark.django_db
def test_a_visitor_who_only_uses_it_is_not_asked_for_budget_or_timeline(demo_kb):
    from chat.services import conversation_open, conversation_set_consent

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="")
    conversation_set_consent(conversation=conv)
    _turn(conv, "Clinic receptionist here. I'd only be one of the staff using the bot.")
    reply, _, _ = _turn(conv, "Patients mostly ask about opening hours and lab results.")
    for asked in ("budget", "invest", "live", "challenge", "tools"):
        assert asked not in reply.lower(), reply


@pytest.mark.django_db
def test_an_industry_is_kept_over_a_later_passing_mention(demo_kb):
    from chat.services import conversation_open, conversation_set_consent

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="")
    conversation_set_consent(conversation=conv)
    _turn(conv, "We're a tea estate in Kericho with about 80 staff.")
    _turn(conv, "Could you automate the payments we make to our pickers through the bank?")
    conv.refresh_from_db()
    assert conv.collected.get("industry") == "agriculture", conv.collected


@pytest.mark.django_db
def test_what_to_bring_is_answered_from_the_events_own_description(demo_kb, make_event):
    from chat.services import conversation_open

    event = make_event(
        description="<p>Lunch is on us. Bring a <b>laptop</b> and a few sample receipts.</p>"
    )
    conv = conversation_open(tz_name="Africa/Nairobi", page_url=event.url)
    reply, urls, _ = _turn(conv, "anything we need to bring along?")
    assert "laptop" in reply and event.url in urls, (reply, urls)


@pytest.mark.django_db
def test_a_timeline_for_a_named_offer_is_its_catalogue_line(demo_kb):
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="")
    reply, urls, _ = _turn(conv, "Please share the turnaround for a chatbot pilot.")
    assert "6 weeks" in reply and "/services/" in urls, (reply, urls)


@pytest.mark.django_db
def test_a_question_about_all_case_studies_lists_their_industries(demo_kb):
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="")
    reply, urls, _ = _turn(conv, "What sectors are your case studies from?")
    assert "/case-studies/" in urls, (reply, urls)
    for industry in ("insurance", "logistics", "healthcare"):
        assert industry in reply, reply


@pytest.mark.parametrize(
    "text",
    [
        "Hello, I run IT at a clinic in Goma. Your chatbot can talk with patients in Lingala?",
        "I am the ICT officer at a school. Your bot can chat with parents in Luganda?",
    ],
)
def test_asking_what_the_bot_can_speak_is_no_hand_off(text):
    assert classify(text).name != "human"


@pytest.mark.django_db
def test_a_terse_follow_up_is_read_with_what_was_just_answered(demo_kb):
    """Three words and a question mark: too short to name a subject, so about the case
    study just quoted (before, it was looked up on its own and went unanswered)."""
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="/")
    _turn(conv, "Have you optimised delivery routes for a trucking fleet?")
    reply, urls, _ = _turn(conv, "border delays included?")
    assert "/case-studies/logistics-route-optimisation/" in urls and "Malaba" in reply, reply


@pytest.mark.django_db
def test_a_dictated_email_is_saved_and_the_demo_goes_ahead(demo_kb):
    """The tool that saves the lead checks the address is the visitor's own words; a
    dictated one is, once written out as the slot reader writes it."""
    from chat.services import conversation_open, conversation_set_consent
    from leads.models import Lead

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="/")
    conversation_set_consent(conversation=conv)
    reply, _, _ = _turn(
        conv,
        "let us do a demo on Tuesday morning, I'm Amina Yusuf, email amina at tanafresh "
        "dot co dot ke",
    )
    conv.refresh_from_db()
    assert conv.lead_id is not None, reply
    assert Lead.objects.get(pk=conv.lead_id).email == "amina@tanafresh.co.ke"
    assert "What's the best email" not in reply and "Tuesday" in reply, reply
