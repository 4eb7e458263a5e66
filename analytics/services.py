"""Writes of the analytics app: recording interactions (the ingestion fast path).

The request only validates, stamps the context and bulk-inserts; behaviours, triggers and
stage checks run in Celery (``leads.tasks.process_lead_events``) after commit.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import TYPE_CHECKING, Any

from django.db import connections, transaction
from django.utils import timezone

from analytics.context import interaction_context
from analytics.models import Interaction, TrackedBatch
from analytics.tracking_sql import (
    INTERACTION_COLUMNS,
    TOUCH_FIELDS,
    VISITOR_COLUMNS,
    VISITOR_MERGE,
    VISITOR_TOUCH_SECONDS,
)
from analytics.validation import EventsInvalid, validate_event, validate_events
from leads.facade import Visitor

if TYPE_CHECKING:
    from core.context import RequestContext

__all__ = [
    "EventsInvalid",
    "interaction_record",
    "interactions_insert",
    "interactions_record",
    "schedule_lead_processing",
    "track_ingest",
]


def _lead_id_of(visitor: Any, lead: Any) -> Any:
    if lead is not None:
        return lead.pk
    if visitor is not None:
        return visitor.lead_id
    return None


def schedule_lead_processing(lead_id: Any) -> None:
    """Enqueue the lead's behaviours and triggers (after commit, through the outbox)."""
    if lead_id is None:
        return
    from leads.facade import lead_events_process_later

    lead_events_process_later(lead_id=lead_id)


@transaction.atomic
def interactions_record(
    *,
    events: list[dict],
    visitor: Any | None,
    lead: Any | None = None,
    ctx: RequestContext | None = None,
    strict: bool = True,
) -> list[Interaction]:
    """Validate ``events`` (all or nothing, per-index errors) and bulk-insert them.

    ``lead`` defaults to the visitor's lead, so events of an identified visitor are
    attributed at once; anonymous events are attributed when the visitor identifies.
    """
    clean = validate_events(events, strict=strict)
    return interactions_insert(clean=clean, visitor=visitor, lead=lead, ctx=ctx)


def interactions_insert(
    *,
    clean: list[dict],
    visitor: Any | None,
    lead: Any | None = None,
    ctx: RequestContext | None = None,
) -> int:
    """Insert events already checked by ``validate_events`` (the API's fast path) and
    return how many were stored.

    On PostgreSQL the rows go in with one ``COPY`` (a single atomic statement, no model
    instances); elsewhere through ``bulk_create``.
    """
    context = interaction_context(ctx)
    lead_id = _lead_id_of(visitor, lead)
    visitor_id = visitor.pk if visitor is not None else None
    connection = connections[Interaction.objects.db]
    if connection.vendor == "postgresql":
        _raw_insert(connection, clean, visitor_id, lead_id, context)
    else:
        Interaction.objects.bulk_create(
            [
                Interaction(
                    type=item["type"],
                    category=item["category"],
                    visitor_id=visitor_id,
                    lead_id=lead_id,
                    session_id=item["session_id"],
                    properties=item["properties"],
                    context=context,
                    occurred_at=item["occurred_at"],
                )
                for item in clean
            ]
        )
    schedule_lead_processing(lead_id)
    return len(clean)


COPY_THRESHOLD = 10  # below this many rows one INSERT is a round trip cheaper than COPY


def _raw_insert(connection, clean: list[dict], visitor_id, lead_id, context: dict) -> None:
    """One statement (so atomic even in autocommit): INSERT for a few rows, COPY for more."""
    table = connection.ops.quote_name(Interaction._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in INTERACTION_COLUMNS)
    context_json = json.dumps(context, separators=(",", ":"))
    now = timezone.now()
    rows = [
        (
            item["type"],
            item["category"],
            visitor_id,
            lead_id,
            item["session_id"],
            json.dumps(item["properties"], separators=(",", ":")),
            context_json,
            item["occurred_at"],
            now,
        )
        for item in clean
    ]
    with connection.cursor() as cursor:
        if len(rows) < COPY_THRESHOLD:
            one = "(" + ", ".join(["%s"] * len(INTERACTION_COLUMNS)) + ")"
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))}",  # noqa: S608
                [value for row in rows for value in row],
            )
            return
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@transaction.atomic
def interaction_record(
    *,
    type: str,  # noqa: A002 - the contract's name
    properties: dict,
    visitor: Any | None = None,
    lead: Any | None = None,
    ctx: RequestContext | None = None,
    session_id: str = "",
    occurred_at: dt.datetime | None = None,
) -> Interaction:
    """Record one server-side event (download, chat, registration, email open/click).

    Properties are checked against the type's schema; extra keys are kept (trusted caller).
    """
    event: dict[str, Any] = {"type": type, "properties": properties, "session_id": session_id}
    item, errors = validate_event(event, strict=False)
    if errors:
        raise EventsInvalid(errors)
    context = interaction_context(ctx)
    lead_id = _lead_id_of(visitor, lead)
    interaction = Interaction.objects.create(
        type=item["type"],
        category=item["category"],
        visitor=visitor,
        lead_id=lead_id,
        session_id=item["session_id"],
        properties=item["properties"],
        context=context,
        occurred_at=occurred_at or item["occurred_at"],
    )
    schedule_lead_processing(lead_id)
    return interaction


# --- The /api/track fast path ----------------------------------------------------------------


def track_ingest(
    *,
    clean: list[dict],
    visitor_id: str | None,
    ctx: RequestContext | None = None,
    touch: dict[str, str] | None = None,
    batch_id: str | None = None,
) -> tuple[uuid.UUID, int]:
    """Touch (or create) the visitor and store its validated events; returns the visitor id
    and how many events were stored (0 for a batch id already stored: a client's retry).

    On PostgreSQL this is ONE statement: the batch claim, the visitor upsert (``last_seen``
    refreshed at most once a minute, first-touch attribution kept) and the insert,
    attributed to the visitor's lead, in a single round trip. Elsewhere it is a batch claim,
    ``visitor_touch`` and ``interactions_insert`` in one transaction.
    """
    from leads.facade import visitor_touch

    connection = connections[Interaction.objects.db]
    if connection.vendor != "postgresql":
        with transaction.atomic():
            visitor = visitor_touch(visitor_id=visitor_id, ctx=ctx, **(touch or {}))
            if batch_id is not None:
                _, claimed = TrackedBatch.objects.get_or_create(
                    batch_id=batch_id,
                    defaults={"accepted": len(clean), "created_at": timezone.now()},
                )
                if not claimed:
                    return visitor.pk, 0
            return visitor.pk, interactions_insert(clean=clean, visitor=visitor, ctx=ctx)

    try:
        vid = uuid.UUID(str(visitor_id)) if visitor_id else uuid.uuid4()
    except ValueError:
        vid = uuid.uuid4()
    context = interaction_context(ctx)
    now = timezone.now()
    attribution = {key: str((touch or {}).get(key) or "")[:length] for key, length in TOUCH_FIELDS}
    visitor_table = connection.ops.quote_name(Visitor._meta.db_table)
    table = connection.ops.quote_name(Interaction._meta.db_table)
    batch_table = connection.ops.quote_name(TrackedBatch._meta.db_table)
    values_sql = ", ".join(["(%s, %s, %s, %s::jsonb, %s::timestamptz)"] * len(clean))
    # A batch id claims its row first; on a retry the claim returns nothing and no event
    # is inserted (the claim of a concurrent twin waits for it, then returns nothing).
    claim_sql, claim_where, claim_params = "", "", []
    if batch_id is not None:
        claim_sql = f"""b AS (
    INSERT INTO {batch_table} (batch_id, accepted, created_at) VALUES (%s, %s, %s)
    ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id
), """  # noqa: S608 - the table name comes from the model
        claim_where = "WHERE EXISTS (SELECT 1 FROM b)"
        claim_params = [batch_id, len(clean), now]
    sql = f"""
WITH {claim_sql}v AS (
    INSERT INTO {visitor_table} AS old ({VISITOR_COLUMNS})
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
{VISITOR_MERGE}
    RETURNING lead_id
), owner AS (
    SELECT COALESCE(
        (SELECT lead_id FROM v),
        (SELECT lead_id FROM {visitor_table} WHERE id = %s)
    ) AS lead_id
)
INSERT INTO {table} (type, category, visitor_id, lead_id, session_id, properties, context,
    occurred_at, created_at)
SELECT e.type, e.category, %s, owner.lead_id, e.session_id, e.properties, %s::jsonb,
    e.occurred_at, %s
FROM owner, (VALUES {values_sql}) AS e(type, category, session_id, properties, occurred_at)
{claim_where}
RETURNING lead_id
"""  # noqa: S608 - table names come from the models, values are parameters
    params: list[Any] = [
        *claim_params,
        vid,
        now,
        now,
        attribution["utm_source"],
        attribution["utm_medium"],
        attribution["utm_campaign"],
        attribution["referrer"],
        attribution["landing_page"],
        context.get("browser", "")[:100],
        context.get("device", "")[:20],
        context.get("os", "")[:100],
        VISITOR_TOUCH_SECONDS,
        vid,
        vid,
        json.dumps(context, separators=(",", ":")),
        now,
    ]
    for item in clean:
        params += [
            item["type"],
            item["category"],
            item["session_id"],
            json.dumps(item["properties"], separators=(",", ":")),
            item["occurred_at"],
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    lead_id = rows[0][0] if rows else None
    schedule_lead_processing(lead_id)
    return vid, len(rows)
