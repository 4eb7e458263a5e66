"""Fixtures of the nurture tests: the demo lists and sequences, leads captured for real."""

from __future__ import annotations

import pytest

from leads.services import ConsentInput, lead_capture


@pytest.fixture
def nurture_demo(db):
    from nurture import demo

    demo.load(lambda _m: None)


@pytest.fixture
def make_lead(db):
    """A lead captured through the leads service (data processing + marketing consent)."""

    def make(email: str = "ada@example.com", *, marketing: bool = True, **profile):
        return lead_capture(
            email=email,
            consent=ConsentInput(
                data_processing=True, marketing=marketing, wording="Test form wording."
            ),
            source="test",
            profile=profile or None,
        ).lead

    return make
