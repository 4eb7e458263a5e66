"""The one "ask the model for a JSON object, validate, fall back" helper, for tasks that
want a JSON answer or fall back to their rules (tools, scoring, nurture).

When no remote provider is configured (no OpenAI/Anthropic key) the callers use their rules:
``llm_json`` returns ``None`` and nothing is sent anywhere. When a provider is configured
but fails, times out or answers with something that is not a JSON object, ``None`` too.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.conf import settings

from ementech.ai import llm_config
from ementech.ai.providers.base import ChatRequest

logger = logging.getLogger(__name__)

_OBJECT_RE = re.compile(r"\{.*\}", re.S)


def llm_available() -> bool:
    """A remote model is configured and not switched off (``LLM_PROVIDER=local``)."""
    return settings.LLM_PROVIDER != "local" and llm_config.remote_configured()


def llm_json(
    *, task: str, system: str, prompt: str, max_tokens: int = 500
) -> dict[str, Any] | None:
    """Ask the configured model for a JSON object; ``None`` when unavailable or unusable."""
    if not llm_available():
        return None
    request = ChatRequest(
        model="",
        system=system,
        messages=[{"role": "user", "content": prompt}],
        temperature=0,
        max_tokens=max_tokens,
        task=task,
    )
    try:
        outcome = llm_config.run(request)
    except Exception:  # noqa: BLE001 - the rules answer instead
        logger.warning("llm %s failed", task, exc_info=True)
        return None
    if outcome.failed or outcome.budget_refused:
        return None
    match = _OBJECT_RE.search(outcome.result.text or "")
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None
