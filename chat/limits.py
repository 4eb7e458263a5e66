"""The chat's abuse limits, counted by the core rate limiter (``core.ratelimit``).

- **messages**: ``chat-message`` per conversation and per browser (visitor cookie), so a
  second tab or a second conversation does not double the allowance;
- **new conversations**: ``chat-new-conversation-browser`` (per visitor cookie) and
  ``chat-new-conversation-ip`` (per client address: a browser without a cookie is a new
  "browser" with every conversation, its address is not);
- **LLM spend**: dollars per browser and per client address over a day, across
  conversations (``CHAT_BROWSER_BUDGET_USD_PER_DAY``, ``CHAT_IP_BUDGET_USD_PER_DAY``),
  counted in micro-dollars; the library's own per-conversation and monthly budgets stay.

Each function returns the seconds to wait (0 when allowed); the consumer and the views turn
that into an ``error`` event with ``retry_after`` (the socket stays open) or a 429. Keys of
addresses are hashed: an address or IP never rests in Redis in clear.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings

from core import ratelimit

MICRO = 1_000_000
DAY = "d"


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _first_refusal(checks: list[tuple[str, str]]) -> int:
    for scope, key in checks:
        decision = ratelimit.check(scope, key)
        if not decision.allowed:
            return decision.retry_after
    return 0


def message_wait(*, conversation_id: Any, visitor_id: Any) -> int:
    """Count one visitor message; seconds to wait if over ``chat-message``."""
    checks = [("chat-message", f"conv:{conversation_id}")] if conversation_id else []
    if visitor_id:
        checks.append(("chat-message", f"visitor:{visitor_id}"))
    return _first_refusal(checks)


def new_conversation_wait(*, visitor_id: Any, client_ip: str) -> int:
    """Count one new conversation for this browser and address; seconds to wait if over."""
    checks = [("chat-new-conversation-ip", _hashed(client_ip or "unknown"))]
    if visitor_id:
        checks.insert(0, ("chat-new-conversation-browser", str(visitor_id)))
    return _first_refusal(checks)


def _budgets(conversation, client_ip: str) -> list[tuple[str, str, int]]:
    """(scope, key, cap in micro-dollars) of this conversation's browser and address."""
    browser = str(conversation.visitor_id or conversation.pk)
    return [
        ("chat-llm-browser", browser, int(settings.CHAT_BROWSER_BUDGET_USD_PER_DAY * MICRO)),
        (
            "chat-llm-ip",
            _hashed(client_ip or "unknown"),
            int(settings.CHAT_IP_BUDGET_USD_PER_DAY * MICRO),
        ),
    ]


def llm_budget_wait(*, conversation, client_ip: str) -> int:
    """Seconds until the browser's or address's daily LLM budget resets, if it is spent."""
    for scope, key, cap in _budgets(conversation, client_ip):
        spent = ratelimit.check(scope, key, cost=0, rate=f"{cap}/{DAY}")
        if spent.count >= cap:
            period = ratelimit.parse_rate(f"{cap}/{DAY}").period
            return max(1, int(period - (time.time() % period)))
    return 0


def llm_spend_record(*, conversation, client_ip: str, dollars: float) -> None:
    """Add a turn's model cost to the browser's and the address's daily spend."""
    micro = int(round(dollars * MICRO))
    if micro <= 0:
        return
    for scope, key, cap in _budgets(conversation, client_ip):
        ratelimit.check(scope, key, cost=micro, rate=f"{cap}/{DAY}")
