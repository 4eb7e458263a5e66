"""Inferred profile data (progressive profiling): a lead's missing fields guessed from its
behaviour, by the rules in ``leads.inference`` and, when configured, an LLM; every guess is
logged (``ProfileInference``) and only a confident one fills an *empty* field, marked in
``Lead.inferred_fields`` so the person's own answer always replaces it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ementech.ai.structured import llm_json
from leads import inference
from leads.models import Lead, LeadAudit, ProfileInference

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
