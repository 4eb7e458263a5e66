"""Churn and propensity trained on the project's OWN history (leads and their deals).

Each model goes through ``predictions.learning.evaluate_classifier`` (temporal hold-out,
a simple baseline, activated only when reliably better); a refused model stores its report
and no scores, so the dashboard says plainly that it is not active.

- **Propensity per service**: leads with a decided deal (won or lost); 1 = the lead won a
  deal for that service. Baseline: the service is among the lead's stated interests. The
  live leads without a win for that service are scored.
- **Churn**: won accounts whose first win closed at least ``CHURN_WINDOW`` days ago; 1 = no
  new deal opened and no visit within ``CHURN_WINDOW`` days after that win (the account went
  quiet). Baseline: fewer visits. Won accounts whose last win is more recent are scored; the
  days since their last visit is one of the attributes, so fading engagement shows in the
  factors. The project keeps only a lead's latest visit, so "a visit after the win" is read
  from ``last_visit_at``: a coarse label, documented as such.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from leads.facade import Lead
from predictions.learning import evaluate_classifier
from predictions.models import Deal, LeadPrediction, ModelRun

CHURN_WINDOW = 180
MIN_ROWS = 60  # fewer decided examples (or one class only): refused without fitting
TOP_FACTORS = 3


def lead_record(lead: Any, *, now: dt.datetime) -> dict[str, Any]:
    """A lead's raw attributes (categories as strings, counts, recency in days)."""
    last = lead.last_visit_at
    return {
        "company_size": lead.company_size or "",
        "industry": (lead.industry or "").lower(),
        "budget": lead.budget or "",
        "timeline": lead.timeline or "",
        "authority": lead.authority or "",
        "source": (lead.source or "").lower(),
        "visits": int(lead.visits or 0),
        "page_views": int(lead.page_views or 0),
        "days_since_last_visit": (now - last).days if last else 999,
        "interests": [str(i).lower() for i in (lead.interests or [])],
    }


def _deals_by_lead() -> dict[Any, list[Deal]]:
    out: dict[Any, list[Deal]] = defaultdict(list)
    for d in Deal.objects.filter(lead__isnull=False).order_by("opened_at").iterator():
        out[d.lead_id].append(d)
    return out


def _store(
    kind: str,
    service: str,
    model: Any,
    evaluation: Any,
    candidates: list[Any],
    *,
    now: dt.datetime,
    record: Any = None,
) -> ModelRun:
    with transaction.atomic():
        run = ModelRun.objects.create(
            kind=kind,
            service=service,
            status=evaluation.status if evaluation else "refused",
            message=evaluation.message if evaluation else _too_few(kind, service),
            evaluation=evaluation.as_dict() if evaluation else {},
            trained_at=now,
        )
        if model is not None and candidates:
            records = [(record or lead_record)(lead, now=now) for lead in candidates]
            scores = model.predict(records)
            factors = model.explain(records, top=TOP_FACTORS)
            LeadPrediction.objects.bulk_create(
                LeadPrediction(run=run, lead=lead, score=float(s), factors=f)
                for lead, s, f in zip(candidates, scores, factors, strict=True)
            )
    return run


def _too_few(kind: str, service: str) -> str:
    name = f"{kind}:{service}" if service else kind
    return f"{name}: not enough decided history on this project to train (need {MIN_ROWS})."


def _fit(kind: str, service: str, rows: list[tuple], baseline: list[float], *, seed: int):
    """rows: (lead, label, time). Returns (model or None, evaluation or None)."""
    labels = [r[1] for r in rows]
    if len(rows) < MIN_ROWS or len(set(labels)) < 2 or min(labels.count(0), labels.count(1)) < 10:
        return None, None
    now = timezone.now()
    records = [lead_record(r[0], now=now) for r in rows]
    times = [r[2].timestamp() for r in rows]
    return evaluate_classifier(
        f"{kind}:{service}" if service else kind,
        records,
        np.array(labels),
        times,
        np.array(baseline, dtype=float),
        seed=seed,
    )


def train_propensity(*, now: dt.datetime | None = None) -> list[ModelRun]:
    now = now or timezone.now()
    by_lead = _deals_by_lead()
    services = sorted({d.service for ds in by_lead.values() for d in ds if d.service})
    leads = {ld.pk: ld for ld in Lead.objects.filter(pk__in=list(by_lead))}
    runs = []
    for i, service in enumerate(services):
        rows, base = [], []
        for lead_id, deals in by_lead.items():
            decided = [d for d in deals if not d.is_open and d.closed_at]
            if lead_id not in leads or not decided:
                continue
            won = any(d.stage == Deal.Stage.WON and d.service == service for d in decided)
            lead = leads[lead_id]
            rows.append((lead, int(won), decided[0].closed_at))
            base.append(float(service in [str(x).lower() for x in lead.interests or []]))
        model, ev = _fit("propensity", service, rows, base, seed=i)
        candidates = []
        if model is not None:
            have = {
                lead_id
                for lead_id, deals in by_lead.items()
                if any(d.stage == Deal.Stage.WON and d.service == service for d in deals)
            }
            candidates = list(
                Lead.objects.exclude(pk__in=have).exclude(outcome="lost").order_by("-score")[:2000]
            )
        runs.append(_store("propensity", service, model, ev, candidates, now=now))
    return runs


def train_churn(*, now: dt.datetime | None = None) -> ModelRun:
    now = now or timezone.now()
    window = dt.timedelta(days=CHURN_WINDOW)
    by_lead = _deals_by_lead()
    wins = {
        lead_id: [d for d in deals if d.stage == Deal.Stage.WON and d.closed_at]
        for lead_id, deals in by_lead.items()
    }
    wins = {k: v for k, v in wins.items() if v}
    leads = {ld.pk: ld for ld in Lead.objects.filter(pk__in=list(wins))}
    rows, base, current = [], [], []
    for lead_id, won in wins.items():
        lead = leads.get(lead_id)
        if lead is None:
            continue
        first, last = won[0].closed_at, won[-1].closed_at
        if now - last < window:
            current.append(lead)
        if now - first < window:
            continue
        later_deal = any(first < d.opened_at <= first + window for d in by_lead[lead_id])
        visited = lead.last_visit_at is not None and lead.last_visit_at > first
        rows.append((lead, int(not (later_deal or visited)), first))
        base.append(-float(lead.visits or 0))
    model, ev = _fit("churn", "", rows, base, seed=0)
    return _store("churn", "", model, ev, current if model is not None else [], now=now)


def train_all(*, now: dt.datetime | None = None) -> dict[str, Any]:
    churn = train_churn(now=now)
    prop = train_propensity(now=now)
    from predictions import profile_models
    from predictions.ai_data import fill_ai_data

    profile = [
        profile_models.train_intent(now=now),
        profile_models.train_budget(now=now),
        profile_models.train_timeline(now=now),
    ]
    fill_ai_data(now=now)
    return {
        "churn": churn.status,
        **{f"propensity:{r.service}": r.status for r in prop},
        **{r.kind: r.status for r in profile},
    }
