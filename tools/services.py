"""Writes of the tools app: ROI calculations, maturity assessments, emailing a result (which
captures the lead), exit-intent offers and their outcomes, and inferred profile data.

Lead data is written only through ``leads.services.lead_capture`` (capture, consent,
validated profile fields) and, for tool data and inferences, through
``lead_tool_data_store`` / ``lead_inferences_apply`` here (JSON columns and empty fields).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ementech.ai.structured import llm_json
from leads.facade import Lead, LeadAudit, Visitor
from mail.facade import queue_template_email
from tools import assessment, inference, offers, roi
from tools.models import ExitOffer, ProfileInference, ToolResult

if TYPE_CHECKING:
    from core.context import RequestContext

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
def lead_tool_data_store(*, lead: Lead, key: str, data: dict) -> Lead:
    """Keep a tool's inputs and results on the lead (``profile_extra[key]``)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    extra = dict(lead.profile_extra or {})
    extra[key] = data
    lead.profile_extra = extra
    lead.save(update_fields=["profile_extra", "updated_at"])
    return lead


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
    from leads.facade import lead_capture

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
        lead_tool_data_store(
            lead=lead,
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
        lead_tool_data_store(
            lead=lead,
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


# --- Inferred profile data -----------------------------------------------------------------------

INFERABLE_FIELDS = ("industry", "company_size", "role", "budget", "timeline")
CHOICES = {
    "company_size": {c for c, _ in Lead.CompanySize.choices},
    "budget": {c for c, _ in Lead.Budget.choices},
    "timeline": {c for c, _ in Lead.Timeline.choices},
}


def _llm_inferences(lead: Lead, interactions: list[dict]) -> list[inference.Inference]:
    summary = [
        {"type": i["type"], **{k: i["properties"].get(k) for k in ("path", "title", "resource_id")}}
        for i in interactions[-60:]
    ]
    answer = llm_json(
        task="lead_scoring",
        system=(
            "Infer missing B2B profile data from website behaviour. Reply with JSON only: "
            '{"<field>": {"value": str, "confidence": 0..1}} for fields company_size '
            "(1-10|11-50|51-200|201-500|500+), industry, role, budget (<10k|10k-50k|"
            "50k-100k|100k+), timeline (immediate|1-3mo|3-6mo|6-12mo|12mo+), sophistication "
            "(beginner|intermediate|advanced). Omit what the behaviour does not show."
        ),
        prompt=f"Interactions: {summary}",
        max_tokens=300,
    )
    out = []
    for key, item in (answer or {}).items():
        if key not in (*INFERABLE_FIELDS, "sophistication") or not isinstance(item, dict):
            continue
        value, conf = item.get("value"), item.get("confidence")
        if not isinstance(value, str) or not isinstance(conf, int | float):
            continue
        if key in CHOICES and value not in CHOICES[key]:
            continue
        out.append(
            inference.Inference(key, value[:100], round(min(0.9, float(conf)), 2), {"llm": True})
        )
    return out


def _is_empty(lead: Lead, field: str) -> bool:
    if field == "sophistication":
        return not (lead.ai_data or {}).get("sophistication")
    return not getattr(lead, field)


@transaction.atomic
def lead_inferences_apply(
    *, lead: Lead, inferences: list[inference.Inference], method: str = "rules"
) -> list[ProfileInference]:
    """Log every inference; write those >= 0.7 into *empty* fields and mark them inferred."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    inferred = dict(lead.inferred_fields or {})
    rows = []
    changed: dict[str, Any] = {}
    for item in inferences:
        applied = item.confidence >= inference.APPLY_THRESHOLD and _is_empty(lead, item.field)
        if applied:
            if item.field == "sophistication":
                lead.ai_data = {**(lead.ai_data or {}), "sophistication": item.value}
            else:
                setattr(lead, item.field, item.value)
            inferred[item.field] = item.confidence
            changed[item.field] = {"value": item.value, "confidence": item.confidence}
        rows.append(
            ProfileInference(
                lead=lead,
                field=item.field,
                value=item.value,
                confidence=item.confidence,
                applied=applied,
                method=method,
                evidence=item.evidence,
            )
        )
    if changed:
        lead.inferred_fields = inferred
        fields = {f if f != "sophistication" else "ai_data" for f in changed}
        lead.save(update_fields=[*fields, "inferred_fields", "updated_at"])
        LeadAudit.objects.create(lead=lead, action="inferred", changes=changed)
    ProfileInference.objects.bulk_create(rows)
    return rows


def profile_infer(*, lead_id, now: dt.datetime | None = None) -> list[ProfileInference]:
    """Infer a lead's missing profile data from its interactions (rules, or LLM + rules)."""
    from analytics.facade import interactions

    lead = Lead.objects.filter(pk=lead_id).first()
    if lead is None:
        return []
    now = now or timezone.now()
    interactions = list(
        interactions()
        .filter(lead=lead)
        .order_by("-occurred_at")
        .values("type", "properties", "occurred_at")[:500]
    )
    interactions.reverse()
    found = {i.field: i for i in inference.infer(interactions, now=now)}
    method = "rules"
    for item in _llm_inferences(lead, interactions) if interactions else []:
        method = "llm"
        if item.field not in found or item.confidence > found[item.field].confidence:
            found[item.field] = item
    if not found:
        return []
    return lead_inferences_apply(lead=lead, inferences=list(found.values()), method=method)


def profiles_infer_recent(*, since: dt.timedelta = dt.timedelta(hours=2)) -> int:
    from analytics.facade import interactions

    ids = (
        interactions()
        .filter(created_at__gte=timezone.now() - since, lead__isnull=False)
        .order_by()
        .values_list("lead_id", flat=True)
        .distinct()[:1000]
    )
    count = 0
    for lead_id in ids:
        count += len(profile_infer(lead_id=lead_id))
    return count
