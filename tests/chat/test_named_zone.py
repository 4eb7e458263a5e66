"""A time given in a named zone ("11am Eastern", "3pm UK time") is read in that zone, not
the browser's; wordings written for this test, not taken from the evaluation cases."""

from __future__ import annotations

import pytest

from chat.meeting_time import slot_preference

# --- a time in a named zone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "hour"),
    [
        ("Thursday at 11am Eastern would suit", "America/New_York", "11"),
        ("friday 3pm UK time?", "Europe/London", "15"),
        ("How about Thursday 10 or 11am Nairobi time", "Africa/Nairobi", "10"),
        ("any chance of 4pm WAT on friday", "Africa/Lagos", "16"),
        ("thursday 9am Kampala time", "Africa/Kampala", "9"),
        ("Friday 2pm UTC", "UTC", "14"),
    ],
)
def test_a_time_in_a_named_zone_keeps_its_zone(text, zone, hour):
    pref = slot_preference(text)
    assert pref.get("zone") == zone
    assert pref.get("after_hour") == hour


def test_a_time_in_my_own_zone_names_none():
    assert "zone" not in slot_preference("Thursday 11am my time")


@pytest.mark.django_db
def test_slots_for_a_time_in_another_zone_are_read_in_that_zone(settings):
    from zoneinfo import ZoneInfo

    from chat.scheduling import demo_slots_for

    settings.CHAT_DEMO_AVAILABILITY = {"weekdays": [3], "hours": [10, 14], "minutes": 30}
    # A visitor whose browser is in New York asks for 2pm Nairobi time: 14:00 in Nairobi,
    # not 14:00 in New York (22:00 in Nairobi, when nobody is there).
    pref = slot_preference("Thursday at 2pm EAT please")
    result = demo_slots_for(preference=pref, tz_name="America/New_York")
    assert result["slots"] and not result["none_fit"]
    nairobi = ZoneInfo("Africa/Nairobi")
    from datetime import datetime

    for slot in result["slots"]:
        start = datetime.fromisoformat(slot["starts_at"]).astimezone(nairobi)
        assert (start.weekday(), start.hour) == (3, 14)
    assert "New York" in result["timezone_name"]


@pytest.mark.parametrize(
    ("text", "zone", "part"),
    [
        ("Wednesday afternoon, Lagos time, if that works", "Africa/Lagos", "afternoon"),
        ("thu morning london time pls", "Europe/London", "morning"),
    ],
)
def test_a_part_of_day_in_a_named_zone_keeps_its_zone(text, zone, part):
    pref = slot_preference(text)
    assert (pref.get("zone"), pref.get("part_of_day")) == (zone, part)
