"""Demo data of the scoring app: score every demo lead (history, grades, alerts) and record
the seed's custom metrics (``analytics``) for the demo leads, so the dashboard has figures.
Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from scoring import services


def load(log: Callable[[str], None]) -> None:
    from analytics.facade import metric_record, metrics_recorded
    from leads.facade import Lead

    stats = services.leads_rescore_bulk(reason="demo")
    log(f"scoring: scored {stats.leads} leads ({stats.changed} changed, {stats.alerts} alerts)")
    if metrics_recorded(demo=True):
        return
    for lead in Lead.objects.exclude(stage="anonymous").order_by("created_at")[:200]:
        metric_record(
            kind="lead_captured",
            lead=lead,
            data={"source": lead.source, "stage": lead.stage, "demo": True},
            occurred_at=lead.created_at,
        )
        if lead.stage == "customer" or lead.outcome == "won":
            metric_record(
                kind="conversion",
                lead=lead,
                value=0.0,
                data={"type": "customer", "funnel_stage": "customer", "demo": True},
                occurred_at=lead.updated_at,
            )
    log("scoring: recorded demo metrics")
