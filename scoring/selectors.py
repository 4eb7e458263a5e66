"""Reads of the scoring app: lead rows and interaction aggregates for the engine, the active
learned model, score history and alerts."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Count, FloatField, Max, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from scoring.engine import INTERACTION_TYPES, LEAD_COLUMNS, Activity, Config, RulesModel
from scoring.models import ScoreAlert, ScoreSnapshot, ScoringModel


def _activity_aggregates() -> dict[str, Any]:
    aggs: dict[str, Any] = {f"n_{t}": Count("id", filter=Q(type=t)) for t in INTERACTION_TYPES}
    aggs["sessions"] = Count("session_id", distinct=True, filter=~Q(session_id=""))
    aggs["pages"] = Count(
        Coalesce(KT("properties__path"), KT("properties__url")),
        distinct=True,
        filter=Q(type="page_view"),
    )
    aggs["seconds"] = Sum(
        Cast(KT("properties__duration"), FloatField()),
        filter=Q(type__in=("page_view", "page_exit")),
    )
    aggs["last_at"] = Max("occurred_at")
    return aggs


def _activities(rows) -> dict[Any, Activity]:
    out: dict[Any, Activity] = {}
    for r in rows:
        out[r["lead_id"]] = Activity(
            counts={t: r[f"n_{t}"] for t in INTERACTION_TYPES if r[f"n_{t}"]},
            sessions=r["sessions"] or 0,
            pages=r["pages"] or 0,
            seconds=float(r["seconds"] or 0.0),
            last_at=r["last_at"],
        )
    return out


def activity_for(lead_ids: Sequence[Any]) -> dict[Any, Activity]:
    """Interaction aggregates (counts per type, sessions, distinct pages, seconds, last
    activity) for these leads, in one grouped query."""
    from analytics.facade import interactions

    if not lead_ids:
        return {}
    return _activities(
        interactions()
        .filter(lead_id__in=list(lead_ids))
        .order_by()
        .values("lead_id")
        .annotate(**_activity_aggregates())
    )


def activity_for_range(first_id: Any, last_id: Any) -> dict[Any, Activity]:
    """The same for every lead whose id lies in ``[first_id, last_id]`` (an index range
    scan, for bulk chunks of consecutive ids)."""
    from django.db import connection

    from analytics.facade import interactions

    if connection.vendor == "postgresql":
        return _pg_activity_range(first_id, last_id)
    return _activities(
        interactions()
        .filter(lead_id__gte=first_id, lead_id__lte=last_id)
        .order_by()
        .values("lead_id")
        .annotate(**_activity_aggregates())
    )


def lead_rows(lead_ids: Sequence[Any]) -> list[tuple]:
    """``LEAD_COLUMNS`` tuples of live (not deleted or erased) leads."""
    from leads.facade import Lead

    return list(
        Lead.objects.filter(pk__in=list(lead_ids), erased_at__isnull=True).values_list(
            *LEAD_COLUMNS
        )
    )


def lead_row_chunks(*, chunk_size: int, lead_ids: Sequence[Any] | None = None) -> Iterator[list]:
    """All live leads as ``LEAD_COLUMNS`` tuples, in primary-key chunks (keyset paging).
    On PostgreSQL list columns come as their lengths (computed by the database)."""
    from django.db import connection

    if connection.vendor == "postgresql" and lead_ids is None:
        yield from _pg_row_chunks(chunk_size)
        return
    from leads.facade import Lead

    base = Lead.objects.filter(erased_at__isnull=True)
    if lead_ids is not None:
        base = base.filter(pk__in=list(lead_ids))
    last = None
    while True:
        qs = base.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        chunk = list(qs.values_list(*LEAD_COLUMNS)[:chunk_size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]
        if len(chunk) < chunk_size:
            return


def fast_cursor():
    """A plain psycopg cursor on Django's PostgreSQL connection with psycopg's own (C)
    timestamptz loader: Django's Python-level time-zone loader costs several times more
    than the query when reading tens of thousands of rows."""
    import psycopg
    from django.db import connection
    from psycopg.types.datetime import TimestamptzLoader

    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)
    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
    return cursor


def _pg_row_chunks(chunk_size: int) -> Iterator[list]:
    from django.db import connection

    from leads.facade import Lead

    table = connection.ops.quote_name(Lead._meta.db_table)
    columns = ", ".join(
        f"CASE WHEN jsonb_typeof({c}) = 'array' THEN jsonb_array_length({c}) ELSE 0 END"
        if c in ("pain_points", "tech_stack")
        else f"CASE WHEN jsonb_typeof({c}) = 'array' THEN {c} ELSE '[]'::jsonb END"
        if c == "interests"
        else c
        for c in LEAD_COLUMNS
    )
    sql = (
        f"SELECT {columns} FROM {table} WHERE deleted_at IS NULL AND erased_at IS NULL "  # noqa: S608
        "AND id > %s ORDER BY id LIMIT %s"
    )
    last: Any = uuid.UUID(int=0)
    while True:
        with fast_cursor() as cursor:
            cursor.execute(sql, [last, chunk_size])
            chunk = cursor.fetchall()
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]
        if len(chunk) < chunk_size:
            return


def _pg_activity_range(first_id: Any, last_id: Any) -> dict[Any, Activity]:
    from django.db import connection

    from analytics.facade import interaction_table

    table = connection.ops.quote_name(interaction_table())
    counts = ", ".join(f"count(*) FILTER (WHERE type = '{t}')" for t in INTERACTION_TYPES)
    sql = (
        f"SELECT lead_id, {counts}, "  # noqa: S608 - fixed identifiers only
        "count(DISTINCT session_id) FILTER (WHERE session_id <> ''), "
        "count(DISTINCT coalesce(properties->>'path', properties->>'url')) "
        "FILTER (WHERE type = 'page_view'), "
        "sum((properties->>'duration')::double precision) FILTER (WHERE type IN "
        "('page_view', 'page_exit') AND jsonb_typeof(properties->'duration') = 'number'), "
        f"max(occurred_at) FROM {table} WHERE lead_id >= %s AND lead_id <= %s "
        "GROUP BY lead_id"
    )
    n = len(INTERACTION_TYPES)
    out: dict[Any, Activity] = {}
    with fast_cursor() as cursor:
        cursor.execute(sql, [first_id, last_id])
        for r in cursor.fetchall():
            out[r[0]] = Activity(
                counts={t: r[1 + i] for i, t in enumerate(INTERACTION_TYPES) if r[1 + i]},
                sessions=r[n + 1] or 0,
                pages=r[n + 2] or 0,
                seconds=float(r[n + 3] or 0.0),
                last_at=r[n + 4],
            )
    return out


def live_lead_count() -> int:
    from leads.facade import Lead

    return Lead.objects.filter(erased_at__isnull=True).count()


_model_cache: dict[int, Any] = {}
_model_lock = threading.Lock()


def active_model(config: Config) -> Any:
    """The active learned model (cached per process and version), else the rules. A model
    of an earlier algorithm (the logistic regression over the rules' values) is not loaded:
    the rules score until a model is trained again."""
    from scoring.learned import ALGORITHM, LearnedModel, load

    row = (
        ScoringModel.objects.filter(is_active=True, algorithm=ALGORITHM)
        .values_list("version", flat=True)
        .first()
    )
    if row is None:
        return RulesModel(config)
    with _model_lock:
        model = _model_cache.get(row)
        if model is None:
            blob = ScoringModel.objects.values_list("artifact", flat=True).get(version=row)
            model = LearnedModel(load(blob), row)
            _model_cache.clear()
            _model_cache[row] = model
    return model


def score_history(*, lead_id: Any, limit: int = 50) -> QuerySet[ScoreSnapshot]:
    return ScoreSnapshot.objects.filter(lead_id=lead_id).order_by("-created_at", "-id")[:limit]


def alerts_recent(*, limit: int = 20) -> QuerySet[ScoreAlert]:
    return ScoreAlert.objects.select_related("lead").order_by("-created_at", "-id")[:limit]


def labelled_leads() -> QuerySet:
    """Leads with a known outcome: won/lost, or stage customer (won), oldest first."""
    from leads.facade import Lead

    return (
        Lead.objects.filter(erased_at__isnull=True)
        .filter(Q(outcome__in=("won", "lost")) | Q(stage="customer"))
        .order_by("created_at", "pk")
    )


__all__ = [
    "activity_for",
    "active_model",
    "alerts_recent",
    "labelled_leads",
    "lead_row_chunks",
    "lead_rows",
    "live_lead_count",
    "score_history",
]
