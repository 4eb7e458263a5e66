"""The per-turn analysis (Celery): intents, sentiment, urgency, progress, value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from chat import slots
from chat.models import Conversation

VALUE_OF_BUDGET = {"<10k": 5000, "10k-50k": 30000, "50k-100k": 75000, "100k+": 150000}
POSITIVE = {"great", "good", "thanks", "thank", "perfect", "love", "helpful", "awesome", "nice"}
NEGATIVE = {"bad", "terrible", "angry", "frustrated", "useless", "annoyed", "hate", "worst"}


def conversation_analyse(*, conversation_id: Any) -> Conversation | None:
    """Primary intent, intents, sentiment, urgency, qualification progress and estimated
    value, from the stored messages and slots (idempotent)."""
    conv = Conversation.objects.filter(pk=conversation_id).first()
    if conv is None:
        return None
    user_msgs = list(conv.messages.filter(role="user").values_list("intent", "content"))
    counts: dict[str, int] = {}
    for intent, _ in user_msgs:
        if intent and intent not in ("affirm", "deny", "unknown", "greeting", "thanks"):
            counts[intent] = counts.get(intent, 0) + 1
    words = " ".join(c.lower() for _, c in user_msgs).split()
    pos = sum(w.strip(".,!?") in POSITIVE for w in words)
    neg = sum(w.strip(".,!?") in NEGATIVE for w in words)
    collected = conv.collected or {}
    timeline = collected.get("timeline")
    conv.primary_intent = max(counts, key=counts.get) if counts else ""
    conv.intents = sorted(counts)
    conv.sentiment = "positive" if pos > neg else "negative" if neg > pos else "neutral"
    conv.urgency = (
        "high"
        if timeline in ("immediate", "1-3mo")
        else "medium"
        if timeline == "3-6mo"
        else "low"
        if timeline
        else ""
    )
    conv.qualification_progress = slots.qualification_progress(collected)
    value = VALUE_OF_BUDGET.get(collected.get("budget", ""))
    conv.estimated_value = Decimal(value) if value else None
    conv.analysed_at = timezone.now()
    conv.save(
        update_fields=[
            "primary_intent",
            "intents",
            "sentiment",
            "urgency",
            "qualification_progress",
            "estimated_value",
            "analysed_at",
            "updated_at",
        ]  # fmt: skip
    )
    return conv
