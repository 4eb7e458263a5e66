"""Writes of the scoring app, one module per concern (re-exported here, so
``from scoring.services import ...`` keeps working):

- ``scores``: rescoring one lead (now, or debounced) and the score history;
- ``bulk``: rescoring all leads, or the recently active ones from beat;
- ``alerts``: hot-lead alerts and their delivery;
- ``training``: training and activating the learned model.

The custom metrics of seed 14.2 and their sweep are ``analytics``' (``analytics.facade``).

Score columns of ``leads.Lead`` (``score``, ``grade``, ``fit_score``, ``engagement_score``,
``score_factors``, ``scored_at``) are written here only, with set-based updates (never a
model ``save()``, so the leads app's own columns are never overwritten).

Other apps call:

- ``lead_rescore_soon(lead_id=...)`` after an event that can change a score (debounced);
- ``alert_raise(lead=..., reason="high_intent", details={...})`` for a high-intent trigger.
"""

from __future__ import annotations

from scoring.services.alerts import (
    alert_deliver,
    alert_payload,
    alert_raise,
    lead_admin_url,
)
from scoring.services.bulk import (
    SWEEP_KEY,
    BulkStats,
    leads_rescore_bulk,
    leads_rescore_recent,
)
from scoring.services.scores import (
    GRADE_A,
    HIGH_INTENT,
    ScoreOutcome,
    debounce_key,
    lead_rescore,
    lead_rescore_debounced,
    lead_rescore_soon,
)
from scoring.services.training import (
    scoring_model_activate,
    scoring_model_train,
    training_records,
)

__all__ = [
    "BulkStats",
    "GRADE_A",
    "HIGH_INTENT",
    "SWEEP_KEY",
    "ScoreOutcome",
    "alert_deliver",
    "alert_payload",
    "alert_raise",
    "debounce_key",
    "lead_admin_url",
    "lead_rescore",
    "lead_rescore_debounced",
    "lead_rescore_soon",
    "leads_rescore_bulk",
    "leads_rescore_recent",
    "scoring_model_activate",
    "scoring_model_train",
    "training_records",
]
