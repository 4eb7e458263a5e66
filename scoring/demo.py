"""Demo data of the scoring app: score every demo lead (history, grades, alerts) and record
the seed's custom metrics for the demo leads, so the dashboard has figures. Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from scoring import services
from scoring.models import Metric


def load(log: Callable[[str], None]) -> None:
    from leads.facade import Lead

    stats = services.leads_rescore_bulk(reason="demo")
    log(f"scoring: scored {stats.leads} leads ({stats.changed} changed, {stats.alerts} alerts)")
    if Metric.objects.filter(data__demo=True).exists():
        return
    for lead in Lead.objects.exclude(stage="anonymous").order_by("created_at")[:200]:
        services.metric_record(
            kind=Metric.Kind.LEAD_CAPTURED,
            lead=lead,
            data={"source": lead.source, "stage": lead.stage, "demo": True},
            occurred_at=lead.created_at,
        )
        if lead.stage == "customer" or lead.outcome == "won":
            services.metric_record(
                kind=Metric.Kind.CONVERSION,
                lead=lead,
                value=0.0,
                data={"type": "customer", "funnel_stage": "customer", "demo": True},
                occurred_at=lead.updated_at,
            )
    log("scoring: recorded demo metrics")
