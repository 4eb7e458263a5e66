"""Which provider and model answers each task, the fallback chain, and the call runner.

The seed's model selection matrix (section 8.1) is the default ``LLM_ROUTES``; settings may
override any task with a list of ``"provider:model"`` entries. Providers without credentials
are skipped; with none configured the local provider answers (no keys needed). When every
provider in the chain fails, the caller gets the seed's fallback message for the task.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from django.conf import settings

from . import cost
from .providers.base import (
    ChatRequest,
    ChatResult,
    Provider,
    ProviderError,
    ProviderNotConfigured,
    StreamEvent,
    stream_from_result,
)

log = logging.getLogger(__name__)

# Seed 8.1: task -> primary, secondary. Model ids as the providers name them.
DEFAULT_ROUTES: dict[str, list[str]] = {
    "qualification": ["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022"],
    "chat": ["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022", "openai:gpt-4o-mini"],
    "content_generation": ["anthropic:claude-3-5-sonnet-20241022", "openai:gpt-4o"],
    "code": ["anthropic:claude-3-5-sonnet-20241022"],
    "rag_search": ["openai:gpt-4o"],
    "rag_generation": ["anthropic:claude-3-5-sonnet-20241022", "openai:gpt-4o"],
    "sentiment": ["openai:gpt-4o-mini"],
    "lead_scoring": ["openai:gpt-4o"],
    "personalization": ["anthropic:claude-3-5-sonnet-20241022"],
    "exit_intent": ["openai:gpt-4o"],
}

# Seed 8.4: what the visitor reads when every model failed.
FALLBACK_MESSAGES: dict[str, str] = {
    "chat": (
        "I apologize, but I'm experiencing technical difficulties. Please try again in a "
        "moment or email us at hello@ementech.co.ke"
    ),
    "qualification": (
        "I'd love to help you further. Could you please email us at hello@ementech.co.ke "
        "and we'll get back to you right away?"
    ),
    "recommendation": (
        "Our team would be happy to provide personalized recommendations. Please reach out "
        "at hello@ementech.co.ke"
    ),
}

BUDGET_MESSAGE = (
    "I've reached the limit of what I can answer automatically in this chat. I'd be glad to "
    "hand you to a person on our team, or you can email us at hello@ementech.co.ke."
)


def fallback_message(task: str) -> str:
    task = {"rag_generation": "chat", "rag_search": "chat"}.get(task, task)
    return FALLBACK_MESSAGES.get(task, FALLBACK_MESSAGES["chat"])


@dataclass(frozen=True)
class Route:
    provider: str
    model: str


def routes_for(task: str) -> list[Route]:
    """The configured chain for a task, followed by the task-independent fallback chain."""
    table = {**DEFAULT_ROUTES, **settings.LLM_ROUTES}
    entries = list(table.get(task) or table["chat"])
    for extra in settings.LLM_FALLBACK_CHAIN:
        if extra not in entries:
            entries.append(extra)
    out = []
    for entry in entries:
        provider, _, model = entry.partition(":")
        out.append(Route(provider=provider, model=model))
    return out


def build_provider(name: str) -> Provider:
    """The provider from settings (one client per key and URL, reused: building an SDK
    client costs more than a request); raises ``ProviderNotConfigured`` without keys."""
    if name == "openai":
        return _remote("openai", settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL)
    if name == "anthropic":
        return _remote("anthropic", settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL)
    if name == "local":
        return local_provider()
    raise ProviderNotConfigured(f"unknown provider {name!r}")


@lru_cache(maxsize=16)
def _remote(name: str, api_key: str, base_url: str | None) -> Provider:
    if name == "openai":
        from .providers.openai import OpenAIProvider

        return OpenAIProvider(api_key=api_key, base_url=base_url)
    from .providers.anthropic import AnthropicProvider

    return AnthropicProvider(api_key=api_key, base_url=base_url)


@cache
def local_provider() -> Provider:
    from .providers.local import LocalProvider

    return LocalProvider()


def remote_configured() -> bool:
    return bool(settings.OPENAI_API_KEY or settings.ANTHROPIC_API_KEY)


def chain_for(task: str) -> list[tuple[Provider, str]]:
    """Usable (provider, model) pairs for a task, in order; the local provider if none."""
    if settings.LLM_PROVIDER == "local" or (
        settings.LLM_PROVIDER == "auto" and not remote_configured()
    ):
        return [(local_provider(), "local")]
    chain = []
    for route in routes_for(task):
        try:
            chain.append((build_provider(route.provider), route.model))
        except ProviderNotConfigured:
            continue
    return chain


@dataclass
class Outcome:
    """What a run produced: the result, or ``failed`` with the fallback text as result."""

    result: ChatResult
    failed: bool = False
    budget_refused: bool = False
    attempts: list[str] | None = None
    latency_ms: int = 0
    first_token_ms: int | None = None


def run_stream(
    request: ChatRequest,
    *,
    visitor_key: str | None = None,
    chain: list[tuple[Provider, str]] | None = None,
    on_failure: Callable[[str, str, Exception], None] | None = None,
) -> Iterator[StreamEvent | Outcome]:
    """Stream a request through the chain with fallback, cache and budget.

    Yields provider ``StreamEvent`` items (a ``reset`` event when a provider failed midway
    and the next one starts over) and finally one :class:`Outcome`.
    """
    started = time.perf_counter()
    chain = chain if chain is not None else chain_for(request.task)
    paid = any(p.name != "local" for p, _ in chain)
    if paid:
        verdict = cost.budget_check(visitor_key)
        if not verdict.allowed:
            log.warning("llm budget exceeded (%s)", verdict.reason)
            res = ChatResult(text=BUDGET_MESSAGE, provider="budget", finish_reason=verdict.reason)
            yield from stream_from_result(res)
            yield Outcome(result=res, budget_refused=True, attempts=[])
            return
    attempts: list[str] = []
    first_token: int | None = None
    for provider, model in chain:
        req = replace(request, model=model, timeout=request.timeout or settings.LLM_TIMEOUT)
        attempts.append(f"{provider.name}:{model}")
        hit = cost.cached_result(req, provider.name)
        emitted = False
        try:
            events = stream_from_result(hit) if hit else provider.stream(req)
            for ev in events:
                if ev.type == "done":
                    res = ev.result
                    res.provider = res.provider or provider.name
                    if not res.cached:
                        res.cost = cost.cost_of(res.model or model, res.usage)
                        cost.spend_record(visitor_key, res.cost)
                        cost.cache_store(req, provider.name, res)
                    yield ev
                    yield Outcome(
                        result=res,
                        attempts=attempts,
                        latency_ms=int((time.perf_counter() - started) * 1000),
                        first_token_ms=first_token,
                    )
                    return
                if ev.type == "token" and first_token is None:
                    first_token = int((time.perf_counter() - started) * 1000)
                emitted = True
                yield ev
            raise ProviderError(f"{provider.name}: stream ended without a result")
        except ProviderError as exc:
            log.warning("llm provider %s:%s failed: %s", provider.name, model, exc)
            if on_failure:
                on_failure(provider.name, model, exc)
            if emitted:
                yield StreamEvent("reset")
                first_token = None
    res = ChatResult(text=fallback_message(request.task), provider="fallback")
    yield from stream_from_result(res)
    yield Outcome(
        result=res,
        failed=True,
        attempts=attempts,
        latency_ms=int((time.perf_counter() - started) * 1000),
    )


def run(request: ChatRequest, **kwargs) -> Outcome:
    """Non-streaming convenience: drain :func:`run_stream` and return the outcome."""
    outcome = None
    for item in run_stream(request, **kwargs):
        if isinstance(item, Outcome):
            outcome = item
    assert outcome is not None
    return outcome
