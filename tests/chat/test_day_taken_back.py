"""A day taken back ("Tuesday's no good, Thursday morning?") moves the meeting to the day
still wanted; wordings written for this test, not taken from the evaluation cases."""

from __future__ import annotations

import pytest

from chat.meeting_time import slot_preference

# --- a day taken back -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Monday is no good for me after all, how about Wednesday afternoon?", "wednesday"),
        ("Scratch Tuesday. Thursday morning works better", "thursday"),
        ("jumatatu nina shughuli, siwezi. jumatano mchana?", "wednesday"),
        ("Can we do Friday instead of Monday?", "friday"),
        ("Not Monday - Tuesday 10am please", "tuesday"),
    ],
)
def test_a_day_taken_back_moves_the_meeting_to_the_day_still_wanted(text, day):
    assert slot_preference(text).get("weekday") == day
