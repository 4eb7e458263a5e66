"""Authority from a visitor who only uses the tool ("one of the clerks who'd be using it
day to day"), with wordings written for this test, not taken from the evaluation cases."""

from __future__ import annotations

import pytest

from chat import slots

# --- authority --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Honestly I'm only one of the clerks who'd be using the system day to day.",
        "I'm one of the nurses that will use it every day, the matron picks the vendor.",
        "Just one of the agents who'll work in it daily.",
    ],
)
def test_someone_who_only_uses_it_is_a_user(text):
    assert slots.extract(text).get("authority") == "user"
