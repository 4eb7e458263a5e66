"""Fixtures of the tools tests: an LLM stub server (OpenAI wire format) and settings that
point the official SDK at it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.ai_providers.stub import StubLLM


@pytest.fixture
def openai_stub():
    stub = StubLLM().start()
    with override_settings(
        LLM_PROVIDER="auto",
        OPENAI_API_KEY="sk-test-not-a-secret",
        OPENAI_BASE_URL=stub.openai_url,
        ANTHROPIC_API_KEY="",
        LLM_FALLBACK_CHAIN=[],
        LLM_CACHE_SECONDS=0,
    ):
        yield stub
    stub.stop()
