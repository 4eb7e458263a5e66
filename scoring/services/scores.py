"""Scoring one lead: set-based writes of the score columns, the score history, the
real-time push after commit, and the debounced rescore other apps ask for.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from core.queue import enqueue_with
from scoring import selectors
from scoring.engine import (
    LEAD_COLUMNS,
    Config,
    Scored,
    explain,
    score_rows,
)
from scoring.models import ScoreAlert, ScoreSnapshot
from scoring.services.alerts import alert_raise

log = logging.getLogger(__name__)

GRADE_A = ScoreAlert.Reason.GRADE_A.value
HIGH_INTENT = ScoreAlert.Reason.HIGH_INTENT.value


# --- writing scores ---------------------------------------------------------------------------


def write_scores(
    results: Sequence[Scored], *, now: dt.datetime, model_label: str, reason: str
) -> None:
    """Write the leads' score columns through ``leads.facade`` (one set-based statement),
    then the history rows of the leads whose score or grade changed as committed."""
    from leads.facade import LeadScore, lead_scores_save

    changed_ids = set(
        lead_scores_save(
            scores=[
                LeadScore(
                    lead_id=s.lead_id,
                    score=s.score,
                    grade=s.grade,
                    fit=s.fit,
                    engagement=s.engagement,
                    factors=s.factors_json(),
                    changed=s.changed,
                )
                for s in results
                if s.needs_write
            ],
            now=now,
        )
    )
    history = [s for s in results if s.changed and s.lead_id in changed_ids]
    if connection.vendor == "postgresql":
        _history_copy(history, now=now, model_label=model_label, reason=reason)
    else:
        ScoreSnapshot.objects.bulk_create(
            [_snapshot(s, now=now, model_label=model_label, reason=reason) for s in history],
            batch_size=1000,
        )


def _history_copy(
    history: Sequence[Scored], *, now: dt.datetime, model_label: str, reason: str
) -> None:
    """COPY the history rows (PostgreSQL): the bulk path writes up to a chunk at once."""
    if not history:
        return
    snap_table = connection.ops.quote_name(ScoreSnapshot._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {snap_table} (lead_id, score, grade, fit_score, engagement_score, "
            "factors, model_label, reason, created_at) FROM STDIN"
        ) as copy,
    ):
        for s in history:
            copy.write_row(
                (
                    s.lead_id,
                    s.score,
                    s.grade,
                    s.fit,
                    s.engagement,
                    s.factors_json(),
                    model_label,
                    reason,
                    now,
                )
            )


def _snapshot(
    s: Scored, *, now: dt.datetime, model_label: str, reason: str, factors: dict | None = None
) -> ScoreSnapshot:
    return ScoreSnapshot(
        lead_id=s.lead_id,
        score=s.score,
        grade=s.grade,
        fit_score=s.fit,
        engagement_score=min(s.engagement, 100),
        factors=factors if factors is not None else s.factors,
        model_label=model_label,
        reason=reason[:40],
        created_at=now,
    )


def _newly_a(results: Sequence[Scored]) -> list[Scored]:
    return [s for s in results if s.grade == "A" and s.previous_grade != "A"]


# --- one lead ---------------------------------------------------------------------------------


@dataclass
class ScoreOutcome:
    """The result of rescoring one lead (what the API returns)."""

    lead_id: Any
    score: int
    grade: str
    fit: int
    engagement: int
    factors: dict
    model: str
    changed: bool
    previous_score: int | None
    previous_grade: str
    actions: dict = field(default_factory=dict)

    def explained(self) -> list[dict]:
        weights = Config.from_settings().weights if self.model == "rules" else None
        return explain(self.factors, weights)


def lead_rescore(
    *, lead_id: Any, reason: str = "manual", with_actions: bool = False, now=None
) -> ScoreOutcome:
    """Rescore one lead now (row-locked, idempotent): write its score columns, add a history
    row if the score or grade changed, raise the grade-A alert the first time it gets A and
    push the change to the live dashboard after commit.

    ``with_actions`` adds next-best actions, computed after the score is committed: they may
    ask an LLM, and no network call runs while the lead row is locked."""
    outcome = _rescore_locked(lead_id=lead_id, reason=reason, now=now)
    if with_actions:
        from leads.facade import Lead
        from scoring.actions import next_best_actions

        lead = Lead.all_objects.get(pk=outcome.lead_id)
        outcome.actions = next_best_actions(
            lead=lead, score=outcome.score, grade=outcome.grade, factors=outcome.factors
        )
    return outcome


@transaction.atomic
def _rescore_locked(*, lead_id: Any, reason: str, now=None) -> ScoreOutcome:
    from leads.facade import Lead, lead_score_save

    now = now or timezone.now()
    row = (
        Lead.objects.select_for_update()
        .filter(pk=lead_id, erased_at__isnull=True)
        .values_list(*LEAD_COLUMNS)
        .first()
    )
    if row is None:
        raise Lead.DoesNotExist(f"No live lead {lead_id}")
    config = Config.from_settings()
    model = selectors.active_model(config)
    (s,) = score_rows([row], selectors.activity_for([row[0]]), config=config, model=model, now=now)
    factors = s.factors
    lead_score_save(
        lead_id=s.lead_id,
        score=s.score,
        grade=s.grade,
        fit=s.fit,
        engagement=s.engagement,
        factors=factors,
        now=now,
    )
    if s.changed:
        _snapshot(s, now=now, model_label=model.label, reason=reason, factors=factors).save()
    if s.grade == "A" and s.previous_grade != "A":
        alert_raise(
            lead=Lead.all_objects.get(pk=s.lead_id),
            reason=GRADE_A,
            details={"score": s.score, "previous_grade": s.previous_grade},
        )
    if s.first_time or s.changed:
        _push_scored(s, model_label=model.label)
    return ScoreOutcome(
        lead_id=s.lead_id,
        score=s.score,
        grade=s.grade,
        fit=s.fit,
        engagement=s.engagement,
        factors=factors,
        model=model.label,
        changed=s.changed,
        previous_score=None if s.first_time else s.previous_score,
        previous_grade=s.previous_grade,
    )


def _push_scored(s: Scored, *, model_label: str) -> None:
    from analytics.facade import dashboard_push

    dashboard_push(
        event="lead.new" if s.first_time else "lead.scored",
        data={
            "lead_id": str(s.lead_id),
            "score": s.score,
            "grade": s.grade,
            "fit": s.fit,
            "engagement": s.engagement,
            "previous_grade": s.previous_grade,
            "model": model_label,
        },
    )


def lead_rescore_soon(*, lead_id: Any, reason: str = "event", first: bool = False) -> bool:
    """Schedule a rescoring of this lead after commit, debounced: events within
    ``SCORING_DEBOUNCE_SECONDS`` of the first share one run. Returns True if scheduled.

    ``first`` (a lead just created) scores it at once, so sales see the new lead live."""
    from scoring import tasks

    delay = 0 if first else settings.SCORING_DEBOUNCE_SECONDS
    if not cache.add(debounce_key(lead_id), reason, timeout=delay + 120):
        return False
    enqueue_with(tasks.rescore_lead, args=(str(lead_id),), countdown=delay)
    return True


def debounce_key(lead_id: Any) -> str:
    return f"scoring:pending:{lead_id}"


def lead_rescore_debounced(*, lead_id: Any) -> ScoreOutcome | None:
    """What the debounced task runs: clear the pending mark first (events arriving during
    the run schedule another), then rescore; a lead erased meanwhile is skipped."""
    from leads.facade import Lead

    cache.delete(debounce_key(lead_id))
    try:
        return lead_rescore(lead_id=lead_id, reason="event")
    except Lead.DoesNotExist:
        return None
