"""OpenAI and Anthropic providers through their official SDKs against a local stub server
speaking their wire formats (JSON and SSE, streamed tool calls); fallback, timeouts, cost,
cache and budgets of the runner."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from ementech.ai import cost, llm_config
from ementech.ai.providers.anthropic import AnthropicProvider
from ementech.ai.providers.base import ChatRequest, ProviderError, ToolSpec
from ementech.ai.providers.openai import OpenAIProvider
from tests.ai_providers.stub import Reply

SAVE = ToolSpec(
    name="save_lead",
    description="Save the visitor's details.",
    parameters={"type": "object", "properties": {"name": {"type": "string"}}},
)
ARGS = json.dumps({"name": "Wanjiru Kamau", "company": "Savanna Freight"})


def request(**kw) -> ChatRequest:
    base = {
        "model": "gpt-4o",
        "system": "You are helpful.",
        "messages": [{"role": "user", "content": "Hello"}],
        "tools": [SAVE],
        "task": "qualification",
    }
    return ChatRequest(**{**base, **kw})


def openai(stub) -> OpenAIProvider:
    return OpenAIProvider(api_key="sk-test", base_url=stub.openai_url)


def anthropic(stub) -> AnthropicProvider:
    return AnthropicProvider(api_key="ak-test", base_url=stub.anthropic_url)


# --- OpenAI ---------------------------------------------------------------------------------


def test_openai_complete_with_tool_call(stub_llm):
    stub_llm.script("openai", Reply(text="Let me note that.", tool_calls=[("save_lead", ARGS)]))
    res = openai(stub_llm).complete(request())
    assert res.text == "Let me note that."
    assert [(c.name, c.arguments) for c in res.tool_calls] == [
        ("save_lead", {"name": "Wanjiru Kamau", "company": "Savanna Freight"})
    ]
    assert (res.usage.input_tokens, res.usage.output_tokens) == (120, 40)
    sent = stub_llm.bodies("openai")[0]
    assert sent["messages"][0] == {"role": "system", "content": "You are helpful."}
    assert sent["tools"][0]["function"]["name"] == "save_lead"
    assert sent["model"] == "gpt-4o"


def test_openai_stream_tokens_and_streamed_tool_call(stub_llm):
    stub_llm.script(
        "openai",
        Reply(text="Chatbots cut response times.", tool_calls=[("save_lead", ARGS)], chunk=3),
    )
    events = list(openai(stub_llm).stream(request()))
    tokens = [e.text for e in events if e.type == "token"]
    assert len(tokens) > 5 and "".join(tokens) == "Chatbots cut response times."
    calls = [e.tool_call for e in events if e.type == "tool_call"]
    assert calls[0].name == "save_lead"
    assert calls[0].arguments == {"name": "Wanjiru Kamau", "company": "Savanna Freight"}
    done = events[-1]
    assert done.type == "done" and done.result.usage.output_tokens == 40
    assert stub_llm.bodies("openai")[0]["stream"] is True


def test_openai_tool_result_round_trip_format(stub_llm):
    from ementech.ai.providers.base import ToolCall

    call = ToolCall.parse("call_0", "save_lead", ARGS)
    msgs = [
        {"role": "user", "content": "I'm Wanjiru"},
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_0", "name": "save_lead", "content": "{}"},
    ]
    stub_llm.script("openai", Reply(text="Saved."))
    openai(stub_llm).complete(request(messages=msgs))
    sent = stub_llm.bodies("openai")[0]["messages"]
    assert sent[2]["tool_calls"][0]["function"] == {"name": "save_lead", "arguments": ARGS}
    assert sent[3] == {"role": "tool", "tool_call_id": "call_0", "content": "{}"}


def test_openai_http_error_is_provider_error(stub_llm):
    stub_llm.script("openai", Reply(status=500))
    with pytest.raises(ProviderError):
        openai(stub_llm).complete(request())


# --- Anthropic --------------------------------------------------------------------------------


def test_anthropic_complete_with_tool_use(stub_llm):
    stub_llm.script("anthropic", Reply(text="Noted.", tool_calls=[("save_lead", ARGS)]))
    res = anthropic(stub_llm).complete(request(model="claude-3-5-sonnet-20241022"))
    assert res.text == "Noted."
    assert res.tool_calls[0].name == "save_lead"
    assert res.tool_calls[0].arguments["company"] == "Savanna Freight"
    sent = stub_llm.bodies("anthropic")[0]
    assert sent["system"] == "You are helpful."
    assert sent["tools"][0]["input_schema"]["type"] == "object"


def test_anthropic_stream_text_and_input_json_deltas(stub_llm):
    stub_llm.script(
        "anthropic", Reply(text="We can help with that.", tool_calls=[("save_lead", ARGS)])
    )
    events = list(anthropic(stub_llm).stream(request(model="claude-3-5-sonnet-20241022")))
    assert "".join(e.text for e in events if e.type == "token") == "We can help with that."
    call = next(e.tool_call for e in events if e.type == "tool_call")
    assert call.arguments == {"name": "Wanjiru Kamau", "company": "Savanna Freight"}
    assert events[-1].result.usage.input_tokens == 120
    assert events[-1].result.usage.output_tokens == 40


# --- runner: fallback, timeout, cost, cache, budgets ------------------------------------------


def test_failing_primary_falls_back_to_next_provider(llm_settings):
    llm_settings.script("openai", Reply(status=500))
    llm_settings.script("anthropic", Reply(text="Claude here."))
    out = llm_config.run(request())
    assert not out.failed
    assert out.result.provider == "anthropic" and out.result.text == "Claude here."
    assert out.attempts == ["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022"]


def test_all_failing_gives_seed_fallback_message(llm_settings):
    llm_settings.script("openai", Reply(status=503))
    llm_settings.script("anthropic", Reply(status=529))
    out = llm_config.run(request())
    assert out.failed
    assert out.result.text == (
        "I'd love to help you further. Could you please email us at hello@ementech.co.ke "
        "and we'll get back to you right away?"
    )
    chat = llm_config.run(request(task="chat"))
    assert chat.result.text.startswith("I apologize, but I'm experiencing technical difficulties")


def test_timeout_falls_back(llm_settings):
    llm_settings.script("openai", Reply(text="too late", delay=1.5))
    llm_settings.script("anthropic", Reply(text="in time"))
    out = llm_config.run(request(timeout=0.4))
    assert out.result.text == "in time"


def test_the_llm_timeout_setting_applies_when_a_call_names_none(llm_settings):
    """``LLM_TIMEOUT`` is the default for every call (it was shadowed by a hard-coded 20 s
    default on ``ChatRequest``, so the setting was never read)."""
    llm_settings.script("openai", Reply(text="too late", delay=1.5))
    llm_settings.script("anthropic", Reply(text="in time"))
    with override_settings(LLM_TIMEOUT=0.4):
        out = llm_config.run(request())
    assert out.result.text == "in time"


def test_midstream_failure_resets_and_falls_back(llm_settings):
    llm_settings.script("openai", Reply(text="This answer will brea", chunk=2, drop_after_tokens=3))
    llm_settings.script("anthropic", Reply(text="Complete answer."))
    items = list(llm_config.run_stream(request()))
    kinds = [getattr(i, "type", "outcome") for i in items]
    assert "reset" in kinds
    assert items[-1].result.text == "Complete answer."


def test_cost_is_priced_per_model(llm_settings):
    llm_settings.script("openai", Reply(text="ok", input_tokens=1000, output_tokens=500))
    out = llm_config.run(request())
    # gpt-4o: $2.50 / 1M input, $10 / 1M output
    assert out.result.cost == pytest.approx(0.0025 + 0.005)


def test_identical_deterministic_calls_are_cached(llm_settings):
    llm_settings.script("openai", Reply(text="cached answer"))
    first = llm_config.run(request(temperature=0))
    second = llm_config.run(request(temperature=0))
    assert second.result.text == "cached answer" and second.result.cached
    assert second.result.cost == 0
    assert len(llm_settings.bodies("openai")) == 1
    llm_config.run(request(temperature=0.7))
    llm_config.run(request(temperature=0.7))
    assert len(llm_settings.bodies("openai")) == 3
    assert not first.result.cached


def test_visitor_budget_refuses_politely(llm_settings):
    llm_settings.script("openai", Reply(text="ok", input_tokens=100_000, output_tokens=10_000))
    with override_settings(CHAT_VISITOR_BUDGET_USD=0.30):
        assert not llm_config.run(request(), visitor_key="v1").budget_refused  # $0.35
        refused = llm_config.run(request(), visitor_key="v1")
        other = llm_config.run(request(), visitor_key="v2")
    assert refused.budget_refused and refused.result.text == llm_config.BUDGET_MESSAGE
    assert not other.budget_refused
    assert len(llm_settings.bodies("openai")) == 2


def test_monthly_budget_refuses_everyone(llm_settings):
    llm_settings.script("openai", Reply(text="ok", input_tokens=100_000, output_tokens=10_000))
    with override_settings(CHAT_MONTHLY_BUDGET_USD=0.30, CHAT_VISITOR_BUDGET_USD=100):
        llm_config.run(request(), visitor_key="a")
        out = llm_config.run(request(), visitor_key="b")
    assert out.budget_refused
    assert cost.spend_get("a")[1] == pytest.approx(0.35)


def test_without_keys_the_local_provider_answers(settings):
    settings.LLM_PROVIDER = "auto"
    settings.OPENAI_API_KEY = ""
    settings.ANTHROPIC_API_KEY = ""
    chain = llm_config.chain_for("qualification")
    assert [p.name for p, _ in chain] == ["local"]


def test_routes_follow_the_seed_matrix(settings):
    settings.LLM_ROUTES = {}
    settings.LLM_FALLBACK_CHAIN = []
    assert [r.model for r in llm_config.routes_for("qualification")] == [
        "gpt-4o",
        "claude-3-5-sonnet-20241022",
    ]
    assert llm_config.routes_for("rag_generation")[0].provider == "anthropic"
    assert llm_config.routes_for("sentiment")[0].model == "gpt-4o-mini"
