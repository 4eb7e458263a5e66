"""Intent score, budget band and timeline: the ``ai_data`` predictions about a lead's
purchase, trained on the project's OWN history (leads and their deals) through
``predictions.learning`` like churn and propensity (temporal hold-out, a simple baseline,
activated only when reliably better, refused without signal or with too little history).

- **Intent score** (classifier): leads first seen at least ``INTENT_WINDOW`` days ago;
  1 = a deal was opened for the lead within ``INTENT_WINDOW`` days of its creation.
  Baseline: the rules' engagement score. Live leads with no deal yet are scored.
- **Budget band** (regression on the amount of the lead's first won deal, measured as
  normalised mean absolute error): baseline = the training period's mean amount for the
  lead's *stated* budget band (what a salesperson would guess from the form). The predicted
  amount is shown as a band (``BUDGET_BANDS``).
- **Timeline** (regression on days from the lead's creation to its first won deal):
  baseline = the training period's mean for the lead's stated timeline. Shown as a band
  (``TIMELINE_BANDS``) with the predicted days.

Won leads and deals with a lead are what these learn from, so the attributes are the lead's
as they are now (the project keeps no history of a lead's fields): a coarse design,
documented as such, as for churn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.utils import timezone

from leads.facade import Lead
from predictions.learning import evaluate_classifier, evaluate_regressor, temporal_split
from predictions.models import Deal, ModelRun
from predictions.training import MIN_ROWS, _deals_by_lead, _store, lead_record

INTENT_WINDOW = 90
BUDGET_BANDS = ((10_000, "<10k"), (50_000, "10k-50k"), (100_000, "50k-100k"), (None, "100k+"))
TIMELINE_BANDS = (
    (14, "immediate"),
    (90, "1-3mo"),
    (180, "3-6mo"),
    (365, "6-12mo"),
    (None, "12mo+"),
)
CANDIDATES = 2000


def band(value: float, bands: Sequence[tuple[float | None, str]]) -> str:
    for upper, name in bands:
        if upper is None or value < upper:
            return name
    return bands[-1][1]


def group_mean_baseline(
    records: Sequence[dict[str, Any]], y: np.ndarray, times: Sequence[Any], field: str
) -> np.ndarray:
    """Each record's prediction = the training period's mean of ``y`` for its value of
    ``field`` (the overall training mean for a value not seen there)."""
    y = np.asarray(y, dtype=float)
    tr, _ = temporal_split(times)
    overall = float(y[tr].mean()) if len(tr) else 0.0
    sums: dict[Any, list[float]] = {}
    for i in tr:
        sums.setdefault(records[i].get(field), []).append(y[i])
    means = {k: float(np.mean(v)) for k, v in sums.items()}
    return np.array([means.get(r.get(field), overall) for r in records])


def profile_record(lead: Any, *, now: dt.datetime) -> dict[str, Any]:
    """``training.lead_record`` plus the behaviour the intent score reads."""
    return {
        **lead_record(lead, now=now),
        "time_on_site_seconds": int(lead.time_on_site_seconds or 0),
        "avg_scroll_depth": float(lead.avg_scroll_depth or 0),
    }


def _too_few(kind: str) -> Any:
    return ModelRun.objects.create(
        kind=kind,
        status="refused",
        message=f"{kind}: not enough decided history on this project to train (need {MIN_ROWS}).",
        trained_at=timezone.now(),
    )


def _first_won(deals: list[Deal]) -> Deal | None:
    won = [d for d in deals if d.stage == Deal.Stage.WON and d.closed_at]
    return min(won, key=lambda d: d.closed_at) if won else None


def train_intent(*, now: dt.datetime | None = None) -> ModelRun:
    now = now or timezone.now()
    window = dt.timedelta(days=INTENT_WINDOW)
    by_lead = _deals_by_lead()
    rows, labels, times, base = [], [], [], []
    for lead in Lead.objects.filter(created_at__lte=now - window).iterator(chunk_size=2000):
        deals = by_lead.get(lead.pk, [])
        labels.append(int(any(d.opened_at <= lead.created_at + window for d in deals)))
        rows.append(profile_record(lead, now=now))
        times.append(lead.created_at.timestamp())
        base.append(float(lead.engagement_score or 0))
    if len(rows) < MIN_ROWS or min(labels.count(0), labels.count(1)) < 10:
        return _too_few(ModelRun.Kind.INTENT)
    model, ev = evaluate_classifier(
        ModelRun.Kind.INTENT, rows, np.array(labels), times, np.array(base), seed=11
    )
    candidates = []
    if model is not None:
        candidates = list(
            Lead.objects.exclude(pk__in=list(by_lead))
            .exclude(outcome="lost")
            .order_by("-last_visit_at")[:CANDIDATES]
        )
    return _store(ModelRun.Kind.INTENT, "", model, ev, candidates, now=now, record=profile_record)


def _train_won_regression(kind: str, target, field: str, *, now: dt.datetime) -> ModelRun:
    by_lead = _deals_by_lead()
    won = {lead_id: _first_won(deals) for lead_id, deals in by_lead.items()}
    won = {k: v for k, v in won.items() if v is not None}
    leads = {ld.pk: ld for ld in Lead.objects.filter(pk__in=list(won))}
    rows, y, times = [], [], []
    for lead_id, deal in won.items():
        lead = leads.get(lead_id)
        value = target(lead, deal) if lead is not None else None
        if value is None:
            continue
        rows.append(profile_record(lead, now=now))
        y.append(value)
        times.append(deal.closed_at.timestamp())
    if len(rows) < MIN_ROWS:
        return _too_few(kind)
    y_arr = np.array(y, dtype=float)
    base = group_mean_baseline(rows, y_arr, times, field)
    model, ev = evaluate_regressor(kind, rows, y_arr, times, base, seed=12)
    candidates = []
    if model is not None:
        candidates = list(
            Lead.objects.exclude(pk__in=list(won))
            .exclude(outcome="lost")
            .order_by("-last_visit_at")[:CANDIDATES]
        )
    return _store(kind, "", model, ev, candidates, now=now, record=profile_record)


def train_budget(*, now: dt.datetime | None = None) -> ModelRun:
    return _train_won_regression(
        ModelRun.Kind.BUDGET,
        lambda lead, deal: float(deal.amount),
        "budget",
        now=now or timezone.now(),
    )


def train_timeline(*, now: dt.datetime | None = None) -> ModelRun:
    def days(lead: Any, deal: Deal) -> float | None:
        d = (deal.closed_at - lead.created_at).total_seconds() / 86400
        return d if d >= 0 else None

    return _train_won_regression(
        ModelRun.Kind.TIMELINE, days, "timeline", now=now or timezone.now()
    )
