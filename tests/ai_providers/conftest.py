"""The stub LLM server fixture and settings pointing both SDKs at it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.ai_providers.stub import StubLLM


@pytest.fixture
def stub_llm():
    stub = StubLLM().start()
    yield stub
    stub.stop()


@pytest.fixture
def llm_settings(stub_llm):
    """OpenAI primary, Anthropic secondary, both on the stub; no extra fallback chain."""
    with override_settings(
        LLM_PROVIDER="auto",
        OPENAI_API_KEY="sk-test-not-a-secret",
        OPENAI_BASE_URL=stub_llm.openai_url,
        ANTHROPIC_API_KEY="ak-test-not-a-secret",
        ANTHROPIC_BASE_URL=stub_llm.anthropic_url,
        LLM_ROUTES={
            "qualification": ["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022"],
            "rag_generation": ["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022"],
            "personalization": ["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022"],
            "chat": ["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022"],
        },
        LLM_FALLBACK_CHAIN=[],
        EMBEDDING_MODEL="all-MiniLM-L6-v2",
    ):
        yield stub_llm
