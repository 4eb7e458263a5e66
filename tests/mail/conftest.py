"""Fixtures of the mail tests: a lead captured for real, and a way to run what commits."""

from __future__ import annotations

import pytest

from tests.factories import make_lead as _make_lead


@pytest.fixture
def lead(db):
    return _make_lead("ada@example.com")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the after-commit work (the outbox publishes, the eager worker delivers) of
    whatever the ``with`` block queues, as a request's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
