"""Writes of the tools app: ROI calculations, maturity assessments, emailing a result (which
captures the lead), exit-intent offers and their outcomes.

Lead data is written only through ``leads.facade.lead_capture`` (capture, consent,
validated profile fields) and, for tool data, ``leads.facade.lead_profile_extra_set`` (a
JSON column). Inferring missing profile data is progressive profiling's: ``leads.facade``
``profile_infer``. Services get the caller's ``core.context.RequestContext`` as ``ctx``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ementech.ai.structured import llm_json
from mail.facade import queue_template_email
from tools import assessment, offers, roi
from tools.models import ExitOffer, ToolResult

if TYPE_CHECKING:
    from core.context import RequestContext
    from leads.models import Lead, Visitor

logger = logging.getLogger(__name__)

EMAIL_CONSENT_WORDING = (
    "Email me this result. EmenTech stores my email and the details I gave to send it "
    "(privacy policy: /privacy-policy/)."
)
MARKETING_WORDING = "Also send me occasional practical insights on AI. Unsubscribe any time."


def _record(type_: str, properties: dict, *, visitor, lead, ctx: RequestContext | None) -> None:
    if visitor is None and lead is None:
        return
    from analytics.facade import interaction_record

    interaction_record(type=type_, properties=properties, visitor=visitor, lead=lead, ctx=ctx)


# --- ROI calculator ------------------------------------------------------------------------------


@transaction.atomic
def roi_calculate(
    *,
    inputs: roi.RoiInputs,
    visitor: Visitor | None = None,
    lead: Lead | None = None,
    ctx: RequestContext | None = None,
) -> ToolResult:
    outputs = roi.calculate(inputs)
    result = ToolResult.objects.create(
        kind=ToolResult.Kind.ROI,
        inputs=asdict(inputs),
        outputs=outputs,
        visitor=visitor,
        lead=lead,
    )
    _record(
        "roi_calculate",
        {
            "path": "/tools/roi/",
            "inputs": asdict(inputs),
            "result": {k: outputs[k] for k in ("annual_savings", "time_to_value_weeks")},
        },
        visitor=visitor,
        lead=lead,
        ctx=ctx,
    )
    return result


# --- Maturity assessment -------------------------------------------------------------------------


def _llm_roadmap(scores: dict, context: dict) -> dict | None:
    answer = llm_json(
        task="content_generation",
        system=(
            "You are an AI adoption consultant. Given maturity scores (0-100) per dimension, "
            "write a short personalised roadmap. Reply with JSON only: "
            '{"roadmap": [{"phase": "0-3 months"|"3-6 months"|"6-12 months", "title": str, '
            '"actions": [str, ...]}], "next_steps": [str, str, str]}. Be concrete; no prices.'
        ),
        prompt=f"Scores: {scores}. Company context: {context or 'unknown'}.",
        max_tokens=600,
    )
    if not answer:
        return None
    phases = answer.get("roadmap")
    steps = answer.get("next_steps")
    if not isinstance(phases, list) or not isinstance(steps, list) or not 1 <= len(phases) <= 4:
        return None
    clean = []
    for phase in phases:
        if not isinstance(phase, dict):
            return None
        actions = phase.get("actions")
        if (
            not isinstance(phase.get("phase"), str)
            or not isinstance(phase.get("title"), str)
            or not isinstance(actions, list)
            or not 1 <= len(actions) <= 5
            or not all(isinstance(a, str) and 0 < len(a) <= 300 for a in actions)
        ):
            return None
        clean.append(
            {"phase": phase["phase"][:40], "title": phase["title"][:120], "actions": actions}
        )
    if not 1 <= len(steps) <= 5 or not all(isinstance(s, str) and len(s) <= 300 for s in steps):
        return None
    return {"roadmap": clean, "next_steps": steps}


@transaction.atomic
def assessment_run(
    *,
    answers: dict[str, int],
    context: dict[str, str] | None = None,
    visitor: Visitor | None = None,
    lead: Lead | None = None,
    ctx: RequestContext | None = None,
) -> ToolResult:
    """Score validated answers; roadmap by the LLM when configured, rules otherwise."""
    scores = assessment.score(answers)
    rules = assessment.roadmap_rules(scores)
    personalised = _llm_roadmap(scores, context or {})
    plan = {**rules, **personalised} if personalised else rules
    outputs = {**scores, **plan}
    result = ToolResult.objects.create(
        kind=ToolResult.Kind.ASSESSMENT,
        inputs={"answers": answers, "context": context or {}},
        outputs=outputs,
        method="llm" if personalised else "rules",
        visitor=visitor,
        lead=lead,
    )
    _record(
        "assessment_complete",
        {
            "path": "/tools/assessment/",
            "assessment_id": str(result.pk),
            "score": scores["overall"],
            "answers": answers,
        },
        visitor=visitor,
        lead=lead,
        ctx=ctx,
    )
    return result


# --- Emailing a result (captures the lead) -------------------------------------------------------


def _profile_from(result: ToolResult) -> dict[str, Any]:
    if result.kind == ToolResult.Kind.ROI:
        inputs = result.inputs
        return {
            "pain_points": [roi.PAIN_POINTS[p][0] for p in inputs["pain_points"]],
            "tech_stack": list(inputs["current_tools"]),
            "interests": [roi.GOALS[g] for g in inputs["goals"]],
        }
    focus = result.outputs.get("focus") or []
    return {"interests": [f"AI maturity: {d}" for d in focus]}


@transaction.atomic
def tool_result_email(
    *,
    result: ToolResult,
    email: str,
    consent,
    profile: dict[str, Any] | None = None,
    visitor: Visitor | None = None,
    ip: str = "",
    ctx: RequestContext | None = None,
) -> ToolResult:
    """Capture the lead (consent + profile), store the tool data, email the result.
    The consent records keep ``ip``, else ``ctx``'s truncated address.

    Raises ``leads.services.CaptureError`` (nothing stored) on invalid email, missing
    consent or invalid profile values.
    """
    from leads.facade import lead_capture, lead_profile_extra_set

    merged = {**_profile_from(result), **{k: v for k, v in (profile or {}).items() if v}}
    captured = lead_capture(
        email=email,
        consent=consent,
        source="roi_calculator" if result.kind == ToolResult.Kind.ROI else "assessment",
        visitor=visitor,
        profile=merged,
        ip=ip or (ctx.ip_truncated if ctx is not None else ""),
    )
    lead = captured.lead
    now = timezone.now()
    if result.kind == ToolResult.Kind.ROI:
        lead_profile_extra_set(
            lead_id=lead.pk,
            key="roi_calculator",
            data={
                "result_id": str(result.pk),
                "inputs": result.inputs,
                "annual_savings": result.outputs["annual_savings"],
                "time_to_value_weeks": result.outputs["time_to_value_weeks"],
                "confidence": result.outputs["confidence"],
                "at": now.isoformat(),
            },
        )
        template = "roi_result"
        attachments: tuple = ()
    else:
        lead_profile_extra_set(
            lead_id=lead.pk,
            key="ai_maturity",
            data={
                "result_id": str(result.pk),
                "overall": result.outputs["overall"],
                "level": result.outputs["level"],
                "dimensions": result.outputs["dimensions"],
                "answers": result.inputs["answers"],
                "at": now.isoformat(),
            },
        )
        template = "assessment_report"
        attachments = (
            (
                "ai-maturity-radar.svg",
                assessment.radar_svg(result.outputs["dimensions"]),
                "image/svg+xml",
            ),
        )
    if result.visitor is None and visitor is None:
        # The calculation was anonymous and unlinked: attribute it to the lead now.
        _record(
            "roi_calculate" if result.kind == ToolResult.Kind.ROI else "assessment_complete",
            {"path": f"/tools/{result.kind}/", "result_id": str(result.pk)}
            if result.kind == ToolResult.Kind.ROI
            else {
                "path": "/tools/assessment/",
                "assessment_id": str(result.pk),
                "score": result.outputs["overall"],
            },
            visitor=None,
            lead=lead,
            ctx=ctx,
        )
    queue_template_email(
        to=lead.email,
        template=template,
        context={
            "result": result,
            "outputs": result.outputs,
            "inputs": result.inputs,
            "assumptions": roi.assumptions() if result.kind == ToolResult.Kind.ROI else [],
            "dimension_rows": [
                (label, result.outputs["dimensions"].get(key, 0))
                for key, (label, _weight) in assessment.DIMENSIONS.items()
            ]
            if result.kind == ToolResult.Kind.ASSESSMENT
            else [],
        },
        lead_id=lead.pk,
        attachments=attachments,
        category="tools",
    )
    result.lead = lead
    result.emailed_at = now
    result.save(update_fields=["lead", "emailed_at"])
    return result


# --- Exit-intent offers --------------------------------------------------------------------------


def _llm_offer(signals: offers.Signals) -> tuple[str, dict] | None:
    answer = llm_json(
        task="exit_intent",
        system=(
            "Select the best exit-intent offer for this website visitor. Offers: consultation "
            "(high value, high friction), checklist (medium value, low friction), newsletter "
            "(low value, lowest friction), webinar_waitlist (medium value, medium friction). "
            'Reply with JSON only: {"offer": one of those ids, "title": str (max 80 chars), '
            '"description": str (max 200 chars), "reason": str}.'
        ),
        prompt=f"Session: {signals.as_dict()}",
        max_tokens=200,
    )
    if not answer or answer.get("offer") not in offers.OFFERS:
        return None
    copy = {}
    for key, limit in (("title", 80), ("description", 200)):
        value = answer.get(key)
        if isinstance(value, str) and 0 < len(value.strip()) <= limit:
            copy[key] = value.strip()
    reason = answer.get("reason") if isinstance(answer.get("reason"), str) else ""
    return answer["offer"], {**copy, "reason": reason[:300]}


@transaction.atomic
def exit_offer_choose(
    *,
    signals: offers.Signals,
    visitor: Visitor | None = None,
    lead: Lead | None = None,
    session_id: str = "",
) -> tuple[ExitOffer, dict[str, str]]:
    """Pick and record the offer; returns the row and the copy to show."""
    chosen = _llm_offer(signals)
    if chosen is not None:
        offer, copy = chosen
        chosen_by, reason = "llm", copy.pop("reason", "")
    else:
        offer, reason = offers.choose_rules(signals)
        chosen_by, copy = "rules", {}
    row = ExitOffer.objects.create(
        offer=offer,
        chosen_by=chosen_by,
        reason=reason,
        signals=signals.as_dict(),
        visitor=visitor,
        lead=lead,
        session_id=session_id[:64],
    )
    return row, {**offers.OFFERS[offer], **copy}


OUTCOME_ORDER = {"shown": 0, "dismissed": 1, "accepted": 2, "converted": 3}


@transaction.atomic
def exit_offer_outcome(*, offer_id, outcome: str) -> ExitOffer | None:
    """Record what happened; an outcome only moves forward (shown < dismissed < accepted <
    converted), so a late 'dismissed' never hides a conversion."""
    if outcome not in OUTCOME_ORDER or outcome == "shown":
        raise ValueError("Unknown outcome.")
    row = ExitOffer.objects.select_for_update().filter(pk=offer_id).first()
    if row is None:
        return None
    if OUTCOME_ORDER[outcome] > OUTCOME_ORDER[row.outcome]:
        row.outcome = outcome
        row.outcome_at = timezone.now()
        row.save(update_fields=["outcome", "outcome_at"])
    return row
