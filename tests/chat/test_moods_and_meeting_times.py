"""Replies to the proposed budget range, moods of a timeline ("not urgent", "no deadline"),
holidays and fiscal years, amounts in figures or local millions, and meeting times said in
passing or in words ("Thursday, no wait, Friday", "half past two", "tomorrow"), remembered
until the email arrives. Wordings written for these tests; most failed before the fix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chat import services, slots
from chat.meeting_time import slot_preference
from chat.scheduling import WEEKDAYS, demo_slots_for, visitor_zone
from ementech.ai.parsers import horizon_months

# --- a reply to the range we proposed ($15k-50k) ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("Honestly that's a bit steep for us.", "<10k"),
        ("More like half of that.", "<10k"),
        ("Hmm, that's more than we'd planned.", "<10k"),
        ("No, way beyond us for now.", "<10k"),
        ("We could go double that.", "50k-100k"),
        ("Probably the lower end of that.", "10k-50k"),
        ("That's about right, maybe a touch more.", "10k-50k"),
        ("Somewhere in the middle.", "10k-50k"),
        ("More or less.", "10k-50k"),
    ],
)
def test_a_reply_to_the_proposed_range(text, bucket):
    found = slots.extract(text, asked="budget", proposed_budget="10k-50k")
    assert found.get("budget") == bucket


def test_a_question_about_the_range_is_no_answer():
    found = slots.extract("Is that realistic for a team our size?", asked="budget",
                          proposed_budget="10k-50k")  # fmt: skip
    assert "budget" not in found


# --- timelines: moods, holidays, fiscal years ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "asked", "timeline"),
    [
        ("It's not urgent; we'd go live in maybe five months.", False, "3-6mo"),
        ("Nothing urgent.", True, "12mo+"),
        ("Whenever, there's no fixed deadline.", True, "12mo+"),
        ("As soon as we can, really.", True, "immediate"),
        ("We needed it live yesterday!", False, "immediate"),
    ],
)
def test_urgency_said_or_denied(text, asked, timeline):
    found = slots.extract(text, asked="timeline" if asked else None)
    assert found.get("timeline") == timeline


@pytest.mark.parametrize(
    "text",
    [
        "Customers write to us whenever they like.",
        "The bot has to answer hundreds of chats at once.",
        "Email Asha at Haraka Couriers for the details.",
    ],
)
def test_no_timeline_from_other_uses_of_time_words(text):
    assert "timeline" not in slots.extract(text)


NOW = dt.datetime(2026, 10, 1, 9, 0)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("before Christmas", 2.6, 2.9),
        ("after Christmas", 3.0, 3.4),  # some weeks into January, not Boxing Day
        ("by Easter", 5.8, 6.0),  # 28 March 2027
        ("in the next financial year", 8.9, 9.2),  # 1 July
        ("by the end of the financial year", 8.9, 9.0),
    ],
)
def test_holidays_and_fiscal_years_are_times(text, low, high):
    assert low <= horizon_months(text, now=NOW) <= high


# --- amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("Money's not the issue, think six figures.", "100k+"),
        ("Our budget is low five figures.", "10k-50k"),
        ("High five figures, tops.", "50k-100k"),
        ("It's a four-figure budget.", "<10k"),
    ],
)
def test_a_budget_in_figures(text, bucket):
    assert slots.extract(text).get("budget") == bucket


def test_millions_with_no_currency_are_the_local_currency():
    text = "Our budget is about 70 million."
    assert slots.extract(text, region="UG").get("budget") == "10k-50k"  # UGX
    assert slots.extract(text, region="KE").get("budget") == "100k+"  # KES 70M is ~540k USD
    assert slots.extract("We have 40k for it.", region="UG").get("budget") == "10k-50k"


def test_ones_own_slip_is_no_pain():
    found = slots.extract("My mistake, we're 36 people, not 63.")
    assert found.get("company_size") == "11-50"
    assert "pain_points" not in found


def test_a_company_given_as_asked_loses_its_lead_words():
    assert slots.extract("we're called bluewave", asked="company")["company"] == "bluewave"


# --- meeting times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pref"),
    [
        ("Thursday - no wait, Friday is better for me", {"weekday": "friday"}),
        ("wednesday works, actually make it thursday", {"weekday": "thursday"}),
        ("tuesday please but not before 10", {"weekday": "tuesday", "after_hour": "10"}),
        ("Thu AM if possible", {"weekday": "thursday", "part_of_day": "morning"}),
        ("Monday at half past three",
         {"weekday": "monday", "part_of_day": "afternoon", "after_hour": "15"}),
        ("wednesday, quarter past nine",
         {"weekday": "wednesday", "part_of_day": "morning", "after_hour": "9"}),
        ("Friday noon", {"weekday": "friday", "part_of_day": "afternoon", "after_hour": "12"}),
    ],
)  # fmt: skip
def test_meeting_times_said_in_words_or_corrected(text, pref):
    assert slot_preference(text) == pref


def test_tomorrow_is_the_next_day_in_the_visitors_zone():
    zone = "America/New_York"
    tomorrow = timezone.now().astimezone(visitor_zone(zone)).date() + dt.timedelta(days=1)
    assert slot_preference("tomorrow afternoon?", zone)["weekday"] == WEEKDAYS[tomorrow.weekday()]


@pytest.mark.django_db
def test_with_no_opening_at_that_hour_the_same_day_comes_first():
    # nobody works at 22:00, but the same weekday has other hours (test hours: Thu/Fri 10, 14)
    result = demo_slots_for(preference={"weekday": "thursday", "after_hour": "22"})
    assert result["none_fit"]
    assert result["slots"]
    zone = visitor_zone("")
    assert all(
        WEEKDAYS[dt.datetime.fromisoformat(s["starts_at"]).astimezone(zone).weekday()] == "thursday"
        for s in result["slots"]
    )


@pytest.mark.django_db
def test_a_meeting_time_said_before_the_email_is_honoured_when_slots_are_offered():
    conv = services.conversation_open(tz_name="Africa/Nairobi")
    services.conversation_set_consent(conversation=conv)
    list(
        services.chat_turn(
            conversation=conv, text="Could we do a demo? Thursday afternoon is best."
        )
    )
    events = list(services.chat_turn(conversation=conv, text="Akinyi Were, akinyi@tamufoods.co.ke"))
    offered = [s for e in events if e["type"] == "slots" for s in e["slots"]]
    assert offered
    zone = visitor_zone("Africa/Nairobi")
    for slot in offered:
        start = dt.datetime.fromisoformat(slot["starts_at"]).astimezone(zone)
        assert (WEEKDAYS[start.weekday()], start.hour >= 12) == ("thursday", True)


def test_within_what_was_planned_agrees_with_the_range():
    found = slots.extract("That's within what we'd budgeted.", asked="budget",
                          proposed_budget="10k-50k")  # fmt: skip
    assert found.get("budget") == "10k-50k"
