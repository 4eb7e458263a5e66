"""The score columns of a lead (``score``, ``grade``, ``fit_score``, ``engagement_score``,
``score_factors``, ``scored_at``), written for the scoring app, which computes them.

Set-based updates only, never a model ``save()``, so that the lead's other columns are
never overwritten by a stale instance. Scores are derived data (the next run recomputes
them), so they are not audited.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from leads.models import Lead

SCORE_FIELDS = ("score", "grade", "fit_score", "engagement_score", "score_factors", "scored_at")


@dataclass(frozen=True, slots=True)
class LeadScore:
    """One lead's computed score. ``factors`` is the explanation, a dict or its JSON text
    (bulk writes pass the text, built fast by the engine). ``changed`` says the score or
    grade differs from what the scorer read (a history row is due)."""

    lead_id: Any
    score: int
    grade: str
    fit: int
    engagement: int
    factors: dict | str
    changed: bool = True


def lead_score_save(
    *,
    lead_id: Any,
    score: int,
    grade: str,
    fit: int,
    engagement: int,
    factors: dict,
    now: dt.datetime,
) -> int:
    """Write one lead's score columns (the caller holds the row lock); returns rows written."""
    return Lead.all_objects.filter(pk=lead_id).update(
        score=score,
        grade=grade,
        fit_score=fit,
        engagement_score=engagement,
        score_factors=factors,
        scored_at=now,
    )


def lead_scores_save(*, scores: Sequence[LeadScore], now: dt.datetime) -> list[Any]:
    """Write many leads' score columns in one set-based statement. Returns the ids of the
    ``changed`` leads whose score or grade differs from the row as committed: each is
    locked first, so a per-lead rescore that committed the same value meanwhile does not
    get a duplicate history row."""
    if not scores:
        return []
    if connection.vendor == "postgresql":
        return _save_postgres(scores, now=now)
    return _save_generic(scores, now=now)


def _factors_text(factors: dict | str) -> str:
    return factors if isinstance(factors, str) else json.dumps(factors)


def _save_postgres(scores: Sequence[LeadScore], *, now: dt.datetime) -> list[Any]:
    """COPY the scores into a temporary table, lock the changed rows, then one UPDATE ...
    FROM."""
    lead_table = connection.ops.quote_name(Lead._meta.db_table)
    with connection.cursor() as cursor:
        # Scores are derived data, recomputed by the next run: a crash may lose this
        # chunk's commit, never corrupt it, so the chunk need not wait for the WAL flush.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS leads_score_batch (id uuid, score smallint, "
            "grade varchar(1), fit smallint, eng integer, factors jsonb, changed boolean) "
            "ON COMMIT DELETE ROWS"
        )
        raw = cursor.cursor
        with raw.copy(
            "COPY leads_score_batch (id, score, grade, fit, eng, factors, changed) FROM STDIN"
        ) as copy:
            for s in scores:
                copy.write_row(
                    (
                        s.lead_id,
                        s.score,
                        s.grade,
                        s.fit,
                        s.engagement,
                        _factors_text(s.factors),
                        s.changed,
                    )
                )
        # Lock the leads whose score or grade this run changes, re-checked against the row
        # as committed.
        cursor.execute(
            f"SELECT l.id FROM {lead_table} AS l JOIN leads_score_batch AS b ON l.id = b.id "  # noqa: S608
            "WHERE b.changed AND (l.scored_at IS NULL OR l.score IS DISTINCT FROM b.score "
            "OR l.grade IS DISTINCT FROM b.grade) ORDER BY l.id FOR UPDATE OF l"
        )
        changed_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"UPDATE {lead_table} AS l SET score = b.score, grade = b.grade, "  # noqa: S608
            "fit_score = b.fit, engagement_score = b.eng, score_factors = b.factors, "
            "scored_at = %s FROM leads_score_batch AS b WHERE l.id = b.id",
            [now],
        )
        cursor.execute("TRUNCATE leads_score_batch")
    return changed_ids


def _save_generic(scores: Sequence[LeadScore], *, now: dt.datetime) -> list[Any]:
    objs = []
    for s in scores:
        obj = Lead(pk=s.lead_id)
        obj.score, obj.grade, obj.fit_score = s.score, s.grade, s.fit
        obj.engagement_score, obj.scored_at = s.engagement, now
        obj.score_factors = json.loads(s.factors) if isinstance(s.factors, str) else s.factors
        objs.append(obj)
    Lead.all_objects.bulk_update(objs, list(SCORE_FIELDS), batch_size=500)
    return [s.lead_id for s in scores if s.changed]
