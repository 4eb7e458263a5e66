"""Next-best actions for a lead (seed 4.4 ``getRecommendedActions``): 3-5 concrete,
prioritised recommendations.

Rules always work; when ``SCORING_ACTIONS_USE_LLM`` is on and a remote LLM provider is
configured (``ementech.ai``), the model is asked first with the lead's features only (no
name, email or other personal data) and any failure falls back to the rules.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

MIN_ACTIONS, MAX_ACTIONS = 3, 5


def _action(priority: int, action: str, reason: str) -> dict[str, Any]:
    return {"priority": priority, "action": action, "reason": reason}


def rule_actions(*, lead: Any, grade: str, factors: dict) -> list[dict[str, Any]]:
    """Prioritised actions from the lead's profile, grade and features (1 = do first)."""
    values = factors.get("values", {}) or {}
    decay = float(factors.get("decay", 1.0) or 1.0)
    stage = getattr(lead, "buying_stage", "") or ""
    pains = [p for p in (getattr(lead, "pain_points", None) or []) if p]
    industry = getattr(lead, "industry", "") or ""
    candidates: list[tuple[int, dict[str, Any]]] = []

    if grade == "A":
        urgent = lead.timeline in ("immediate", "1-3mo")
        candidates.append(
            (
                0,
                _action(
                    0,
                    "Call within 24 hours and offer a tailored demo"
                    if urgent
                    else "Book a discovery call this week",
                    "Grade A: engaged and a strong fit"
                    + (f", timeline {lead.timeline}" if lead.timeline else ""),
                ),
            )
        )
    if stage == "decision":
        candidates.append(
            (1, _action(0, "Send a proposal with pricing options", "Buying stage: decision"))
        )
    if not lead.budget:
        candidates.append(
            (2, _action(0, "Qualify the budget range on the next touchpoint", "Budget unknown"))
        )
    if lead.authority != "decision_maker":
        candidates.append(
            (
                3,
                _action(
                    0,
                    "Identify the decision maker and invite them to the next meeting",
                    "Authority: "
                    + (
                        {"influencer": "influencer", "user": "end user"}.get(lead.authority)
                        or "unknown"
                    ),
                ),
            )
        )
    if not lead.timeline:
        candidates.append(
            (4, _action(0, "Ask when they need a solution in place", "Timeline unknown"))
        )
    if pains:
        candidates.append(
            (
                5,
                _action(
                    0,
                    f"Share a case study that solves '{pains[0][:80]}'",
                    "Stated pain point",
                ),
            )
        )
    if decay < 0.5:
        candidates.append(
            (
                2,
                _action(
                    0,
                    "Send a personal re-engagement email with new content",
                    f"Inactive for {factors.get('inactive_days', 0):.0f} days",
                ),
            )
        )
    if stage == "consideration":
        candidates.append(
            (
                6,
                _action(
                    0,
                    "Invite them to the ROI calculator or an assessment",
                    "Buying stage: consideration",
                ),
            )
        )
    if stage == "awareness" or not stage:
        candidates.append(
            (
                7,
                _action(
                    0,
                    "Send an educational guide"
                    + (f" for {industry}" if industry else " for their industry"),
                    "Buying stage: awareness",
                ),
            )
        )
    if values.get("engagement", 0) < 0.3:
        candidates.append(
            (8, _action(0, "Invite them to the next webinar", "Low engagement so far"))
        )
    if not (lead.company_size and lead.industry and lead.role):
        candidates.append(
            (
                9,
                _action(
                    0,
                    "Complete the profile (company size, industry, role) with progressive "
                    "profiling",
                    "Profile incomplete",
                ),
            )
        )
    if grade == "D":
        candidates.append(
            (10, _action(0, "Keep in the nurture sequence; no sales outreach yet", "Grade D"))
        )
    candidates.append(
        (11, _action(0, "Add to the monthly newsletter", "Keep the relationship warm"))
    )
    candidates.append(
        (12, _action(0, "Review the lead's timeline before the next contact", "Context"))
    )
    seen: set[str] = set()
    ordered = []
    for _, item in sorted(candidates, key=lambda c: c[0]):
        if item["action"] in seen:
            continue
        seen.add(item["action"])
        ordered.append(item)
    chosen = ordered[:MAX_ACTIONS]
    for i, item in enumerate(chosen, start=1):
        item["priority"] = i
    return chosen


_LINE = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s*(.+?)\s*$")


def parse_llm_actions(text: str) -> list[dict[str, Any]]:
    """``1. Action — reason`` lines into actions (at most five)."""
    actions = []
    for line in (text or "").splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        body = m.group(1).strip().strip("*").strip()
        parts = re.split(r"\s+[—–-]\s+", body, maxsplit=1)
        action = parts[0].strip()
        reason = parts[1].strip() if len(parts) > 1 else ""
        if action:
            actions.append(_action(len(actions) + 1, action[:300], reason[:300]))
        if len(actions) == MAX_ACTIONS:
            break
    return actions


def _llm_prompt(*, score: int, grade: str, factors: dict, lead: Any) -> str:
    features = {
        "score": score,
        "grade": grade,
        "fit_and_engagement_values": factors.get("values", {}),
        "contributions": factors.get("points", {}),
        "company_size": lead.company_size,
        "industry": lead.industry,
        "role": lead.role,
        "budget": lead.budget,
        "timeline": lead.timeline,
        "authority": lead.authority,
        "buying_stage": lead.buying_stage,
        "pain_points": list(lead.pain_points or [])[:5],
        "days_inactive": factors.get("inactive_days"),
    }
    return (
        f"Lead score: {score}/100 (grade {grade})\nFeatures: {features}\n\n"
        "Recommend 3-5 specific actions to move this lead forward. Consider their biggest "
        "barrier, the most valuable content, the next logical step and how urgent follow-up "
        "is. Answer only with a numbered list, most important first, one action per line as "
        "'1. action — reason'."
    )


def llm_actions(*, score: int, grade: str, factors: dict, lead: Any) -> list[dict] | None:
    """Actions from the configured LLM, or ``None`` (not configured, failed, unparsable)."""
    if not settings.SCORING_ACTIONS_USE_LLM:
        return None
    from ementech.ai import llm_config
    from ementech.ai.providers.base import ChatRequest

    try:
        if not llm_config.remote_configured():
            return None
        chain = llm_config.chain_for("lead_scoring")
        if not chain:
            return None
        request = ChatRequest(
            model=chain[0][1],
            system="You are a B2B sales strategist for an AI services company.",
            messages=[
                {
                    "role": "user",
                    "content": _llm_prompt(score=score, grade=grade, factors=factors, lead=lead),
                }
            ],
            temperature=0,
            max_tokens=400,
            task="lead_scoring",
        )
        outcome = llm_config.run(request, chain=chain)
        if outcome.failed:
            return None
        actions = parse_llm_actions(outcome.result.text)
    except Exception:  # an LLM problem never breaks scoring
        log.warning("next-best actions: LLM failed, using rules", exc_info=True)
        return None
    return actions if len(actions) >= MIN_ACTIONS else None


def next_best_actions(*, lead: Any, score: int, grade: str, factors: dict) -> dict[str, Any]:
    """``{"source": "llm" | "rules", "actions": [...]}``."""
    actions = llm_actions(score=score, grade=grade, factors=factors, lead=lead)
    if actions:
        return {"source": "llm", "actions": actions}
    return {"source": "rules", "actions": rule_actions(lead=lead, grade=grade, factors=factors)}
