"""Token cost accounting, the response cache for deterministic calls, and spend budgets.

Prices are per million tokens (``LLM_PRICES`` in settings). Spend is counted in the cache
(Redis in service mode) in micro-dollars per visitor and per calendar month, so every web
node sees the same totals; the per-message figures are also stored with each chat message.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .providers.base import ChatRequest, ChatResult, Usage

log = logging.getLogger(__name__)

MICRO = 1_000_000


def price_of(model: str) -> dict[str, float]:
    """Input/output price per million tokens; the longest configured prefix wins."""
    prices: dict[str, dict[str, float]] = settings.LLM_PRICES
    if model in prices:
        return prices[model]
    best = ""
    for name in prices:
        if model.startswith(name) and len(name) > len(best):
            best = name
    return prices.get(best, {"input": 0.0, "output": 0.0})


def cost_of(model: str, usage: Usage) -> float:
    price = price_of(model)
    return round(
        usage.input_tokens / MICRO * price["input"] + usage.output_tokens / MICRO * price["output"],
        6,
    )


def estimate_tokens(text: str) -> int:
    """Rough token count (4 characters a token) for estimates before a call."""
    return max(1, len(text) // 4)


# --- response cache -----------------------------------------------------------------------


def cache_key(request: ChatRequest, provider: str) -> str:
    digest = hashlib.sha256(f"{provider}|{request.cache_key_material()}".encode()).hexdigest()
    return f"llm:resp:{digest}"


def cached_result(request: ChatRequest, provider: str) -> ChatResult | None:
    """A stored result for an identical deterministic (temperature 0) call, if any."""
    if not request.deterministic:
        return None
    hit = cache.get(cache_key(request, provider))
    if hit is None:
        return None
    hit.cached = True
    hit.cost = 0.0
    return hit


def cache_store(request: ChatRequest, provider: str, result: ChatResult) -> None:
    if request.deterministic and not result.cached:
        cache.set(cache_key(request, provider), result, settings.LLM_CACHE_SECONDS)


# --- budgets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetVerdict:
    allowed: bool
    reason: str = ""


def _month_key() -> str:
    return f"llm:spend:month:{timezone.now():%Y-%m}"


def _visitor_key(visitor_key: str) -> str:
    return f"llm:spend:visitor:{visitor_key}"


def spend_get(visitor_key: str | None = None) -> tuple[float, float]:
    """(this visitor's spend, this month's spend) in dollars."""
    month = (cache.get(_month_key()) or 0) / MICRO
    visitor = (cache.get(_visitor_key(visitor_key)) or 0) / MICRO if visitor_key else 0.0
    return visitor, month


def budget_check(visitor_key: str | None) -> BudgetVerdict:
    visitor, month = spend_get(visitor_key)
    if month >= settings.CHAT_MONTHLY_BUDGET_USD:
        return BudgetVerdict(False, "monthly")
    if visitor_key and visitor >= settings.CHAT_VISITOR_BUDGET_USD:
        return BudgetVerdict(False, "visitor")
    return BudgetVerdict(True)


def _incr(key: str, amount: int, timeout: int) -> None:
    cache.add(key, 0, timeout)
    try:
        cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout)


def spend_record(visitor_key: str | None, dollars: float) -> None:
    if dollars <= 0:
        return
    micro = int(round(dollars * MICRO))
    _incr(_month_key(), micro, 40 * 24 * 3600)
    if visitor_key:
        _incr(_visitor_key(visitor_key), micro, 30 * 24 * 3600)
