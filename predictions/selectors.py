"""Reads of the predictions app: the forecast dashboard's numbers from the deals table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from predictions.forecast import DealRow, Forecast, forecast
from predictions.models import Deal, InterventionFiring, InterventionRule, LeadPrediction, ModelRun

HORIZONS = (30, 90)
HISTORY_DAYS = 540
DAY = 86400.0


def deal_rows(*, now: dt.datetime) -> list[DealRow]:
    """Deals opened in the last ``HISTORY_DAYS`` days on a day clock where ``now`` is 0;
    an outcome after ``now`` is not known yet (the deal is open)."""
    since = now - dt.timedelta(days=HISTORY_DAYS)
    rows = []
    qs = Deal.objects.filter(opened_at__gte=since, opened_at__lte=now).select_related("owner")
    for d in qs.iterator(chunk_size=2000):
        closed = d.closed_at is not None and d.closed_at <= now and not d.is_open
        rows.append(
            DealRow(
                opened=(d.opened_at - now).total_seconds() / DAY,
                amount=float(d.amount),
                source=d.source or "",
                won=closed and d.stage == Deal.Stage.WON,
                closes=(d.closed_at - now).total_seconds() / DAY if closed else None,
                owner=d.owner.get_username() if d.owner else "",
                stage="" if closed else d.get_stage_display(),
            )
        )
    return rows


def forecast_dashboard(*, now: dt.datetime | None = None, draws: int = 2000) -> dict[str, Any]:
    """Expected won revenue over the next 30 and 90 days with an 80% interval, split by
    stage, source and owner (the open pipeline's part), and the open pipeline itself."""
    now = now or timezone.now()
    rows = deal_rows(now=now)
    forecasts: list[Forecast] = [
        forecast(rows, now=0.0, horizon=h, draws=draws, seed=h) for h in HORIZONS
    ]
    for f in forecasts:
        f.splits = [  # type: ignore[attr-defined] - for the template
            (title, sorted(split.items(), key=lambda kv: -kv[1]))
            for title, split in (
                ("stage", f.by_stage),
                ("source", f.by_source),
                ("owner", f.by_owner),
            )
        ]
    return {
        "now": now,
        "n_deals": len(rows),
        "forecasts": forecasts,
        "enough": sum(1 for r in rows if r.closes is not None) >= 30,
        **prediction_lists(),
        "interventions": interventions_recent(),
    }


def _latest_runs(kind: str) -> list[ModelRun]:
    """The latest run of ``kind`` per service (one for churn)."""
    seen: dict[str, ModelRun] = {}
    for run in ModelRun.objects.filter(kind=kind).order_by("-trained_at", "-pk"):
        seen.setdefault(run.service, run)
    return sorted(seen.values(), key=lambda r: r.service)


def _rows(run: ModelRun, limit: int) -> list[dict[str, Any]]:
    preds = LeadPrediction.objects.filter(run=run).select_related("lead").order_by("-score")
    out = []
    for p in preds[:limit]:
        lead = p.lead
        out.append(
            {
                "lead": lead,
                "label": lead.company or lead.name or lead.email,
                "url": reverse("admin:leads_lead_change", args=[lead.pk]),
                "score": p.score,
                "factors": p.factors,
            }
        )
    return out


def prediction_lists(*, limit: int = 10) -> dict[str, Any]:
    """The churn-risk list (won accounts most likely to go quiet) and, per service, the
    leads most likely to buy it; a model that is not active has a reason and no rows."""
    churn_runs = _latest_runs(ModelRun.Kind.CHURN)
    churn = churn_runs[0] if churn_runs else None
    return {
        "churn": {
            "run": churn,
            "rows": _rows(churn, limit) if churn and churn.active else [],
        },
        "propensity": [
            {"run": run, "rows": _rows(run, limit) if run.active else []}
            for run in _latest_runs(ModelRun.Kind.PROPENSITY)
        ],
    }


def interventions_recent(*, limit: int = 10) -> list[dict[str, Any]]:
    """Each intervention rule with its last firings (newest first), for the dashboard."""
    from django.db.models import Count, Q

    since = timezone.now() - dt.timedelta(days=1)
    rules = InterventionRule.objects.annotate(
        n_24h=Count("firings", filter=Q(firings__fired_at__gt=since))
    ).order_by("-is_active", "name", "pk")
    out = []
    for rule in rules:
        firings = (
            InterventionFiring.objects.filter(rule=rule)
            .select_related("lead")
            .order_by("-fired_at", "-pk")[:limit]
        )
        out.append(
            {
                "rule": rule,
                "url": reverse("admin:predictions_interventionrule_change", args=[rule.pk]),
                "firings": [
                    {
                        "at": f.fired_at,
                        "label": f.lead.company or f.lead.name or f.lead.email,
                        "url": reverse("admin:leads_lead_change", args=[f.lead_id]),
                        "score": f.score,
                        "trigger": f.trigger,
                        "done": _done(f.actions),
                    }
                    for f in firings
                ],
            }
        )
    return out


def _done(actions: dict[str, Any] | None) -> str:
    a = actions or {}
    if "enrolment_id" in a:
        return f"enrolled in {a.get('sequence', 'the sequence')}"
    if "task_id" in a:
        return f"task and alert to {a.get('owner', 'the owner')}"
    return ""
