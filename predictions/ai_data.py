"""``Lead.ai_data["predicted"]``: what the active models say about each lead, with where
each value came from, written after training (``predictions.training.train_all``).

Filled from what the models support: ``propensity`` (per service, and the most likely
one) and ``churn_risk`` from the latest activated runs; ``cluster`` from k-means over the
lead's behaviour (visits, page views, time on site, scroll depth, recency);
``intent_score``, ``budget_band`` (band and amount) and ``timeline`` (band and days) from
the latest activated runs of ``predictions.profile_models``, each with its top ``factors``;
and ``next_best_action``, a stated rule over those values. Each entry is
``{"value": ..., "source": ..., "at": ...}``. A model that is not active leaves its key out
rather than guessing.
Other keys of ``ai_data`` (``sophistication``, ``chat_summary``) are kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
from django.utils import timezone

from leads.facade import Lead, lead_ai_data_set
from predictions.models import LeadPrediction, ModelRun

CHURN_ACTION_AT = 0.5
PROPENSITY_ACTION_AT = 0.3
CLUSTERS = 4


def _latest_active() -> list[ModelRun]:
    seen: dict[tuple[str, str], ModelRun] = {}
    for run in ModelRun.objects.order_by("-trained_at", "-pk"):
        seen.setdefault((run.kind, run.service), run)
    return [r for r in seen.values() if r.active]


def _behaviour(lead: Any, now: dt.datetime) -> list[float]:
    recency = (now - lead.last_visit_at).days if lead.last_visit_at else 365
    return [
        np.log1p(lead.visits or 0),
        np.log1p(lead.page_views or 0),
        np.log1p(lead.time_on_site_seconds or 0),
        float(lead.avg_scroll_depth or 0) / 100,
        np.log1p(max(recency, 0)),
    ]


def _clusters(leads: list[Any], now: dt.datetime) -> dict[Any, dict[str, Any]]:
    if len(leads) < CLUSTERS * 5:
        return {}
    from sklearn.cluster import KMeans

    x = np.array([_behaviour(lead, now) for lead in leads])
    km = KMeans(n_clusters=CLUSTERS, n_init=5, random_state=0).fit(x)
    # Name each cluster by its centroid: busier and more recent = more engaged.
    c = km.cluster_centers_
    rank = np.argsort(np.argsort(-(c[:, 0] + c[:, 1] + c[:, 2] + c[:, 3] - c[:, 4] / 2)))
    names = ["most engaged", "engaged", "light", "dormant"]
    return {
        lead.pk: {"id": int(label), "name": names[int(rank[label])]}
        for lead, label in zip(leads, km.labels_, strict=True)
    }


PROFILE_KINDS = (ModelRun.Kind.INTENT, ModelRun.Kind.BUDGET, ModelRun.Kind.TIMELINE)


def _profile_value(kind: str, score: float) -> tuple[str, Any]:
    """The ``ai_data`` key and value of an intent, budget or timeline prediction."""
    from predictions.profile_models import BUDGET_BANDS, TIMELINE_BANDS, band

    if kind == ModelRun.Kind.INTENT:
        return "intent_score", round(score, 4)
    if kind == ModelRun.Kind.BUDGET:
        return "budget_band", {"band": band(score, BUDGET_BANDS), "amount": round(score)}
    return "timeline", {"band": band(score, TIMELINE_BANDS), "days": round(score)}


def next_best_action(values: dict[str, Any]) -> str:
    churn = values.get("churn_risk")
    if churn is not None and churn >= CHURN_ACTION_AT:
        return "Check in with the account: churn risk is high"
    top = values.get("top_service")
    if top and top["probability"] >= PROPENSITY_ACTION_AT:
        return f"Offer {top['service']} (most likely purchase)"
    return "Keep nurturing"


def fill_ai_data(*, now: dt.datetime | None = None) -> int:
    """Write ``ai_data["predicted"]`` on every live lead; returns how many were written."""
    now = now or timezone.now()
    at = now.isoformat()
    runs = _latest_active()
    per_lead: dict[Any, dict[str, Any]] = defaultdict(dict)
    factored: dict[Any, dict[str, Any]] = defaultdict(dict)
    for run in runs:
        src = f"{run.kind}{':' + run.service if run.service else ''} model, run {run.pk}"
        rows = LeadPrediction.objects.filter(run=run).values_list("lead", "score", "factors")
        for lead_id, score, factors in rows:
            if run.kind in PROFILE_KINDS:
                key, value = _profile_value(run.kind, score)
                factored[lead_id][key] = factors
                per_lead[lead_id][key] = (value, src)
            elif run.kind == ModelRun.Kind.CHURN:
                per_lead[lead_id]["churn_risk"] = (round(score, 4), src)
            else:
                per_lead[lead_id].setdefault("propensity", ({}, "propensity models"))
                per_lead[lead_id]["propensity"][0][run.service] = round(score, 4)
    leads = list(Lead.objects.all())
    clusters = _clusters(leads, now)
    written = 0
    for lead in leads:
        got = per_lead.get(lead.pk, {})
        entries: dict[str, Any] = {
            k: {"value": v, "source": s, "at": at} for k, (v, s) in got.items()
        }
        for key, factors in factored.get(lead.pk, {}).items():
            entries[key]["factors"] = factors
        values = {k: v for k, (v, _s) in got.items()}
        if "propensity" in got:
            service, p = max(got["propensity"][0].items(), key=lambda kv: kv[1])
            values["top_service"] = {"service": service, "probability": p}
            entries["top_service"] = {
                "value": values["top_service"],
                "source": f"highest of the propensity models (propensity:{service})",
                "at": at,
            }
        if lead.pk in clusters:
            entries["cluster"] = {
                "value": clusters[lead.pk],
                "source": f"k-means ({CLUSTERS}) over visits, page views, time, scroll, recency",
                "at": at,
            }
        entries["next_best_action"] = {
            "value": next_best_action(values),
            "source": f"rule: churn risk >= {CHURN_ACTION_AT}, else top propensity >= "
            f"{PROPENSITY_ACTION_AT}, else keep nurturing",
            "at": at,
        }
        if lead_ai_data_set(lead_id=lead.pk, key="predicted", value=entries):
            written += 1
    return written
