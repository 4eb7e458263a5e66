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


def _write_postgres(
    results: Sequence[Scored], *, now: dt.datetime, model_label: str, reason: str
) -> None:
    """COPY the results into a temporary table, then one UPDATE ... FROM and one INSERT of
    history rows for the scores that changed."""
    from leads.facade import Lead

    lead_table = connection.ops.quote_name(Lead._meta.db_table)
    snap_table = connection.ops.quote_name(ScoreSnapshot._meta.db_table)
    with connection.cursor() as cursor:
        # Scores are derived data, recomputed by the next run: a crash may lose this
        # chunk's commit, never corrupt it, so the chunk need not wait for the WAL flush.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS scoring_batch (id uuid, score smallint, "
            "grade varchar(1), fit smallint, eng integer, factors jsonb, changed boolean) "
            "ON COMMIT DELETE ROWS"
        )
        raw = cursor.cursor
        with raw.copy(
            "COPY scoring_batch (id, score, grade, fit, eng, factors, changed) FROM STDIN"
        ) as copy:
            for s in results:
                if s.needs_write:
                    copy.write_row(
                        (
                            s.lead_id,
                            s.score,
                            s.grade,
                            s.fit,
                            s.engagement,
                            s.factors_json(),
                            s.changed,
                        )
                    )
        # Lock the leads whose score or grade this run changes, re-checked against the row
        # as committed: a per-lead rescore that committed the same value meanwhile (the row
        # lock waits for it) makes this run's history row a duplicate, so it is not written.
        cursor.execute(
            f"SELECT l.id FROM {lead_table} AS l JOIN scoring_batch AS b ON l.id = b.id "  # noqa: S608
            "WHERE b.changed AND (l.scored_at IS NULL OR l.score IS DISTINCT FROM b.score "
            "OR l.grade IS DISTINCT FROM b.grade) ORDER BY l.id FOR UPDATE OF l"
        )
        changed_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"UPDATE {lead_table} AS l SET score = b.score, grade = b.grade, "  # noqa: S608
            "fit_score = b.fit, engagement_score = b.eng, score_factors = b.factors, "
            "scored_at = %s FROM scoring_batch AS b WHERE l.id = b.id",
            [now],
        )
        cursor.execute(
            f"INSERT INTO {snap_table} (lead_id, score, grade, fit_score, engagement_score, "  # noqa: S608
            "factors, model_label, reason, created_at) SELECT id, score, grade, fit, eng, "
            "factors, %s, %s, %s FROM scoring_batch WHERE id = ANY(%s)",
            [model_label, reason, now, changed_ids],
        )
        cursor.execute("TRUNCATE scoring_batch")


def _write_generic(
    results: Sequence[Scored], *, now: dt.datetime, model_label: str, reason: str
) -> None:
    from leads.facade import Lead

    objs = []
    for s in results:
        if not s.needs_write:
            continue
        obj = Lead(pk=s.lead_id)
        obj.score, obj.grade, obj.fit_score = s.score, s.grade, s.fit
        obj.engagement_score, obj.score_factors, obj.scored_at = s.engagement, s.factors, now
        objs.append(obj)
    Lead.all_objects.bulk_update(
        objs,
        ["score", "grade", "fit_score", "engagement_score", "score_factors", "scored_at"],
        batch_size=500,
    )
    ScoreSnapshot.objects.bulk_create(
        [
            _snapshot(s, now=now, model_label=model_label, reason=reason)
            for s in results
            if s.changed
        ],
        batch_size=1000,
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
    from leads.facade import Lead

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
    Lead.all_objects.filter(pk=s.lead_id).update(
        score=s.score,
        grade=s.grade,
        fit_score=s.fit,
        engagement_score=s.engagement,
        score_factors=factors,
        scored_at=now,
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
