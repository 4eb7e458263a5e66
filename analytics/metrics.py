"""The custom metrics of seed 14.2: leads captured, conversions and AI satisfaction,
recorded as they happen or swept from activity since the last run, and their totals for
the sales dashboard. (Moved from ``scoring`` with the ``Metric`` model, issue 12.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from analytics.models import Metric


def metrics_sweep(*, since: dt.datetime) -> int:
    """Record the seed's custom metrics from what the other apps stored since ``since``:
    lead captured (the leads app's ``created`` audit rows), conversion (stage moves to
    qualified/opportunity/customer and outcome won) and AI satisfaction (rated chat
    conversations). Each once per lead and stage / conversation. Returns rows recorded."""
    from leads.facade import LeadAudit

    rows: list[Metric] = []
    audits = LeadAudit.objects.filter(
        created_at__gte=since, action__in=("created", "stage_changed", "updated")
    ).select_related("lead")
    captured = set(
        Metric.objects.filter(
            kind=Metric.Kind.LEAD_CAPTURED, lead_id__in=audits.values("lead_id")
        ).values_list("lead_id", flat=True)
    )
    converted = set(
        Metric.objects.filter(
            kind=Metric.Kind.CONVERSION, lead_id__in=audits.values("lead_id")
        ).values_list("lead_id", "data__funnel_stage")
    )
    for audit in audits:
        lead, changes = audit.lead, audit.changes or {}
        if audit.action == "created" and lead.pk not in captured:
            captured.add(lead.pk)
            rows.append(
                Metric(
                    kind=Metric.Kind.LEAD_CAPTURED,
                    lead=lead,
                    occurred_at=audit.created_at,
                    data={
                        "source": str(changes.get("source", lead.source))[:100],
                        "industry": lead.industry,
                        "company_size": lead.company_size,
                    },
                )
            )
            continue
        stage = ""
        if audit.action == "stage_changed" and isinstance(changes.get("stage"), list):
            stage = str(changes["stage"][-1])
            if stage not in ("qualified", "opportunity", "customer"):
                stage = ""
        elif audit.action == "updated" and (changes.get("outcome") or {}).get("to") == "won":
            stage = "won"
        if stage and (lead.pk, stage) not in converted:
            converted.add((lead.pk, stage))
            rows.append(
                Metric(
                    kind=Metric.Kind.CONVERSION,
                    lead=lead,
                    value=0.0,
                    occurred_at=audit.created_at,
                    data={"type": f"stage:{stage}", "funnel_stage": stage},
                )
            )
    rows += _satisfaction_metrics(since)
    Metric.objects.bulk_create(rows, batch_size=1000)
    if rows:
        from analytics.dashboard import dashboard_push

        dashboard_push("metric", {"kind": "sweep", "recorded": len(rows)})
    return len(rows)


def _satisfaction_metrics(since: dt.datetime) -> list[Metric]:
    from analytics.dashboard import chat_tables_ready

    if not chat_tables_ready():
        return []
    from chat.facade import rated_conversations

    rated = rated_conversations(updated_since=since)
    if not rated:
        return []
    done = set(
        Metric.objects.filter(
            kind=Metric.Kind.AI_SATISFACTION,
            data__conversation_id__in=[str(r[0]) for r in rated],
        ).values_list("data__conversation_id", flat=True)
    )
    return [
        Metric(
            kind=Metric.Kind.AI_SATISFACTION,
            lead_id=lead_id,
            value=float(score),
            occurred_at=at,
            data={"conversation_id": str(pk), "source": "chat"},
        )
        for pk, lead_id, score, at in rated
        if str(pk) not in done
    ]


# --- metrics (seed 14.2) ----------------------------------------------------------------------


def metric_record(
    *,
    kind: str,
    value: float | None = None,
    data: dict | None = None,
    lead: Any = None,
    occurred_at: dt.datetime | None = None,
) -> Metric:
    """Record a custom metric (no personal data in ``data``) and tell the dashboard."""
    if kind not in Metric.Kind.values:
        raise ValueError(f"Unknown metric kind {kind!r}")
    metric = Metric.objects.create(
        kind=kind,
        value=value,
        data=data or {},
        lead_id=getattr(lead, "pk", lead),
        occurred_at=occurred_at or timezone.now(),
    )
    from analytics.dashboard import dashboard_push

    dashboard_push("metric", {"kind": kind, "value": value})
    return metric


def metric_lead_captured(*, lead: Any, source: str) -> Metric:
    return metric_record(
        kind=Metric.Kind.LEAD_CAPTURED,
        lead=lead,
        data={
            "source": (source or "")[:100],
            "stage": getattr(lead, "stage", ""),
            "industry": getattr(lead, "industry", ""),
            "company_size": getattr(lead, "company_size", ""),
        },
    )


def metric_conversion(
    *, lead: Any, conversion_type: str, value: float = 0.0, funnel_stage: str = ""
) -> Metric:
    return metric_record(
        kind=Metric.Kind.CONVERSION,
        lead=lead,
        value=value,
        data={"type": conversion_type[:50], "funnel_stage": funnel_stage[:30]},
    )


def metric_ai_satisfaction(
    *, conversation_id: Any, satisfaction: int, model: str = "", lead: Any = None
) -> Metric:
    """A visitor's 1-5 rating of an AI conversation."""
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValueError("satisfaction must be an integer from 1 to 5")
    return metric_record(
        kind=Metric.Kind.AI_SATISFACTION,
        lead=lead,
        value=float(satisfaction),
        data={"conversation_id": str(conversation_id)[:64], "model": model[:60]},
    )


def metric_totals(*, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """Leads captured, conversions (count and value) and AI satisfaction (average, count)
    recorded in ``[since, until)``."""
    from django.db.models import Avg, Count, Q, Sum
    from django.db.models.functions import Coalesce

    return Metric.objects.filter(occurred_at__gte=since, occurred_at__lt=until).aggregate(
        captured=Count("pk", filter=Q(kind="lead_captured")),
        conversions=Count("pk", filter=Q(kind="conversion")),
        conversion_value=Coalesce(Sum("value", filter=Q(kind="conversion")), 0.0),
        satisfaction_avg=Avg("value", filter=Q(kind="ai_satisfaction")),
        satisfaction_n=Count("pk", filter=Q(kind="ai_satisfaction")),
    )
