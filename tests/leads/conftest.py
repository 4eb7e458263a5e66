"""Fixtures of these tests: clients of visitors who accepted analytics."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import with_analytics_consent


@pytest.fixture
def api_client() -> APIClient:
    return with_analytics_consent(APIClient())


@pytest.fixture
def new_client():
    """Factory of further browsers (each with analytics consent)."""
    return lambda: with_analytics_consent(APIClient())
